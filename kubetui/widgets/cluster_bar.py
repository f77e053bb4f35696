"""The top line: which cluster, which server version, which namespace, and whether writes are off.

During an incident the first question is "am I pointed at the right cluster?": the bar answers it
without a keypress and stays one line high at 80 columns.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from kubetui.guard import Guarded
from kubetui.k8s.transport.cluster import ClusterInfo
from kubetui.safe_text import plain, plain_lines


class ClusterBar(Guarded, Horizontal):
    info: reactive[ClusterInfo | None] = reactive(None)

    def __init__(self, info: ClusterInfo, readonly: bool) -> None:
        super().__init__(id="cluster-bar")
        self._readonly = readonly
        self.set_reactive(ClusterBar.info, info)

    def compose(self) -> ComposeResult:
        yield Label("kubetui", id="brand")
        yield Label(id="context")
        yield Label(id="version")
        yield Label(id="scope")
        yield Label(id="forward-count")
        if self._readonly:
            yield Label(" READ-ONLY ", id="readonly-badge")

    def on_mount(self) -> None:
        self._show(self.info)
        if hasattr(self.app, "forward_count"):  # the app's count of open port-forwards
            self.watch(self.app, "forward_count", self._show_forwards)

    def _show_forwards(self, count: int) -> None:
        label = self.query_one("#forward-count", Label)
        label.update(f"⇄ {count} fwd" if count else "")
        label.display = bool(count)

    def watch_info(self, info: ClusterInfo | None) -> None:
        if self.is_attached:
            self._show(info)

    def _show(self, info: ClusterInfo | None) -> None:
        if info is None or not self.children:
            return
        where = info.context if info.cluster == info.context else f"{info.context} @ {info.cluster}"
        self.query_one("#context", Label).update(plain(f"⎈ {where}"))
        self.query_one("#context", Label).tooltip = plain_lines(
            f"context {info.context}\ncluster {info.cluster}\nuser {info.user}\n"
            f"server {info.server}")
        self.query_one("#version", Label).update(plain(info.version))
        self.query_one("#scope", Label).update(plain(f"ns: {info.scope}"))
