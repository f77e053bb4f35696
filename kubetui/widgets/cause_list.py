"""The health overview's list: Textual's ``OptionList``, repainting only what a cursor move
changes.

Why: ``OptionList.highlighted`` repaints the whole list on every change, each line rendered
and styled again (40 lines at 120x40: a cursor move cost about twice what it costs on the pods
pane, whose table repaints the two rows concerned). Here a move repaints the line it left and
the line it reached; a move that scrolls the list is repainted by the scroll, as before. And
the options wrap again when the scrollbar appears or goes.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import OptionList

from kubetui.guard import Guarded


class CauseList(Guarded, OptionList):
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        super().watch_highlighted(new)
        for index in (old, new):
            self._repaint_option(index)

    def _repaint_option(self, index: int | None) -> None:
        if index is None or not self.is_mounted:
            return
        y = self._index_to_line.get(index)
        if y is not None:
            self.refresh_lines(y, self._heights.get(index, 1))

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar takes columns from the lines: the options wrap again at the width
        left (``OptionList`` keeps the heights it measured without it, and cuts the last line
        of an option that wraps once more)."""
        self._clear_caches()
