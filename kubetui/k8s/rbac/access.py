"""What the user may do, asked up front: keys the user lacks the right for are shown dimmed, with
the missing rule, instead of failing with a 403 after the fact.

One SelfSubjectRulesReview per namespace (on start, on a namespace change, and for each new
namespace a pod is selected in under ``-A``) gives every rule that applies there, from Roles and
ClusterRoles alike; ``AccessRules.allows`` evaluates them the way RBAC does (wildcards,
subresources, resourceNames). When the server says the list is ``incomplete`` (a webhook
authorizer answers too), a missing rule is not proof: ``missing`` then reports nothing and the
403, if it comes, is explained when it comes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.readonly import ACCESS_REVIEWS

RULES_REVIEW, ACCESS_REVIEW = ACCESS_REVIEWS


@dataclass(frozen=True)
class Need:
    """One RBAC rule an action needs: ``verb`` on ``group``/``resource`` (with subresource)."""

    verb: str
    resource: str  # "pods", "pods/log", "pods/ephemeralcontainers", "namespaces"
    group: str = ""
    cluster_scoped: bool = False

    def __str__(self) -> str:
        group = f".{self.group}" if self.group else ""
        return f"{self.verb} {self.resource}{group}"


@dataclass(frozen=True)
class ResourceRule:
    verbs: tuple[str, ...]
    groups: tuple[str, ...]
    resources: tuple[str, ...]
    names: tuple[str, ...] = ()

    def covers(self, need: Need, name: str = "") -> bool:
        if not (_has(self.verbs, need.verb) and _has(self.groups, need.group)):
            return False
        if self.names and (not name or name not in self.names):
            return False
        base, _, sub = need.resource.partition("/")
        for r in self.resources:
            if r in ("*", need.resource):
                return True
            if sub and r in (f"{base}/*", f"*/{sub}"):
                return True
        return False


@dataclass(frozen=True)
class AccessRules:
    namespace: str  # "" for cluster-wide rules only
    rules: tuple[ResourceRule, ...]
    incomplete: bool = False
    error: str = ""  # the server's evaluationError, if any

    def allows(self, need: Need, name: str = "") -> bool:
        return any(rule.covers(need, name) for rule in self.rules)

    def missing(self, needs: tuple[Need, ...]) -> tuple[Need, ...]:
        """The needs this user lacks; empty when unsure (an incomplete review)."""
        if self.incomplete:
            return ()
        return tuple(n for n in needs if not self.allows(n))


def _has(values: tuple[str, ...], value: str) -> bool:
    return "*" in values or value in values


def parse_rules_review(data: dict, namespace: str) -> AccessRules:
    """The status of a SelfSubjectRulesReview; tolerant of missing or wrongly typed fields."""
    status = data.get("status") if isinstance(data, dict) else None
    status = status if isinstance(status, dict) else {}
    rules = []
    listed = status.get("resourceRules")
    for r in listed if isinstance(listed, list) else ():
        if not isinstance(r, dict):
            continue
        rules.append(ResourceRule(_strs(r.get("verbs")), _strs(r.get("apiGroups")),
                                  _strs(r.get("resources")), _strs(r.get("resourceNames"))))
    return AccessRules(namespace, tuple(rules), bool(status.get("incomplete")),
                       str(status.get("evaluationError") or ""))


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, str | int))


def rules_review_body(namespace: str) -> dict:
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
            "spec": {"namespace": namespace}}


def access_review_body(need: Need, namespace: str) -> dict:
    base, _, sub = need.resource.partition("/")
    attrs = {"verb": need.verb, "group": need.group, "resource": base}
    if sub:
        attrs["subresource"] = sub
    if namespace and not need.cluster_scoped:
        attrs["namespace"] = namespace
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs}}


async def review_rules(cluster: Cluster, namespace: str) -> AccessRules:
    """One SelfSubjectRulesReview. A server that refuses it yields 'incomplete' (unknown)."""
    try:
        response = await cluster.request("POST", RULES_REVIEW, json=rules_review_body(namespace),
                                         what=f"review your rights in {namespace or 'the cluster'}")
        data = response.json()
    except KubeError as exc:
        if exc.kind in (ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND):
            return AccessRules(namespace, (), incomplete=True, error=exc.summary)
        raise
    except ValueError:
        return AccessRules(namespace, (), incomplete=True, error="unreadable answer")
    return parse_rules_review(data, namespace)


async def can(cluster: Cluster, need: Need, namespace: str) -> bool:
    """One SelfSubjectAccessReview: the authoritative answer for a single request."""
    response = await cluster.request("POST", ACCESS_REVIEW,
                                     json=access_review_body(need, namespace),
                                     what=f"check whether you may {need}")
    try:
        status = response.json().get("status") or {}
    except (ValueError, AttributeError):
        return False
    return bool(isinstance(status, dict) and status.get("allowed"))


LIST_PODS = Need("list", "pods")


async def readable_namespaces(cluster: Cluster, candidates: list[str],
                              need: Need = LIST_PODS) -> list[str]:
    """Which of ``candidates`` the user may ``need`` in (for a 403 on an all-namespaces list)."""
    allowed = []
    for ns in dict.fromkeys(c for c in candidates if c):
        try:
            if await can(cluster, need, ns):
                allowed.append(ns)
        except KubeError:
            continue
    return allowed
