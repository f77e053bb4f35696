"""``?``: every binding, its id (for ``[keymap]`` in the config file) and its current key."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetui.bindings import APP_BINDINGS, MAIN_BINDINGS, MODAL_BINDINGS, NEEDS, TRIAGE_BINDINGS
from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.jump import PANES
from kubetui.safe_text import plain
from kubetui.screens.debug_form import DebugForm
from kubetui.screens.logs import LogsScreen
from kubetui.screens.node_audit import NodeAuditScreen
from kubetui.screens.plan_form import PlanForm
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.screens.probe_form import ProbeForm
from kubetui.screens.probe_runner import ProbeRunnerScreen
from kubetui.screens.terminal_session import TerminalSession
from kubetui.screens.text_view import TextView
from kubetui.widgets.events_pane import EventsPane
from kubetui.widgets.flows_pane import LevelsPane, SchemasPane
from kubetui.widgets.kind_pane import KindPane
from kubetui.widgets.live_pane import LivePane
from kubetui.widgets.log_panel import LogPanel
from kubetui.widgets.log_view import LogView
from kubetui.widgets.nodes_pane import NodesPane
from kubetui.widgets.pods_pane import PodsPane
from kubetui.widgets.resource_table import ResourceTable
from kubetui.widgets.storage_panes import PvcPane, SnapshotsPane
from kubetui.widgets.terminal import TerminalView

GROUPS = (("Everywhere", APP_BINDINGS), ("Main screen", MAIN_BINDINGS),
          ("Tables", ResourceTable.BINDINGS), ("Live panes", LivePane.BINDINGS),
          ("Pods", PodsPane.BINDINGS), ("Events", EventsPane.BINDINGS),
          ("Priority levels", LevelsPane.BINDINGS), ("Flow schemas", SchemasPane.BINDINGS),
          ("Nodes", NodesPane.BINDINGS), ("Claims (PVCs)", PvcPane.BINDINGS),
          ("Volume snapshots", SnapshotsPane.BINDINGS),
          ("Pod detail", PodDetailScreen.BINDINGS), ("Kind views", KindPane.BINDINGS),
          ("Logs (L, pod Logs tab)",
           [*LogPanel.BINDINGS, *LogsScreen.BINDINGS, *LogView.BINDINGS]),
          ("Triage (!)", TRIAGE_BINDINGS), ("Node audit", NodeAuditScreen.BINDINGS),
          ("Debug form", DebugForm.BINDINGS),
          ("Snapshot and restore forms", PlanForm.BINDINGS),
          ("Probe runner", ProbeRunnerScreen.BINDINGS), ("Probe edit", ProbeForm.BINDINGS),
          ("Text view", TextView.BINDINGS),
          ("Terminal", TerminalView.BINDINGS), ("Terminal session", TerminalSession.BINDINGS),
          ("Dialogs", MODAL_BINDINGS))


def effective_key(binding: Binding, keymap: dict[str, str]) -> str:
    return keymap.get(binding.id or "", binding.key)


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [*MODAL_BINDINGS, Binding("question_mark,q", "dismiss", "Close", show=False)]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__(id="help")
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table(title="kubetui keys", expand=True, box=None, padding=(0, 1),
                      title_style="bold")
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Action")
        table.add_column("Id (remap in config.toml \\[keymap])", style="dim", no_wrap=True)
        namespace = host(self.app).info.namespace
        table.add_column(plain(f"Your rights in {namespace}"), no_wrap=True)
        for title, bindings in GROUPS:
            table.add_row(Text(title, style="underline"), "", "", "")
            for b in bindings:
                if not isinstance(b, Binding):
                    continue
                key = self.app.get_key_display(Binding(effective_key(b, self._keymap), ""))
                missing = host(self.app).denied(b.id or "", namespace)
                rights = (Text("✗ needs " + ", ".join(map(str, missing)), style="bold")
                          if missing else Text("✓" if b.id in NEEDS else ""))
                table.add_row(plain(key), b.description, b.id or "", rights)
        table.add_row(Text("Command palette", style="underline"), "", "", "")
        table.add_row("ctrl+p", "switch namespace, context or theme", "", "")
        table.add_row(Text("Jump prompt", style="underline"), "", "", "")
        table.add_row(":", "then " + " | ".join(PANES) + ": show that pane", "", "")
        table.add_row(":", "then ns NAME, or ns all: switch namespace", "", "")
        table.add_row(":", "then ctx NAME: switch context", "", "")
        table.add_row(":", "then q: quit", "", "")
        return table

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
