"""Every line of a log view, in time order, within a memory cap.

Lines arrive in batches per container, each container's in its own order; the merged order is
``Line``'s tuple order (time, source, seq). Batches are held until ``flush`` (once per repaint):
lines newer than everything held (the usual case while following) are appended; older ones (a
pod that joined with its tail, a stream slower than the others while the history loads) are
merged from the first one's place on, with ``list.sort`` on two sorted runs (a C merge), which
costs the lines after that place, not the whole buffer.

The cap is on text (``cap_bytes``): past it the oldest lines are dropped, a tenth of the cap
at a time, so dropping is rare and each line is dropped once. Indexes handed out are absolute
(``first`` counts the dropped lines): a reader holding index 1,000 still means the same line
after a drop; ``generation`` changes when lines are inserted before the end, which moves the
absolute index of every later line (readers then start over).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from kubetui.k8s.logs.lines import Line, Raw

DEFAULT_CAP_BYTES = 64 * 1024 * 1024
PER_LINE = 100  # bytes counted per line besides its text (the tuple, its ints: ~ what they cost)


class LogBuffer:
    def __init__(self, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.cap_bytes = cap_bytes
        self.lines: list[Raw] = []  # plain tuples: see ``Raw``
        self.first = 0  # absolute index of ``lines[0]``: how many were dropped
        self.size = 0  # bytes counted (text + ``PER_LINE``)
        self.generation = 0
        self._seq: dict[int, int] = {}
        self._last: dict[int, int] = {}  # per source: its newest line's time
        self._pending: list[Raw] = []
        self._moves: list[tuple[int, int]] = []  # (generation, absolute index it moved from)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def end(self) -> int:
        """The absolute index after the last line."""
        return self.first + len(self.lines)

    def line(self, absolute: int) -> Line:
        return Line._make(self.lines[absolute - self.first])

    def add(self, source: int, stamped: Iterable[tuple[int, str]]) -> None:
        """One source's lines, in its order: held until ``flush`` (one merge for every
        source's batches of a repaint, not one per batch)."""
        seq = self._seq.get(source, 0)
        pending = self._pending
        ns = 0
        for ns, text in stamped:
            pending.append((ns, source, seq, text))
            seq += 1
        if seq != self._seq.get(source, 0):
            self._seq[source] = seq
            self._last[source] = max(ns, self._last.get(source, 0))

    def mark(self, ns: int, text: str) -> None:
        """kubetui's own line (a pod that went away, a stream that ended), at ``ns``."""
        seq = self._seq.get(-1, 0)
        self._seq[-1] = seq + 1
        self._pending.append((ns, -1, seq, text))

    def flush(self) -> int:
        """Merges what was added; returns the absolute index of the first line that changed
        (``end`` when nothing did, or when every line was appended after the last)."""
        batch, self._pending = self._pending, []
        if not batch:
            return self.end
        batch.sort()  # a few sorted runs (one per source): timsort merges them in C
        self.size += sum(len(line[3]) for line in batch) + PER_LINE * len(batch)
        lines = self.lines
        if not lines or batch[0] >= lines[-1]:
            changed = self.end
            lines.extend(batch)
        else:
            # a source behind the others (a pod that joined with its tail, a slower stream):
            # the lines from its first one on are merged, in C (two sorted runs)
            at = bisect_left(lines, batch[0])
            changed = self.first + at
            tail = lines[at:]
            tail.extend(batch)
            tail.sort()
            lines[at:] = tail
            self.generation += 1
            self._moves = [*self._moves[-63:], (self.generation, changed)]
        self._trim()
        return max(changed, self.first)

    def moved_since(self, generation: int) -> int:
        """The lowest absolute index moved by the insertions after ``generation``: a reader
        keeps what it knows below it (``first`` when the history is too short to say)."""
        if generation == self.generation:
            return self.end
        moves = [at for g, at in self._moves if g > generation]
        if len(moves) < self.generation - generation:
            return self.first
        return max(self.first, min(moves))

    def _trim(self) -> None:
        if self.size <= self.cap_bytes:
            return
        goal, drop, freed = self.cap_bytes * 9 // 10, 0, 0
        for line in self.lines:
            if self.size - freed <= goal:
                break
            freed += len(line[3]) + PER_LINE
            drop += 1
        del self.lines[:drop]
        self.first += drop
        self.size -= freed

    def find(self, line: Line) -> int:
        """The absolute index where ``line`` is (or would be): a view keeps its place by the
        line it shows, whatever was inserted before it."""
        return self.first + bisect_left(self.lines, line)

    def last_ns(self, source: int) -> int:
        """The time of ``source``'s newest line (0: none), where a reopened stream resumes."""
        return self._last.get(source, 0)
