"""The log view on its own: a filter that leaves the kept line near the end still fills the
screen, and the keys scroll from what is drawn."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.widgets.log_view import LogLook, LogView


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield LogView()


async def test_a_filter_near_the_end_fills_the_screen_and_keys_scroll_from_it():
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LogView)
        buffer = LogBuffer()
        buffer.add(0, [(i + 1, f"line {i}") for i in range(100)])
        buffer.flush()
        view.show(buffer, None, LogLook())
        view.reveal(50)  # a hit, a third of the way down: the view stops following
        await pilot.pause()
        assert not view.following and view.first_shown == 50 - 20 // 3
        # a filter of 30 lines, the kept top line (44) the 25th of them: drawn from the 11th
        shown = [*range(20), *range(40, 50)]
        view.show(buffer, shown, LogLook())
        await pilot.pause()
        assert view.first_shown == 10 and view.last_shown == 49
        assert view.drawn() == [f"line {i}" for i in shown[10:]]
        view.focus()
        await pilot.press("up")
        assert view.first_shown == 9 and not view.following
        await pilot.press("end")
        assert view.following and view.last_shown == 49
