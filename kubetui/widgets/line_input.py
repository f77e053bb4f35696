"""A one-line input whose own keys act in the order they were typed.

Textual's ``Input`` inserts a printable key in its own ``_on_key``, but runs its bound keys
(``ctrl+u``, ``ctrl+w``, the arrows, ``home``) only once the key event has bubbled up to the app,
through the message queue of every parent. Keys that arrive in one read (a fast typist, or any
typist over a slow SSH link, where keystrokes travel together) are then applied out of order:
``ctrl+u`` then ``GET /`` clears the line after ``GET /`` was typed into it. Here the input's
own bindings run in the input's turn, so the line ends up as it was typed.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kubetui.guard import Guarded


class LineInput(Guarded, Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue  # the app's: already had its turn before the input's
                if await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
