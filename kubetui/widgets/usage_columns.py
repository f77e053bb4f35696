"""The pods pane's usage columns (``u``): CPU, MEM and the k9s-named shares of requests and
limits, fitted to the width (CPU and MEM from 80 columns, the shares as the terminal widens).

The figures come from the last sample the screen took (``k8s/metrics``); the pane draws them
for the rows on screen and sorts by them, nothing is copied into the rows. A container at 90 %
of its memory limit or more marks MEM and %MEM/L with ``▲``; a pod whose container was killed
for memory says ``OOM`` after MEM. A pod the sample does not cover shows ``n/a``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubetui.k8s.core.pods import PodRow
from kubetui.k8s.metrics.usage import (
    PodUsage,
    Sample,
    Share,
    bytes_text,
    cores_text,
    limits_of,
    percent_text,
    pod_limits,
    share,
)
from kubetui.widgets.resource_table import Column

USAGE_COLUMNS = (
    Column("cpu", "CPU", 6, align="right"),
    Column("mem", "MEM", 12, align="right"),
    Column("mem_l", "%MEM/L", 6, align="right", min_terminal=100),
    Column("cpu_l", "%CPU/L", 6, align="right", min_terminal=120),
    Column("cpu_r", "%CPU/R", 6, align="right", min_terminal=130),
    Column("mem_r", "%MEM/R", 6, align="right", min_terminal=140),
)
NEAR = "▲"


@dataclass(frozen=True)
class Usage:
    """What the pane draws usage from: the sample and where it came from."""

    sample: Sample = field(default_factory=dict)
    source: str = ""  # "kubelet summary" / "metrics.k8s.io"; "" with ``why``
    why: str = ""

    def of(self, row: PodRow) -> PodUsage | None:
        return self.sample.get((row.namespace, row.name))


def pod_share(row: PodRow, usage: PodUsage) -> tuple[Share, bool]:
    """The pod's shares of its requests and limits, and whether one of its containers is near
    its memory limit (a pod's own total may hide one container at its limit)."""
    limits = limits_of(row.resources)
    near = any(share(c.cpu, c.memory, limits[c.name]).near_limit
               for c in usage.containers if c.name in limits)
    names = tuple(c.name for c in usage.containers)
    return share(usage.cpu, usage.memory, pod_limits(limits, names)), near


def usage_cells(row: PodRow, usage: PodUsage | None) -> dict[str, str]:
    oom = " OOM" if row.oom_killed else ""
    if usage is None:
        return {"cpu": "n/a", "mem": "n/a" + oom, "cpu_r": "n/a", "cpu_l": "n/a",
                "mem_r": "n/a", "mem_l": "n/a"}
    part, near = pod_share(row, usage)
    mark = f" {NEAR}" if near else ""
    return {"cpu": cores_text(usage.cpu), "mem": bytes_text(usage.memory) + mark + oom,
            "cpu_r": percent_text(part.cpu_request), "cpu_l": percent_text(part.cpu_limit),
            "mem_r": percent_text(part.memory_request),
            "mem_l": percent_text(part.memory_limit) + (NEAR if near else "")}


def usage_sort_keys(usage: Usage) -> dict:
    """Sort keys over the current sample: the busiest first when reversed (``R``); rows the
    sample does not cover sort after every measured one."""
    def cpu(row: PodRow):
        found = usage.of(row)
        value = found.cpu if found is not None else None
        return (value is None, -(value or 0.0), row.namespace, row.name)

    def mem(row: PodRow):
        found = usage.of(row)
        value = found.memory if found is not None else None
        return (value is None, -(value or 0), row.namespace, row.name)
    return {"cpu": cpu, "mem": mem}
