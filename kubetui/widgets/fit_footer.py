"""A footer that shows the bindings that fit, whole, and leaves the rest to ``?``.

Textual's footer lays its keys out in a row and lets the row run under the command-palette key:
at 80 columns the last key is cut mid-word (``n N▏^p palette``) and stray letters remain.
Bindings are declared most useful first, so this footer keeps keys from the left while they fit
entirely before the palette key and hides the rest; ``?`` lists every binding.

Textual's footer also builds all its keys again on every bindings signal (each focus change, each
``refresh_bindings``), most of which change nothing it shows: six rebuilds, about 150 ms, between
the first frame and the pods going live. This one rebuilds at most once a frame, and only when
the keys it would show or its width changed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kubetui.guard import Guarded


class FitFooter(Guarded, Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple | None = None  # (width, keys) of the last build
        self._rebuild_pending = False

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Born compact: the keys' data binding would otherwise add the class after
                # mount, and restyle each key once more.
                widget.add_class("-compact")
            yield widget
        self.call_after_refresh(self._fit)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._rebuild_soon()

    def on_resize(self) -> None:
        # Hidden keys may fit again: built and measured anew, whatever the bindings (the fit
        # needs the laid-out keys; a resize is rare, unlike the bindings signals).
        self._shown = None
        self.call_after_refresh(self.recompose)

    def _rebuild_soon(self) -> None:
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:  # its screen went away before this frame
            return
        try:
            bindings = self.screen.active_bindings
        except NoScreen:
            return
        shown = (self.size.width, tuple(
            (binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
            for _, binding, enabled, tooltip in bindings.values()))
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

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
