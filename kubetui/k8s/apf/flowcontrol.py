"""API Priority & Fairness, read-side: the objects as rows, and who-would-match.

Pure functions only (no I/O), so every server generation's shapes are unit-tested:

* ``priority_level_row`` / ``flow_schema_row`` read v1beta1..v1 objects
  (``assuredConcurrencyShares`` became ``nominalConcurrencyShares`` in v1beta3; lendable and
  borrowing percents appear in newer versions and are ``None`` when absent);
* the debug dump and the metrics are read in ``dump.py`` (the dump by its header: 1.20 has 6
  columns, newer servers add dispatched/rejected/timed-out/cancelled);
* ``match_flow_schema`` applies APF's matching rules client-side: schemas ordered by
  ``matchingPrecedence`` then name, the first whose rule matches subject AND (resource or
  non-resource) rule wins.

Malformed input yields empty or partial results, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# -- objects --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorityLevelRow:
    uid: str
    name: str
    type: str  # Exempt | Limited
    shares: int | None
    queuing: str  # "queues=64 hand=6 len=50", "Reject", or "" for Exempt
    lendable_percent: int | None
    borrowing_limit_percent: int | None

    @property
    def key(self) -> str:
        return self.uid


def _m(v: object) -> dict:
    return v if isinstance(v, dict) else {}


def _list(v: object) -> list:
    return v if isinstance(v, list) else []


def _int(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def priority_level_row(obj: dict) -> PriorityLevelRow:
    meta, spec = _m(obj.get("metadata")), _m(obj.get("spec"))
    limited = _m(spec.get("limited"))
    shares = _int(limited.get("nominalConcurrencyShares"))
    if shares is None:
        shares = _int(limited.get("assuredConcurrencyShares"))
    response = _m(limited.get("limitResponse"))
    if response.get("type") == "Queue":
        q = _m(response.get("queuing"))
        queuing = (
            f"queues={q.get('queues', '?')} hand={q.get('handSize', '?')} "
            f"len={q.get('queueLengthLimit', '?')}"
        )
    elif response.get("type") == "Reject":
        queuing = "Reject"
    else:
        queuing = ""
    return PriorityLevelRow(
        uid=str(meta.get("uid", "")),
        name=str(meta.get("name", "")),
        type=str(spec.get("type", "")),
        shares=shares,
        queuing=queuing,
        lendable_percent=_int(limited.get("lendablePercent")),
        borrowing_limit_percent=_int(limited.get("borrowingLimitPercent")),
    )


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # User | Group | ServiceAccount
    name: str
    namespace: str = ""


@dataclass(frozen=True, slots=True)
class ResourceRule:
    verbs: tuple[str, ...]
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    namespaces: tuple[str, ...]
    cluster_scope: bool


@dataclass(frozen=True, slots=True)
class NonResourceRule:
    verbs: tuple[str, ...]
    urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    subjects: tuple[Subject, ...]
    resource_rules: tuple[ResourceRule, ...]
    non_resource_rules: tuple[NonResourceRule, ...]


@dataclass(frozen=True, slots=True)
class FlowSchemaRow:
    uid: str
    name: str
    precedence: int
    priority_level: str
    distinguisher: str  # ByUser | ByNamespace | ""
    rules: tuple[Rule, ...]
    conditions: tuple[tuple[str, str, str], ...]  # (type, status, message)

    @property
    def key(self) -> str:
        return self.uid

    @property
    def dangling(self) -> bool:
        return any(t == "Dangling" and s == "True" for t, s, _ in self.conditions)

    def summary(self) -> str:
        """One line: who and what, e.g. "User kubetui-demo; * * *"."""
        subjects, what = [], []
        for rule in self.rules:
            for s in rule.subjects:
                subjects.append(
                    f"SA {s.namespace}/{s.name}"
                    if s.kind == "ServiceAccount"
                    else f"{s.kind} {s.name}"
                )
            for r in rule.resource_rules:
                what.append(f"{','.join(r.verbs)} {','.join(r.resources)}")
            for n in rule.non_resource_rules:
                what.append(f"{','.join(n.verbs)} {','.join(n.urls)}")
        return "; ".join(
            filter(None, [", ".join(dict.fromkeys(subjects)), ", ".join(dict.fromkeys(what))])
        )


def _strs(v: object) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, list) else ()


def _subject(s: dict) -> Subject | None:
    kind = s.get("kind")
    if kind == "User":
        return Subject("User", str(_m(s.get("user")).get("name", "")))
    if kind == "Group":
        return Subject("Group", str(_m(s.get("group")).get("name", "")))
    if kind == "ServiceAccount":
        sa = _m(s.get("serviceAccount"))
        return Subject("ServiceAccount", str(sa.get("name", "")), str(sa.get("namespace", "")))
    return None


def flow_schema_row(obj: dict) -> FlowSchemaRow:
    meta, spec, status = (_m(obj.get("metadata")), _m(obj.get("spec")), _m(obj.get("status")))
    rules = []
    for r in _list(spec.get("rules")):
        r = _m(r)
        subjects = tuple(s for s in (_subject(_m(x)) for x in _list(r.get("subjects"))) if s)
        resource_rules = tuple(
            ResourceRule(
                _strs(_m(x).get("verbs")),
                _strs(_m(x).get("apiGroups")),
                _strs(_m(x).get("resources")),
                _strs(_m(x).get("namespaces")),
                bool(_m(x).get("clusterScope", False)),
            )
            for x in _list(r.get("resourceRules"))
        )
        non_resource = tuple(
            NonResourceRule(_strs(_m(x).get("verbs")), _strs(_m(x).get("nonResourceURLs")))
            for x in _list(r.get("nonResourceRules"))
        )
        rules.append(Rule(subjects, resource_rules, non_resource))
    precedence = _int(spec.get("matchingPrecedence"))
    return FlowSchemaRow(
        uid=str(meta.get("uid", "")),
        name=str(meta.get("name", "")),
        precedence=1000 if precedence is None else precedence,
        priority_level=str(_m(spec.get("priorityLevelConfiguration")).get("name", "")),
        distinguisher=str(_m(spec.get("distinguisherMethod")).get("type", "")),
        rules=tuple(rules),
        conditions=tuple(
            (
                str(_m(c).get("type", "")),
                str(_m(c).get("status", "")),
                str(_m(c).get("message", "")),
            )
            for c in _list(status.get("conditions"))
        ),
    )


# -- who would match -----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestAttrs:
    user: str
    groups: tuple[str, ...] = ()
    verb: str = "get"
    api_group: str = ""
    resource: str = ""  # "pods" or "pods/log"; empty for a non-resource request
    namespace: str = ""  # empty: cluster-scoped
    path: str = ""  # for non-resource requests, e.g. "/healthz"
    extra_groups: tuple[str, ...] = field(default=(), repr=False)

    @property
    def is_resource(self) -> bool:
        return bool(self.resource)

    @property
    def all_groups(self) -> tuple[str, ...]:
        groups = list(self.groups) + list(self.extra_groups)
        if self.user.startswith("system:serviceaccount:"):
            ns = self.user.split(":")[2] if self.user.count(":") >= 3 else ""
            groups += ["system:serviceaccounts", f"system:serviceaccounts:{ns}"]
        if self.user != "system:anonymous":
            groups.append("system:authenticated")
        return tuple(dict.fromkeys(groups))


def _subject_matches(s: Subject, req: RequestAttrs) -> bool:
    if s.kind == "User":
        return s.name in ("*", req.user)
    if s.kind == "Group":
        return s.name == "*" or s.name in req.all_groups
    if s.kind == "ServiceAccount":
        parts = req.user.split(":")
        if len(parts) != 4 or parts[:2] != ["system", "serviceaccount"]:
            return False
        return s.namespace == parts[2] and s.name in ("*", parts[3])
    return False


def _any(values: tuple[str, ...], wanted: str) -> bool:
    return "*" in values or wanted in values


def _resource_matches(r: ResourceRule, req: RequestAttrs) -> bool:
    if not (_any(r.verbs, req.verb) and _any(r.api_groups, req.api_group)):
        return False
    if not _any(r.resources, req.resource):
        return False
    if req.namespace:
        return _any(r.namespaces, req.namespace)
    return r.cluster_scope


def _url_matches(patterns: tuple[str, ...], path: str) -> bool:
    for p in patterns:
        if p == "*" or p == path:
            return True
        if p.endswith("/*") and path.startswith(p[:-1]):
            return True
    return False


def _non_resource_matches(n: NonResourceRule, req: RequestAttrs) -> bool:
    return _any(n.verbs, req.verb) and _url_matches(n.urls, req.path)


def rule_matches(rule: Rule, req: RequestAttrs) -> bool:
    if not any(_subject_matches(s, req) for s in rule.subjects):
        return False
    if req.is_resource:
        return any(_resource_matches(r, req) for r in rule.resource_rules)
    return any(_non_resource_matches(n, req) for n in rule.non_resource_rules)


@dataclass(frozen=True)
class MatchResult:
    schema: FlowSchemaRow | None
    considered: tuple[str, ...]  # schema names checked before the match, in order
    reason: str


def match_flow_schema(schemas: list[FlowSchemaRow], req: RequestAttrs) -> MatchResult:
    ordered = sorted(schemas, key=lambda s: (s.precedence, s.name))
    considered = []
    for schema in ordered:
        for i, rule in enumerate(schema.rules):
            if rule_matches(rule, req):
                return MatchResult(
                    schema,
                    tuple(considered),
                    f"rule {i + 1} of {schema.name} (precedence "
                    f"{schema.precedence}) matches; {len(considered)} schema(s) "
                    "with lower precedence did not",
                )
        considered.append(schema.name)
    return MatchResult(
        None,
        tuple(considered),
        "no FlowSchema matches: the server would use catch-all if it exists",
    )
