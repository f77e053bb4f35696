"""Keys that arrive together (a fast typist, a slow SSH link) edit the line in the order typed:
``ctrl+u`` then text, arrows between characters, ``home`` then a character."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from kubetui.widgets.line_input import LineInput


class OneLine(App):
    def compose(self) -> ComposeResult:
        yield LineInput("GET /")


def burst(app: App, keys: list[str]) -> None:
    """Every key queued before any is handled, as the driver does with one read of input."""
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


async def test_keys_in_one_read_apply_in_order():
    app = OneLine()
    async with app.run_test() as pilot:
        line = app.query_one(LineInput)
        line.focus()
        await pilot.pause()
        burst(app, ["ctrl+u", *"GET /health", "left", "left", "X", "Y", "home", "Z"])
        await pilot.pause(0.3)
        assert line.value == "ZGET /healXYth"
        burst(app, ["end", "ctrl+w", *"ok"])
        await pilot.pause(0.3)
        assert line.value == "ZGET /ok"
