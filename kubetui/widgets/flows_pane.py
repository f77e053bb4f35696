"""The priority-level flows pane: API Priority & Fairness on one screen.

Top: priority levels (type, shares, queuing, live waiting/executing from the debug dump, rejected
per second from the metrics, and a trend). Bottom: flow schemas (precedence, level, distinguisher,
who and what they match). The first line says which schema and level kubetui's own requests land
in (from the ``X-Kubernetes-PF-*`` response headers).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.k8s.apf.dump import PriorityLevelState, mean_over, rates
from kubetui.k8s.apf.flowcontrol import FlowSchemaRow, PriorityLevelRow
from kubetui.k8s.apf.poll import ApfPoll
from kubetui.safe_text import plain, plain_lines
from kubetui.widgets.live_pane import LivePane, text_matcher
from kubetui.widgets.resource_table import Column, SortSpec

SPARK = " ▁▂▃▄▅▆▇█"
HISTORY = 90  # polls kept (3 minutes at the default 2 s)


def sparkline(values: list[float], width: int) -> str:
    """Blank while nothing waited or was rejected: a flat line says nothing, and one that
    grows by a cell per poll would repaint every row every poll of an idle cluster."""
    values = values[-width:]
    top = max(values, default=0.0)
    if top <= 0:
        return ""
    return "".join(SPARK[min(8, int(round(v / top * 8)))] for v in values)


@dataclass
class LevelLive:
    waiting: int | None = None
    executing: int | None = None
    rejected_per_s: float | None = None
    reasons: dict[str, float] = field(default_factory=dict)  # reason -> rejected/s
    wait_ms: float | None = None  # mean queue wait over the last poll interval
    totals: str = ""  # newer servers' dump: dispatched/rejected/timed-out/cancelled so far
    history: deque = field(default_factory=lambda: deque(maxlen=HISTORY))


LEVEL_COLUMNS = [
    Column("name", "PRIORITY LEVEL", 0, min_width=18),
    Column("type", "TYPE", 7),
    Column("shares", "SHARES", 6, align="right"),
    Column("queuing", "QUEUING", 24, min_terminal=110),
    Column("lend", "LEND/BORROW", 11, min_terminal=130),
    Column("waiting", "WAIT", 5, align="right"),
    Column("executing", "EXEC", 5, align="right"),
    Column("rejected", "REJ/s", 6, align="right"),
    Column("wait_ms", "WAIT ms", 7, align="right", min_terminal=100),
    Column("trend", "TREND (wait+rej)", 16, min_terminal=100),
    Column("reasons", "REJECTED BY", 22, min_terminal=150),
    Column("totals", "DISP/REJ/TO/CANC", 24, min_terminal=175),
]

SCHEMA_COLUMNS = [
    Column("precedence", "PREC", 5, align="right"),
    Column("name", "FLOW SCHEMA", 24),
    Column("level", "LEVEL", 18),
    Column("by", "BY", 11, min_terminal=100),
    Column("matches", "MATCHES", 0, min_width=16),
]


class LevelsPane(LivePane):
    BINDINGS = [Binding("enter", "feeders", "Schemas feeding it", id="levels.feeders"),
                Binding("w", "who", "Who matches", id="flows.who")]
    noun = "priority levels"

    class ShowFeeders(Message):
        def __init__(self, level: str | None) -> None:
            super().__init__()
            self.level = level

    class WhoMatches(Message):
        pass

    def action_feeders(self) -> None:
        row = self.table.cursor_row
        self.post_message(self.ShowFeeders(row.name if row else None))

    def action_who(self) -> None:
        self.post_message(self.WhoMatches())
    sortable = ("name", "shares", "activity")

    def __init__(self, clock: Callable[[], float]) -> None:
        self.live: dict[str, LevelLive] = {}
        super().__init__(LEVEL_COLUMNS, self.cells, {
            "name": lambda r: r.name,
            "shares": lambda r: (-(r.shares or 0), r.name),
            "activity": lambda r: (-self._activity(r.name), r.name),
        }, default_sort=SortSpec("name"), style_of=self.style, clock=clock, id="levels-pane")

    def _activity(self, name: str) -> float:
        live = self.live.get(name)
        return sum(live.history) if live else 0.0

    def cells(self, row: PriorityLevelRow, now: float) -> dict[str, str]:
        live = self.live.get(row.name, LevelLive())
        lend = "" if row.lendable_percent is None else \
            f"{row.lendable_percent}%/{row.borrowing_limit_percent or 0}%"
        return {"name": row.name, "type": row.type,
                "shares": "" if row.shares is None else str(row.shares),
                "queuing": row.queuing, "lend": lend,
                "waiting": _num(live.waiting), "executing": _num(live.executing),
                "rejected": "" if live.rejected_per_s is None else f"{live.rejected_per_s:.1f}",
                "wait_ms": "" if live.wait_ms is None else f"{live.wait_ms:.1f}",
                "trend": sparkline(list(live.history), 16),
                "reasons": reasons_text(live.reasons), "totals": live.totals}

    def style(self, row: PriorityLevelRow) -> str | None:
        live = self.live.get(row.name)
        if live and live.rejected_per_s:
            return "apf-rejected"
        if live and live.waiting:
            return "apf-queued"
        return None

    def search_text(self, row: PriorityLevelRow) -> str:
        return f"{row.name} {row.type}"


class SchemasPane(LivePane):
    BINDINGS = [Binding("enter", "rules", "Rules", id="schemas.rules"),
                Binding("w", "who", "Who matches", id="schemas.who")]
    noun = "flow schemas"
    feeding: str | None = None

    class ShowRules(Message):
        def __init__(self, schema: FlowSchemaRow) -> None:
            super().__init__()
            self.schema = schema

    def action_rules(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(self.ShowRules(row))

    def action_who(self) -> None:
        self.post_message(LevelsPane.WhoMatches())

    def feed(self, level: str | None) -> None:
        """Show only the schemas that send requests to ``level`` (None: all)."""
        self.feeding = None if level == self.feeding else level
        self.apply_filter(self.filter_text)
        self.refresh_status()

    def apply_filter(self, text: str) -> None:
        match = text_matcher(text) if text else None
        level = self.feeding
        if match is None and level is None:
            self.table.set_filter(None)
            return
        self.table.set_filter((lambda r: r.priority_level == level) if level else None,
                              text=match, search_text=self.search_text)

    def status_text(self) -> tuple[str, bool]:
        text, problem = super().status_text()
        return (f"feeding {self.feeding} · {text}" if self.feeding else text), problem
    sortable = ("precedence", "name", "level")

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(SCHEMA_COLUMNS, self.cells, {
            "precedence": lambda r: (r.precedence, r.name),
            "name": lambda r: r.name,
            "level": lambda r: (r.priority_level, r.precedence, r.name),
        }, default_sort=SortSpec("precedence"),
            style_of=lambda r: "apf-rejected" if r.dangling else None, clock=clock,
            id="schemas-pane")

    def cells(self, row: FlowSchemaRow, now: float) -> dict[str, str]:
        level = row.priority_level + (" (dangling)" if row.dangling else "")
        return {"precedence": str(row.precedence), "name": row.name, "level": level,
                "by": row.distinguisher or "-", "matches": row.summary()}

    def search_text(self, row: FlowSchemaRow) -> str:
        return f"{row.name} {row.priority_level} {row.summary()}"


def reasons_text(reasons: dict[str, float]) -> str:
    """"queue-full 20.0, time-out 1.5": why requests were rejected, busiest first."""
    busy = sorted(((r, v) for r, v in reasons.items() if v > 0), key=lambda rv: -rv[1])
    return ", ".join(f"{r} {v:.1f}" for r, v in busy)


def dump_totals(state: PriorityLevelState | None) -> str:
    """Counters only newer servers put in the dump (1.20 has none: empty)."""
    if state is None or all(v is None for v in (state.dispatched, state.rejected,
                                                 state.timed_out, state.cancelled)):
        return ""
    return "/".join(_num(v) for v in (state.dispatched, state.rejected, state.timed_out,
                                      state.cancelled))


def _num(v: int | None) -> str:
    return "-" if v is None else str(v)


class FlowsPane(Guarded, Vertical):
    DEFAULT_CSS = """
    FlowsPane { height: 1fr; }
    FlowsPane > #flows-whoami { height: 1; padding: 0 1; color: $accent; }
    FlowsPane > #flows-notes { height: auto; max-height: 3; padding: 0 1; color: $warning; }
    FlowsPane > #levels-pane { height: 1fr; }
    FlowsPane > #schemas-pane { height: 1fr; }
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(id="flows-pane")
        self.levels = LevelsPane(clock)
        self.schemas = SchemasPane(clock)
        self.last_poll: ApfPoll | None = None
        self._notes: str | None = None  # what the notes line and the whoami line show
        self._whoami = ""
        self.unsupported: str = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="flows-whoami")
        yield Static("", id="flows-notes")
        yield self.levels
        yield self.schemas

    @on(LevelsPane.ShowFeeders)
    def _feeders(self, event: LevelsPane.ShowFeeders) -> None:
        self.schemas.feed(event.level)

    def set_unsupported(self, message: str) -> None:
        self.unsupported = self._notes = message
        self.query_one("#flows-notes", Static).update(plain_lines(message))

    def show_whoami(self, schema_uid: str, level_uid: str) -> None:
        """Names the schema and level of kubetui's own requests; called after every poll and
        every change of either table, so the line appears as soon as both names are known."""
        schema = next((r.name for r in self.schemas.store_rows() if r.uid == schema_uid),
                      None)
        level = next((r.name for r in self.levels.store_rows() if r.uid == level_uid),
                     None)
        text = f"kubetui's requests: schema {schema or '?'} → level {level or '?'}"
        if (schema or level) and text != self._whoami:
            self._whoami = text
            self.query_one("#flows-whoami", Static).update(plain(text))

    def apply_poll(self, poll: ApfPoll) -> None:
        previous, self.last_poll = self.last_poll, poll
        interval = poll.at - previous.at if previous else 0.0
        rejected = rates(previous.rejected_total, poll.rejected_total, interval) \
            if previous and poll.metrics_ok else {}
        by_reason = rates(previous.rejected_by_reason or {}, poll.rejected_by_reason or {},
                          interval) if previous and poll.metrics_ok else {}
        waits = mean_over(previous.wait_sum or {}, previous.wait_count or {},
                          poll.wait_sum or {}, poll.wait_count or {}) \
            if previous and poll.metrics_ok else {}
        names = set(self.levels.live) | {r.name for r in self.levels.store_rows()}
        for name in names:
            live = self.levels.live.setdefault(name, LevelLive())
            state = poll.levels.get(name) if poll.levels else None
            live.totals = dump_totals(state)
            live.waiting = state.waiting if state else _opt_int(poll.inqueue.get(name))
            live.executing = state.executing if state else _opt_int(poll.executing.get(name))
            live.rejected_per_s = rejected.get(name, 0.0) if previous and poll.metrics_ok \
                else None
            live.reasons = {key.split("/", 1)[1]: v for key, v in by_reason.items()
                            if key.split("/", 1)[0] == name}
            live.wait_ms = waits[name] * 1000 if name in waits else (
                0.0 if previous and poll.metrics_ok else None)
            live.history.append((live.waiting or 0) + (live.rejected_per_s or 0.0))
        notes = "\n".join((self.unsupported, *poll.notes)).strip()
        if notes != self._notes:
            self._notes = notes
            self.query_one("#flows-notes", Static).update(plain_lines(notes))
        self.levels.table.repaint_changed()  # only the numbers that moved reach the terminal
        self.levels.table.version += 1


def _opt_int(v: float | None) -> int | None:
    return None if v is None else int(v)
