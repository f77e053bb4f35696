"""The order a table shows: every key sorted once, then filtered by walking that order.

A filter typed key by key over 100,000 pods must answer each key in well under 0.1 s. Sorting
100,000 rows again for every key, and formatting each row's searchable text again for every
key, cost 3 µs a row. Here the sorted keys are kept until rows arrive or leave or the sort
changes, and each row's search text is kept (by key) until the row itself changes, so a keystroke
is one regex search per row over strings already built.

Rows that arrive, leave or change their sort key while the order is kept are placed again one by
one (a binary search each) instead of sorting everything again: 100 new events a second over
50,000 cost a 95 ms sort for each batch, ten times a second, and keys waited behind them.

Pure: no Textual, no I/O; ``ResourceTable`` owns one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable
from typing import Any

# Placing rows one by one beats sorting again up to about this share of the rows.
_PLACE_AT_MOST = 1 / 16


class _Descending:
    """A sort key compared the other way round: binary search in a descending list."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value


class RowOrder:
    def __init__(self, search_text: Callable[[Any], str] = str) -> None:
        self.search_text = search_text
        self.predicate: Callable[[Any], bool] | None = None  # any rule on the row itself
        self.text_match: Callable[[str], Any] | None = None  # a rule on its search text
        self._sorted: list[Hashable] | None = None
        self._texts: dict[Hashable, str] | None = None  # built on the first text filter
        # The texts in sorted order, and each key's place there: a keystroke zips two lists
        # (a dict lookup per row costs as much again, 100,000 of them scattered in memory).
        self._aligned: list[str] | None = None
        self._place: dict[Hashable, int] | None = {}  # None: to be counted again
        # Since the last ``keys``: keys gone from the rows, keys whose sort key changed, and
        # new keys.
        self._gone: set[Hashable] = set()
        self._moved: set[Hashable] = set()
        self._arrived: set[Hashable] = set()

    def reset(self) -> None:
        """Every row was replaced (a relist)."""
        self._sorted = self._texts = self._aligned = None
        self._gone, self._moved, self._arrived = set(), set(), set()

    def resort(self) -> None:
        """The sort changed: sort again on the next ``keys``."""
        self._sorted = self._aligned = None
        self._gone, self._moved, self._arrived = set(), set(), set()

    def place(self, gone: Iterable[Hashable] = (), moved: Iterable[Hashable] = (),
              arrived: Iterable[Hashable] = ()) -> None:
        """Rows left (``gone``), changed their sort key (``moved``) or are new (``arrived``):
        they are placed again on the next ``keys``."""
        self._gone.update(gone)
        self._moved.update(moved)
        self._arrived.update(arrived)

    def forget(self, key: Hashable) -> None:
        if self._texts is not None:
            self._texts.pop(key, None)

    def changed(self, key: Hashable, old: Any | None, row: Any) -> bool:
        """``row`` replaced ``old`` under ``key`` (``old`` None: it is new). Whether the filter
        may now decide differently for it (the order must be walked again)."""
        refilter = old is None
        if not refilter and self.predicate is not None:
            refilter = bool(self.predicate(old)) != bool(self.predicate(row))
        if self._texts is not None:
            text = self.search_text(row)
            before = self._texts.get(key)
            self._texts[key] = text
            if self._aligned is not None and text != before:
                if self._place is None:
                    self._place = {k: i for i, k in enumerate(self._sorted or ())}
                if key in self._place:
                    self._aligned[self._place[key]] = text
            if not refilter and self.text_match is not None and text != before:
                refilter = before is None or \
                    bool(self.text_match(before)) != bool(self.text_match(text))
        return refilter

    def warm(self, rows: dict[Hashable, Any], budget: int) -> bool:
        """Build up to ``budget`` more search texts ahead of the first filter (in idle time,
        a slice at a time); True once every row has its text."""
        texts = self._texts if self._texts is not None else {}
        self._texts = texts
        text = self.search_text
        for key, row in rows.items():
            if key not in texts:
                texts[key] = text(row)
                budget -= 1
                if budget <= 0:
                    return len(texts) >= len(rows)
        return True

    def keys(self, rows: dict[Hashable, Any], sort_key: Callable[[Any], Any],
             reverse: bool) -> list[Hashable]:
        """The keys to show, in order (a new list: the caller may keep it)."""
        if self._gone or self._moved or self._arrived:
            self._place_again(rows, sort_key, reverse)
        if self._sorted is None or len(self._sorted) != len(rows):
            ordered = sorted(rows.values(), key=sort_key, reverse=reverse)
            self._sorted = [r.key for r in ordered]
            self._aligned = None
        keys = self._sorted
        if self.text_match is not None:
            if self._aligned is None:
                texts = self._texts_of(rows)
                self._aligned = [texts[k] for k in keys]
                self._place = {k: i for i, k in enumerate(keys)}
            match = self.text_match
            keys = [k for k, text in zip(keys, self._aligned, strict=True) if match(text)]
        if self.predicate is not None:
            keep = self.predicate
            keys = [k for k in keys if keep(rows[k])]
        return list(keys) if keys is self._sorted else keys

    def _place_again(self, rows: dict[Hashable, Any], sort_key: Callable[[Any], Any],
                     reverse: bool) -> None:
        """Take the gone and moved keys out of the kept order and put the moved ones back
        where they now belong; or, past ``_PLACE_AT_MOST`` of the rows, sort everything."""
        gone, moved, arrived = self._gone, self._moved, self._arrived
        self._gone, self._moved, self._arrived = set(), set(), set()
        kept = self._sorted
        changes = len(gone) + len(moved) + len(arrived)
        if kept is None or changes > max(64, len(kept) * _PLACE_AT_MOST):
            self._sorted = self._aligned = None
            return
        drop = gone | moved  # arrived keys are not in the kept order: nothing to take out
        aligned = self._aligned  # the search texts in the same order, while filtering
        if len(drop) > 8:
            kept = [k for k in kept if k not in drop]
            aligned = None  # built again on the next text filter
        else:
            kept = list(kept)
            for key in drop:  # a scan in C each, not a Python loop over every row
                try:
                    index = kept.index(key)
                except ValueError:
                    continue
                del kept[index]
                if aligned is not None:
                    del aligned[index]

        def position(key: Hashable) -> Any:
            value = sort_key(rows[key])
            return _Descending(value) if reverse else value

        texts = self._texts
        for key in sorted((k for k in moved | arrived if k in rows),
                          key=lambda k: sort_key(rows[k]), reverse=reverse):
            index = bisect_right(kept, position(key), key=position)
            kept.insert(index, key)
            if aligned is not None:
                text = texts.get(key) if texts is not None else None
                if text is None:
                    text = self.search_text(rows[key])
                    if texts is not None:
                        texts[key] = text
                aligned.insert(index, text)
        self._sorted, self._aligned, self._place = kept, aligned, None

    def _texts_of(self, rows: dict[Hashable, Any]) -> dict[Hashable, str]:
        texts = self._texts
        if texts is None or len(texts) != len(rows):
            text = self.search_text
            old = texts or {}
            texts = self._texts = {k: old.get(k) or text(r) for k, r in rows.items()}
        return texts
