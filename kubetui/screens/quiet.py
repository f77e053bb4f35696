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

from textual import events


class QuietBehind:
    """Mix in before ``Screen`` on every full screen of kubetui."""

    async def _on_idle(self, event: events.Idle) -> None:
        if self is not self.app.screen and not (  # type: ignore[attr-defined]
                self._layout_required or self._scroll_required  # type: ignore[attr-defined]
                or self._recompose_required or self._dirty_widgets):  # type: ignore[attr-defined]
            self._repaint_required = False  # type: ignore[attr-defined]


def opaque(screen) -> bool:
    return screen.styles.background.a == 1
