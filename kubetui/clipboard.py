"""Where a copy goes: the terminal (OSC 52), the desktop clipboard (pyperclip), or nowhere.

Over SSH the only road to the user's clipboard is the terminal: OSC 52 carries the text to the
terminal emulator on the user's machine. tmux understands OSC 52 itself (with ``set-clipboard
on`` it stores the text as a paste buffer and forwards it to the outer terminal); with
``external`` (tmux's default) or ``off`` it ignores an application's OSC 52, so the sequence is
wrapped in tmux's passthrough instead (which needs ``allow-passthrough on`` in tmux 3.3+).
GNU screen does not understand OSC 52 and always gets the passthrough wrapping. On a local
desktop (a display, no SSH) pyperclip reaches the system clipboard directly; it is never
used over SSH, where it would copy to the remote machine's clipboard.

``clipboard = auto|osc52|pyperclip|off`` in the config chooses; ``auto`` decides as above.
Everything here is pure and tested; the app writes the sequence or calls pyperclip.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

OSC52_LIMIT = 100_000  # bytes: past this many terminals drop the sequence
SCREEN_CHUNK = 768  # GNU screen passes at most this much of a DCS string at once


@dataclass(frozen=True)
class Route:
    method: str  # "osc52" | "pyperclip" | "off"
    wrap: str = ""  # "" | "tmux" | "screen": passthrough wrapping of the OSC 52 sequence
    why: str = ""  # said in the notification: how the text travelled

    def describe(self) -> str:
        if self.method == "pyperclip":
            return "the desktop clipboard (pyperclip)"
        if self.method == "off":
            return "nowhere (clipboard = off)"
        via = {"tmux": " in tmux's passthrough: needs allow-passthrough on, or set -s "
                       "set-clipboard on", "screen": " in screen's passthrough"}
        return f"the terminal (OSC 52{via.get(self.wrap, '')})"


def over_ssh(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))


def local_desktop(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    if over_ssh(environ):
        return False
    if platform in ("darwin", "win32"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def tmux_clipboard_on(environ: Mapping[str, str]) -> bool:
    """Whether tmux takes an application's OSC 52 (``set-clipboard on``; not with its default
    ``external``, nor ``off``)."""
    try:
        out = subprocess.run(["tmux", "show-options", "-sv", "set-clipboard"],
                             capture_output=True, text=True, timeout=2, check=False,
                             env=dict(environ)).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return False
    return out == "on"


def choose(setting: str, environ: Mapping[str, str], platform: str = sys.platform,
           tmux_handles: bool | None = None) -> Route:
    """The route for ``setting`` in this environment (``tmux_handles``: tmux's set-clipboard
    is not off; asked of tmux when None and inside tmux)."""
    if setting == "off":
        return Route("off", why="clipboard = off in the config")
    if setting == "pyperclip":
        return Route("pyperclip", why="clipboard = pyperclip")
    if setting == "auto" and local_desktop(environ, platform):  # never over SSH
        return Route("pyperclip", why="a local desktop session")
    wrap = ""
    if environ.get("TMUX"):
        handles = tmux_clipboard_on(environ) if tmux_handles is None else tmux_handles
        wrap = "" if handles else "tmux"
    elif environ.get("STY") or environ.get("TERM", "").startswith("screen"):
        wrap = "screen"
    why = "SSH session" if over_ssh(environ) else "no desktop display"
    return Route("osc52", wrap, why if setting == "auto" else "clipboard = osc52")


def osc52(text: str, wrap: str = "") -> str:
    """The escape sequence that asks the terminal to put ``text`` on the clipboard."""
    payload = base64.b64encode(text.encode()).decode()
    sequence = f"\x1b]52;c;{payload}\x07"
    if wrap == "tmux":
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if wrap == "screen":
        chunks = [sequence[i:i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK)]
        return "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks)
    return sequence


def copied_message(what: str, size: int, route: Route) -> tuple[str, bool]:
    """What the notification says, and whether it is a warning."""
    if route.method == "off":
        return f"Not copied ({what}, {size} bytes): clipboard = off in the config.", True
    warn = route.method == "osc52" and size > OSC52_LIMIT
    tail = " (past 100 KB: many terminals drop an OSC 52 this large)" if warn else ""
    return f"Copied {what}: {size} bytes, via {route.describe()}{tail}.", warn
