"""Live APF state: the apiserver's debug dump and its flowcontrol metrics, one poll at a time.

Polled (not watched: neither endpoint can be watched) and only while the flows pane is visible.
A 403 on either endpoint is reported as a note, not an error: the objects stay useful without it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kubetui.k8s.apf.dump import (
    PriorityLevelState,
    parse_metrics,
    parse_priority_levels_dump,
    per_level,
    per_level_and,
)
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError

DUMP = "/debug/api_priority_and_fairness/dump_priority_levels"
REJECTED = "apiserver_flowcontrol_rejected_requests_total"
DISPATCHED = "apiserver_flowcontrol_dispatched_requests_total"
INQUEUE = "apiserver_flowcontrol_current_inqueue_requests"
EXECUTING = "apiserver_flowcontrol_current_executing_requests"
WAIT = "apiserver_flowcontrol_request_wait_duration_seconds"


@dataclass(frozen=True)
class ApfPoll:
    at: float  # monotonic
    levels: dict[str, PriorityLevelState] | None  # None: the dump was not readable
    rejected_total: dict[str, float]  # counters by priority level (empty: no metrics)
    dispatched_total: dict[str, float]
    inqueue: dict[str, float]
    executing: dict[str, float]
    notes: tuple[str, ...]  # why something is missing, for the pane's status line
    metrics_ok: bool = True  # False: /metrics was not readable (rates unknown, not zero)
    rejected_by_reason: dict[str, float] | None = None  # "level/reason" -> counter
    wait_sum: dict[str, float] | None = None  # by level: histogram _sum and _count
    wait_count: dict[str, float] | None = None


def _denied(exc: KubeError, what: str, url: str) -> str:
    if exc.kind is ErrorKind.FORBIDDEN:
        return f"no {what}: RBAC denies get on nonResourceURL {url}"
    return f"no {what}: {exc.summary}"


async def poll_apf(cluster: Cluster) -> ApfPoll:
    notes: list[str] = []
    levels = None
    try:
        response = await cluster.request("GET", DUMP, what="read the APF dump")
        levels = {s.name: s for s in parse_priority_levels_dump(response.text)}
    except KubeError as exc:
        notes.append(_denied(exc, "queue state", DUMP))
    samples = []
    metrics_ok = True
    try:
        response = await cluster.request("GET", "/metrics", what="read apiserver metrics",
                                         headers={"Accept": "text/plain"})
        samples = parse_metrics(response.text)
    except KubeError as exc:
        metrics_ok = False
        notes.append(_denied(exc, "rates", "/metrics"))
    return ApfPoll(time.monotonic(), levels, per_level(samples, REJECTED),
                   per_level(samples, DISPATCHED), per_level(samples, INQUEUE),
                   per_level(samples, EXECUTING), tuple(notes), metrics_ok,
                   per_level_and(samples, REJECTED, "reason"),
                   per_level(samples, WAIT + "_sum"), per_level(samples, WAIT + "_count"))
