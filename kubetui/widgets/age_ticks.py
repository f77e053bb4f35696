"""Ages repaint when their text changes, and only the cells that changed.

A table that repaints itself every second for its AGE column rewrites every visible line: 4 KB/s
of terminal output with nothing happening, a constant stream over SSH. Instead the table asks
each visible row for the timestamps it shows as ages, wakes when the first of those texts
changes (every second under ten minutes, every minute under eight hours, then hourly, then
daily: ``age_changes_in``), compares each visible line with what it last painted and repaints
only the span that differs. With nothing changing, nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

from textual.geometry import Region
from textual.timer import Timer

from kubetui.formatting import age_changes_in

Timestamps = Callable[[Any], Iterable[float | None]]


def changed_span(old: str, new: str) -> tuple[int, int] | None:
    """The columns [start, end) where two lines of the same width differ; None when equal."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, max(end_old, end_new)


if TYPE_CHECKING:
    from textual.scroll_view import ScrollView as _Base
else:
    _Base = object


class AgeTicks(_Base):
    """Mixin for ResourceTable: needs ``rows``, ``order``, ``clock``, ``line_text`` and the
    widget's ``scroll_offset``, ``size``, ``refresh`` and ``set_timer``."""

    timestamps: Timestamps
    rows: dict[Hashable, Any]
    order: list[Hashable]
    clock: Callable[[], float]
    line_width: int
    line_text: Callable[[Any, float], str]
    _painted: dict[int, tuple[Hashable, str, str | None]]
    _age_timer: Timer | None = None
    _age_due: float = 0.0
    age_repaints = 0  # cell spans repainted by the clock, for the benchmark

    def visible_keys(self) -> Iterable[Hashable]:
        top = int(self.scroll_offset.y)
        return self.order[top: top + self.size.height]

    def schedule_ages(self) -> None:
        """Arm the clock for the first visible age that will change; an armed earlier wake-up
        is kept (it re-arms itself), so a burst of updates does not churn timers."""
        if not self.is_mounted:
            return
        now = self.clock()
        soonest: float | None = None
        for key in self.visible_keys():
            for t in self.timestamps(self.rows[key]):
                if t:
                    d = age_changes_in(now - t)
                    soonest = d if soonest is None or d < soonest else soonest
        if soonest is None:
            return
        due = time.monotonic() + soonest + 0.02
        if self._age_timer is not None:
            if self._age_due <= due:
                return
            self._age_timer.stop()
        self._age_due = due
        self._age_timer = self.set_timer(soonest + 0.02, self._age_tick)  # type: ignore

    def _age_tick(self) -> None:
        self._age_timer = None
        self.repaint_changed()
        self.schedule_ages()

    def repaint_changed(self) -> int:
        """Repaint, on each visible line, the span whose text differs from what was painted
        (for changes the table cannot see: the clock, numbers joined in from elsewhere)."""
        now = self.clock()
        top = int(self.scroll_offset.y)
        width = self.line_width
        repainted = 0
        for y in range(self.size.height):
            painted = self._painted.get(y)
            index = top + y
            if painted is None or index >= len(self.order) or \
                    self.order[index] != painted[0]:
                continue
            line = self.line_text(self.rows[painted[0]], now)
            span = changed_span(painted[1], line.ljust(width)[:width])
            if span is not None:
                repainted += 1
                self.refresh(Region(span[0], y, span[1] - span[0], 1))  # type: ignore
        self.age_repaints += repainted
        return repainted
