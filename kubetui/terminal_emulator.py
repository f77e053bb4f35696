"""The terminal emulator behind the embedded terminal: pyte, made fast enough for floods.

pyte handles every escape sequence, but draws a character at a time: about 0.2 MB/s on this
machine, and a third of that with its own history. A container that prints megabytes would take
minutes to show. So:

- the scrollback is ours, as plain text lines (captured when pyte scrolls a line off the top),
  which also makes it searchable;
- a chunk of plain text (printable ASCII, tabs, CR LF; no escape sequence) that is longer than
  the screen takes a fast path: the lines that would only scroll through go straight to the
  scrollback, and pyte draws just the last screenful, which is exactly what it would have shown;
- ``dirty`` says which screen lines changed since the last paint.

No Textual here: ``kubetui.widgets.terminal`` draws what this holds.
"""

from __future__ import annotations

import re
from collections import deque

import pyte

#: What the fast path accepts: printable ASCII, tab, CR, LF.
_PLAIN = re.compile(rb"[\x20-\x7e\t\r\n]*")


class _Screen(pyte.Screen):
    """pyte.Screen that hands every line scrolled off the top to ``on_scroll``."""

    def __init__(self, columns: int, lines: int, on_scroll) -> None:
        super().__init__(columns, lines)
        self._on_scroll = on_scroll

    def index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        if self.cursor.y == bottom and top == 0:
            self._on_scroll(self.buffer[0], self.columns)
        super().index()


class Emulator:
    def __init__(self, columns: int = 80, lines: int = 24, scrollback: int = 10000) -> None:
        self.screen = _Screen(columns, lines, self._scrolled)
        self.screen.set_mode(pyte.modes.LNM)
        self.stream = pyte.ByteStream(self.screen)
        self.scrollback: deque[str] = deque(maxlen=scrollback)
        self.fast_lines = 0  # lines that took the fast path (for tests and the benchmark)

    @property
    def columns(self) -> int:
        return self.screen.columns

    @property
    def lines(self) -> int:
        return self.screen.lines

    @property
    def dirty(self) -> set[int]:
        return self.screen.dirty

    def _scrolled(self, line, columns: int) -> None:
        if not line:
            self.scrollback.append("")
            return
        last = min(columns, max(line) + 1)  # rows are sparse: only written cells are keys
        self.scrollback.append("".join([line[x].data for x in range(last)]).rstrip())

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)
        self.screen.dirty.update(range(lines))

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def feed(self, data: bytes) -> None:
        if len(data) > 2048 and self._fast_path_ok() and _PLAIN.fullmatch(data):
            self._feed_plain(data)
        else:
            self.stream.feed(data)

    def _fast_path_ok(self) -> bool:
        s = self.screen
        return s.margins is None and pyte.modes.DECAWM in s.mode and pyte.modes.LNM in s.mode

    def _feed_plain(self, data: bytes) -> None:
        text = data.decode("ascii")
        parts = text.split("\n")
        lines, columns = self.lines, self.columns
        # The first part ends the cursor's line; the last is the new cursor line (maybe empty).
        middle, tail = parts[1:-lines], parts[-lines:]
        if len(parts) <= lines + 1 or any(
                "\r" in p.rstrip("\r") or len(p.expandtabs(8)) > columns
                for p in (*middle, *tail)):
            self.stream.feed(data)  # short, or wrapping or overprinting lines: pyte decides
            return
        self.stream.feed(parts[0].encode() + b"\n")
        r = self.screen.cursor.y
        if any(self.screen.buffer[y] for y in range(r, lines)):
            # Text below the cursor would be partly overprinted, not scrolled: let pyte do it.
            self.stream.feed("\n".join((*middle, *tail)).encode())
            return
        # The rows above the cursor scroll off first, then the middle lines; the tail lines
        # end up on screen, top to bottom.
        for y in range(r):
            self._scrolled(self.screen.buffer[y], columns)
        for part in middle:
            self.scrollback.append(part.rstrip("\r").expandtabs(8).rstrip())
        self.fast_lines += len(middle)
        screen = self.screen
        screen.erase_in_display(2)
        # What pyte's draw() would put there, without its per-character work: plain text in
        # the current attributes, one row per line, the cursor after the last character.
        attrs = screen.cursor.attrs
        chars: dict[str, object] = {}  # Char is immutable: one per character, shared
        last = ""
        for y, part in enumerate(tail):
            last = part.rstrip("\r").expandtabs(8)
            screen.buffer[y].update({
                x: chars.get(ch) or chars.setdefault(ch, attrs._replace(data=ch))
                for x, ch in enumerate(last)})
        screen.cursor.y = len(tail) - 1
        screen.cursor.x = len(last)
        screen.dirty.update(range(lines))
