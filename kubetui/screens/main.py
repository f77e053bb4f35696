"""The main screen: the cluster bar, one pane at a time (switched by 1-4 or ``:``), the footer.

Screens own layout; the app owns the connection and cross-cutting state (scope, theme, keymap).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from kubetui.bindings import MAIN_BINDINGS
from kubetui.k8s.cluster import ClusterInfo
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.pane_placeholder import PanePlaceholder

PANE_TITLES = {"pods": "Pods", "events": "Events", "flows": "Flows", "pvc": "PVCs"}


class MainScreen(Screen):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, info: ClusterInfo, readonly: bool) -> None:
        super().__init__(id="main")
        self._info = info
        self._readonly = readonly

    def compose(self) -> ComposeResult:
        yield ClusterBar(self._info, self._readonly)
        with TabbedContent(id="panes", initial="pods"):
            for i, (pane, title) in enumerate(PANE_TITLES.items(), start=1):
                with TabPane(f"{title} [{i}]", id=pane):
                    yield PanePlaceholder(pane, self._info.scope)
        yield Footer(compact=True)

    @property
    def active_pane(self) -> str:
        return self.query_one(TabbedContent).active

    def action_show_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane

    def action_switch_namespace(self) -> None:
        self.app.action_switch_namespace()  # type: ignore[attr-defined]

    def action_switch_context(self) -> None:
        self.app.action_switch_context()  # type: ignore[attr-defined]

    def show_info(self, info: ClusterInfo) -> None:
        """New connection or scope: every pane re-reads it."""
        self._info = info
        self.query_one(ClusterBar).info = info
        for placeholder in self.query(PanePlaceholder):
            placeholder.scope = info.scope
