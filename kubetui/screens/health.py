"""``0`` (and ``:health``): every unhealthy object in the scope, across kinds, grouped by what
is wrong, worst first, each with its one-line cause; enter opens the object's triage. Live: the
view holds each kind's objects in scope and, at most every ``REFRESH`` s after one of them
changes, names again what that change can affect (``k8s/triage/standing.py``), in a thread.
An empty overview says what it checked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.intents.kinds import TriageObject
from kubetui.k8s.core.events import event_row
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.triage.findings import CRITICAL, WARNING
from kubetui.k8s.triage.overview import Entry, grouped
from kubetui.k8s.triage.run import Whole, lean
from kubetui.k8s.triage.standing import (
    CLASSES,
    EVENTS,
    NODES,
    Change,
    StandingOverview,
    store_name,
)
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.store import StoreChange
from kubetui.safe_text import plain, visible
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.cause_list import CauseList
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter

REFRESH = 0.3  # seconds: a burst of changes (a rollout) is named once
SHOWN_PER_GROUP = 200  # entries listed per cause; the rest counted (10,000 lines help nobody)
MARK = {CRITICAL: ("✗", "bold red"), WARNING: ("!", "bold yellow")}


def _let_the_ui_run() -> None:
    """Give up the interpreter lock between objects: a key pressed meanwhile is handled now,
    not at the thread's next forced switch (5 ms, several times per key -> paint)."""
    time.sleep(0)


def _object(row):
    """A store row as the checks read it: a ``Whole`` row's object, an event row as it is, None
    for a row that is gone."""
    return row.obj if isinstance(row, Whole) else row


def _nearest_entry(options: list[Option], index: int) -> int | None:
    """The entry at ``index`` or the closest after it (else before): where the cursor goes when
    the line under it is gone, as in any list that loses a line."""
    after = [i for i, o in enumerate(options) if not o.disabled and i >= index]
    before = [i for i, o in enumerate(options) if not o.disabled and i < index]
    return after[0] if after else before[-1] if before else None


@dataclass
class OverviewNamed(Message):
    """A refresh's result, from its thread (None: it failed with ``error``)."""

    held: Held
    entries: list[Entry] | None
    changed: bool  # a line differs from the last refresh's
    settled: bool  # every store had listed when its changes were taken: the list is complete
    took: float  # seconds, in the thread
    error: Exception | None = None


class HealthScreen(QuietBehind, Guarded, Screen):
    stacked_view = True  # closed by the app when ``:`` opens another view or a pane
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="health.back")]
    DEFAULT_CSS = """
    HealthScreen #health-title { height: 1; text-style: bold; padding: 0 1; }
    HealthScreen #health-list, HealthScreen #health-list:focus {
        height: 1fr; border: none; padding: 0;
    }
    """

    def __init__(self, kinds: dict[tuple[str, str], Kind], info) -> None:
        super().__init__(classes="health")
        self.kinds = kinds  # the overview's kinds this server serves
        self._info = info
        self.namespace: str | None = None if info.all_namespaces else info.namespace
        self.entries: list[Entry] = []
        self._held: Held | None = None
        self._standing: StandingOverview | None = None  # touched by one thread at a time
        self._touched: dict[str, set] = {}  # store -> keys changed since the last refresh
        self._whole: set[str] = set()  # stores to be given whole (a first list, a relist)
        self._pending = False  # a refresh is scheduled
        self._computing = False  # a refresh runs in its thread
        self._again = False  # something changed while it ran
        self._shown_settled = False
        self._last_error = ""
        self._took = 0.0  # the last refresh's time in its thread

    def compose(self) -> ComposeResult:
        yield ClusterBar(self._info, host(self.app).readonly)
        yield Static(self._heading(), id="health-title")
        yield CauseList(id="health-list")
        yield FitFooter()

    def _heading(self) -> Text:
        where = "all namespaces" if self.namespace is None else self.namespace
        return plain(f"health · {where} · {len(self.entries)} unhealthy")

    def on_mount(self) -> None:
        self._hold()
        self.query_one(OptionList).focus()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None

    def _hold(self) -> None:
        old = self._held
        self._held = Held(host(self.app).stores)
        self._standing = StandingOverview()
        self._touched, self._whole = {}, set()
        ns = self.namespace
        wanted = [(store_name(group, name), ResourceScope(
            kind.group_version, kind.plural, ns if kind.namespaced else None), lean, False,
            f"watch {kind.plural} (health)") for (group, name), kind in self.kinds.items()]
        wanted += [(EVENTS, ResourceScope("v1", "events", ns), event_row, True, None),
                   (NODES, ResourceScope("v1", "nodes"), lean, False, None),
                   (CLASSES, ResourceScope("storage.k8s.io/v1", "storageclasses"), lean,
                    False, None)]
        for name, scope, transform, covering, what in wanted:
            self._held.acquire(name, scope, transform, covering=covering, what=what,
                               listen=lambda change, name=name: self._note(name, change))
            self._whole.add(name)  # what it holds already (a shared store) is given whole
        if old is not None:
            old.release()
        self._schedule()

    def show_info(self, info) -> None:
        """The app's namespace changed: the overview follows it."""
        self._info = info
        self.query_one(ClusterBar).info = info
        namespace = None if info.all_namespaces else info.namespace
        if namespace != self.namespace or (self._held is not None and
                                           self._held.registry is not host(self.app).stores):
            self.namespace = namespace
            self._hold()

    def _note(self, name: str, change: StoreChange) -> None:
        """A store changed (on the loop, as the store applies it): remember which rows, and
        name the causes again soon. Only the keys: the rows are read when the refresh starts."""
        delta = change.delta
        if delta is None or delta.reset or name in (NODES, CLASSES):
            self._whole.add(name)  # a new status (a 403: nothing to read), a relist
        elif name not in self._whole:
            touched = self._touched.setdefault(name, set())
            touched.update(delta.upserts)
            touched.update(delta.deletes)
        self._schedule()

    def _schedule(self) -> None:
        if self._computing:
            self._again = True  # one more pass when the running one ends
        elif not self._pending:
            self._pending = True
            # the thread gets at most a fifth of the time: a large first pass is followed by
            # a pause as long; then REFRESH (a refresh costs what changed)
            self.set_timer(max(REFRESH, 4 * self._took), self.refresh_overview)

    def _changes(self) -> list[Change]:
        """What changed since the last refresh, read from the stores now (rows are immutable:
        the thread may keep them)."""
        assert self._held is not None
        changes = []
        for name in self._whole:
            store = self._held.get(name)
            rows = store.rows if store is not None and store.status.state != "failed" else None
            changes.append(Change(name, None if rows is None else
                                  {k: _object(r) for k, r in rows.items()}, whole=True))
        for name, keys in self._touched.items():
            store = self._held.get(name)
            if name not in self._whole and store is not None:
                rows = store.rows
                changes.append(Change(name, {k: _object(rows.get(k)) for k in keys}))
        self._whole, self._touched = set(), {}
        return changes

    def refresh_overview(self) -> None:
        """Take what changed (cheap: the keys touched since the last refresh) and name the
        causes again off the UI loop."""
        self._pending = False
        if self._held is None or self._standing is None:
            return
        settled = self._settled()  # before the changes are taken: what they hold is complete
        changes = self._changes()
        self._computing = True
        self._again = False
        self._name_causes(self._standing, changes, settled, host(self.app).clock(), self._held)

    @work(thread=True, group="health", exit_on_error=False, description="health: name causes")
    def _name_causes(self, standing: StandingOverview, changes: list[Change], settled: bool,
                     now: float, held: Held) -> None:
        """In a thread: the first pass at 10,000 pods takes a second of CPU (then only what
        changed is named again), and the keys must not wait for it. Only one runs at a time
        (``_computing``); a change meanwhile asks for one more."""
        started = time.monotonic()
        try:
            standing.apply(changes)
            entries, changed = standing.name(now, breathe=_let_the_ui_run)
        except Exception as error:  # noqa: BLE001 - reported once by the handler, on the loop
            self.post_message(OverviewNamed(held, None, False, settled,
                                            time.monotonic() - started, error))
            return
        self.post_message(OverviewNamed(held, entries, changed, settled,
                                        time.monotonic() - started))

    def on_overview_named(self, message: OverviewNamed) -> None:
        message.stop()
        self._computing = False
        self._took = message.took
        if message.held is not self._held:
            self._schedule()  # another scope meanwhile: its own pass
            return
        if message.entries is not None:
            self.apply_overview(message.entries, message.changed, message.settled)
        else:
            # what it held may be half changed: the next refresh starts again from the stores
            self._standing = StandingOverview()
            self._whole = set(self._held.stores)
            self._touched = {}
            if repr(message.error) != self._last_error:  # the same failure is told once
                self._last_error = repr(message.error)
                host(self.app).report_error(message.error, "the health overview")
        if self._again:
            self._schedule()

    def apply_overview(self, entries: list[Entry], changed: bool = True,
                       settled: bool | None = None) -> None:
        """``settled``: whether every store had listed when the entries' inputs were taken
        (None: now). A store that lists while a pass runs does not make its list complete."""
        settled = self._settled() if settled is None else settled
        if not changed and self._shown_settled == settled:
            return  # a change that changes no cause (a heartbeat, a new resourceVersion)
        self.entries = entries
        self._show(settled)

    def _settled(self) -> bool:
        return self._held is not None and all(
            store.synced or store.status.state == "failed" for store in self._held.stores.values())

    def _show(self, settled: bool | None = None) -> None:
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        # the user's entry stays under the cursor once the list it was chosen in was complete;
        # until then the worst one (the stores sync in any order, and the first to arrive is
        # not the worst: the first complete list must not keep an early list's first line)
        was_settled = self._shown_settled
        self._shown_settled = self._settled() if settled is None else settled
        chosen = listing.get_option_at_index(highlighted).id if was_settled and \
            highlighted is not None and listing.option_count else None
        listing.clear_options()
        options: list[Option] = []
        for check, entries in grouped(self.entries):
            options.append(Option(Text(f"{check} ({len(entries)})", style="bold underline"),
                                  disabled=True))
            for e in entries[:SHOWN_PER_GROUP]:
                mark, style = MARK.get(e.severity, ("·", "bold"))
                line = Text()
                line.append(f" {mark} ", style=style)
                where = f"{e.namespace}/" if self.namespace is None and e.namespace else ""
                line.append(visible(f"{e.kind.lower()} {where}{e.name}"), style="bold")
                line.append("  " + visible(e.cause))
                options.append(Option(line, id=e.key))
            if len(entries) > SHOWN_PER_GROUP:
                more = len(entries) - SHOWN_PER_GROUP
                options.append(Option(plain(f"   … and {more:,} more {check} problems (the "
                                            "pods pane filters them: / then a name)"),
                                      disabled=True))
        if not options:
            checked = ", ".join(sorted(k.plural for k in self.kinds.values()))
            options.append(Option(plain(f"✓ nothing unhealthy: checked {checked}, with their "
                                        "events"), disabled=True))
        listing.add_options(options)
        index = next((i for i, o in enumerate(options) if o.id == chosen), None) \
            if chosen is not None else 1 if self.entries else None  # 1: under its group's title
        if index is None and chosen is not None:  # the user's object is healthy now
            index = _nearest_entry(options, highlighted)
        if index is not None:
            listing.highlighted = index
        self.query_one("#health-title", Static).update(self._heading())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        entry = next((e for e in self.entries if e.key == event.option.id), None)
        if entry is not None:
            self.post_message(TriageObject(entry.group, entry.kind, entry.namespace,
                                           entry.name))

