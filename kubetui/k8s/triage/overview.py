"""The health overview's lines: every unhealthy object in scope, across kinds, one line each,
grouped by what is wrong (the check that found it), worst first.

An object whose controller is itself in the overview is left to it: a Deployment's
ReplicaSets and their pods are named through the Deployment's own triage, a CronJob's Jobs
through the CronJob's, a StatefulSet's pods through the StatefulSet's. A pod of its own (no
controller) is listed for itself. ``standing.py`` keeps the lines up to date as objects change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.findings import RANK
from kubetui.k8s.triage.run import triage
from kubetui.k8s.triage.world import World

#: (group, kind) listed in the overview, in the order an expert looks at them
KINDS = (("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
         ("apps", "ReplicaSet"), ("batch", "CronJob"), ("batch", "Job"), ("", "Service"),
         ("", "PersistentVolumeClaim"), ("", "Pod"))
CONTROLLERS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "CronJob", "Job"}


@dataclass(frozen=True)
class Entry:
    severity: str
    check: str  # "images", "scheduling", ...: the group it is shown under
    group: str
    kind: str
    namespace: str
    name: str
    cause: str

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


def controlled(obj: dict) -> bool:
    """Its controller is a kind the overview lists: the object is named through it."""
    return any(mapping(r).get("controller") is True and text(mapping(r).get("kind")) in
               CONTROLLERS for r in mapping(obj.get("metadata")).get("ownerReferences") or ())


def entry_of(group: str, kind: str, obj: dict, world: World, now: float) -> Entry | None:
    """The object's line, or None: it is healthy, or named through its controller."""
    if controlled(obj):
        return None
    report = triage(group, kind, obj, world, now)
    if not report.findings:
        return None
    first = report.findings[0]
    meta = mapping(obj.get("metadata"))
    return Entry(first.severity, first.check, group, kind, text(meta.get("namespace")),
                 text(meta.get("name")), first.cause)


def ordered(entries: Sequence[Entry]) -> list[Entry]:
    """Worst first, then by check, namespace, kind and name."""
    return sorted(entries, key=lambda e: (RANK.get(e.severity, 3), e.check, e.namespace,
                                          e.kind, e.name))


def grouped(entries: Sequence[Entry]) -> list[tuple[str, list[Entry]]]:
    """(check, its entries): the group with the worst entry first, then the one with the
    most entries that bad, then the largest."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.check, []).append(e)
    def worst(group: tuple[str, list[Entry]]) -> tuple:
        ranks = [RANK.get(e.severity, 3) for e in group[1]]
        return (min(ranks), -ranks.count(min(ranks)), -len(group[1]), group[0])
    return sorted(groups.items(), key=worst)
