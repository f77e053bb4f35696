"""A log view with its search, filters, toggles, save and copy: the same in ``L``'s workload
view and in the pod detail's Logs tab.

Search (``/``, ``n``/``N``) highlights and counts the lines that match; ``f`` shows only them,
``F`` only the others; ``r`` makes ``/`` a regex. ``t`` times, ``w`` wrap, ``end`` follows
again; ``S`` since and ``T`` tail ask for other lines (posted as ``Requery``: the screen reads
them); ``ctrl+s`` saves what is shown to a new file, ``Y`` copies the lines on screen.

The screen that reads owns the buffer and hands it over (``attach``); the panel draws it at
most every ``REPAINT`` s, however fast lines arrive. It never talks to the cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.export import SaveError, file_lines, header, target_path, write_new
from kubetui.k8s.logs.found import Found
from kubetui.k8s.logs.request import (
    LogQuery,
    LogRequestError,
    kubectl_logs,
    parse_since,
    parse_tail,
)
from kubetui.k8s.logs.search import SearchError, compile_search
from kubetui.k8s.logs.sources import LogTarget
from kubetui.safe_text import plain
from kubetui.widgets.log_view import LogLook, LogView

REPAINT = 0.05  # seconds: lines arriving meanwhile are drawn once
FILTERS = {"": "all lines", "match": "only matching lines", "other": "only lines not matching"}


@dataclass
class LogSaved(Message):
    path: str
    lines: int
    size: int
    error: str = ""


class LogPanel(Guarded, Vertical):
    BINDINGS = [
        # first: the footer shows the focused widget's keys before the screen's
        Binding("escape", "app.pop_screen", "Back", id="logs.back"),
        Binding("slash", "search", "Search", id="logs.search", key_display="/"),
        Binding("n", "hit(1)", "Next", id="logs.next"),
        Binding("N", "hit(-1)", "Prev", id="logs.prev"),
        Binding("f", "filter('match')", "Filter", id="logs.filter"),
        Binding("F", "filter('other')", "Inverse", id="logs.inverse"),
        Binding("t", "toggle('show_time')", "Times", id="logs.times"),
        Binding("w", "toggle('wrap')", "Wrap", id="logs.wrap"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
        Binding("S", "since", "Since", id="logs.since"),
        Binding("T", "tail", "Tail", id="logs.tail"),
        Binding("r", "regex", "Regex", id="logs.regex", show=False),
        Binding("Y", "copy", "Copy", id="logs.copy", show=False),
    ]
    DEFAULT_CSS = """
    LogPanel { height: 1fr; }
    LogPanel .log-line { height: 1; padding: 0 1; }
    LogPanel #logs-title { text-style: bold; }
    """

    @dataclass
    class Ask(Message):
        """A line to type (search, since, tail, save path): the screen prompts for it and
        calls ``answer`` with what was typed (None: cancelled)."""

        hint: str
        default: str
        answer: Callable[[str | None], None]

    @dataclass
    class Requery(Message):
        """The user asked for other lines (since, tail): the screen reads again."""

        query: LogQuery

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.buffer = LogBuffer()
        self.found = Found(self.buffer)
        self.target = LogTarget("", "")
        self.query = LogQuery()
        self.names: list[str] = []
        self.colours: list[str] = []
        self.look = LogLook()
        self.regex = False
        self.filter = ""  # "", "match", "other"
        # each line's pod/container drawn before it; None: once there is more than one
        self.prefixed: bool | None = True
        self._repaint_pending = False

    def compose(self) -> ComposeResult:
        yield Static("", id="logs-title", classes="log-line")
        yield LogView(id="logs-view")
        yield Static("", id="logs-status", classes="log-line")

    def on_mount(self) -> None:
        self.paint()

    # -- what the reading screen hands over ---------------------------------------------
    def attach(self, buffer: LogBuffer, target: LogTarget, query: LogQuery,
               names: list[str], colours: list[str]) -> None:
        """A new reading (``names``/``colours``: the screen's lists, grown as sources come);
        the search stays, run over the new lines."""
        self.buffer, self.target, self.query = buffer, target, query
        self.names, self.colours = names, colours
        search = self.found.search
        self.found = Found(buffer)
        self.found.set(search, self.filter == "other")
        if self.is_mounted:
            self.query_one(LogView).following = True
            self.paint()

    def lines_arrived(self) -> None:
        """Merged, drawn and searched at most every ``REPAINT`` s: at 10,000 lines/s a batch
        arrives every few milliseconds."""
        if not self._repaint_pending:
            self._repaint_pending = True
            self.set_timer(REPAINT, self.paint)

    def set_title(self, text: str) -> None:
        self.query_one("#logs-title", Static).update(plain(text), layout=False)

    # -- drawing ------------------------------------------------------------------------
    def paint(self) -> None:
        self._repaint_pending = False
        found = self.found
        keep = found.current_line()
        self.buffer.flush()
        found.update(keep)
        view = self.query_one(LogView)
        shown = None if not self.filter or found.search is None else \
            found.matches if self.filter == "match" else found.others
        prefixed = self.prefixed if self.prefixed is not None else len(self.names) > 1
        names = tuple(self.names) if prefixed else ()
        self.look = replace(self.look, names=names, colours=tuple(self.colours),
                            search=found.search)
        view.show(self.buffer, shown, self.look, found.current())
        self._status()

    def _status(self) -> None:
        view = self.query_one(LogView)
        found = self.found
        parts = ["following" if view.following else "paused (end follows)"]
        if found.search is not None:
            at = f"{found.hit + 1} of " if found.hit is not None else ""
            parts.append(f"{found.search} {at}{len(found.matches):,} lines")
        if self.filter:
            parts.append(FILTERS[self.filter])
        parts.append(f"{len(self.buffer):,} lines")
        if self.buffer.first:
            parts.append(f"{self.buffer.first:,} older dropped")
        self.query_one("#logs-status", Static).update(plain(" · ".join(parts)), layout=False)

    def on_log_view_moved(self, message: LogView.Moved) -> None:
        message.stop()
        self._status()

    # -- search -------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.found.search
        hint = "search (text; re: for a regex" + (", regex on)" if self.regex else ")")
        self.post_message(self.Ask(hint, search.typed if search else "", self.searched))

    def searched(self, typed: str | None) -> None:
        if typed is None:
            return
        try:
            search = compile_search(typed, self.regex)
        except SearchError as error:
            self.notify(str(error), title="Search", severity="error")
            return
        self.found.set(search, self.filter == "other")
        if search is not None and self.found.matches:
            self.action_hit(1)
        else:
            self.paint()

    def action_hit(self, step: int) -> None:
        self.paint()  # the lines that arrived are merged and searched first
        found = self.found
        if found.search is None or not found.matches:
            self.notify("no search, or nothing matches (/ searches)", title="Search")
            return
        view = self.query_one(LogView)
        top = view.first_shown if view.first_shown is not None else self.buffer.first
        if not found.step(step, top):
            self.notify("search wrapped around", title="Search", timeout=2)
        view.reveal(found.matches[found.hit or 0])
        self.paint()

    def action_filter(self, mode: str) -> None:
        if self.found.search is None:
            self.notify("search first (/): the filter shows the lines that match it",
                        title="Filter")
            return
        self.filter = "" if self.filter == mode else mode
        self.found.set(self.found.search, self.filter == "other")
        self.paint()

    def action_regex(self) -> None:
        self.regex = not self.regex
        self.notify("regex search" if self.regex else "text search", title="Search", timeout=2)

    def action_toggle(self, what: str) -> None:
        self.look = replace(self.look, **{what: not getattr(self.look, what)})
        self.paint()

    # -- other lines --------------------------------------------------------------------
    def action_since(self) -> None:
        self.post_message(self.Ask("since: 5m, 1h30m, 2d or 2026-12-06T19:00:00Z (empty: "
                                   "from the tail)", str(self.query.since),
                                   lambda typed: self._asked("since", typed)))

    def action_tail(self) -> None:
        tail = "all" if self.query.tail < 0 else str(self.query.tail)
        self.post_message(self.Ask("tail: lines per container, or all", tail,
                                   lambda typed: self._asked("tail", typed)))

    def _asked(self, what: str, typed: str | None) -> None:
        if typed is None:
            return
        try:
            query = replace(self.query, since=parse_since(typed)) if what == "since" else \
                replace(self.query, tail=parse_tail(typed))
        except LogRequestError as error:
            self.notify(str(error), title="Logs", severity="error")
            return
        self.post_message(self.Requery(query))

    # -- out ----------------------------------------------------------------------------
    def shown_indexes(self) -> list[int] | range:
        found = self.found
        if self.filter and found.search is not None:
            return list(found.matches if self.filter == "match" else found.others)
        return range(self.buffer.first, self.buffer.end)

    def action_save(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(host(self.app).clock()))
        default = f"kubetui-logs-{self.target.title.replace(' ', '-')}-{stamp}.log"
        self.post_message(self.Ask(f"save {len(self.shown_indexes()):,} lines to (a new file; "
                                   "a directory: this name in it)", default,
                                   lambda typed: self._save(typed, default)))

    def _save(self, typed: str | None, default: str) -> None:
        if typed is None:
            return
        indexes = self.shown_indexes()
        search = self.found.search
        chosen = FILTERS[self.filter if search is not None else ""]
        if search is not None and self.filter:
            chosen += f" for {search}"
        t = self.target
        selector = t.selector or (f"{t.pods[0]}" if len(t.pods) == 1 else "…")
        lines = header(t.title, t.namespace, self.names, chosen, self.buffer, indexes) + [
            "# kubectl: " + kubectl_logs(t.namespace, selector, self.query)
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
        message.stop()
        if message.error:
            self.notify(message.error, title="Save", severity="error")
        else:
            self.notify(f"{message.lines:,} lines ({message.size:,} bytes) saved to "
                        f"{message.path}", title="Save", markup=False)  # a typed path: data

    def action_copy(self) -> None:
        """The mouse selection if there is one, else the lines on screen (with their times
        and sources, as saved)."""
        selected = self.screen.get_selected_text()
        if selected:
            host(self.app).copy_text(selected, "the selected log text")
            return
        view = self.query_one(LogView)
        if view.first_shown is None or view.last_shown is None:
            return
        indexes = [i for i in self.shown_indexes()
                   if view.first_shown <= i <= view.last_shown]
        host(self.app).copy_text("\n".join(file_lines(self.buffer, indexes, self.names)),
                                 f"{len(indexes)} log lines")
