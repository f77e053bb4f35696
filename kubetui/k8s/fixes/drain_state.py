"""A drain's progress, pod by pod, as the drain screen shows it (pure: the screen's worker
changes it, the pods watch marks pods gone, the screen draws ``lines``).

States: ``waiting`` (not sent yet), ``evicting`` (the request is out), ``refused`` (a
PodDisruptionBudget said 429: retried at ``retry_at``, never forced), ``evicted`` (accepted: the
pod is terminating), ``gone`` (the watch no longer lists it), ``failed`` (refused for another
reason: RBAC, admission; not retried), ``cancelled`` (the user stopped the drain before it was
evicted), ``skipped`` (DaemonSet and mirror pods, as kubectl leaves them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubetui.k8s.fixes.nodes import SKIP, DrainPod

#: seconds between two evictions of a pod a PodDisruptionBudget refused (kubectl's 5 s)
RETRY_SECONDS = 5.0
SETTLED = frozenset({"gone", "failed", "cancelled", "skipped"})


@dataclass
class PodProgress:
    pod: DrainPod
    state: str = "waiting"
    detail: str = ""
    attempts: int = 0
    retry_at: float | None = None

    def text(self, now: float) -> str:
        """The state in a few words (the why goes in ``notes``)."""
        if self.state == "refused" and self.retry_at is not None:
            wait = max(0, round(self.retry_at - now))
            return f"refused · attempt {self.attempts} · next in {wait} s"
        if self.state == "skipped":
            return "left"
        return "terminating" if self.state == "evicted" else self.state

    def notes(self) -> tuple[str, ...]:
        """Why, then what the pod's going costs (scratch data, no controller)."""
        why = self.pod.why if self.state == "skipped" else self.detail
        return ((why,) if why else ()) + tuple(self.pod.notes)


@dataclass(frozen=True)
class PodLine:
    name: str  # namespace/name
    state: str
    notes: tuple[str, ...]


class DrainProgress:
    def __init__(self, node: str, pods: Sequence[DrainPod], started: float) -> None:
        self.node = node
        self.started = started
        self.cordon = "cordoning"  # "cordoned", or "failed: <why>"
        self.pods = {p.uid: PodProgress(p, "skipped" if p.action == SKIP else "waiting")
                     for p in pods}
        self.cancelled = False
        self.finished_at: float | None = None

    def to_evict(self) -> list[PodProgress]:
        return [p for p in self.pods.values() if p.state != "skipped"]

    def gone(self, uids: set[str]) -> None:
        """The pods the watch still lists are ``uids``: the evicted ones missing are gone."""
        for uid, progress in self.pods.items():
            if progress.state in ("evicted", "evicting", "refused", "waiting") and \
                    uid not in uids and progress.attempts:
                progress.state, progress.detail, progress.retry_at = "gone", "", None

    @property
    def done(self) -> bool:
        if self.cordon.startswith("failed"):
            return True
        return all(p.state in SETTLED for p in self.to_evict())

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.to_evict():
            out[p.state] = out.get(p.state, 0) + 1
        return out

    def summary(self, now: float) -> str:
        counts = self.counts()
        total = len(self.to_evict())
        took = (self.finished_at or now) - self.started
        parts = [f"node {self.node} {self.cordon}", f"{counts.get('gone', 0)}/{total} pods gone"]
        for state in ("evicted", "refused", "failed", "cancelled", "waiting", "evicting"):
            if counts.get(state):
                parts.append(f"{counts[state]} {'terminating' if state == 'evicted' else state}")
        parts.append(f"{took:.0f} s")
        if self.cancelled:
            parts.append("cancelled: the node stays cordoned")
        elif self.done and not self.cordon.startswith("failed"):
            failed = counts.get("failed", 0)
            parts.append("drained" if not failed else f"done, {failed} not evicted")
        return " · ".join(parts)

    def lines(self, now: float) -> list[PodLine]:
        """Each pod with what happened to it, the pods to evict first."""
        ordered = sorted(self.pods.values(), key=lambda p: (p.state == "skipped",
                                                            p.pod.namespace, p.pod.name))
        return [PodLine(f"{p.pod.namespace}/{p.pod.name}", p.text(now), p.notes())
                for p in ordered]
