"""What a log view's search found, kept up to date as lines arrive: the matching lines (and,
for the inverse filter, the others) as absolute indexes, and the current match.

Lines appended are searched once, when the view repaints; lines inserted before the end (a
pod that joined with its tail) move every later index, so what is known from there on is
searched again (the buffer's ``moved_since``). The current match is kept by its line, not by
its index: it stays current wherever an insertion moved it.
"""

from __future__ import annotations

from bisect import bisect_left

from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.lines import Raw
from kubetui.k8s.logs.search import Search, SearchIndex


class Found:
    def __init__(self, buffer: LogBuffer) -> None:
        self.buffer = buffer
        self.index = SearchIndex(buffer)
        self.search: Search | None = None
        self.inverse = False  # the lines not matching are kept too (``others``)
        self.matches: list[int] = []
        self.others: list[int] = []
        self.hit: int | None = None  # index into ``matches`` of the current one
        self.scanned = 0  # absolute index up to which ``matches``/``others`` are complete
        self._generation = -1

    def current_line(self) -> Raw | None:
        """The current match's line itself (its index moves when lines are merged in)."""
        if self.hit is None or self.hit >= len(self.matches):
            return None
        at = self.matches[self.hit]
        b = self.buffer
        return b.lines[at - b.first] if at >= b.first else None

    def current(self) -> int | None:
        """The current match's absolute index."""
        return self.matches[self.hit] if self.hit is not None and \
            self.hit < len(self.matches) else None

    def set(self, search: Search | None, inverse: bool) -> None:
        """A new search or filter: every line is searched again; the current match stays
        current when the search is the same (the filter changed)."""
        keep = self.current_line() if search == self.search else None
        self.search, self.inverse = search, inverse
        self.hit = None
        self.rescan(keep=keep)

    def rescan(self, below: int | None = None, keep: Raw | None = None) -> None:
        """The lines from ``below`` on searched again (None: all); ``keep``: the current
        match's line (``current_line()`` before the buffer changed), current again if it
        still matches."""
        b = self.buffer
        below = b.first if below is None else max(below, b.first)
        del self.matches[bisect_left(self.matches, below):]
        del self.others[bisect_left(self.others, below):]
        self._generation = b.generation
        self._scan_from(below)
        self.hit = None
        if keep is not None:
            index = b.find(keep)  # type: ignore[arg-type]
            at = bisect_left(self.matches, index)
            if at < len(self.matches) and self.matches[at] == index:
                self.hit = at

    def update(self, keep: Raw | None) -> None:
        """After the buffer's flush: what arrived is searched, what moved searched again;
        ``keep``: ``current_line()`` as it was before the flush."""
        if self.search is None:
            self.scanned = self.buffer.end
            return
        if self.buffer.generation != self._generation:
            self.rescan(self.buffer.moved_since(self._generation), keep)
        elif self.scanned < self.buffer.end:
            self._scan_from(self.scanned)

    def _scan_from(self, start: int) -> None:
        b = self.buffer
        cut = bisect_left(self.matches, b.first)
        if cut:  # dropped from the buffer
            del self.matches[:cut]
            if self.hit is not None:
                self.hit = self.hit - cut if self.hit >= cut else None
        cut = bisect_left(self.others, b.first)
        if cut:
            del self.others[:cut]
        start = max(start, b.first)
        if self.search is not None:
            found = self.index.matching(self.search, start)
            self.matches.extend(found)
            if self.inverse:
                hit = set(found)
                self.others.extend(i for i in range(start, b.end) if i not in hit)
        self.scanned = b.end

    def step(self, step: int, top: int) -> bool:
        """The next (``step`` 1) or previous (-1) match; with none current, the first at or
        below ``top`` (the view's top line). False: it wrapped around."""
        if self.hit is None:
            below = bisect_left(self.matches, top)
            self.hit = below if step > 0 else below - 1
        else:
            self.hit += step
        if 0 <= self.hit < len(self.matches):
            return True
        self.hit %= len(self.matches)
        return False
