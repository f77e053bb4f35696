"""``0`` (and ``:health``): every unhealthy object in the scope, across kinds, grouped by what
is wrong, worst first, each with its one-line cause; enter opens the object's triage. Live: the
view holds each kind's objects in scope and names the causes again (at most every
``REFRESH`` s) whenever one of them changes. An empty overview says what it checked.
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
from kubetui.k8s.triage.overview import Entry, grouped, overview
from kubetui.k8s.triage.run import World, whole
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.safe_text import plain, visible
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated

REFRESH = 0.3  # seconds: a burst of changes (a rollout) is named once
SHOWN_PER_GROUP = 200  # entries listed per cause; the rest counted (10,000 lines help nobody)
MARK = {CRITICAL: ("✗", "bold red"), WARNING: ("!", "bold yellow")}


def _let_the_ui_run() -> None:
    """Give up the interpreter lock between objects: a key pressed meanwhile is handled now,
    not at the thread's next forced switch (5 ms, several times per key -> paint)."""
    time.sleep(0)


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
    kept: dict
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
        self._pending = False  # a refresh is scheduled
        self._computing = False  # a refresh runs in its thread
        self._again = False  # something changed while it ran
        self._carried: dict = {}  # the last refresh's pod reports (``World.carried``)
        self._shown_settled = False
        self._last_error = ""
        self._took = 0.0  # the last refresh's time in its thread

    def compose(self) -> ComposeResult:
        yield ClusterBar(self._info, host(self.app).readonly)
        yield Static(self._heading(), id="health-title")
        yield OptionList(id="health-list")
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
        self._held = Held(host(self.app).stores, lambda c: self.post_message(StoreUpdated(c)))
        ns = self.namespace
        for (group, name), kind in self.kinds.items():
            self._held.acquire(f"{group}/{name}", ResourceScope(
                kind.group_version, kind.plural, ns if kind.namespaced else None), whole,
                what=f"watch {kind.plural} (health)")
        self._held.acquire("events", ResourceScope("v1", "events", ns), event_row,
                           covering=True)
        self._held.acquire("nodes", ResourceScope("v1", "nodes"), whole)
        self._held.acquire("storageclasses", ResourceScope("storage.k8s.io/v1",
                                                           "storageclasses"), whole)
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

    def on_store_updated(self, message: StoreUpdated) -> None:
        message.stop()
        self._schedule()

    def _schedule(self) -> None:
        if self._computing:
            self._again = True  # one more pass when the running one ends
        elif not self._pending:
            self._pending = True
            # the thread gets at most a fifth of the time: at 10,000 pods, a second or so
            # between refreshes; at a few hundred objects, REFRESH
            self.set_timer(max(REFRESH, 4 * self._took), self.refresh_overview)

    def _rows(self, name: str) -> list[dict] | None:
        return self._held.objects(name) if self._held is not None else None

    def refresh_overview(self) -> None:
        """Take what the stores hold now (lists of immutable objects: cheap) and name the
        causes off the UI loop."""
        self._pending = False
        if self._held is None:
            return
        objects = {key: self._rows(f"{key[0]}/{key[1]}") or [] for key in self.kinds}
        events = self._held.get("events")
        world = World(pods=objects.get(("", "Pod"), []),
                      replicasets=objects.get(("apps", "ReplicaSet"), []),
                      jobs=objects.get(("batch", "Job"), []),
                      events=list(events.rows.values()) if events is not None else [],
                      nodes=self._rows("nodes"), storageclasses=self._rows("storageclasses"),
                      carried=self._carried)
        self._computing = True
        self._again = False
        self._name_causes(objects, world, host(self.app).clock(), self._held)

    @work(thread=True, group="health", exit_on_error=False, description="health: name causes")
    def _name_causes(self, objects: dict, world: World, now: float, held: Held) -> None:
        """In a thread: at 10,000 pods the checks take a second of CPU the first time (then
        only the changed pods are checked again), and the keys must not wait for them. Only
        one runs at a time (``_computing``); a change meanwhile asks for one more."""
        started = time.monotonic()
        try:
            entries = overview(objects, world, now, breathe=_let_the_ui_run)
        except Exception as error:  # noqa: BLE001 - reported once by the handler, on the loop
            self.post_message(OverviewNamed(held, None, {}, time.monotonic() - started, error))
            return
        self.post_message(OverviewNamed(held, entries, world.kept, time.monotonic() - started))

    def on_overview_named(self, message: OverviewNamed) -> None:
        message.stop()
        self._computing = False
        self._took = message.took
        if message.held is not self._held:
            self._schedule()  # another scope meanwhile: its own pass
            return
        if message.entries is not None:
            self._carried = message.kept
            self.apply_overview(message.entries)
        elif repr(message.error) != self._last_error:  # the same failure is told once
            self._last_error = repr(message.error)
            host(self.app).report_error(message.error, "the health overview")
        if self._again:
            self._schedule()

    def apply_overview(self, entries: list[Entry]) -> None:
        if entries == self.entries and self._shown_settled == self._settled():
            return  # a change that changes no cause (a heartbeat, a new resourceVersion)
        self.entries = entries
        self._show()

    def _settled(self) -> bool:
        return self._held is not None and all(
            store.synced or store.status.state == "failed" for store in self._held.stores.values())

    def _show(self) -> None:
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        # the user's entry stays under the cursor once the list it was chosen in was complete;
        # until then the worst one (the stores sync in any order, and the first to arrive is
        # not the worst: the first complete list must not keep an early list's first line)
        was_settled = self._shown_settled
        self._shown_settled = self._settled()
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

