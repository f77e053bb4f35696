"""A footer that shows the bindings that fit, whole, and leaves the rest to ``?``.

Textual's footer lays its keys out in a row and lets the row run under the command-palette key:
at 80 columns the last key is cut mid-word (``n N▏^p palette``) and stray letters remain.
Bindings are declared most useful first, so this footer keeps keys from the left while they fit
entirely before the palette key and hides the rest; ``?`` lists every binding.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from kubetui.guard import Guarded


class FitFooter(Guarded, Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)  # hidden keys may fit again: measure anew

    def _fit(self, attempts: int = 5) -> None:
        children = list(self.children)
        if attempts and any(not c.region.width for c in children):
            self.call_after_refresh(self._fit, attempts - 1)  # not laid out yet
            return
        palette = next((c for c in children if c.has_class("-command-palette")), None)
        limit = palette.region.x if palette is not None and palette.region.width else \
            self.region.right
        cut = False
        for child in children:
            if child is palette:
                continue
            right = child.region.right + child.styles.margin.right
            cut = cut or right > limit
            if cut:
                child.display = False
