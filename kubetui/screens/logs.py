"""``L`` on a workload, a Service or a CronJob: every container of its pods in one stream, in
the kubelet's time order, each line prefixed with its pod/container in that source's colour.

Search (``/``, ``n``/``N``) highlights and counts the lines that match; ``f`` shows only them,
``F`` only the others. ``t`` times, ``w`` wrap, ``end`` follows again, ``s`` since, ``T`` tail,
``c`` containers, ``p`` previous instances, ``ctrl+s`` saves what is shown to a new file,
``y`` copies the lines on screen. Reading is ``log_reading``'s; drawing is ``LogView``'s.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from dataclasses import dataclass, replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kubetui.host import host
from kubetui.k8s.logs.export import SaveError, file_lines, header, target_path, write_new
from kubetui.k8s.logs.request import (
    LogQuery,
    LogRequestError,
    kubectl_logs,
    parse_since,
    parse_tail,
)
from kubetui.k8s.logs.search import Search, SearchError, SearchIndex, compile_search
from kubetui.k8s.logs.sources import LogTarget
from kubetui.safe_text import plain
from kubetui.screens.log_reading import LogReading
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.text_prompt import TextPrompt
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.log_view import LogLook, LogView

REPAINT = 0.05  # seconds: lines arriving meanwhile are drawn once
FILTERS = {"": "all lines", "match": "only matching lines", "other": "only lines not matching"}


@dataclass
class LogSaved(Message):
    path: str
    lines: int
    size: int
    error: str = ""


class LogsScreen(QuietBehind, LogReading):
    stacked_view = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="logs.back"),
        Binding("slash", "search", "Search", id="logs.search", key_display="/"),
        Binding("n", "hit(1)", "Next", id="logs.next"),
        Binding("N", "hit(-1)", "Prev", id="logs.prev"),
        Binding("f", "filter('match')", "Filter", id="logs.filter"),
        Binding("F", "filter('other')", "Inverse", id="logs.inverse"),
        Binding("t", "toggle('show_time')", "Times", id="logs.times"),
        Binding("w", "toggle('wrap')", "Wrap", id="logs.wrap"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
        Binding("s", "since", "Since", id="logs.since"),
        Binding("T", "tail", "Tail", id="logs.tail"),
        Binding("c", "containers", "Containers", id="logs.containers"),
        Binding("p", "previous", "Previous", id="logs.previous"),
        Binding("r", "regex", "Regex", id="logs.regex", show=False),
        Binding("y", "copy", "Copy", id="logs.copy", show=False),
    ]
    DEFAULT_CSS = """
    LogsScreen #logs-title, LogsScreen #logs-status { height: 1; padding: 0 1; }
    LogsScreen #logs-title { text-style: bold; }
    """

    def __init__(self, target: LogTarget) -> None:
        super().__init__(classes="logs")
        self.target = target
        self.log_query = LogQuery()
        self.chosen: tuple[str, ...] | None = None
        self.look = LogLook()
        self.regex = False
        self.search: Search | None = None
        self.matches: list[int] = []
        self.others: list[int] = []
        self._scanned = 0  # absolute index up to which ``matches``/``others`` are complete
        self._scan_generation = -1
        self.filter = ""  # "", "match", "other"
        self.hit: int | None = None  # index into ``matches`` of the current one
        self._repaint_pending = False

    @property
    def searched_to(self) -> int:
        """The absolute index up to which ``matches`` is complete (lines after it arrived
        since the last paint: they are searched at the next)."""
        return self._scanned

    def compose(self) -> ComposeResult:
        yield ClusterBar(host(self.app).info, host(self.app).readonly)
        yield Static("", id="logs-title")
        yield LogView(id="logs-view")
        yield Static("", id="logs-status")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(LogView).focus()
        if self.target.problem:
            self.query_one("#logs-title", Static).update(plain(f"logs · {self.target.problem}"))
        self.start_reading()
        self._paint()

    def on_unmount(self) -> None:
        self.stop_reading()

    # -- lines in ---------------------------------------------------------------------------
    def start_reading(self) -> None:
        super().start_reading()
        self.index = SearchIndex(self.buffer)
        self._rescan()

    def lines_arrived(self) -> None:
        """Merged, drawn and searched at most every ``REPAINT`` s: at 10,000 lines/s a batch
        arrives every few milliseconds."""
        if not self._repaint_pending:
            self._repaint_pending = True
            self.set_timer(REPAINT, self._paint)

    def sources_changed(self) -> None:
        self._title()

    def _current(self) -> tuple | None:
        """The current match's line itself (its index moves when lines are merged in)."""
        if self.hit is None or self.hit >= len(self.matches):
            return None
        at = self.matches[self.hit]
        return self.buffer.lines[at - self.buffer.first] if at >= self.buffer.first else None

    def _rescan(self, below: int | None = None, keep: tuple | None = None) -> None:
        """The lines from ``below`` on searched again (lines were inserted there; None: all,
        the search or the filter changed); ``keep``: the current match's line, current
        again if it still matches."""
        keep = self._current() if keep is None else keep
        below = self.buffer.first if below is None else max(below, self.buffer.first)
        del self.matches[bisect_left(self.matches, below):]
        del self.others[bisect_left(self.others, below):]
        self._scan_generation = self.buffer.generation
        self._scan_from(below)
        self.hit = None
        if keep is not None:
            index = self.buffer.find(keep)
            at = bisect_left(self.matches, index)
            if at < len(self.matches) and self.matches[at] == index:
                self.hit = at

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
        if self.search is None:
            self._scanned = b.end
            return
        found = self.index.matching(self.search, start)
        self.matches.extend(found)
        if self.filter == "other":
            hit = set(found)
            self.others.extend(i for i in range(start, b.end) if i not in hit)
        self._scanned = b.end

    # -- drawing ------------------------------------------------------------------------
    def _paint(self) -> None:
        self._repaint_pending = False
        keep = self._current()
        self.buffer.flush()
        if self.search is not None:
            if self.buffer.generation != self._scan_generation:
                self._rescan(self.buffer.moved_since(self._scan_generation), keep)
            elif self._scanned < self.buffer.end:
                self._scan_from(self._scanned)
        view = self.query_one(LogView)
        shown = None if not self.filter or self.search is None else \
            self.matches if self.filter == "match" else self.others
        current = self.matches[self.hit] if self.hit is not None and \
            self.hit < len(self.matches) else None
        self.look = replace(self.look, names=tuple(self.names), colours=tuple(self.colours),
                            search=self.search)
        view.show(self.buffer, shown, self.look, current)
        self._status()

    def _title(self) -> None:
        if self.target.problem:
            return
        pods = {r.container.pod for r in self.readings.values() if not r.gone}
        reading = sum(1 for r in self.readings.values() if r.open)
        q = self.log_query
        parts = [f"logs · {self.target.title} · {self.target.namespace}",
                 f"{len(pods)} pods, {reading} streams"]
        if self.chosen is not None:
            parts.append("containers " + ",".join(self.chosen))
        parts.append(f"since {q.since}" if str(q.since) else
                     f"tail {q.tail}" if q.tail >= 0 else "all lines")
        if q.previous:
            parts.append("+ previous")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        self.query_one("#logs-title", Static).update(plain(" · ".join(parts)), layout=False)

    def _status(self) -> None:
        view = self.query_one(LogView)
        parts = ["following" if view.following else "paused (end follows)"]
        if self.search is not None:
            at = f"{self.hit + 1} of " if self.hit is not None else ""
            parts.append(f"{self.search} {at}{len(self.matches):,} lines")
        if self.filter:
            parts.append(FILTERS[self.filter])
        parts.append(f"{len(self.buffer):,} lines")
        if self.buffer.first:
            parts.append(f"{self.buffer.first:,} older dropped")
        self.query_one("#logs-status", Static).update(plain(" · ".join(parts)), layout=False)

    def on_log_view_moved(self, message: LogView.Moved) -> None:
        self._status()

    # -- search -------------------------------------------------------------------------
    def action_search(self) -> None:
        typed = self.search.typed if self.search is not None else ""
        hint = "search (text; re: for a regex" + (", regex on)" if self.regex else ")")
        self.app.push_screen(TextPrompt(hint, typed), self._searched)

    def _searched(self, typed: str | None) -> None:
        if typed is None:
            return
        try:
            self.search = compile_search(typed, self.regex)
        except SearchError as error:
            self.notify(str(error), title="Search", severity="error")
            return
        self.hit = None
        self._rescan()
        if self.search is not None and self.matches:
            self.action_hit(1)
        else:
            self._paint()

    def action_hit(self, step: int) -> None:
        self._paint()  # the lines that arrived are merged and searched first
        if self.search is None or not self.matches:
            self.notify("no search, or nothing matches (/ searches)", title="Search")
            return
        view = self.query_one(LogView)
        if self.hit is None:
            top = view.first_shown if view.first_shown is not None else self.buffer.first
            below = bisect_left(self.matches, top)
            self.hit = below if step > 0 else below - 1
        else:
            self.hit += step
        if not 0 <= self.hit < len(self.matches):
            self.hit %= len(self.matches)
            self.notify("search wrapped around", title="Search", timeout=2)
        view.reveal(self.matches[self.hit])
        self._paint()

    def action_filter(self, mode: str) -> None:
        if self.search is None:
            self.notify("search first (/): the filter shows the lines that match it",
                        title="Filter")
            return
        self.filter = "" if self.filter == mode else mode
        self._rescan()
        self._paint()

    def action_regex(self) -> None:
        self.regex = not self.regex
        self.notify("regex search" if self.regex else "text search", title="Search", timeout=2)

    def action_toggle(self, what: str) -> None:
        self.look = replace(self.look, **{what: not getattr(self.look, what)})
        self._paint()

    # -- what is read -------------------------------------------------------------------
    def _restart(self) -> None:
        self.query_one(LogView).following = True
        self.hit = None
        self.start_reading()
        self._title()
        self._paint()

    def action_since(self) -> None:
        self.app.push_screen(TextPrompt("since: 5m, 1h30m, 2d or 2026-12-06T19:00:00Z "
                                        "(empty: from the tail)", str(self.log_query.since)),
                             lambda typed: self._asked("since", typed))

    def action_tail(self) -> None:
        tail = "all" if self.log_query.tail < 0 else str(self.log_query.tail)
        self.app.push_screen(TextPrompt("tail: lines per container, or all", tail),
                             lambda typed: self._asked("tail", typed))

    def action_containers(self) -> None:
        known = sorted({r.container.container for r in self.readings.values()})
        chosen = ",".join(self.chosen) if self.chosen is not None else ""
        self.app.push_screen(TextPrompt(f"containers, comma-separated, empty: all "
                                        f"({', '.join(known)})", chosen),
                             lambda typed: self._asked("containers", typed))

    def _asked(self, what: str, typed: str | None) -> None:
        if typed is None:
            return
        try:
            if what == "since":
                self.log_query = replace(self.log_query, since=parse_since(typed))
            elif what == "tail":
                self.log_query = replace(self.log_query, tail=parse_tail(typed))
            else:
                names = tuple(n.strip() for n in typed.split(",") if n.strip())
                self.chosen = names or None
        except LogRequestError as error:
            self.notify(str(error), title="Logs", severity="error")
            return
        self._restart()

    def action_previous(self) -> None:
        self.log_query = replace(self.log_query, previous=not self.log_query.previous)
        self._restart()

    # -- out ----------------------------------------------------------------------------
    def _shown_indexes(self) -> list[int] | range:
        if self.filter and self.search is not None:
            return list(self.matches if self.filter == "match" else self.others)
        return range(self.buffer.first, self.buffer.end)

    def action_save(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(host(self.app).clock()))
        default = f"kubetui-logs-{self.target.title.replace(' ', '-')}-{stamp}.log"
        self.app.push_screen(TextPrompt(f"save {len(self._shown_indexes()):,} lines to "
                                        "(a new file; a directory: this name in it)",
                                        default), lambda typed: self._save(typed, default))

    def _save(self, typed: str | None, default: str) -> None:
        if typed is None:
            return
        indexes = self._shown_indexes()
        chosen = FILTERS[self.filter if self.search is not None else ""]
        if self.search is not None and self.filter:
            chosen += f" for {self.search}"
        lines = header(self.target.title, self.target.namespace, self.names, chosen,
                       self.buffer, indexes) + [
            "# kubectl: " + kubectl_logs(self.target.namespace, self.target.selector or "…",
                                         self.log_query)
        ] + file_lines(self.buffer, indexes, self.names)
        self._write(typed, default, lines, len(indexes))

    @work(thread=True, group="logs-save", exit_on_error=False, description="logs: save")
    def _write(self, typed: str, default: str, lines: list[str], count: int) -> None:
        try:
            path = target_path(typed, default)
            size = write_new(path, lines)
        except SaveError as error:
            self.post_message(LogSaved("", 0, 0, str(error)))
            return
        self.post_message(LogSaved(str(path), count, size))

    def on_log_saved(self, message: LogSaved) -> None:
        if message.error:
            self.notify(message.error, title="Save", severity="error")
        else:
            self.notify(f"{message.lines:,} lines ({message.size:,} bytes) saved to "
                        f"{message.path}", title="Save", markup=False)  # a typed path: data

    def action_copy(self) -> None:
        view = self.query_one(LogView)
        if view.first_shown is None or view.last_shown is None:
            return
        indexes = [i for i in self._shown_indexes()
                   if view.first_shown <= i <= view.last_shown]
        host(self.app).copy_text("\n".join(file_lines(self.buffer, indexes, self.names)),
                                 f"{len(indexes)} log lines")
