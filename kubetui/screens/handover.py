"""Full-screen handover: the real terminal bridged to a session's stream, for programs an
emulator draws poorly (vim, htop, mc).

kubetui suspends itself (``App.suspend``; paints are held with ``batch_update`` meanwhile), puts
the terminal in raw mode, and copies bytes both ways: keys to the container, output to the
terminal, the window size on every SIGWINCH. ``ctrl+]`` returns to kubetui exactly where it was;
the session goes on. The container draws on the real terminal here, as with ``kubectl exec -it``;
what it must not do is reach beyond it, so OSC sequences (clipboard writes with OSC 52, window
titles) are dropped from what is copied.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import termios
import tty
from collections.abc import Awaitable, Callable

RELEASE = b"\x1d"  # ctrl+]
_OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_OSC_START = b"\x1b]"


class OscFilter:
    """Drops OSC sequences from a byte stream, also when one is split across chunks."""

    def __init__(self) -> None:
        self._carry = b""

    def __call__(self, data: bytes) -> bytes:
        data = self._carry + data
        self._carry = b""
        data = _OSC.sub(b"", data)
        start = data.rfind(_OSC_START)
        if start != -1:  # an unterminated OSC: hold it until its end arrives
            self._carry, data = data[start:][-4096:], data[:start]
        elif data.endswith(b"\x1b"):
            self._carry, data = b"\x1b", data[:-1]
        return data


async def bridge(send: Callable[[bytes], Awaitable[None]],
                 resize: Callable[[int, int], Awaitable[None]],
                 set_output: Callable[[Callable[[bytes], None] | None], None],
                 ended: asyncio.Event, banner: str) -> None:
    """Run until ``ctrl+]`` or the session ends. Call inside ``App.suspend()``."""
    loop = asyncio.get_running_loop()
    fd_in, fd_out = sys.__stdin__.fileno(), sys.__stdout__.fileno()
    released = asyncio.Event()
    saved = termios.tcgetattr(fd_in)
    osc = OscFilter()
    tasks: set[asyncio.Task] = set()

    def spawn(coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def on_input() -> None:
        try:
            data = os.read(fd_in, 4096)
        except OSError:
            data = b""
        if not data or RELEASE in data:
            before = data.split(RELEASE, 1)[0]
            if before:
                spawn(send(before))
            released.set()
            return
        spawn(send(data))

    def on_winch() -> None:
        size = os.get_terminal_size(fd_out)
        spawn(resize(size.columns, size.lines))

    def write(data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(fd_out, osc(data))

    os.write(fd_out, b"\x1b[2J\x1b[H" + banner.encode() + b"\r\n")
    tty.setraw(fd_in)
    set_output(write)
    loop.add_reader(fd_in, on_input)
    loop.add_signal_handler(signal.SIGWINCH, on_winch)
    on_winch()  # the real terminal's size: full-screen programs redraw on the SIGWINCH
    try:
        done = [asyncio.ensure_future(released.wait()), asyncio.ensure_future(ended.wait())]
        await asyncio.wait(done, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.cancel()
    finally:
        set_output(None)
        loop.remove_reader(fd_in)
        loop.remove_signal_handler(signal.SIGWINCH)
        termios.tcsetattr(fd_in, termios.TCSADRAIN, saved)
