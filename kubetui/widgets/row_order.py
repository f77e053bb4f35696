"""The order a table shows: every key sorted once, then filtered by walking that order.

A filter typed key by key over 100,000 pods must answer each key in well under 0.1 s. Sorting
100,000 rows again for every key, and formatting each row's searchable text again for every
key, cost 3 µs a row. Here the sorted keys are kept until rows arrive or leave or the sort
changes, and each row's search text is kept (by key) until the row itself changes, so a keystroke
is one regex search per row over strings already built.

Pure: no Textual, no I/O; ``ResourceTable`` owns one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


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
        self._place: dict[Hashable, int] = {}

    def reset(self) -> None:
        """Every row was replaced (a relist)."""
        self._sorted = self._texts = self._aligned = None

    def resort(self) -> None:
        """Rows arrived or left, or the sort changed: sort again on the next ``keys``."""
        self._sorted = self._aligned = None

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
            if self._aligned is not None and key in self._place:
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
        if self._sorted is None or len(self._sorted) != len(rows):
            ordered = sorted(rows.values(), key=sort_key, reverse=reverse)
            self._sorted = [r.key for r in ordered]
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

    def _texts_of(self, rows: dict[Hashable, Any]) -> dict[Hashable, str]:
        texts = self._texts
        if texts is None or len(texts) != len(rows):
            text = self.search_text
            old = texts or {}
            texts = self._texts = {k: old.get(k) or text(r) for k, r in rows.items()}
        return texts
