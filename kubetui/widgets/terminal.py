"""A terminal inside kubetui: a VT100/xterm screen (pyte) rendered through the Line API.

The widget is the emulator and its picture, nothing else: the screen that owns the exec/attach
stream hands it output with ``feed`` (fed to pyte in slices, yielding to the event loop between
them, so a container printing megabytes never freezes the UI; repainted at most every 1/60 s)
and sends on what the widget posts: ``Input`` (keys, paste) and ``Resized``. ``ctrl+]``
(remappable: ``terminal.release``) gives focus back to kubetui without ending the session;
``shift+pageup``/``shift+pagedown`` scroll the history.

What the container prints is drawn by the emulator, cell by cell: escape sequences are
interpreted by pyte, never passed to the user's terminal (an OSC 52 or an OSC 0 from the
container ends in pyte, not in the real terminal).
"""

from __future__ import annotations

import asyncio
import time

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kubetui.guard import Guarded
from kubetui.safe_text import visible
from kubetui.terminal_emulator import Emulator

FEED_SLICE = 32 * 1024  # bytes fed to the emulator before yielding to the event loop
FRAME = 1 / 30  # a flood repaints at most this often; an echo paints at once
CURSOR = Style(reverse=True)

KEYS = {
    "enter": b"\r", "tab": b"\t", "backspace": b"\x7f", "escape": b"\x1b",
    "up": b"\x1b[A", "down": b"\x1b[B", "right": b"\x1b[C", "left": b"\x1b[D",
    "home": b"\x1b[H", "end": b"\x1b[F", "pageup": b"\x1b[5~", "pagedown": b"\x1b[6~",
    "insert": b"\x1b[2~", "delete": b"\x1b[3~", "shift+tab": b"\x1b[Z",
    "f1": b"\x1bOP", "f2": b"\x1bOQ", "f3": b"\x1bOR", "f4": b"\x1bOS",
    "f5": b"\x1b[15~", "f6": b"\x1b[17~", "f7": b"\x1b[18~", "f8": b"\x1b[19~",
    "f9": b"\x1b[20~", "f10": b"\x1b[21~", "f11": b"\x1b[23~", "f12": b"\x1b[24~",
}


def key_bytes(key: str, character: str | None) -> bytes | None:
    """What a terminal sends for a Textual key."""
    if key in KEYS:
        return KEYS[key]
    if key.startswith("ctrl+") and len(key) == 6 and key[5].isalpha():
        return bytes([ord(key[5]) & 0x1F])  # ctrl+c -> 0x03, ctrl+d -> 0x04
    if character and (character.isprintable() or character == " "):
        return character.encode()
    return None


_COLORS = {"brown": "yellow"}  # pyte's name for ANSI 3


def _color(name: str) -> str | None:
    if name == "default":
        return None
    if len(name) == 6 and all(c in "0123456789abcdefABCDEF" for c in name):
        return f"#{name}"
    name = _COLORS.get(name, name)
    if name.startswith("bright"):
        return f"bright_{_COLORS.get(name[6:], name[6:])}"
    return name


class TerminalView(Guarded, ScrollView, can_focus=True):
    BINDINGS = [
        Binding("ctrl+right_square_bracket", "release", "Back to kubetui", priority=True,
                id="terminal.release", key_display="^]"),
        Binding("shift+pageup", "history(-1)", "Scroll back", show=False,
                id="terminal.scroll_back"),
        Binding("shift+pagedown", "history(1)", "Scroll forward", show=False,
                id="terminal.scroll_forward"),
    ]
    DEFAULT_CSS = "TerminalView { height: 1fr; background: $background; }"

    class Released(Message):
        """The reserved key: give focus back to kubetui, the session goes on."""

    class Input(Message):
        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

    class Resized(Message):
        def __init__(self, width: int, height: int) -> None:
            super().__init__()
            self.width, self.height = width, height

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.emulator = Emulator(80, 24)
        self._cells = (80, 24)
        self._strips: dict[int, Strip] = {}
        self._styles: dict[tuple, Style] = {}
        self._cursor_at: tuple[int, int] | None = None
        self._last_paint = 0.0
        self.back = 0  # lines scrolled back into the history (0: the live screen)
        self.live = True  # False once the process ended: no cursor
        self.bytes_in = 0
        self.fed_at = 0.0  # when output last arrived (the benchmark measures from here)

    def on_mount(self) -> None:
        self.set_interval(FRAME, self._paint_dirty)

    @property
    def size_cells(self) -> tuple[int, int]:
        return self._cells

    async def feed(self, data: bytes) -> None:
        self.bytes_in += len(data)
        self.fed_at = time.monotonic()
        for start in range(0, len(data), FEED_SLICE):
            self.emulator.feed(data[start:start + FEED_SLICE])
            if len(data) > FEED_SLICE:
                await asyncio.sleep(0)
        if len(data) < 4096 or time.monotonic() - self._last_paint >= FRAME:
            self._paint_dirty()  # an echo shows at once; a flood paints on the timer

    def write_note(self, text: str) -> None:
        """A line from kubetui itself (exit code, errors), drawn as the emulator's text."""
        self.emulator.feed(b"\r\n\x1b[7m" + visible(text).encode() + b"\x1b[0m\r\n")
        self._paint_dirty()

    def text(self) -> str:
        """The visible screen as text (for tests and copying)."""
        return self.emulator.text()

    def search(self, needle: str, older_than: int | None = None) -> int | None:
        """Show the newest line holding ``needle`` (case-insensitive) above ``older_than``
        (an index into history + screen), at the top of the view. Returns its index."""
        lines = [*self.emulator.scrollback, *self.emulator.screen.display]
        start = len(lines) if older_than is None else older_than
        low = needle.lower()
        for index in range(min(start, len(lines)) - 1, -1, -1):
            if low in lines[index].lower():
                self.back = max(0, len(self.emulator.scrollback) - index)
                self._strips.clear()
                self.refresh()
                return index
        return None

    # -- input -------------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if event.key in ("ctrl+right_square_bracket", "shift+pageup", "shift+pagedown"):
            return  # bindings
        data = key_bytes(event.key, event.character)
        if data is not None:
            event.stop()
            event.prevent_default()
            if self.back:
                self.back = 0  # typing returns to the live screen
                self._strips.clear()
                self.refresh()
            self.post_message(self.Input(data))

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.post_message(self.Input(event.text.replace("\n", "\r").encode()))

    def action_release(self) -> None:
        self.post_message(self.Released())

    def action_history(self, direction: int) -> None:
        page = max(1, self._cells[1] - 1)
        self.back = max(0, min(len(self.emulator.scrollback), self.back - direction * page))
        self._strips.clear()
        self.refresh()

    # -- size --------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        width, height = max(2, event.size.width), max(2, event.size.height)
        if (width, height) == self._cells:
            return
        self._cells = (width, height)
        self.emulator.resize(width, height)
        self._strips.clear()
        self.virtual_size = Size(width, height)
        self.post_message(self.Resized(width, height))
        self.refresh()

    # -- output ----------------------------------------------------------------------------
    def _paint_dirty(self) -> None:
        screen = self.emulator.screen
        dirty = set(screen.dirty)
        screen.dirty.clear()
        cursor = (screen.cursor.x, screen.cursor.y) if self.has_focus and self.live else None
        if cursor != self._cursor_at:
            dirty.update(pos[1] for pos in (cursor, self._cursor_at) if pos is not None)
            self._cursor_at = cursor
        if not dirty:
            return
        self._last_paint = time.monotonic()
        if self.back:
            return  # reading the history: the picture holds still
        for y in dirty:
            self._strips.pop(y, None)
            if 0 <= y < self._cells[1]:
                self.refresh_lines(y, 1)

    def on_focus(self) -> None:
        self._paint_dirty()

    def on_blur(self) -> None:
        self._paint_dirty()

    def _style(self, char) -> Style:
        key = (char.fg, char.bg, char.bold, char.italics, char.underscore, char.strikethrough,
               char.reverse)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = Style(
                color=_color(char.fg), bgcolor=_color(char.bg), bold=char.bold,
                italic=char.italics, underline=char.underscore, strike=char.strikethrough,
                reverse=char.reverse)
        return style

    def render_line(self, y: int) -> Strip:
        width, height = self._cells
        history = self.emulator.scrollback
        if self.back:
            index = len(history) - self.back + y
            if index < len(history):
                return Strip([Segment(visible(history[index]))]).crop_extend(0, width, None)
            y = index - len(history)
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._render_row(y, width)
        return strip

    def _render_row(self, y: int, width: int) -> Strip:
        screen = self.emulator.screen
        if y >= screen.lines:
            return Strip.blank(width)
        row = screen.buffer[y]
        cursor_x = self._cursor_at[0] if self._cursor_at and self._cursor_at[1] == y else -1
        segments: list[Segment] = []
        run: list[str] = []
        run_style = None
        for x in range(min(width, screen.columns)):
            char = row[x]
            if not char.data:
                continue  # the second cell of a wide character
            style = self._style(char)
            if x == cursor_x:
                style = style + CURSOR
            if style is not run_style and run:
                segments.append(Segment(visible("".join(run)), run_style))
                run = []
            run_style = style
            run.append(char.data)
        if run:
            segments.append(Segment(visible("".join(run)), run_style))
        return Strip(segments).crop_extend(0, width, None)
