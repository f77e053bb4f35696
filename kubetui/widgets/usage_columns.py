"""The pods pane's usage columns (``u``): CPU, MEM and the k9s-named shares of requests and
limits, fitted to the width (CPU and MEM from 80 columns, the shares as the terminal widens).

The figures come from the last sample the screen took (``k8s/metrics``); the pane draws them
for the rows on screen and sorts by them, nothing is copied into the rows. A container at 90 %
of its memory limit or more marks MEM and %MEM/L with ``▲``; a pod whose container was killed
for memory says ``OOM`` after MEM. A pod the sample does not cover shows ``n/a``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from kubetui.k8s.core.pods import PodRow
from kubetui.k8s.metrics.usage import (
    ContainerUsage,
    Limits,
    PodUsage,
    Share,
    bytes_text,
    cores,
    cores_text,
    limits_of,
    percent_text,
    pod_limits,
    share,
    size,
    sparkline,
)
from kubetui.k8s.nodes.rows import NodeRow
from kubetui.widgets.resource_table import Column, SortSpec

if TYPE_CHECKING:
    from kubetui.widgets.live_pane import LivePane as _Pane
else:
    _Pane = object

USAGE_COLUMNS = (
    Column("cpu", "CPU", 6, align="right"),
    Column("mem", "MEM", 12, align="right"),
    Column("mem_l", "%MEM/L", 6, align="right", min_terminal=100),
    Column("cpu_l", "%CPU/L", 6, align="right", min_terminal=120),
    Column("cpu_r", "%CPU/R", 6, align="right", min_terminal=130),
    Column("mem_r", "%MEM/R", 6, align="right", min_terminal=140),
)
NODE_USAGE_COLUMNS = (
    Column("cpu", "CPU", 6, align="right"),
    Column("cpu_a", "%CPU", 5, align="right"),
    Column("mem", "MEM", 8, align="right"),
    Column("mem_a", "%MEM", 5, align="right"),
)
NEAR = "▲"


@dataclass(frozen=True)
class Usage:
    """What a pane draws usage from: the sample and where it came from."""

    sample: dict = field(default_factory=dict)  # pods: (namespace, name) ->; nodes: name ->
    source: str = ""  # "kubelet summary" / "metrics.k8s.io"; "" with ``why``
    why: str = ""
    # Each key's CPU and memory, summed once (``measured``, off the UI loop): what the sort
    # reads for every row.
    cpu_by: dict = field(default_factory=dict)
    mem_by: dict = field(default_factory=dict)

    @classmethod
    def measured(cls, sample: dict, source: str, why: str = "") -> Usage:
        return cls(sample, source, why, {k: u.cpu for k, u in sample.items()},
                   {k: u.memory for k, u in sample.items()})

    def of(self, row: PodRow) -> PodUsage | None:
        return self.sample.get((row.namespace, row.name))

    def node(self, row: NodeRow) -> ContainerUsage | None:
        return self.sample.get(row.name)


class UsageToggled(Message):
    """``u`` on a pane with usage columns: its screen starts or stops sampling."""

    def __init__(self, pane: Any) -> None:
        super().__init__()
        self.pane = pane


class UsageColumns(_Pane):
    """Mixed into a pane that shows usage columns (``u``): the figures it is handed, the
    columns shown with them, sorting by them and the status line's source."""

    usage: Usage | None = None
    usage_key = True  # False: the key is not bound (a pane whose screen does not sample)

    def usage_sort_keys(self, usage: Usage) -> dict:
        raise NotImplementedError

    def usage_columns_changed(self) -> None:
        """Lay out the columns again (with or without the usage ones)."""
        raise NotImplementedError

    def action_usage(self) -> None:
        self.post_message(UsageToggled(self))

    def show_usage(self, usage: Usage | None) -> None:
        """The usage columns with this sample (None: without them)."""
        table = self.table
        shown = self.usage is not None
        self.usage = usage
        table.sort_keys.update(self.usage_sort_keys(usage or Usage()))
        if shown != (usage is not None):
            self.usage_columns_changed()
            if usage is None and table.sort.column in ("cpu", "mem"):
                table.set_sort(SortSpec("name"))
        if usage is not None and table.sort.column in ("cpu", "mem"):
            table.set_sort(table.sort)  # the figures moved: sort again
        table.refresh()
        self.refresh_status()

    def usage_status(self) -> str:
        """Where the figures come from, or what is missing ("" without the columns)."""
        usage = self.usage
        if usage is None:
            return ""
        return usage.why or (f"CPU/MEM from the {usage.source}" if usage.source
                             else "CPU/MEM: reading…")


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


def usage_block(resources: tuple, usage: Usage, pod: PodUsage | None,
                history: dict, seconds: float) -> str:
    """The pod detail's lines: each container's CPU and memory now, the last samples as bars
    (scaled to its limit when it has one), and its share of the limit."""
    if usage.why:
        return usage.why
    if pod is None:
        return "CPU/MEM: reading…" if not usage.source else \
            f"CPU/MEM: not in the {usage.source}'s last sample"
    limits = limits_of(resources)
    lines = [f"CPU/MEM from the {usage.source}, every {seconds:g} s (bars: the last samples, "
             "to the limit when set)"]
    for c in pod.containers:
        limit = limits.get(c.name) or Limits()
        cpu_hist, mem_hist = history.get(c.name, ([c.cpu], [c.memory]))
        part = share(c.cpu, c.memory, limit)
        cpu = f"CPU {cores_text(c.cpu):>6} {sparkline(cpu_hist, limit.cpu_limit)}"
        if limit.cpu_limit:
            cpu += f" of {cores_text(limit.cpu_limit)} ({percent_text(part.cpu_limit)}%)"
        mem = f"MEM {bytes_text(c.memory):>7} {sparkline(mem_hist, limit.memory_limit)}"
        if limit.memory_limit:
            mem += f" of {bytes_text(limit.memory_limit)} ({percent_text(part.memory_limit)}%)"
        if part.near_limit:
            mem += f" {NEAR} near its limit"
        lines.append(f"  {c.name}: {cpu}   {mem}")
    return "\n".join(lines)


def node_cells(row: NodeRow, usage: ContainerUsage | None) -> dict[str, str]:
    """A node's CPU and working set, and their shares of its allocatable."""
    if usage is None:
        return {"cpu": "n/a", "cpu_a": "n/a", "mem": "n/a", "mem_a": "n/a"}
    part = share(usage.cpu, usage.memory, _allocatable(row))
    return {"cpu": cores_text(usage.cpu), "cpu_a": percent_text(part.cpu_limit),
            "mem": bytes_text(usage.memory), "mem_a": percent_text(part.memory_limit)}


def _allocatable(row: NodeRow) -> Limits:
    return Limits(cpu_limit=cores(row.allocatable_cpu or None),
                  memory_limit=size(row.allocatable_memory or None))


def node_sort_keys(usage: Usage) -> dict:
    cpu_by, mem_by = usage.cpu_by, usage.mem_by

    def cpu(row: NodeRow):
        value = cpu_by.get(row.name)
        return (value is None, -(value or 0.0), row.name)

    def mem(row: NodeRow):
        value = mem_by.get(row.name)
        return (value is None, -(value or 0), row.name)
    return {"cpu": cpu, "mem": mem}


def usage_sort_keys(usage: Usage) -> dict:
    """Sort keys over the current sample: the busiest first; rows the sample does not cover
    sort after every measured one."""
    cpu_by, mem_by = usage.cpu_by, usage.mem_by

    def cpu(row: PodRow):
        value = cpu_by.get((row.namespace, row.name))
        return (value is None, -(value or 0.0), row.namespace, row.name)

    def mem(row: PodRow):
        value = mem_by.get((row.namespace, row.name))
        return (value is None, -(value or 0), row.namespace, row.name)
    return {"cpu": cpu, "mem": mem}
