"""A virtualised table for thousands of live rows: it renders only the lines on screen.

Textual's DataTable re-measures a whole column when a cell shrinks and re-lays-out every row on
``remove_row``; at 10k pods under 100 updates/s that is the keypress latency. Here rows live in a
dict keyed by uid, the visible order is a list of keys (filtered, sorted), and ``render_line``
formats just the row under each screen line. An update touches the dict; the order is rebuilt
only when rows arrive or leave, or a sort key changes. The cursor follows its row (by uid) and
stays on the same screen line while rows move around it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kubetui.guard import Guarded
from kubetui.safe_text import visible
from kubetui.widgets.age_ticks import AgeTicks, Timestamps, changed_span
from kubetui.widgets.row_order import RowOrder


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int = 0  # 0: flexible, shares the space left over
    min_width: int = 8  # for flexible columns
    align: str = "left"
    min_terminal: int = 0  # hide the column when the table is narrower than this
    keep: int = 0  # a fixed column never narrowed below this when the table is too narrow
    # (width, from): a fixed column this wide on a table at least ``from`` wide (STATUS shows
    # "CreateContainerConfigError" whole at 120 columns, and leaves NAME its room at 80)
    wide: tuple[int, int] = (0, 0)

    def width_at(self, table_width: int) -> int:
        wide, at = self.wide
        return wide if wide and table_width >= at else self.width


@dataclass(frozen=True)
class SortSpec:
    column: str
    reverse: bool = False


Cells = Callable[[Any, float], dict[str, str]]


def _color(value: str) -> Color | None:
    try:
        return Color.parse(value)
    except ColorParseError:
        return None


class ResourceTable(AgeTicks, Guarded, ScrollView, can_focus=True):
    """Rows are any objects with a hashable ``key``; ``cells(row, now)`` gives their text and
    ``timestamps(row)`` the times it shows as ages (they decide when the row repaints)."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "edge(0)", "Top", show=False, id="table.top"),
        Binding("end,G", "edge(1)", "Bottom", show=False, id="table.bottom"),
    ]
    DEFAULT_CSS = """
    ResourceTable { height: 1fr; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0; }
    """

    class CursorMoved(Message):
        def __init__(self, table: ResourceTable, row: Any | None) -> None:
            super().__init__()
            self.table, self.row = table, row

    def __init__(self, columns: list[Column], cells: Cells,
                 sort_keys: dict[str, Callable[[Any], Any]], *,
                 style_of: Callable[[Any], str | None] = lambda row: None,
                 default_sort: SortSpec, clock: Callable[[], float],
                 timestamps: Timestamps = lambda row: (), id: str | None = None):
        super().__init__(id=id)
        self.timestamps = timestamps
        # screen line -> (key, text, style name) as last painted: what an update must change
        self._painted: dict[int, tuple[Hashable, str, str | None]] = {}
        self.columns = columns
        self.cells = cells
        self.sort_keys = sort_keys
        self.style_of = style_of
        self.sort = default_sort
        self.clock = clock
        self.rows: dict[Hashable, Any] = {}
        self.order: list[Hashable] = []
        self._order = RowOrder()  # sorted once, filtered by walking it (row_order.py)
        self.cursor = 0
        self._cursor_key: Hashable | None = None
        self._styles: dict[str, Style] = {}
        self._widths: list[int] = []
        self._widths_for: tuple[int, int] = (0, 0)
        self.renders = 0  # lines rendered, for the benchmark
        self.version = 0  # bumped on every change to the rows

    # -- data ----------------------------------------------------------------------------
    def apply(self, upserts: dict[Hashable, Any], deletes: Iterable[Hashable] = (),
              reset: bool = False) -> None:
        sort_key = self.sort_keys[self.sort.column]
        self.version += 1
        order = self._order
        resort = refilter = reset
        if reset:
            self.rows = dict(upserts)
            order.reset()
        else:
            gone, moved, arrived = [], [], []
            for key in deletes:
                if self.rows.pop(key, None) is not None:
                    order.forget(key)
                    gone.append(key)
            for key, row in upserts.items():
                old = self.rows.get(key)
                self.rows[key] = row
                if order.changed(key, old, row):
                    refilter = True
                if old is None:
                    arrived.append(key)
                elif sort_key(old) != sort_key(row):
                    moved.append(key)
            if gone or moved or arrived:
                order.place(gone, moved, arrived)
                resort = True
        if resort or refilter:
            self._rebuild()
        else:
            self._refresh_rows(upserts.keys())
        self.schedule_ages()

    def set_filter(self, predicate: Callable[[Any], bool] | None = None, *,
                   text: Callable[[str], Any] | None = None,
                   search_text: Callable[[Any], str] | None = None) -> None:
        """Show the rows ``predicate`` keeps whose ``search_text`` ``text`` matches (either
        may be None). The sort order is kept: a new filter walks it (``RowOrder``)."""
        if search_text is not None:
            self._order.search_text = search_text
        self._order.predicate, self._order.text_match = predicate, text
        self._rebuild()

    def warm_search(self, search_text: Callable[[Any], str], budget: int = 5000) -> bool:
        """Prepare the filter's texts ahead of the first ``/`` (see ``RowOrder.warm``)."""
        self._order.search_text = search_text
        return self._order.warm(self.rows, budget)

    def set_sort(self, sort: SortSpec) -> None:
        self.sort = sort
        self._order.resort()
        self._rebuild()

    @property
    def cursor_row(self) -> Any | None:
        if 0 <= self.cursor < len(self.order):
            return self.rows.get(self.order[self.cursor])
        return None

    def _rebuild(self) -> None:
        old_screen_line = self.cursor - int(self.scroll_offset.y)
        self.order = self._order.keys(self.rows, self.sort_keys[self.sort.column],
                                      self.sort.reverse)
        place = self._place(self._cursor_key)
        if place is not None:
            self.cursor = place
        else:
            self.cursor = min(self.cursor, max(0, len(self.order) - 1))
        self.virtual_size = Size(self.line_width, len(self.order))
        # Keep the selected row on the same screen line while rows move around it.
        target = max(0, self.cursor - max(0, old_screen_line))
        self.scroll_to(y=target, animate=False, immediate=True)
        self._set_cursor(self.cursor, notify=True)
        self.refresh()
        self.schedule_ages()

    def _repaint_line(self, line: int) -> None:
        """Repaint one screen line (0 = the top visible row)."""
        self.refresh(Region(0, line, max(self.size.width, 1), 1))

    def repaint(self, keys: Iterable[Hashable]) -> None:
        """Repaint these rows: something drawn from outside them changed (a mark)."""
        self._refresh_rows(tuple(keys))

    def _refresh_rows(self, keys: Iterable[Hashable]) -> None:
        """Repaint the visible rows among ``keys``, and of each only the span whose text
        changed: an update that changes nothing on screen (a node's heartbeat, a pod's
        resourceVersion) writes nothing to the terminal."""
        top = int(self.scroll_offset.y)
        bottom = top + self.size.height
        now = self.clock()
        on_screen = {k: line for line, k in enumerate(self.order[top:bottom])}
        for key in keys:
            line = on_screen.get(key)
            if line is None:
                continue
            painted = self._painted.get(line)
            row = self.rows[key]
            if painted is None or painted[0] != key or painted[2] != self.style_of(row):
                self._repaint_line(line)
                continue
            span = changed_span(painted[1], self.line_text(row, now)
                                .ljust(self.line_width)[: self.line_width])
            if span is not None:
                self.refresh(Region(span[0], line, span[1] - span[0], 1))
        if self._cursor_key in keys:
            self._cursor_moved()

    # -- cursor --------------------------------------------------------------------------
    def _cursor_moved(self) -> None:
        """Tell the screen. The table is the sender even when rows are applied from its pane's
        handler: Textual stops a message at the sender's parent, and the pane is the table's."""
        self.post_message(self.CursorMoved(self, self.cursor_row).set_sender(self))

    def _set_cursor(self, index: int, notify: bool = True) -> None:
        previous = self.cursor
        self.cursor = max(0, min(index, len(self.order) - 1)) if self.order else 0
        new_key = self.order[self.cursor] if self.order else None
        changed = new_key != self._cursor_key
        self._cursor_key = new_key
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
            self.refresh()
        elif self.cursor >= top + self.size.height > 0:
            self.scroll_to(y=self.cursor - self.size.height + 1, animate=False, immediate=True)
            self.refresh()
        else:
            for line in {previous - top, self.cursor - top}:
                if 0 <= line < self.size.height:
                    self._repaint_line(line)
        if notify and changed:
            self._cursor_moved()

    def action_cursor(self, step: int) -> None:
        self._set_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self._set_cursor(len(self.order) - 1 if end else 0)

    def select_key(self, key: Hashable) -> bool:
        place = self._place(key)
        if place is not None:
            self._set_cursor(place)
            return True
        return False

    def _place(self, key: Hashable | None) -> int | None:
        """Where ``key`` is in the order (a scan at C speed: cheaper than keeping an index of
        100,000 keys up to date on every change)."""
        if key is None or key not in self.rows:
            return None
        try:
            return self.order.index(key)
        except ValueError:
            return None

    def on_click(self, event) -> None:
        self._set_cursor(int(self.scroll_offset.y) + event.y)

    # -- rendering -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self._load_styles()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._load_styles())

    def _load_styles(self) -> None:
        variables = self.app.get_css_variables()
        self._styles = {}
        for name, value in variables.items():
            if name.startswith(("pod-", "event-", "apf-")):
                color = _color(value)
                if color is not None:
                    self._styles[name] = Style(color=color.rich_color)
        cursor_bg = _color(variables.get("primary", "blue")) or Color(0, 0, 255)
        self._cursor_style = Style(bgcolor=cursor_bg.rich_color,
                                   color=cursor_bg.get_contrast_text().rich_color, bold=True)
        self.refresh()

    def on_resize(self) -> None:
        self._widths = []
        self._painted.clear()
        self.virtual_size = Size(self.line_width, len(self.order))
        self._set_cursor(self.cursor, notify=False)
        self.schedule_ages()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.schedule_ages()

    @property
    def line_width(self) -> int:
        """Width of a row: the widget less its vertical scrollbar."""
        return self.scrollable_content_region.width

    def visible_columns(self) -> list[Column]:
        return [c for c in self.columns if self.size.width >= c.min_terminal]

    def column_widths(self) -> list[int]:
        # Cached per line width: a scrollbar appearing (more rows than lines) narrows the rows.
        if self._widths and self._widths_for == (self.line_width, len(self.columns)):
            return self._widths
        self._widths_for = (self.line_width, len(self.columns))
        cols = self.visible_columns()
        sized = [c.width_at(self.size.width) for c in cols]
        fixed = sum(sized) + len(cols)  # one space between
        flex = [c for c in cols if not c.width]
        spare = max(0, self.line_width - fixed)
        share = spare // len(flex) if flex else 0
        widths = [w or max(c.min_width, share) for c, w in zip(cols, sized, strict=True)]
        # Too narrow (e.g. 80 columns with NAMESPACE shown): take the overflow from the columns
        # with the most room above their title's width, one cell at a time; a flexible column
        # (NAME, MESSAGE) keeps its min_width: it is what the row is read for.
        overflow = sum(widths) + len(cols) - 1 - self.line_width
        floors = [max(len(c.title) + 1, 6, 0 if c.width else c.min_width, c.keep) for c in cols]
        # Still too narrow: NAME gives up to a third of its minimum rather than a column
        # (AGE, the last) falling off the right edge.
        last_resort = [f if c.width else max(len(c.title) + 1, c.min_width * 2 // 3)
                       for c, f in zip(cols, floors, strict=True)]
        for limits in (floors, last_resort):
            while overflow > 0:
                i = max(range(len(cols)), key=lambda j: widths[j] - limits[j])
                if widths[i] <= limits[i]:
                    break
                widths[i] -= 1
                overflow -= 1
        self._widths = widths
        return self._widths

    def header_text(self) -> str:
        out = []
        for col, width in zip(self.visible_columns(), self.column_widths(), strict=True):
            title = col.title
            if col.key == self.sort.column:
                title += "↓" if self.sort.reverse else "↑"
            out.append(title.rjust(width) if col.align == "right" else title.ljust(width))
        return " ".join(out)[: self.line_width]

    def line_text(self, row: Any, now: float) -> str:
        """A row's text at ``now``, cells cut and padded to their columns."""
        cells = self.cells(row, now)
        parts = []
        for col, w in zip(self.visible_columns(), self.column_widths(), strict=True):
            text = visible(cells.get(col.key, ""))  # cluster text: data, never control codes
            if len(text) > w:
                text = text[: max(0, w - 1)] + "…"
            parts.append(text.rjust(w) if col.align == "right" else text.ljust(w))
        return " ".join(parts)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.line_width
        if index >= len(self.order):
            self._painted.pop(y, None)
            return Strip.blank(width)
        key = self.order[index]
        row = self.rows[key]
        self.renders += 1
        line = self.line_text(row, self.clock()).ljust(width)[:width]
        style_name = self.style_of(row)
        self._painted[y] = (key, line, style_name)
        base = self._styles.get(style_name or "", Style())
        if index == self.cursor and self.has_focus:
            style = base + self._cursor_style
        elif index == self.cursor:
            style = base + Style(reverse=True)
        else:
            style = base
        return Strip([Segment(line, style)], width)
