"""A log view over any number of lines: only the rows on screen are built (the Line API), from
the buffer the screen owns, so 500,000 lines cost what 40 do.

Each line is drawn as data: its source's prefix in the source's colour, the time when asked,
the text made visible (``safe_text``), the search's matches highlighted. The view follows the
end until the user scrolls up, and follows again at the end (``end`` or scrolling down to it).
Its place is kept by the line at its top, not by an index: lines inserted before it (a pod that
joined with older lines) or dropped from the front do not move what the user reads.

The buffer is the one mutable thing a widget reads here: it is far too large to hand over as
rows, only the screen writes it, and both run on the UI loop.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from kubetui.guard import Guarded
from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.lines import NS, Line
from kubetui.k8s.logs.search import Search, spans
from kubetui.safe_text import visible

MARKER = Style(bold=True)
MATCH = Style(reverse=True)
CURRENT = Style(reverse=True, bold=True, underline=True)
TIME = Style(dim=True)
PREFIX_MAX = 40  # cells: a longer pod/container name is cut


@dataclass(frozen=True)
class LogLook:
    """How lines are drawn: the screen's toggles and the sources' names and colours."""

    names: tuple[str, ...] = ()  # per source index: its prefix ("" : none)
    colours: tuple[str, ...] = ()
    show_time: bool = False
    wrap: bool = False
    search: Search | None = None


def clock_text(ns: int) -> str:
    """``19:53:26.123`` (UTC): the time column; saved files carry the full RFC 3339."""
    seconds, rest = divmod(ns, NS)
    s = seconds % 86400
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{rest // 1_000_000:03d}"


class LogView(Guarded, Widget, can_focus=True):
    BINDINGS = [
        Binding("up,k", "scroll_lines(-1)", "Up", show=False, id="log.up"),
        Binding("down,j", "scroll_lines(1)", "Down", show=False, id="log.down"),
        Binding("pageup,ctrl+b", "scroll_pages(-1)", "Page up", show=False, id="log.pageup"),
        Binding("pagedown,ctrl+f,space", "scroll_pages(1)", "Page down", show=False,
                id="log.pagedown"),
        Binding("home,g", "home", "Top", show=False, id="log.home"),
        Binding("end,G", "end", "End/follow", show=False, id="log.end"),
    ]
    DEFAULT_CSS = "LogView { height: 1fr; }"

    @dataclass
    class Moved(Message):
        """The user scrolled: ``following`` says whether the view is at the end."""

        following: bool

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.buffer = LogBuffer()
        self.shown: Sequence[int] | None = None  # absolute indexes (a filter); None: all
        self.look = LogLook()
        self.current: int | None = None  # the search's current line (absolute index)
        self.following = True
        self._top: Line | None = None  # the line at the top when not following
        self._strips: list[Strip] = []
        # rows built for the lines last drawn, by line (while following, a repaint draws
        # mostly the lines the last one drew); emptied when how they are drawn changes
        self._built: dict[tuple, list[Strip]] = {}
        self._built_for: tuple = ()
        self._drawn: dict[tuple, list[Strip]] = {}
        self.first_shown: int | None = None  # absolute index of the top row's line
        self.last_shown: int | None = None

    # -- what the screen hands over ---------------------------------------------------
    def show(self, buffer: LogBuffer, shown: Sequence[int] | None, look: LogLook,
             current: int | None = None) -> None:
        self.buffer, self.shown, self.look, self.current = buffer, shown, look, current
        self.refresh_rows()

    def count(self) -> int:
        return len(self.shown) if self.shown is not None else len(self.buffer)

    def _at(self, position: int) -> int:
        """The absolute index of the line at ``position`` in what is shown."""
        return self.shown[position] if self.shown is not None else self.buffer.first + position

    def _position(self, absolute: int) -> int:
        if self.shown is not None:
            return bisect_left(self.shown, absolute)
        return max(0, absolute - self.buffer.first)

    def _top_position(self) -> int:
        if self._top is None:
            return 0
        return min(self._position(self.buffer.find(self._top)), max(0, self.count() - 1))

    # -- drawing ----------------------------------------------------------------------
    def _prefix(self, line: Line) -> list[Segment]:
        look = self.look
        out = []
        if look.show_time:
            out.append(Segment(clock_text(line.ns) + " ", TIME))
        if 0 <= line.source < len(look.names) and look.names[line.source]:
            width = min(PREFIX_MAX, max(cell_len(n) for n in look.names))
            name = look.names[line.source]
            name = name if cell_len(name) <= width else name[: width - 1] + "…"
            out.append(Segment(name.ljust(width) + " ", Style(color=look.colours[line.source])))
        return out

    def _rows(self, absolute: int, width: int) -> list[Strip]:
        raw = self.buffer.lines[absolute - self.buffer.first]
        current = absolute == self.current
        if current:  # drawn apart: it changes as the user moves between hits
            return self._build(Line._make(raw), True, width)
        rows = self._built.get(raw)
        if rows is None:
            rows = self._build(Line._make(raw), False, width)
        self._drawn[raw] = rows
        return rows

    def _build(self, line: Line, current: bool, width: int) -> list[Strip]:
        prefix = self._prefix(line)
        text = visible(line.text)
        base = MARKER if line.source < 0 else Style()
        body: list[Segment] = []
        search = self.look.search
        hits = spans(text, search) if search is not None and line.source >= 0 else []
        at = 0
        for start, end in hits:
            body.append(Segment(text[at:start], base))
            body.append(Segment(text[start:end], CURRENT if current else MATCH))
            at = end
        body.append(Segment(text[at:], base))
        strip = Strip(prefix + body)
        if not self.look.wrap or strip.cell_length <= width:
            return [strip.crop(0, width)]
        indent = sum(s.cell_length for s in prefix)
        rows = [strip.crop(0, width)]
        step = max(8, width - indent)
        for start in range(width, strip.cell_length, step):
            rows.append(Strip([Segment(" " * indent)] + list(strip.crop(start, start + step))))
        return rows

    def refresh_rows(self) -> None:
        width, height = self.size.width, self.size.height
        strips: list[Strip] = []
        drawn_for = (self.look, width)
        if drawn_for != self._built_for:
            self._built, self._built_for = {}, drawn_for
        self._drawn = {}
        total = self.count()
        if total and width > 0 and height > 0:
            if self.following:
                position = total - 1
                while position >= 0 and len(strips) < height:
                    strips[:0] = self._rows(self._at(position), width)
                    position -= 1
                strips = strips[-height:]
                self.first_shown = self._at(position + 1)
                self.last_shown = self._at(total - 1)
            else:  # a full screen when the kept line is near the end (a filter came on)
                position = min(self._top_position(), max(0, total - height))
                self.first_shown = self._at(position)
                while position < total and len(strips) < height:
                    strips.extend(self._rows(self._at(position), width))
                    position += 1
                strips = strips[:height]
                self.last_shown = self._at(position - 1)
        else:
            self.first_shown = self.last_shown = None
        self._strips = strips
        self._built = self._drawn
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            strip = self._strips[y].extend_cell_length(self.size.width)
            selection = self.text_selection
            span = selection.get_span(y) if selection is not None else None
            if span is not None:  # a mouse selection: drawn as the screen draws one
                start, end = span
                end = strip.cell_length if end == -1 else end
                style = self.screen.get_component_rich_style("screen--selection")
                before, middle, after = strip.divide([start, end, strip.cell_length])
                strip = Strip.join([before, middle.apply_style(style), after])
            return strip.apply_offsets(0, y)
        if y == 0 and not self.count():
            return Strip([Segment("(no lines yet)", TIME)]).extend_cell_length(self.size.width)
        return Strip.blank(self.size.width)

    def drawn(self) -> list[str]:
        """The text of the rows on screen, as drawn."""
        return [strip.text for strip in self._strips]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """What a mouse selection covers (copied by ``Y`` or ctrl+c): rows as drawn."""
        return selection.extract("\n".join(self.drawn())), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.refresh_rows()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    # -- moving -------------------------------------------------------------------------
    def scroll_to_position(self, position: int) -> None:
        total = self.count()
        if total == 0:
            return
        bottom = max(0, total - max(1, self.size.height))
        if position >= bottom:
            self.following = True
            self._top = None
        else:
            self.following = False
            self._top = self.buffer.line(self._at(max(0, position)))
        self.refresh_rows()
        self.post_message(self.Moved(self.following))

    def _current_top(self) -> int:
        """The position of the top row's line, as drawn."""
        first = self.first_shown
        return self._position(first) if first is not None else 0

    def action_scroll_lines(self, lines: int) -> None:
        self.scroll_to_position(self._current_top() + lines)

    def action_scroll_pages(self, pages: int) -> None:
        self.scroll_to_position(self._current_top() + pages * max(1, self.size.height - 1))

    def action_home(self) -> None:
        self.scroll_to_position(0)

    def action_end(self) -> None:
        self.scroll_to_position(self.count())

    def reveal(self, absolute: int) -> None:
        """Put a line (a search hit) in view, a third of the way down."""
        position = self._position(absolute)
        self.scroll_to_position(max(0, position - self.size.height // 3))
        if self.following and position < self.count() - self.size.height:
            self.following = False

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_scroll_lines(-3)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_scroll_lines(3)
