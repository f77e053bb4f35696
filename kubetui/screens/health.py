"""``0`` (and ``:health``): every unhealthy object in the scope, across kinds, grouped by what
is wrong, worst first, each with its one-line cause; enter opens the object's triage. Live: the
view holds each kind's objects in scope and names the causes again (at most every
``REFRESH`` s) whenever one of them changes. An empty overview says what it checked.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
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
MARK = {CRITICAL: ("✗", "bold red"), WARNING: ("!", "bold yellow")}


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
        self._pending = False

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
        if not self._pending:
            self._pending = True
            self.set_timer(REFRESH, self.refresh_overview)

    def _rows(self, name: str) -> list[dict] | None:
        return self._held.objects(name) if self._held is not None else None

    def refresh_overview(self) -> None:
        self._pending = False
        if self._held is None:
            return
        objects = {key: self._rows(f"{key[0]}/{key[1]}") or [] for key in self.kinds}
        events = self._held.get("events")
        world = World(pods=objects.get(("", "Pod"), []),
                      replicasets=objects.get(("apps", "ReplicaSet"), []),
                      jobs=objects.get(("batch", "Job"), []),
                      events=list(events.rows.values()) if events is not None else [],
                      nodes=self._rows("nodes"), storageclasses=self._rows("storageclasses"))
        self.entries = overview(objects, world, host(self.app).clock())
        self._show()

    def _show(self) -> None:
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        # the user's entry stays under the cursor; until every store has listed, the worst one
        # (the first to arrive is not the worst: the stores sync in any order)
        settled = self._held is not None and all(
            store.synced or store.status.state == "failed" for store in self._held.stores.values())
        chosen = listing.get_option_at_index(highlighted).id if settled and \
            highlighted is not None and listing.option_count else None
        listing.clear_options()
        options: list[Option] = []
        for check, entries in grouped(self.entries):
            options.append(Option(Text(f"{check} ({len(entries)})", style="bold underline"),
                                  disabled=True))
            for e in entries:
                mark, style = MARK.get(e.severity, ("·", "bold"))
                line = Text()
                line.append(f" {mark} ", style=style)
                where = f"{e.namespace}/" if self.namespace is None and e.namespace else ""
                line.append(visible(f"{e.kind.lower()} {where}{e.name}"), style="bold")
                line.append("  " + visible(e.cause))
                options.append(Option(line, id=e.key))
        if not options:
            checked = ", ".join(sorted(k.plural for k in self.kinds.values()))
            options.append(Option(plain(f"✓ nothing unhealthy: checked {checked}, with their "
                                        "events"), disabled=True))
        listing.add_options(options)
        if chosen is not None:
            index = next((i for i, o in enumerate(options) if o.id == chosen), None)
            if index is not None:
                listing.highlighted = index
        elif self.entries:
            listing.highlighted = 1  # the first entry, under its group's title
        self.query_one("#health-title", Static).update(self._heading())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        entry = next((e for e in self.entries if e.key == event.option.id), None)
        if entry is not None:
            self.post_message(TriageObject(entry.group, entry.kind, entry.namespace,
                                           entry.name))

