"""The main screen: the cluster bar, one pane at a time (switched by 1-6 or ``:``), the footer.

It owns layout and pane switching, and which live stores its panes show: the pods first, the
other panes' stores once the pods are listed (their LISTs would share the core with the pane on
screen). Stores come from the app's registry (``app.stores``), shared with any other view of the
same scope; a scope change binds the panes to the new scope's stores and gives the old ones
back. Actions are not here: the panes post typed intents that the app hands to its flows.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane

from kubetui.bindings import MAIN_BINDINGS
from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.intents.nodes import OpenNode
from kubetui.intents.storage import ShowClaimSnapshots
from kubetui.k8s.transport.cluster import ClusterInfo
from kubetui.k8s.transport.errors import ErrorKind
from kubetui.live import queries
from kubetui.live.joins import StorageJoins
from kubetui.live.store import LiveStore
from kubetui.messages import ApfPolled
from kubetui.screens.apf_polling import ApfPolling
from kubetui.screens.main_stores import CACHES, PANE_OF, PaneStores
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.usage_polling import UsageScreen, nodes_polling, pods_polling
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.deferred import Deferred
from kubetui.widgets.events_pane import EventsPane
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.flows_pane import FlowsPane, LevelsPane, SchemasPane
from kubetui.widgets.live_pane import LivePane, StoreUpdated
from kubetui.widgets.nodes_pane import NodesPane
from kubetui.widgets.pods_pane import PodsPane
from kubetui.widgets.resource_table import ResourceTable
from kubetui.widgets.storage_panes import PvcPane, SnapshotsPane


class MainScreen(UsageScreen, QuietBehind, Guarded, Screen):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, info: ClusterInfo, readonly: bool) -> None:
        super().__init__(id="main")
        self._info = info
        self._readonly = readonly
        clock = host(self.app).clock
        self.stores: dict[str, LiveStore] = {}
        self.joins = StorageJoins(self.stores.get)
        self.pods = PodsPane(info.all_namespaces, clock)
        self.events = EventsPane(info.all_namespaces, clock)
        self.nodes = NodesPane(clock, lambda node: queries.pods_on_node(
            self.stores.get("pods"), node), lambda: self._info.version)
        self.flows = FlowsPane(clock)
        self.pvcs = PvcPane(clock, self.joins)
        self.snapshots = SnapshotsPane(clock, self.joins)
        self.apf = ApfPolling(self)
        self.usage = pods_polling(self)  # the pods pane's CPU/MEM columns (``u``)
        self.node_usage = nodes_polling(self)  # the nodes pane's
        self._selector = ""  # the pods pane's server-side label selector
        self._placeholders = tuple(Deferred(pane) for pane in (
            self.events, self.flows, self.pvcs, self.nodes, self.snapshots))
        self._panes_ready = False
        self._keys_namespace: str | None = None  # the namespace the keys were drawn for (-A)
        self.watching = PaneStores(self)

    def compose(self) -> ComposeResult:
        yield ClusterBar(self._info, self._readonly)
        with TabbedContent(id="panes", initial="pods"):
            with TabPane("Pods [1]", id="pods"):
                yield self.pods
            # The hidden panes mount once the pods pane is live (``_mount_panes``): the pane
            # on screen is drawn and listed without waiting for the five others.
            labels = ("Events [2]", "events"), ("Flows [3]", "flows"), ("PVCs [4]", "pvc"), \
                ("Nodes [5]", "nodes"), ("Snapshots [6]", "snapshots")
            for (label, pane_id), placeholder in zip(labels, self._placeholders, strict=True):
                with TabPane(label, id=pane_id):
                    yield placeholder
        yield FitFooter()

    def on_mount(self) -> None:
        if self._info.connected:  # else the app calls connected() once the cluster answered
            self.watching.start()
        else:
            self.pods.set_scope(self._info.scope)
        self.pods.table.focus()

    def panes(self) -> dict[str, LivePane]:
        """Each store name's pane (the caches have none)."""
        return {"pods": self.pods, "events": self.events, "nodes": self.nodes,
                "levels": self.flows.levels, "schemas": self.flows.schemas,
                "pvcs": self.pvcs, "snapshots": self.snapshots}

    # -- panes -----------------------------------------------------------------------------
    @property
    def active_pane(self) -> str:
        return self.query_one(TabbedContent).active

    async def _mount_panes(self) -> None:
        """Mount the hidden panes (see ``widgets/deferred.py``) and wait until they are."""
        for placeholder in self._placeholders:
            mounted = placeholder.reveal()
            if mounted is not None:
                await mounted
        self._panes_ready = True

    def _after_reveal(self, then, *args) -> bool:
        """A hidden pane asked for before the pods were listed: mount the panes, start their
        watches if they were still waiting for the pods (the user wants that pane now), then
        carry on; True when the call was deferred so."""
        if self._panes_ready:
            return False
        watch_now, self.watching.others_pending = self.watching.others_pending, False

        async def carry_on() -> None:
            await self._mount_panes()
            if watch_now:
                self.watching.watch_others()
            then(*args)

        self.watching.in_background(carry_on())
        return True

    def action_show_pane(self, pane: str) -> None:
        if self._after_reveal(self.action_show_pane, pane):
            return
        self.query_one(TabbedContent).active = pane
        self._focus_pane(pane)

    @on(TabbedContent.TabActivated)
    def _focus_active_table(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        if pane != "pods" and self._after_reveal(self._focus_pane, pane):
            return
        self._focus_pane(pane)

    def _focus_pane(self, pane: str) -> None:
        target = self.panes().get(PANE_OF.get(pane, pane))
        if target is not None:
            target.table.focus()
        self.apf.set_visible(pane == "flows")
        self._usage_shown(pane if self.app.screen is self else "")

    def show_pane(self, pane: str, *, select: tuple[str, str] | None = None,
                  only=None, label: str = "") -> None:
        """Show ``pane``; select the row named ``select`` (namespace, name) when it is there;
        ``only`` keeps the rows it accepts (``label`` says so in the status line)."""
        target = self.panes()[PANE_OF.get(pane, pane)]
        if only is not None:
            target.filter_text = label
            target.table.set_filter(only)
            target.refresh_status()
        if select is not None:
            row = queries.named(target.store, *select)
            if row is not None:
                target.table.select_key(row.key)
        self.action_show_pane(pane)

    def pane_note(self, pane: str, text: str) -> None:
        target = self.panes()[PANE_OF.get(pane, pane)]
        target.note = text
        target.refresh_status()

    def action_switch_namespace(self) -> None:
        host(self.app).action_switch_namespace()

    def action_switch_context(self) -> None:
        host(self.app).action_switch_context()

    def action_sessions(self) -> None:
        host(self.app).sessions.pick()

    # -- scope -------------------------------------------------------------------------------
    def connected(self, info: ClusterInfo) -> None:
        """The first connection answered: the same scope as the kubeconfig said (the panes
        are already laid out for it), now with the server's version and capabilities."""
        self._info = info
        self.query_one(ClusterBar).info = info
        self.watching.start()

    def show_info(self, info: ClusterInfo) -> None:
        """New connection or scope: every pane re-reads it and its stores follow."""
        self._info = info
        self.pods.note = ""
        self.query_one(ClusterBar).info = info
        self.pods.show_namespace(info.all_namespaces)
        self.events.show_namespace(info.all_namespaces)
        self.usage.forget()
        self.node_usage.forget()
        if self.watching.cluster_stale():
            self.apf.set_visible(False)
            self.watching.drop_cluster()
        self.watching.start()

    # -- what the stores' changes mean here ----------------------------------------------------
    def on_apf_polled(self, message: ApfPolled) -> None:
        self.apf.polled(message)

    def on_store_updated(self, message: StoreUpdated) -> None:
        name = self.watching.name_of(message.store)
        if name is None:
            return  # a store this screen let go of
        change = message.change
        if change.status is not None:
            self._status_changed(name, change.status)
        if change.delta is None:
            return
        if name in ("levels", "schemas"):
            self.apf.show_whoami()
        if name == "levels" and change.delta.synced and self.active_pane == "flows":
            self.apf.set_visible(True)  # listed: the polls can be read against them
        if name in ("pvcs", "snapshots", "pods", *CACHES):
            self.pvcs.table.refresh()  # DRIVER, USED BY and SNAPS are joins

    def _status_changed(self, name: str, status) -> None:
        if name == "pods" and self.watching.others_pending and status.state != "listing":
            self.watching.start_others()
        if (name == "pods" and self._info.all_namespaces and status.state == "failed"
                and status.error is not None and status.error.kind == ErrorKind.FORBIDDEN):
            self.pods.note = "looking for namespaces you can read…"
            host(self.app).offer_readable_namespaces()

    def show_readable(self, names: tuple[str, ...], checked: tuple[str, ...]) -> None:
        """After a 403 on the all-namespaces pods list: where the user can look instead."""
        if names:
            self.pods.note = ("you may list pods in: " + ", ".join(names)
                              + " (n or :ns NAME to switch)")
        else:
            self.pods.note = "you may list pods in none of: " + ", ".join(checked)
        self.pods.refresh_status()

    @on(SchemasPane.ShowRules)
    def _rules(self, event: SchemasPane.ShowRules) -> None:
        from kubetui.screens.apf_tools import SchemaRulesScreen

        self.app.push_screen(SchemaRulesScreen(event.schema))

    @on(LevelsPane.WhoMatches)
    def _who(self) -> None:
        from kubetui.screens.apf_tools import WhoMatchesScreen

        schemas = self.stores.get("schemas")
        self.app.push_screen(WhoMatchesScreen(list(schemas.rows.values()) if schemas else []))

    # -- keys of the panes -----------------------------------------------------------------
    @on(LivePane.FilterChanged)
    def _filter_changed(self, event: LivePane.FilterChanged) -> None:
        if event.pane is self.pods:
            selector = self.pods.label_selector
            if selector != self._selector:
                self._selector = selector
                self.watching.restart_pods()

    @on(OpenNode)
    def _open_node(self, event: OpenNode) -> None:
        from kubetui.screens.node_audit import NodeAuditScreen

        event.stop()
        self.app.push_screen(NodeAuditScreen(event.name, lambda runtime_class: (
            queries.pods_with_runtime_class(self.stores.get("pods"), runtime_class))))

    @on(ShowClaimSnapshots)
    def _claim_snapshots(self, event: ShowClaimSnapshots) -> None:
        """This claim's snapshots; / and enter clears it."""
        row = event.row
        event.stop()
        self.show_pane("snapshots", label=f"pvc {row.name}", only=lambda s: (
            s.namespace == row.namespace and s.source_pvc == row.name))

    @on(ResourceTable.CursorMoved)
    def _cursor_moved(self, event: ResourceTable.CursorMoved) -> None:
        if event.table is self.pods.table:
            self.events.select_pod(event.row)
            # Rights differ per namespace: redraw the keys when the cursor crosses into another
            # (redrawing on every row cost the footer a recompute per keypress: p95 38 ms at
            # 111k pods with -A).
            namespace = event.row.namespace if event.row is not None else None
            if self._info.all_namespaces and namespace != self._keys_namespace:
                self._keys_namespace = namespace
                self.refresh_bindings()
