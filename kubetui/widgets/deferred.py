"""A placeholder that mounts its widget when told to, not when the screen mounts.

Textual's ``Lazy`` mounts after the first frame, which on a launch is exactly when the pods
pane's LIST answers: the five hidden panes (seven tables, seven filter inputs) were mounted
between the first frame and the pods pane going live. ``Deferred`` waits for ``reveal()``,
which the main screen calls once the pods pane is listed (and before a hidden pane is shown).
Until then the pane exists as an object (its watches may fill its table) but has no DOM nodes.
"""

from __future__ import annotations

from textual.await_complete import AwaitComplete
from textual.widget import AwaitMount, Widget

from kubetui.guard import Guarded


class Deferred(Guarded, Widget):
    DEFAULT_CSS = "Deferred { display: none; }"

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self._mounted: AwaitMount | None = None

    def reveal(self) -> AwaitMount | AwaitComplete | None:
        """Mount the widget in this placeholder's place, once; every call returns what to
        await for that mount (None while the placeholder itself is not mounted)."""
        if self._mounted is None and self.parent is not None:
            self._mounted = self.parent.mount(self.widget, after=self)
            self.remove()
        return self._mounted
