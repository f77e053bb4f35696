"""The emulator's fast path for plain-text floods shows exactly what pyte alone would show, and
keeps what scrolled off; and it is much faster."""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st

from kubetui.terminal_emulator import Emulator


def reference(chunks: list[bytes], columns: int, lines: int) -> tuple[str, list[str]]:
    """pyte alone, with a history kept the same way (lines scrolled off the top)."""
    scrolled: list[str] = []

    class Screen(pyte.Screen):
        def index(self):
            if self.cursor.y == self.lines - 1:
                scrolled.append("".join(self.buffer[0][x].data
                                        for x in range(self.columns)).rstrip())
            super().index()

    screen = Screen(columns, lines)
    screen.set_mode(pyte.modes.LNM)
    stream = pyte.ByteStream(screen)
    for chunk in chunks:
        stream.feed(chunk)
    return "\n".join(line.rstrip() for line in screen.display), scrolled


plain_line = st.text(alphabet=st.sampled_from("ab c\t-"), max_size=50)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(plain_line, min_size=1, max_size=120), min_size=1, max_size=4),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_fast_path_matches_pyte(chunk_lines, newline, prompt_first):
    chunks = [b"$ prompt"] if prompt_first else []
    chunks += [newline.join(lines).encode() + newline.encode() for lines in chunk_lines]
    emulator = Emulator(40, 10)
    for chunk in chunks:
        emulator.feed(chunk)
    screen, scrolled = reference(chunks, 40, 10)
    assert emulator.text() == screen
    assert list(emulator.scrollback) == scrolled


def test_escape_sequences_take_pyte_path():
    emulator = Emulator(40, 5)
    emulator.feed(b"\x1b[31mred\x1b[0m\r\n" * 1000)
    assert emulator.fast_lines == 0
    assert emulator.screen.buffer[0][0].fg == "red"


def test_a_flood_takes_the_fast_path():
    """Each 32 KiB chunk of a flood: pyte draws only its last screenful (timings: bench/)."""
    emulator = Emulator(120, 40)
    data = (b"k" * 100 + b"\r\n") * 10000  # 1 MB
    for i in range(0, len(data), 32768):
        emulator.feed(data[i:i + 32768])
    chunks = -(-len(data) // 32768)
    assert emulator.fast_lines >= 10000 - chunks * 41
    assert len(emulator.scrollback) == 10000 - 39
    assert emulator.text().splitlines()[-2] == "k" * 100
