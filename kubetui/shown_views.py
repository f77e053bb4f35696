"""Which views are on screen: the main screen's panes, and the kind views stacked above it.
Part of ``KubetuiApp``: ``:`` replaces the kind views open (enter stacks them), a pane asked
for by name closes them first, a new scope or cluster is told to every view that shows one,
and the object selected in a kind's view is what the events pane follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from kubetui.intents.kinds import ObjectSelected

if TYPE_CHECKING:
    from textual.app import App

    from kubetui.k8s.transport.cluster import ClusterInfo
    from kubetui.screens.main import MainScreen

    Base = App[int]
else:
    Base = object


class ShownViews(Base):
    info: ClusterInfo
    main: MainScreen | None

    def _main(self) -> MainScreen:
        assert self.main is not None  # pushed in on_mount, before any command can run
        return self.main

    def show_main_pane(self, pane: str) -> None:
        """``:pods`` and the like: the kind views opened on top are closed first."""
        self._close_views()
        self._main().action_show_pane(pane)

    def replace_views(self, screen: Screen) -> None:
        """A kind's view in place of the kind views open now (``:`` replaces, enter stacks)."""
        self._close_views()
        self.push_screen(screen)

    def _close_views(self) -> None:
        while getattr(self.screen, "stacked_view", False):
            self.pop_screen()

    def action_forwards(self, replace: bool = False) -> None:
        """``W`` (stacked on the view) and ``:pf`` (in place of the kind views open): the
        port-forwards open."""
        from kubetui.screens.forwards_view import ForwardsView

        if replace:
            self.replace_views(ForwardsView())
        elif not isinstance(self.screen, ForwardsView):
            self.push_screen(ForwardsView())

    def action_timeline(self, replace: bool = False) -> None:
        """``I`` and ``:timeline``: this session's incident timeline."""
        from kubetui.screens.timeline_view import TimelineView

        if replace:
            self.replace_views(TimelineView())
        elif not isinstance(self.screen, TimelineView):
            self.push_screen(TimelineView())

    def show_pane(self, pane: str, *, select=None, only=None, label: str = "") -> None:
        """A flow's result shown in the main screen's panes (the snapshot just taken)."""
        self._main().show_pane(pane, select=select, only=only, label=label)

    def on_object_selected(self, message: ObjectSelected) -> None:
        """The object selected in a kind's view: what the events pane follows (``f``)."""
        self._main().events.select(message.ref)

    def pane_note(self, pane: str, text: str) -> None:
        self._main().pane_note(pane, text)

    def _show_info(self) -> None:
        """The main screen and every kind view on the stack show the new scope."""
        self._main().show_info(self.info)
        for screen in self.screen_stack:
            if getattr(screen, "stacked_view", False) and hasattr(screen, "show_info"):
                screen.show_info(self.info)
