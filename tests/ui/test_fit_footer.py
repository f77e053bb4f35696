"""The footer shows whole bindings only: at 80 columns the ones that do not fit are hidden,
never cut under the palette key; wider, they come back."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from kubetui.widgets.fit_footer import FitFooter

BINDINGS = [Binding(k, f"noop('{k}')", f"Description{k}", id=f"b.{k}") for k in "abcdefghij"]


class FooterApp(App):
    BINDINGS = BINDINGS

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield FitFooter()

    def action_noop(self, key: str) -> None:
        pass


def shown(app: App) -> list[FooterKey]:
    return [k for k in app.query(FooterKey) if k.display and not k.has_class("-command-palette")]


async def test_keys_that_do_not_fit_are_hidden_not_cut():
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause(0.3)
        palette = next(k for k in app.query(FooterKey) if k.has_class("-command-palette"))
        keys = shown(app)
        assert 0 < len(keys) < len(BINDINGS)
        assert all(k.region.right <= palette.region.x for k in keys)
        assert [k.key for k in keys] == [b.key for b in BINDINGS[: len(keys)]]  # the first ones
        footer_line = app.export_screenshot()
        assert "Descriptionj" not in footer_line
        await pilot.resize_terminal(220, 10)
        await pilot.pause(0.5)
        assert len(shown(app)) == len(BINDINGS)
