"""The virtualised table keeps its cursor on the same row (and screen line) while rows change."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App, ComposeResult

from kubetui.widgets.resource_table import Column, ResourceTable, SortSpec


@dataclass(frozen=True)
class R:
    key: str
    n: int


def table() -> ResourceTable:
    return ResourceTable([Column("key", "KEY", 10), Column("n", "N", 5, align="right")],
                         lambda r, now: {"key": r.key, "n": str(r.n)},
                         {"key": lambda r: r.key, "n": lambda r: (r.n, r.key)},
                         default_sort=SortSpec("key"), clock=lambda: 0.0, id="t")


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield table()


def rows(*keys: str, n: int = 0) -> dict:
    return {k: R(k, n) for k in keys}


async def test_cursor_follows_its_row_through_inserts_and_deletes():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(ResourceTable)
        t.focus()
        t.apply(rows(*[f"k{i:03d}" for i in range(0, 200, 2)]), reset=True)
        await pilot.pause()
        await pilot.press("down", "down", "down")
        assert t.cursor_row.key == "k006"
        screen_line = t.cursor - int(t.scroll_offset.y)
        t.apply(rows("k001", "k003", "k005"))  # three rows land above the cursor
        await pilot.pause()
        assert t.cursor_row.key == "k006"
        assert t.cursor - int(t.scroll_offset.y) == screen_line
        t.apply({}, deletes=["k006"])
        await pilot.pause()
        assert t.cursor_row is not None and t.cursor_row.key != "k006"
        assert len(t.order) == 102


async def test_updates_without_order_change_do_not_rebuild():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(ResourceTable)
        t.apply(rows("a", "b", "c"), reset=True)
        order = t.order
        t.apply({"b": R("b", 5)})
        await pilot.pause()
        assert t.order is order  # same list object: no re-sort happened
        assert t.rows["b"].n == 5


async def test_filter_sort_and_page_keys():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(ResourceTable)
        t.focus()
        t.apply({f"r{i}": R(f"r{i}", 100 - i) for i in range(50)}, reset=True)
        t.set_sort(SortSpec("n"))
        assert t.order[0] == "r49"
        t.set_filter(lambda r: r.n % 2 == 0)
        assert len(t.order) == 25
        await pilot.press("end")
        assert t.cursor == 24
        await pilot.press("home", "pagedown")
        assert t.cursor == t.size.height - 1
        t.apply({}, reset=True)
        await pilot.pause()
        assert t.cursor_row is None and t.order == []


async def test_render_only_visible_lines():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        t = app.query_one(ResourceTable)
        t.apply({f"r{i:05d}": R(f"r{i:05d}", i) for i in range(10_000)}, reset=True)
        await pilot.pause()
        before = t.renders
        t.focus()
        await pilot.press("down")
        await pilot.pause()
        assert 0 < t.renders - before <= 2 * t.size.height


class WideApp(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable([Column("a", "NAMESPACE", 16), Column("key", "NAME", 0, min_width=20),
                             Column("b", "STATUS", 17), Column("c", "RESTARTS", 13)],
                            lambda r, now: {"key": r.key}, {"key": lambda r: r.key},
                            default_sort=SortSpec("key"), clock=lambda: 0.0)


async def test_columns_shrink_to_fit_a_narrow_terminal():
    app = WideApp()
    async with app.run_test(size=(50, 8)) as pilot:
        t = app.query_one(ResourceTable)
        t.apply({"x": R("x", 1)}, reset=True)
        await pilot.pause()
        header = t.header_text()
        assert len(header) <= t.line_width
        assert "RESTARTS" in header and "NAMESPACE" in header


async def test_the_events_message_keeps_its_room_at_80_columns():
    """Fixed columns give way before the flexible one the row is read for: at 80 columns the
    events pane shows COUNT and still 25 cells of the message."""
    from kubetui.widgets.events_pane import event_columns

    class EventsApp(App):
        def compose(self) -> ComposeResult:
            yield ResourceTable(event_columns(False), lambda r, now: {},
                                {"key": lambda r: r.key}, default_sort=SortSpec("key"),
                                clock=lambda: 0.0)

    app = EventsApp()
    async with app.run_test(size=(80, 10)) as pilot:
        t = app.query_one(ResourceTable)
        await pilot.pause()
        widths = dict(zip([c.key for c in t.visible_columns()], t.column_widths(), strict=True))
        assert "count" in widths and widths["message"] >= 25, widths
        assert sum(widths.values()) + len(widths) - 1 <= t.line_width


@dataclass(frozen=True)
class Aged:
    key: str
    created: float


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class AgedApp(App):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock_ = clock

    def compose(self) -> ComposeResult:
        from kubetui.formatting import human_duration

        yield ResourceTable([Column("key", "NAME", 12), Column("age", "AGE", 6, align="right"),
                             Column("note", "NOTE", 10)],
                            lambda r, now: {"key": r.key, "age": human_duration(now - r.created),
                                            "note": "steady"},
                            {"key": lambda r: r.key}, default_sort=SortSpec("key"),
                            clock=self.clock_, timestamps=lambda r: (r.created,))


def test_changed_span():
    from kubetui.widgets.age_ticks import changed_span

    assert changed_span("a   5s x", "a   5s x") is None
    assert changed_span("a   5s x", "a   6s x") == (4, 5)
    assert changed_span("a  59s x", "a 1m0s x") == (2, 5)


async def test_ages_repaint_when_their_text_changes_and_only_that_span():
    clock = Clock(1000.0)
    app = AgedApp(clock)
    async with app.run_test(size=(40, 8)) as pilot:
        t = app.query_one(ResourceTable)
        t.apply({"young": Aged("young", 995.0), "old": Aged("old", 1000.0 - 5 * 86400)},
                reset=True)
        await pilot.pause()
        assert "5s" in app.export_screenshot()
        painted = dict(t._painted)
        clock.now += 1.0  # the young row's age text changes within a second of wall time
        await pilot.pause(1.2)
        assert t.age_repaints >= 1
        assert "6s" in app.export_screenshot()
        # Only the young row's AGE cells were repainted: the old row's line was not touched.
        line_old = next(y for y, (key, *_) in painted.items() if key == "old")
        assert t._painted[line_old] == painted[line_old]


async def test_old_ages_do_not_tick():
    clock = Clock(1000.0)
    app = AgedApp(clock)
    async with app.run_test(size=(40, 8)) as pilot:
        t = app.query_one(ResourceTable)
        t.apply({f"r{i}": Aged(f"r{i}", 1000.0 - 3 * 86400 - 5000 * i) for i in range(5)},
                reset=True)
        await pilot.pause()
        assert t._age_timer is not None and t._age_due - __import__("time").monotonic() > 60
        await pilot.pause(1.5)
        assert t.age_repaints == 0


async def test_an_update_repaints_its_row_when_the_table_is_scrolled():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(ResourceTable)
        t.focus()
        t.apply({f"k{i:03d}": R(f"k{i:03d}", 0) for i in range(100)}, reset=True)
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert t.scroll_offset.y > 0
        t.apply({"k095": R("k095", 77777)})
        await pilot.pause()
        assert "77777" in app.export_screenshot()
