"""No traceback, ever: an exception in a handler is reported and the widget lives on.

Textual ends the app when a message handler, action or callback raises, and even when the app
survives (``KubetuiApp._handle_exception``), the message loop of the widget that raised stops for
good. Every kubetui screen and widget mixes in ``Guarded``: an exception while it handles a
message (events, key bindings, actions, posted messages) goes to the app's error funnel, which
logs the details to ``$XDG_STATE_HOME/kubetui/kubetui.log`` and shows one notification, and the
loop carries on with the next message. ``tests/unit/test_architecture.py`` checks that every
message pump in the package is guarded.
"""

from __future__ import annotations

from asyncio import CancelledError


class Guarded:
    """Mix in before the Textual base class: ``class MyPane(Guarded, Vertical)``."""

    async def _dispatch_message(self, message) -> None:  # type: ignore[no-untyped-def]
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - this is the funnel
            where = f"{type(self).__name__} handling {type(message).__name__}"
            self.app.report_error(error, where)  # type: ignore[attr-defined]  # the app's funnel
