"""Screens that stay quiet while another screen covers them.

Textual treats the screen just under the top one as visible even when the top screen is opaque,
and once it has forwarded a repaint to the top screen it keeps a "repaint needed" flag set: from
then on every message it handles (a watch delta, a node heartbeat each second) repaints the whole
top screen. Over SSH that is kilobytes a second with nothing changing on screen. Two guards:
``KubetuiApp._background_screens`` leaves out screens hidden behind an opaque top screen (they
repaint in full when shown again), and ``QuietBehind`` clears the stale flag on a covered screen
that has nothing of its own to repaint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.screen import Screen as _Base
else:
    _Base = object


class QuietBehind(_Base):
    """Mix in before ``Screen`` on every full screen of kubetui."""

    async def _on_idle(self, event: events.Idle) -> None:
        if self is not self.app.screen and not (
                self._layout_required or self._scroll_required
                or self._recompose_required or self._dirty_widgets):
            self._repaint_required = False


def opaque(screen) -> bool:
    return screen.styles.background.a == 1
