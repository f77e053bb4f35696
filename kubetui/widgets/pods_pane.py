"""The pods pane: NAME, READY, STATUS, RESTARTS, AGE, NODE, IP; live, filterable, sortable."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from kubetui.access_keys import AccessAware
from kubetui.formatting import human_duration, restarts_text
from kubetui.intents.kinds import TriageObject
from kubetui.intents.pods import (
    DebugPod,
    DeletePods,
    ForwardPorts,
    OpenPod,
    OpenProbes,
    OpenStream,
    PodsLogs,
    StreamKind,
)
from kubetui.k8s.core.pods import PodRow
from kubetui.widgets.live_pane import LivePane
from kubetui.widgets.resource_table import Column, SortSpec
from kubetui.widgets.usage_columns import (
    USAGE_COLUMNS,
    Usage,
    UsageColumns,
    usage_cells,
    usage_sort_keys,
)

LABEL_PREFIX = "l:"


def pod_columns(all_namespaces: bool, usage: bool = False) -> list[Column]:
    cols = [Column("namespace", "NAMESPACE", 16)] if all_namespaces else []
    return cols + [
        Column("name", "NAME", 0, min_width=20),
        Column("ready", "READY", 5, align="right"),
        Column("status", "STATUS", 17, wide=(len("CreateContainerConfigError"), 110)),
        Column("restarts", "RESTARTS", 14, align="right"),
        *(USAGE_COLUMNS if usage else ()),
        Column("age", "AGE", 6, align="right"),
        Column("node", "NODE", 12, min_terminal=100),
        Column("ip", "IP", 15, min_terminal=115),
        Column("runtime", "RUNTIME", 10, min_terminal=140),
    ]


def pod_cells(row: PodRow, now: float) -> dict[str, str]:
    return {"namespace": row.namespace, "name": row.name, "ready": row.ready,
            "status": row.status, "restarts": restarts_text(row, now),
            "age": human_duration(now - row.created) if row.created else "?",
            "node": row.node, "ip": row.ip, "runtime": row.runtime_class or "-"}


POD_SORT_KEYS = {
    "name": lambda r: (r.namespace, r.name),
    "status": lambda r: (r.status, r.namespace, r.name),
    "restarts": lambda r: (r.restarts, r.namespace, r.name),
    "age": lambda r: (-(r.created or 0), r.namespace, r.name),
    "node": lambda r: (r.node, r.namespace, r.name),
}


class PodsPane(UsageColumns, AccessAware, LivePane):
    BINDINGS = [
        Binding("enter", "open('describe')", "Describe", id="pods.describe"),
        Binding("l", "open('logs')", "Logs", id="pods.logs"),
        Binding("L", "logs", "All logs", id="pods.all_logs", show=False),
        Binding("y", "open('yaml')", "YAML", id="pods.yaml", show=False),
        Binding("s", "stream('shell')", "Shell", id="pods.shell"),
        Binding("a", "stream('attach')", "Attach", id="pods.attach", show=False),
        Binding("e", "stream('command')", "Exec", id="pods.exec", show=False),
        Binding("D", "debug", "Debug", id="pods.debug"),
        Binding("P", "probes", "Probes", id="pods.probes"),
        Binding("F", "forward", "Forward", id="pods.forward", show=False),
        Binding("exclamation_mark", "triage", "Why", id="pods.triage", key_display="!"),
        Binding("space", "mark", "Mark", id="pods.mark", show=False),
        Binding("ctrl+d", "delete", "Delete", id="pods.delete"),
        Binding("u", "usage", "CPU/MEM", id="pods.usage", show=False),
    ]
    noun = "pods"
    MARK = "✓ "  # before a marked pod's name: what ctrl+d deletes together

    def row_cells(self, row: PodRow, now: float) -> dict[str, str]:
        """A row's cells (a subclass adds its own column)."""
        if self.usage is not None:
            return {**pod_cells(row, now), **usage_cells(row, self.usage.of(row))}
        return pod_cells(row, now)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "usage" and not self.usage_key:
            return False
        return super().check_action(action, parameters)

    def usage_sort_keys(self, usage: Usage) -> dict:
        return usage_sort_keys(usage)

    def usage_columns_changed(self) -> None:
        self.show_namespace(self.all_namespaces)

    @property
    def sortable(self) -> tuple[str, ...]:  # type: ignore[override]
        base = ("name", "status", "restarts", "age", "node")
        return base + ("cpu", "mem") if self.usage is not None else base

    def marked_cells(self, row: PodRow, now: float) -> dict[str, str]:
        cells = self.row_cells(row, now)
        if row.uid in self.marked:
            cells["name"] = self.MARK + cells["name"]
        return cells

    def marked_rows(self) -> list[PodRow]:
        """The marked pods still listed (a deleted one drops out)."""
        rows = self.table.rows
        self.marked &= rows.keys()
        return [rows[k] for k in self.table.order if k in self.marked]

    def action_mark(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return
        self.marked ^= {row.uid}
        self.table.repaint((row.uid,))
        self.table.action_cursor(1)
        self.refresh_status()

    def action_delete(self) -> None:
        rows = self.marked_rows() or ([self.table.cursor_row] if self.table.cursor_row else [])
        if rows:
            self.post_message(DeletePods(tuple((r.namespace, r.name) for r in rows)))

    def action_logs(self) -> None:
        rows = self.marked_rows() or ([self.table.cursor_row] if self.table.cursor_row else [])
        if rows:
            ns = rows[0].namespace
            self.post_message(PodsLogs(ns, tuple(r.name for r in rows if r.namespace == ns)))

    def status_text(self) -> tuple[str, bool]:
        text, problem = super().status_text()
        marked = len(self.marked & self.table.rows.keys())
        if marked:
            text = f"{text} · {marked} marked (ctrl+d deletes them)"
        if self.usage is not None:  # where the figures come from, or what is missing
            text += " · " + self.usage_status()
        return text, problem or bool(self.usage and self.usage.why)

    def action_stream(self, kind: str) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenStream(row.namespace, row.name, StreamKind(kind)))

    def action_debug(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(DebugPod(row.namespace, row.name))

    def action_triage(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(TriageObject("", "Pod", row.namespace, row.name))

    def action_forward(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(ForwardPorts(row.namespace, "pod", row.name))

    def action_probes(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenProbes(row.namespace, row.name))

    def action_open(self, tab: str) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenPod(row.namespace, row.name, tab))

    def __init__(self, all_namespaces: bool, clock: Callable[[], float]) -> None:
        self.marked: set[str] = set()  # uids marked with space
        self.all_namespaces = all_namespaces
        super().__init__(pod_columns(True), self.marked_cells, dict(POD_SORT_KEYS),
                         default_sort=SortSpec("name"), style_of=lambda r: f"pod-{r.health}",
                         clock=clock, id="pods-pane",
                         timestamps=lambda r: (r.created, r.last_restart))
        self.show_namespace(all_namespaces)

    def show_namespace(self, all_namespaces: bool) -> None:
        """NAMESPACE is a column only when the pane shows every namespace."""
        self.all_namespaces = all_namespaces
        self.set_columns(pod_columns(all_namespaces, self.usage is not None))

    @property
    def label_selector(self) -> str:
        text = self.filter_text
        return text[len(LABEL_PREFIX):].strip() if text.startswith(LABEL_PREFIX) else ""

    def apply_filter(self, text: str) -> None:
        if text.startswith(LABEL_PREFIX):
            self.table.set_filter(None)  # applied server-side by the screen's watch
        else:
            super().apply_filter(text)

    def access_namespace(self) -> str:
        row = self.table.cursor_row
        return row.namespace if row is not None else super().access_namespace()

    def search_text(self, row: PodRow) -> str:
        # "ended-by-node" finds the pods a node ended (evicted for pressure, graceful shutdown).
        ended = f" ended-by-node {row.ended}" if row.ended else ""
        return (f"{row.name} {row.namespace} {row.status} {row.node} {row.ip} "
                f"{row.runtime_class}{ended}")
