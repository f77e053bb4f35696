"""The health overview: every unhealthy object in scope, across kinds, one line each, grouped
by what is wrong (the check that found it), worst first.

An object whose controller is itself in the overview is left to it: a Deployment's
ReplicaSets and their pods are named through the Deployment's own triage, a CronJob's Jobs
through the CronJob's, a StatefulSet's pods through the StatefulSet's. A pod of its own (no
controller) is listed for itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.findings import RANK
from kubetui.k8s.triage.run import triage
from kubetui.k8s.triage.world import World

#: (group, kind) listed in the overview, in the order an expert looks at them
KINDS = (("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
         ("apps", "ReplicaSet"), ("batch", "CronJob"), ("batch", "Job"), ("", "Service"),
         ("", "PersistentVolumeClaim"), ("", "Pod"))
BREATHE_EVERY = 50  # objects: well under a millisecond of checks
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


def _controlled(obj: dict) -> bool:
    return any(mapping(r).get("controller") is True and text(mapping(r).get("kind")) in
               CONTROLLERS for r in mapping(obj.get("metadata")).get("ownerReferences") or ())


def overview(objects: Mapping[tuple[str, str], Sequence[dict]], world: World,
             now: float, breathe: Callable[[], object] | None = None) -> list[Entry]:
    """``objects``: each kind's objects in scope (those of ``KINDS`` the user may list).
    ``breathe``: called every ``BREATHE_EVERY`` objects (a thread lets the UI's run then)."""
    out = []
    for group, kind in KINDS:
        for i, obj in enumerate(objects.get((group, kind), ())):
            if breathe is not None and i % BREATHE_EVERY == BREATHE_EVERY - 1:
                breathe()
            if _controlled(obj):
                continue
            report = triage(group, kind, obj, world, now)
            if not report.findings:
                continue
            # the same report as the last refresh's (carried): the same entry, not a new one
            out.append(world.carry(id(report), report, lambda r=report, g=group, k=kind, o=obj:
                                   _entry(r, g, k, o)))
    return sorted(out, key=lambda e: (RANK.get(e.severity, 3), e.check, e.namespace,
                                      e.kind, e.name))


def _entry(report, group: str, kind: str, obj: dict) -> Entry:
    first = report.findings[0]
    meta = mapping(obj.get("metadata"))
    return Entry(first.severity, first.check, group, kind, text(meta.get("namespace")),
                 text(meta.get("name")), first.cause)


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
