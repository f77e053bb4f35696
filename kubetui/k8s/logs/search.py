"""``/`` in a log view: a text or a regular expression (``re:`` before it, or the view's regex
toggle), case-insensitive unless it has a capital letter (less's and vim's smartcase), and
the lines that match.

Matching scans joined text, not line by line: ``re`` runs over one long string at memory
speed, where a million ``search`` calls pay their Python overhead a million times. The joined
text is kept per block of ``BLOCK`` lines (``SearchIndex``), so a second search, or one after
new lines arrived, joins only what changed. A case-insensitive search runs its pattern over
the lowered text: ``re.IGNORECASE`` is eight times slower, and a pattern with no capital
letter means the same against lowered text (``\\d``, ``\\w``, ``\\s``, ``\\b`` are lower
case; ``\\D``, ``\\W``... have capitals, so they are case-sensitive searches anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubetui.k8s.logs.buffer import LogBuffer

BLOCK = 8192  # lines per joined block


class SearchError(ValueError):
    """The pattern does not compile, or matches every line; the message says why."""


@dataclass(frozen=True)
class Search:
    typed: str
    pattern: re.Pattern[str]  # for highlighting a shown line
    scan: re.Pattern[str]  # for scanning a block (over lowered text when ``folded``)
    folded: bool  # case-insensitive: ``scan`` runs over the lowered text

    def __str__(self) -> str:
        return f"/{self.typed}"


def compile_search(typed: str, regex: bool = False) -> Search | None:
    """None: nothing typed."""
    if not typed:
        return None
    body = typed
    if body.startswith("re:"):
        body, regex = body[3:], True
    folded = not any(c.isupper() for c in body)
    source = body if regex else re.escape(body)
    try:
        pattern = re.compile(source, re.IGNORECASE if folded else 0)
        scan = re.compile(source, re.MULTILINE)
    except re.error as error:
        raise SearchError(f"/{typed}: {error}") from None
    if pattern.search(""):
        raise SearchError(f"/{typed}: it matches empty text, so every line")
    return Search(typed, pattern, scan, folded)


def spans(text: str, search: Search) -> list[tuple[int, int]]:
    """Where ``search`` matches in one shown line (to highlight it)."""
    return [m.span() for m in search.pattern.finditer(text) if m.end() > m.start()]


def _hits(hay: str, scan: re.Pattern[str], base: int) -> list[int]:
    """The lines (``base`` + line number in ``hay``) where ``scan`` matches, once each."""
    out: list[int] = []
    line, at, pos = 0, 0, 0
    find = scan.search
    while True:
        match = find(hay, pos)
        if match is None:
            return out
        start = match.start()
        line += hay.count("\n", at, start)
        out.append(base + line)
        nxt = hay.find("\n", start)
        if nxt < 0:
            return out
        line += 1
        at = pos = nxt + 1


class SearchIndex:
    """The joined (and lowered) text of a buffer's lines, per block of absolute indexes, kept
    while the buffer's ``generation`` holds (an insertion before the end moves every later
    line: the blocks are joined again)."""

    def __init__(self, buffer: LogBuffer) -> None:
        self.buffer = buffer
        self._blocks: dict[int, tuple[str, str | None]] = {}  # whole blocks: text, lowered
        self._generation = buffer.generation

    def _block(self, number: int, start: int, folded: bool) -> tuple[str, bool]:
        """(text of the block's lines from ``start`` on, whether it is lowered). Only whole
        blocks are kept: the last one is still growing, and an incremental search of it
        joins only the lines after ``start``."""
        b = self.buffer
        low, high = number * BLOCK, min((number + 1) * BLOCK, b.end)
        if start != low or high - low < BLOCK:  # growing, partly dropped or a part: not kept
            text = "\n".join([line[3] for line in b.lines[start - b.first:high - b.first]])
            lowered = text.lower() if folded else ""
            if folded and len(lowered) == len(text):
                return lowered, True
            return text, False
        held = self._blocks.get(number)
        if held is None:
            held = self._blocks[number] = ("\n".join(
                [line[3] for line in b.lines[low - b.first:high - b.first]]), None)
        if folded and held[1] is None:
            lowered = held[0].lower()
            held = self._blocks[number] = (held[0], lowered if len(lowered) == len(held[0])
                                           else "")
        if folded and held[1]:
            return held[1], True
        return held[0], False

    def matching(self, search: Search, start: int = 0) -> list[int]:
        """Absolute indexes of the lines from ``start`` on that match, in order."""
        b = self.buffer
        if self._generation != b.generation:  # lines inserted: the blocks after them moved
            moved = b.moved_since(self._generation)
            for number in [n for n in self._blocks if (n + 1) * BLOCK > moved]:
                del self._blocks[number]
            self._generation = b.generation
        for number in [n for n in self._blocks if n * BLOCK < b.first]:
            del self._blocks[number]  # dropped from the buffer, wholly or in part
        start = max(start, b.first)
        out: list[int] = []
        for number in range(start // BLOCK, (b.end + BLOCK - 1) // BLOCK):
            low = number * BLOCK
            first = max(start, low)
            hay, lowered = self._block(number, first, search.folded)
            scan = search.scan if lowered or not search.folded else search.pattern
            out.extend(i for i in _hits(hay, scan, first) if i >= start)
        return out
