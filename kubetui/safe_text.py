"""The one rule for text that comes from the cluster or the user: it is data, never markup.

Names, annotations, event messages, log lines, container commands and status messages are
written by whoever can create a pod. Textual widgets parse strings as markup (``[/]`` ends the
app with a MarkupError) and a terminal obeys escape sequences (OSC 52 writes the clipboard, OSC 0
sets the title, CSI 2J clears the screen). So every such string reaches a widget through this
module, and nowhere else:

- ``visible(s)``: control characters become visible symbols (``\\x1b`` → ``␛``, C1 controls and
  bidirectional overrides → ``⟨U+202E⟩``, lone surrogates → ``�``); one line stays one line.
- ``visible_lines(s)``: the same, but newlines are kept (describe, logs, dialogs), tabs expanded.
- ``plain(s)`` / ``plain_lines(s)``: a ``rich.text.Text`` of the above, which no widget parses.

This module imports nothing from Textual, so the cluster layer may use it too.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls → Unicode "control pictures" (U+2400 + code), DEL → ␡.
_C0 = {code: chr(0x2400 + code) for code in range(0x20)}
_C0[0x7F] = "␡"
# C1 controls (0x80-0x9f: 0x9b is a one-byte CSI), bidi controls, and other invisible format
# characters that reorder or hide text: shown as their code point.
_NAMED = [*range(0x80, 0xA0), 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029,
          *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
_TABLE: dict[int, str] = {**_C0, **{code: f"⟨U+{code:04X}⟩" for code in _NAMED}}
_TABLE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})  # lone surrogates

_LINE_TABLE = dict(_TABLE)
del _LINE_TABLE[0x0A]  # newline kept
del _LINE_TABLE[0x09]  # tab expanded instead

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")

#: Longest single line shown as is; the rest is counted, never silently dropped.
MAX_LINE = 8192


def visible(value: object, limit: int = MAX_LINE) -> str:
    """One line of text, safe for any widget and any terminal. Tabs become a space."""
    text = value if isinstance(value, str) else str(value)
    if _UNSAFE.search(text) is not None:
        text = text.replace("\t", " ").translate(_TABLE)
    return _cap(text, limit)


def visible_lines(value: object, limit: int = MAX_LINE) -> str:
    """Several lines: newlines kept, ``\\r\\n`` read as a newline, tabs expanded, each line
    capped at ``limit`` characters with the remainder counted."""
    text = value if isinstance(value, str) else str(value)
    if _UNSAFE.search(text) is None:
        if len(text) <= limit:
            return text
        return "\n".join(_cap(line, limit) for line in text.split("\n"))
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    return "\n".join(_cap(line.expandtabs(8).translate(_LINE_TABLE), limit) for line in lines)


def plain(value: object, style: str = "", limit: int = MAX_LINE) -> Text:
    """A ``Text`` that is never parsed as markup, for one line."""
    return Text(visible(value, limit), style=style, end="")


def plain_lines(value: object, style: str = "", limit: int = MAX_LINE) -> Text:
    """A ``Text`` that is never parsed as markup, several lines."""
    return Text(visible_lines(value, limit), style=style, end="")


def is_safe(text: str) -> bool:
    """True when ``text`` holds nothing a terminal would act on (used by tests and asserts)."""
    return _UNSAFE.search(text.replace("\n", "")) is None


def _cap(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    return f"{line[:limit]}… (+{len(line) - limit} characters)"
