"""API Priority & Fairness, read-side: objects, the debug dump, metrics, and who-would-match.

Pure functions only (no I/O), so every server generation's shapes are unit-tested:

* ``priority_level_row`` / ``flow_schema_row`` read v1beta1..v1 objects
  (``assuredConcurrencyShares`` became ``nominalConcurrencyShares`` in v1beta3; lendable and
  borrowing percents appear in newer versions and are ``None`` when absent);
* ``parse_priority_levels_dump`` parses ``/debug/api_priority_and_fairness/dump_priority_levels``
  by its header (1.20 has 6 columns, newer servers add dispatched/rejected/timed-out/cancelled);
* ``parse_metrics`` reads Prometheus text for ``apiserver_flowcontrol_*`` families;
* ``match_flow_schema`` applies APF's matching rules client-side: schemas ordered by
  ``matchingPrecedence`` then name, the first whose rule matches subject AND (resource or
  non-resource) rule wins.

Malformed input yields empty or partial results, never an exception.
"""

from __future__ import annotations

import csv
import math
import re
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


# -- the debug dump ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorityLevelState:
    name: str
    active_queues: int | None
    is_idle: bool | None
    is_quiescing: bool | None
    waiting: int | None
    executing: int | None
    dispatched: int | None = None
    rejected: int | None = None
    timed_out: int | None = None
    cancelled: int | None = None


_DUMP_COLUMNS = {
    "prioritylevelname": "name",
    "activequeues": "active_queues",
    "isidle": "is_idle",
    "isquiescing": "is_quiescing",
    "waitingrequests": "waiting",
    "executingrequests": "executing",
    "dispatchedrequests": "dispatched",
    "rejectedrequests": "rejected",
    "timedoutrequests": "timed_out",
    "cancelledrequests": "cancelled",
}
_BOOLS = {"is_idle", "is_quiescing"}


def _cell(field_name: str, raw: str) -> object:
    value = raw.strip()
    if field_name == "name":
        return value
    if value in ("", "<none>"):
        return None
    if field_name in _BOOLS:
        return {"true": True, "false": False}.get(value.lower())
    try:
        return int(value)
    except ValueError:
        return None


def parse_priority_levels_dump(text: str) -> list[PriorityLevelState]:
    """Parse by header: unknown columns are ignored, missing ones are None."""
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error:
        return []
    if not rows:
        return []
    header = [_DUMP_COLUMNS.get(h.strip().lower()) for h in rows[0]]
    if "name" not in header:
        return []
    out = []
    for row in rows[1:]:
        values: dict[str, object] = {}
        for name, raw in zip(header, row, strict=False):
            if name:
                values[name] = _cell(name, raw)
        if values.get("name"):
            out.append(
                PriorityLevelState(
                    name=str(values["name"]),
                    **{
                        k: values.get(k)
                        for k in (
                            "active_queues",
                            "is_idle",
                            "is_quiescing",
                            "waiting",
                            "executing",
                            "dispatched",
                            "rejected",
                            "timed_out",
                            "cancelled",
                        )
                    },
                )
            )
    return out


# -- metrics ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, "")


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str, prefix: str = "apiserver_flowcontrol_") -> list[Sample]:
    """Prometheus text exposition, just the samples whose name starts with ``prefix``."""
    out = []
    for line in text.splitlines():
        if not line.startswith(prefix):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        labels = tuple(
            (k, v.replace('\\"', '"').replace("\\\\", "\\"))
            for k, v in _LABEL.findall(m.group(3) or "")
        )
        out.append(Sample(m.group(1), labels, value))
    return out


def per_level(samples: list[Sample], name: str) -> dict[str, float]:
    """Sum one metric by ``priority_level`` (histograms: pass the ``_count``/``_sum`` name)."""
    totals: dict[str, float] = {}
    for s in samples:
        if s.name == name and not math.isnan(s.value):
            level = s.label("priority_level")
            totals[level] = totals.get(level, 0.0) + s.value
    return totals


def per_level_and(samples: list[Sample], name: str, label: str) -> dict[str, float]:
    """Sum one metric by ``priority_level`` and another label, keyed "level/value"."""
    totals: dict[str, float] = {}
    for s in samples:
        if s.name == name and not math.isnan(s.value):
            key = f"{s.label('priority_level')}/{s.label(label)}"
            totals[key] = totals.get(key, 0.0) + s.value
    return totals


def mean_over(before_sum: dict[str, float], before_count: dict[str, float],
              after_sum: dict[str, float], after_count: dict[str, float]) -> dict[str, float]:
    """Mean of a histogram between two polls (Δsum/Δcount), for keys that saw observations."""
    out = {}
    for key, count in after_count.items():
        d_count = count - before_count.get(key, 0.0)
        if d_count > 0:
            out[key] = (after_sum.get(key, 0.0) - before_sum.get(key, 0.0)) / d_count
    return out


def rates(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Per-second increase of counters between two polls (a reset counts from zero)."""
    if seconds <= 0:
        return {}
    out = {}
    for key, value in after.items():
        prev = before.get(key, 0.0)
        out[key] = (value - prev if value >= prev else value) / seconds
    return out


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
