"""Which kinds each fix acts on (``kubectl rollout restart``'s and ``undo``'s, ``scale``'s, a
CronJob's trigger and suspend, a Job's delete), and the RBAC rules it needs on the kind.

A kind's view binds a fix key only for its kinds; the triage offers the same fixes as next
steps, so both read them here."""

from __future__ import annotations

from collections.abc import Callable

from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.rbac.access import Need

ROLLOUTS = frozenset({("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet")})
CRONJOBS = frozenset({("batch", "CronJob")})
FIXES: dict[str, frozenset[tuple[str, str]]] = {
    "restart": ROLLOUTS, "undo": ROLLOUTS,
    "scale": frozenset({("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "ReplicaSet")}),
    "trigger": CRONJOBS, "suspend": CRONJOBS, "delete": frozenset({("batch", "Job")}),
}

#: the rules each fix needs on the kind it acts on
FIX_NEEDS: dict[str, Callable[[Kind], tuple[Need, ...]]] = {
    "restart": lambda k: (Need("patch", k.plural, k.group),),
    "undo": lambda k: (Need("patch", k.plural, k.group),),
    "scale": lambda k: (Need("patch", f"{k.plural}/scale", k.group),),
    "trigger": lambda k: (Need("get", k.plural, k.group), Need("create", "jobs", "batch")),
    "suspend": lambda k: (Need("patch", k.plural, k.group),),
    "delete": lambda k: (Need("delete", k.plural, k.group),),
}


def fix_needs(fix: str, kind: Kind) -> tuple[Need, ...]:
    """The rules ``fix`` needs on ``kind``; () when it does not act on that kind."""
    if (kind.group, kind.kind) not in FIXES.get(fix, ()):
        return ()
    return FIX_NEEDS[fix](kind)
