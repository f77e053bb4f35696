"""The nodes view: NAME, STATUS, PRESSURE, RUNTIME, KUBELET, PODS (in view / allocatable), AGE."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.binding import Binding

from kubetui.access_keys import AccessAware
from kubetui.formatting import human_duration
from kubetui.intents.kinds import TriageObject
from kubetui.intents.nodes import CordonNode, DrainNode, OpenNode
from kubetui.k8s.nodes.audit import version_skew
from kubetui.k8s.nodes.rows import NodeRow
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.widgets.live_pane import LivePane
from kubetui.widgets.resource_table import Column, SortSpec
from kubetui.widgets.usage_columns import (
    NODE_USAGE_COLUMNS,
    Usage,
    UsageColumns,
    node_cells,
    node_sort_keys,
)

NODE_COLUMNS = [
    Column("name", "NAME", 0, min_width=16),
    Column("status", "STATUS", 12),
    Column("pressure", "PRESSURE", 9),
    Column("runtime", "RUNTIME", 22),
    Column("kubelet", "KUBELET", 14),
    Column("pods", "PODS", 8, align="right", min_terminal=100),
    Column("address", "ADDRESS", 15, min_terminal=115),
    Column("os", "OS IMAGE", 18, min_terminal=150),
    Column("kernel", "KERNEL", 16, min_terminal=170),
    Column("age", "AGE", 5, align="right"),
]

def node_columns(usage: bool) -> list[Column]:
    """With usage (``u``): CPU, MEM and their shares of allocatable after STATUS; RUNTIME
    and KUBELET then wait for a wider terminal."""
    if not usage:
        return NODE_COLUMNS
    narrow = {"runtime": 120, "kubelet": 100}
    columns = [replace(c, min_terminal=max(c.min_terminal, narrow.get(c.key, 0)))
               for c in NODE_COLUMNS]
    return columns[:2] + list(NODE_USAGE_COLUMNS) + columns[2:]


NODE_SORT_KEYS = {
    "name": lambda r: r.name,
    "status": lambda r: (r.status, r.name),
    "runtime": lambda r: (r.runtime, r.name),
    "age": lambda r: (-(r.created or 0), r.name),
}


class NodesPane(UsageColumns, AccessAware, LivePane):
    BINDINGS = [Binding("enter", "open", "Audit", id="nodes.audit"),
                Binding("u", "usage", "CPU/MEM", id="nodes.usage", show=False),
                Binding("exclamation_mark", "triage", "Why", id="nodes.triage",
                        key_display="!"),
                Binding("C", "cordon", "Cordon", id="nodes.cordon"),
                Binding("X", "drain", "Drain", id="nodes.drain")]
    noun = "nodes"

    def action_cordon(self) -> None:
        """Cordon, or uncordon a cordoned node (the confirm says which)."""
        row = self.table.cursor_row
        if row is not None:
            self.post_message(CordonNode(row.name, not row.schedulable))

    def action_drain(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(DrainNode(row.name))

    def action_triage(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(TriageObject("", "Node", "", row.name))

    def action_open(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenNode(row.name))
    @property
    def sortable(self) -> tuple[str, ...]:  # type: ignore[override]
        base = ("name", "status", "runtime", "age")
        return base + ("cpu", "mem") if self.usage is not None else base

    def usage_sort_keys(self, usage: Usage) -> dict:
        return node_sort_keys(usage)

    def usage_columns_changed(self) -> None:
        self.set_columns(node_columns(self.usage is not None))

    def status_text(self) -> tuple[str, bool]:
        text, problem = super().status_text()
        if self.usage is not None:
            return f"{text} · {self.usage_status()}", problem or bool(self.usage.why)
        return text, problem

    def __init__(self, clock: Callable[[], float], pods_on: Callable[[str], int],
                 server: Callable[[], ServerVersion] | None = None) -> None:
        self.pods_on = pods_on
        self.server = server  # the apiserver's version: a kubelet beyond the skew is marked
        super().__init__(NODE_COLUMNS, self.cells, dict(NODE_SORT_KEYS),
                         default_sort=SortSpec("name"),
                         style_of=lambda r: f"pod-{r.health}", clock=clock, id="nodes-pane",
                         timestamps=lambda r: (r.created,))

    def cells(self, row: NodeRow, now: float) -> dict[str, str]:
        runtime = row.runtime + (" (dockershim)" if row.dockershim else "")
        return {"name": row.name, "status": row.status,
                "pressure": ",".join(row.pressures) or "-", "runtime": runtime,
                "kubelet": row.kubelet + (" ⚠skew" if self.server is not None and
                                          version_skew(row.kubelet, self.server())[1] else ""),
                "pods": f"{self.pods_on(row.name)}/{row.max_pods}",
                "address": row.internal_ip, "os": row.os_image, "kernel": row.kernel,
                "age": human_duration(now - row.created) if row.created else "?",
                **(node_cells(row, self.usage.node(row)) if self.usage is not None else {})}

    def search_text(self, row: NodeRow) -> str:
        return f"{row.name} {row.status} {row.runtime} {row.kubelet} {','.join(row.pressures)}"
