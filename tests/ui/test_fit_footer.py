"""The footer shows whole bindings only: at 80 columns the ones that do not fit are hidden,
never cut under the palette key; wider, they come back. A click presses the key under it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from kubetui.widgets.fit_footer import FitFooter, FooterKey, fit

BINDINGS = [Binding(k, f"noop('{k}')", f"Description{k}", id=f"b.{k}") for k in "abcdefghij"]


class FooterApp(App):
    BINDINGS = BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield FitFooter()

    def action_noop(self, key: str) -> None:
        self.pressed.append(key)


def footer_line(app: App) -> str:
    return app.query_one(FitFooter).render_line(0).text


async def test_keys_that_do_not_fit_are_hidden_not_cut():
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause(0.1)
        footer = app.query_one(FitFooter)
        *keys, palette = footer.shown
        assert palette.key == "ctrl+p"
        assert 0 < len(keys) < len(BINDINGS)
        assert [k.key for k in keys] == [b.key for b in BINDINGS[: len(keys)]]  # the first ones
        line = footer_line(app)
        assert line.rstrip().endswith("▏^p palette")
        for key in keys:  # each one whole
            assert f"{key.key} Description{key.key}" in line
        assert f"Description{BINDINGS[len(keys)].key}" not in line  # not even cut
        assert len(line) == 80
        await pilot.resize_terminal(220, 10)
        await pilot.pause(0.1)
        assert len(footer.shown) == len(BINDINGS) + 1
        assert "Descriptionj" in footer_line(app)


async def test_a_click_presses_the_key_under_the_pointer():
    app = FooterApp()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause(0.1)
        footer = app.query_one(FitFooter)
        line = footer_line(app)
        x = line.index("Descriptionc")
        await pilot.click(FitFooter, offset=(x, 0))
        assert app.pressed == ["c"]
        gap = line.index("Descriptionb") + len("Descriptionb")  # the space between b and c
        await pilot.click(FitFooter, offset=(gap, 0))
        assert app.pressed == ["c"]
        assert footer.shown[-1].key == "ctrl+p"


def key(name: str, description: str = "") -> FooterKey:
    return FooterKey(name, name, description, True, "")


def test_fit_is_arithmetic_on_cell_widths():
    keys = (key("a", "Alpha"), key("b", "Béta"), key("⏎", "双"), key("d", "Delta"))
    palette = key("^p", "palette")
    # "a Alpha b Béta ⏎ 双" is 19 cells; the palette needs 12 more (a space, the separator).
    placed = fit(keys, palette, 31)
    assert [(p.key.key, p.start, p.end) for p in placed] == [
        ("a", 0, 7), ("b", 8, 14), ("⏎", 15, 19), ("^p", 21, 31)]
    assert [p.key.key for p in fit(keys, palette, 30)] == ["a", "b", "^p"]
    assert [p.key.key for p in fit(keys, None, 19)] == ["a", "b", "⏎"]
    assert fit(keys, palette, 5) == []  # not even the palette key fits
