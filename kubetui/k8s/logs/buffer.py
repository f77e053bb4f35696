"""Every line of a log view, in time order, within a memory cap.

Lines arrive in batches per container, each container's in its own order; the merged order is
``Line``'s tuple order (time, source, seq). A batch newer than everything held (the usual case
while following) is appended; an older one (a pod that joined with its tail, a previous
instance) is merged from its first line's place on, which costs the lines after it, not the
whole buffer.

The cap is on text (``cap_bytes``): past it the oldest lines are dropped, a tenth of the cap
at a time, so dropping is rare and each line is dropped once. Indexes handed out are absolute
(``first`` counts the dropped lines): a reader holding index 1,000 still means the same line
after a drop; ``generation`` changes when lines are inserted before the end, which moves the
absolute index of every later line (readers then start over).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable

from kubetui.k8s.logs.lines import Line

DEFAULT_CAP_BYTES = 64 * 1024 * 1024
PER_LINE = 100  # bytes counted per line besides its text (the tuple, its ints: ~ what they cost)


class LogBuffer:
    def __init__(self, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.cap_bytes = cap_bytes
        self.lines: list[Line] = []
        self.first = 0  # absolute index of ``lines[0]``: how many were dropped
        self.size = 0  # bytes counted (text + ``PER_LINE``)
        self.generation = 0
        self._seq: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def end(self) -> int:
        """The absolute index after the last line."""
        return self.first + len(self.lines)

    def line(self, absolute: int) -> Line:
        return self.lines[absolute - self.first]

    def add(self, source: int, stamped: Iterable[tuple[int, str]]) -> int:
        """One source's lines, in its order; returns the absolute index of the first line
        that changed (``end`` before the call when they were all appended)."""
        seq = self._seq.get(source, 0)
        batch = []
        for ns, text in stamped:
            batch.append(Line(ns, source, seq, text))
            seq += 1
        self._seq[source] = seq
        return self._merge(batch)

    def mark(self, ns: int, text: str) -> int:
        """kubetui's own line (a pod that went away, a stream that ended), at ``ns``."""
        seq = self._seq.get(-1, 0)
        self._seq[-1] = seq + 1
        return self._merge([Line(ns, -1, seq, text)])

    def _merge(self, batch: list[Line]) -> int:
        if not batch:
            return self.end
        batch.sort()  # already sorted but for clock steps: timsort sees the one run
        self.size += sum(len(line.text) for line in batch) + PER_LINE * len(batch)
        lines = self.lines
        if not lines or batch[0] >= lines[-1]:
            changed = self.end
            lines.extend(batch)
        else:
            at = bisect_left(lines, batch[0])
            changed = self.first + at
            lines[at:] = list(heapq.merge(lines[at:], batch))
            self.generation += 1
        self._trim()
        return max(changed, self.first)

    def _trim(self) -> None:
        if self.size <= self.cap_bytes:
            return
        goal, drop, freed = self.cap_bytes * 9 // 10, 0, 0
        for line in self.lines:
            if self.size - freed <= goal:
                break
            freed += len(line.text) + PER_LINE
            drop += 1
        del self.lines[:drop]
        self.first += drop
        self.size -= freed

    def find(self, line: Line) -> int:
        """The absolute index where ``line`` is (or would be): a view keeps its place by the
        line it shows, whatever was inserted before it."""
        return self.first + bisect_left(self.lines, line)

    def last_ns(self, source: int) -> int:
        """The time of ``source``'s newest line held (0: none), where a reopened stream
        resumes."""
        for line in reversed(self.lines):
            if line.source == source:
                return line.ns
        return 0
