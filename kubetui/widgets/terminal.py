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

import pyte
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

FEED_SLICE = 32 * 1024  # bytes fed to the emulator before yielding to the event loop
FRAME = 1 / 60

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
        self.screen_ = pyte.HistoryScreen(80, 24, history=5000, ratio=0.5)
        self.screen_.set_mode(pyte.modes.LNM)
        self.stream_ = pyte.ByteStream(self.screen_)
        self._cells = (80, 24)
        self._dirty = False
        self.live = True  # False once the process ended: no cursor
        self.bytes_in = 0

    def on_mount(self) -> None:
        self.set_interval(FRAME, self._paint_if_dirty)

    @property
    def size_cells(self) -> tuple[int, int]:
        return self._cells

    async def feed(self, data: bytes) -> None:
        self.bytes_in += len(data)
        for start in range(0, len(data), FEED_SLICE):
            self.stream_.feed(data[start:start + FEED_SLICE])
            self._dirty = True
            if len(data) > FEED_SLICE:
                await asyncio.sleep(0)

    def write_note(self, text: str) -> None:
        """A line from kubetui itself (exit code, errors), drawn as the emulator's text."""
        self.stream_.feed(b"\r\n\x1b[7m" + visible(text).encode() + b"\x1b[0m\r\n")
        self._dirty = True

    # -- input -------------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if event.key in ("ctrl+right_square_bracket", "shift+pageup", "shift+pagedown"):
            return  # bindings
        data = key_bytes(event.key, event.character)
        if data is not None:
            event.stop()
            event.prevent_default()
            if self.screen_.history.position != self.screen_.history.size:
                self.screen_.next_page()  # typing returns to the live screen
            self.post_message(self.Input(data))

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.post_message(self.Input(event.text.replace("\n", "\r").encode()))

    def action_release(self) -> None:
        self.post_message(self.Released())

    def action_history(self, direction: int) -> None:
        if direction < 0:
            self.screen_.prev_page()
        else:
            self.screen_.next_page()
        self.refresh()

    # -- size --------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        width, height = max(2, event.size.width), max(2, event.size.height)
        if (width, height) == self._cells:
            return
        self._cells = (width, height)
        self.screen_.resize(height, width)
        self.virtual_size = Size(width, height)
        self.post_message(self.Resized(width, height))
        self.refresh()

    # -- output ------------------------------------------------------------------------------
    def _paint_if_dirty(self) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh()

    def text(self) -> str:
        """The visible screen as text (for tests and copying)."""
        return "\n".join(line.rstrip() for line in self.screen_.display)

    def render_line(self, y: int) -> Strip:
        width = self._cells[0]
        if y >= self.screen_.lines:
            return Strip.blank(width)
        row = self.screen_.buffer[y]
        cursor = self.screen_.cursor
        show_cursor = self.has_focus and self.live and y == cursor.y and \
            not self.screen_.cursor.hidden
        segments: list[Segment] = []
        run, run_style = [], None
        for x in range(width):
            char = row[x]
            if not char.data:
                continue  # the second cell of a wide character
            style = Style(color=_color(char.fg), bgcolor=_color(char.bg), bold=char.bold,
                          italic=char.italics, underline=char.underscore,
                          strike=char.strikethrough,
                          reverse=char.reverse != (show_cursor and x == cursor.x))
            if style != run_style and run:
                segments.append(Segment(visible("".join(run)), run_style))
                run = []
            run_style = style
            run.append(char.data)
        if run:
            segments.append(Segment(visible("".join(run)), run_style))
        return Strip(segments).crop_extend(0, width, None)
