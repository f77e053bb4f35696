"""Where a rollout stands after a restart or an undo, as ``kubectl rollout status`` would say it:
the ROLLOUT words of the kind views (``kinds/workloads.py``), read from the object a watch
delivers. Pure: the follower (``flows/rollouts.py``) feeds it each new version of the object.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.kinds.rich import rich_for
from kubetui.k8s.kinds.workloads import ROLLOUT
from kubetui.k8s.transport.shapes import mapping

COMPLETE, STALLED, ROLLING = "complete", "stalled", "rolling"
#: how long a StatefulSet's or DaemonSet's rollout is followed (they have no deadline of their
#: own); a Deployment's is its progressDeadlineSeconds, after which its controller says stalled
DEFAULT_FOLLOW_SECONDS = 600
#: past a Deployment's deadline, the time its controller gets to say so
DEADLINE_GRACE_SECONDS = 60


@dataclass(frozen=True)
class RolloutState:
    verdict: str  # COMPLETE, STALLED or ROLLING
    words: str  # the ROLLOUT column's words: "rolling: 1/3 updated", "complete"


def rollout_state(kind: str, obj: dict) -> RolloutState:
    """``kind`` apart: the objects of a list or a watch carry none."""
    rich = rich_for("apps", kind)
    if rich is None or ROLLOUT not in rich.columns:
        raise ValueError(f"no rollout to follow for a {kind}")
    words = rich.facts(obj).cells[rich.columns.index(ROLLOUT)]
    if words == "complete":
        return RolloutState(COMPLETE, words)
    if words.startswith("stalled"):
        return RolloutState(STALLED, words)
    return RolloutState(ROLLING, words)


def follow_seconds(kind: str, obj: dict) -> int:
    """How long to wait for the rollout to end before saying it has not."""
    if kind == "Deployment":
        deadline = mapping(obj.get("spec")).get("progressDeadlineSeconds")
        deadline = deadline if isinstance(deadline, int) and deadline > 0 else 600
        return deadline + DEADLINE_GRACE_SECONDS
    return DEFAULT_FOLLOW_SECONDS
