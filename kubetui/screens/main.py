"""The main screen: the cluster bar, one pane at a time (switched by 1-4 or ``:``), the footer.

Screens own layout and the watch workers that feed their panes; the app owns the connection and
cross-cutting state (scope, theme, keymap). Each watch restart bumps a generation number so a
batch from a cancelled reflector can never land in the new scope's table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane

from kubetui.bindings import MAIN_BINDINGS
from kubetui.guard import Guarded
from kubetui.k8s.cluster import ClusterInfo
from kubetui.k8s.errors import ErrorKind
from kubetui.k8s.events import about_pod, event_row
from kubetui.k8s.flowcontrol import flow_schema_row, priority_level_row
from kubetui.k8s.nodes import node_row
from kubetui.k8s.pods import PodRow, pod_row
from kubetui.k8s.reflector import Reflector, ResourceScope
from kubetui.messages import ApfPolled, StreamTargets, WatchDelta, WatchStatus
from kubetui.palette import palette_label
from kubetui.screens.debug_flow import DebugFlow
from kubetui.screens.probe_flow import ProbeFlow
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.storage_flow import CACHES, StorageFlow
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.deferred import Deferred
from kubetui.widgets.events_pane import EventsPane
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.flows_pane import FlowsPane
from kubetui.widgets.live_pane import LivePane
from kubetui.widgets.nodes_pane import NodesPane
from kubetui.widgets.pods_pane import PodsPane
from kubetui.widgets.resource_table import ResourceTable

# Watched once per cluster, whatever the namespace: restarted only when the cluster changes.
CLUSTER_SCOPED = ("nodes", "levels", "schemas", *CACHES)

if TYPE_CHECKING:  # the screens and streams below load when first used (start-up time)
    from kubetui.k8s.pod_detail import StreamTarget
    from kubetui.screens.terminal_session import TerminalSession


class MainScreen(DebugFlow, ProbeFlow, StorageFlow, QuietBehind, Guarded, Screen):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, info: ClusterInfo, readonly: bool) -> None:
        super().__init__(id="main")
        self._info = info
        self._readonly = readonly
        self._generation = {"pods": 0, "events": 0, "nodes": 0, "levels": 0, "schemas": 0}
        clock = self.app.clock  # type: ignore[attr-defined]
        self.pods = PodsPane(info.all_namespaces, clock)
        self.events = EventsPane(info.all_namespaces, clock)
        self.nodes = NodesPane(clock, self._pods_on_node, lambda: self._info.version)
        self.flows = FlowsPane(clock)
        self.init_storage(clock)
        self._poll_timer = None
        self._node_counts: tuple[int, dict[str, int]] = (-1, {})
        self._selector = ""  # the pods pane's server-side label selector
        self._others_pending = False  # start_other_watches once the pods are listed
        self._placeholders = tuple(Deferred(pane) for pane in (
            self.events, self.flows, self.pvcs, self.nodes, self.snapshots))
        self._panes_ready = False
        self._keys_namespace: str | None = None  # the namespace the keys were drawn for (-A)
        self._cluster_watched: object = None  # the cluster the cluster-scoped watches read

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
            self.start_watches()
        else:
            self.pods.set_scope(self._info.scope)
        self.pods.table.focus()

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
        watch_now, self._others_pending = self._others_pending, False

        async def carry_on() -> None:
            await self._mount_panes()
            if watch_now:
                self._watch_others()
            then(*args)

        self._in_background(carry_on())
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
        target = self._live_panes().get(pane)
        if target is not None:
            target.table.focus()
        self._set_flows_polling(pane == "flows")

    def _live_panes(self) -> dict[str, LivePane]:
        return {"pods": self.pods, "events": self.events, "nodes": self.nodes,
                "flows": self.flows.levels, "pvc": self.pvcs, "snapshots": self.snapshots}

    def _pane(self, resource: str) -> LivePane:
        return {"pods": self.pods, "events": self.events, "nodes": self.nodes,
                "levels": self.flows.levels, "schemas": self.flows.schemas,
                "pvcs": self.pvcs, "snapshots": self.snapshots}[resource]

    def _pods_on_node(self, node: str) -> int:
        """Pods in the pods pane's cache per node, recounted only when the cache changed."""
        version = self.pods.table.version
        if self._node_counts[0] != version:
            counts: dict[str, int] = {}
            for row in self.pods.table.rows.values():
                counts[row.node] = counts.get(row.node, 0) + 1
            self._node_counts = (version, counts)
        return self._node_counts[1].get(node, 0)

    def action_switch_namespace(self) -> None:
        self.app.action_switch_namespace()  # type: ignore[attr-defined]

    def action_switch_context(self) -> None:
        self.app.action_switch_context()  # type: ignore[attr-defined]

    def connected(self, info: ClusterInfo) -> None:
        """The first connection answered: the same scope as the kubeconfig said (the panes
        are already laid out for it), now with the server's version and capabilities."""
        self._info = info
        self.query_one(ClusterBar).info = info
        self.start_watches()

    def show_info(self, info: ClusterInfo) -> None:
        """New connection or scope: every pane re-reads it and the watches restart."""
        self._info = info
        self.pods.note = ""
        self.query_one(ClusterBar).info = info
        self.pods.show_namespace(info.all_namespaces)
        self.events.show_namespace(info.all_namespaces)
        if self._cluster_watched not in (None, self.app.cluster):  # type: ignore[attr-defined]
            self._stop_cluster_watches()
        self.start_watches()

    def _stop_cluster_watches(self) -> None:
        """Another cluster (a context switch): the watches of cluster-scoped kinds stop now,
        not when the pods of the new one are listed; they restart then on the new cluster
        (``_watch_others``). The old connection is closed meanwhile: a watch left running on
        it would show the old cluster's nodes and flows."""
        self._cluster_watched = None
        self._set_flows_polling(False)
        for resource in CLUSTER_SCOPED:
            self._generation[resource] = self._generation.get(resource, 0) + 1
            self.workers.cancel_group(self, f"watch-{resource}")

    # -- watches ---------------------------------------------------------------------------
    def start_watches(self) -> None:
        """The pods first; the other panes' watches once the pods are listed (or failed): on
        a big namespace their LISTs would share the same core and delay the pane on screen."""
        for pane in (self.pods, self.events):
            pane.set_scope(self._info.scope)
        self.restart_pods()
        self._others_pending = True

    def start_other_watches(self) -> None:
        """After the frame that shows the pods: mount the hidden panes, then start their
        watches (their rows and statuses land in mounted widgets)."""
        self._others_pending = False
        self.call_after_refresh(lambda: self._in_background(self._reveal_then_watch()))

    def _in_background(self, work) -> None:
        """Awaiting the panes' mount inside a callback would hold this screen's messages
        (a key's result, a watch delta) until the five panes are mounted: a worker waits."""
        self.run_worker(work, name="mount the hidden panes", group="reveal",
                        exit_on_error=False)

    async def _reveal_then_watch(self) -> None:
        await self._mount_panes()
        self._watch_others()

    def _watch_others(self) -> None:
        ns = None if self._info.all_namespaces else self._info.namespace
        self._generation["events"] += 1
        self.watch("events", ResourceScope("v1", "events", ns), event_row)
        cluster = self.app.cluster  # type: ignore[attr-defined]
        first = cluster is not self._cluster_watched  # cluster-scoped: not per namespace
        self._cluster_watched = cluster
        self.start_storage_watches(ns, first=first)
        if first:
            self.nodes.set_scope("the cluster")
            self._generation["nodes"] += 1
            self.watch("nodes", ResourceScope("v1", "nodes"), node_row)
            self.start_flow_watches()

    def start_flow_watches(self) -> None:
        """Both APF kinds in the server's preferred flowcontrol version (v1beta1 on 1.20)."""
        version = self._info.capabilities.flowcontrol_version
        if version is None:
            self.flows.set_unsupported("This server does not serve flowcontrol.apiserver.k8s.io:"
                                       " API Priority & Fairness is off or too old here.")
            return
        gv = f"flowcontrol.apiserver.k8s.io/{version}"
        for resource, plural, transform in (
                ("levels", "prioritylevelconfigurations", priority_level_row),
                ("schemas", "flowschemas", flow_schema_row)):
            self._pane(resource).set_scope(f"the cluster ({version})")
            self._generation[resource] += 1
            self.watch(resource, ResourceScope(gv, plural), transform)

    # -- APF polling: only while the flows pane is visible -------------------------------
    def _set_flows_polling(self, visible: bool) -> None:
        """Poll APF while the flows pane is shown, once its priority levels are listed: a
        poll is read against the listed levels (a level listed later would wait for the next
        poll to show its queues); ``on_watch_delta`` starts it when the list ends."""
        if visible and self._poll_timer is None and self.flows.levels.synced and \
                self._info.capabilities.flowcontrol_version is not None:
            interval = self.app.settings.flows_poll_seconds  # type: ignore[attr-defined]
            self.poll_flows()
            self._poll_timer = self.set_interval(interval, self.poll_flows)
        elif not visible and self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None

    @work(exclusive=True, group="apf-poll", exit_on_error=False)
    async def poll_flows(self) -> None:
        from kubetui.k8s.apf_poll import poll_apf

        poll = await poll_apf(self.app.cluster)  # type: ignore[attr-defined]
        self.post_message(ApfPolled(poll))

    def on_apf_polled(self, message: ApfPolled) -> None:
        self.flows.apply_poll(message.poll)
        self.show_whoami()

    def show_whoami(self) -> None:
        flow = self.app.cluster.last_flow  # type: ignore[attr-defined]
        if flow is not None:
            self.flows.show_whoami(flow.flow_schema_uid, flow.priority_level_uid)

    def restart_pods(self) -> None:
        ns = None if self._info.all_namespaces else self._info.namespace
        self._generation["pods"] += 1
        self.watch("pods", ResourceScope("v1", "pods", ns,
                                         label_selector=self.pods.label_selector), pod_row)

    def watch(self, resource: str, scope: ResourceScope, transform) -> None:
        generation = self._generation[resource]

        async def run() -> None:
            reflector = Reflector(
                self.app.cluster, scope, transform,  # type: ignore[attr-defined]
                sink=lambda d: self.post_message(WatchDelta(resource, d, generation)),
                on_status=lambda s: self.post_message(WatchStatus(resource, s, generation)),
                what=f"watch {resource}")
            try:
                await reflector.run()
            finally:
                reflector.release()

        self.run_worker(run, name=f"watch {resource}", group=f"watch-{resource}",
                        exclusive=True, exit_on_error=False)

    def on_watch_delta(self, message: WatchDelta) -> None:
        if message.generation != self._generation[message.resource]:
            return
        if message.resource in CACHES:
            self.apply_cache(message.resource, message.delta)
            return
        self._pane(message.resource).apply(message.delta)
        if message.resource in ("levels", "schemas"):
            self.show_whoami()
        if message.resource == "levels" and message.delta.synced and \
                self.active_pane == "flows":
            self._set_flows_polling(True)  # listed: the polls can be read against them
        if message.resource in ("pvcs", "snapshots", "pods"):
            self.storage_delta(message.resource, message.delta)

    def on_watch_status(self, message: WatchStatus) -> None:
        if message.generation != self._generation[message.resource] or \
                message.resource in CACHES:
            return
        status = message.status
        self._pane(message.resource).set_status(status)
        if message.resource == "pods" and self._others_pending and status.state != "listing":
            self.start_other_watches()

        if (message.resource == "pods" and self._info.all_namespaces and status.state == "failed"
                and status.error is not None and status.error.kind == ErrorKind.FORBIDDEN):
            self.pods.note = "looking for namespaces you can read…"
            self.app.offer_readable_namespaces()  # type: ignore[attr-defined]

    def show_readable(self, names: tuple[str, ...], checked: tuple[str, ...]) -> None:
        """After a 403 on the all-namespaces pods list: where the user can look instead."""
        if names:
            self.pods.note = ("you may list pods in: " + ", ".join(names)
                              + " (n or :ns NAME to switch)")
        else:
            self.pods.note = "you may list pods in none of: " + ", ".join(checked)
        self.pods.refresh_status()

    @on(LivePane.FilterChanged)
    def _filter_changed(self, event: LivePane.FilterChanged) -> None:
        if event.pane is self.pods:
            selector = self.pods.label_selector
            if selector != self._selector:
                self._selector = selector
                self.restart_pods()

    @on(NodesPane.Open)
    def _open_node(self, event: NodesPane.Open) -> None:
        from kubetui.screens.node_audit import NodeAuditScreen

        def pods_using(runtime_class: str) -> list[str]:
            return sorted(f"{p.namespace}/{p.name}" for p in self.pods.table.rows.values()
                          if p.runtime_class == runtime_class)

        self.app.push_screen(NodeAuditScreen(event.row.name, pods_using))

    @on(PodsPane.Open)
    def _open_pod(self, event: PodsPane.Open) -> None:
        from kubetui.screens.pod_detail import PodDetailScreen

        self.app.push_screen(PodDetailScreen(event.row.namespace, event.row.name, tab=event.tab))

    # -- shells and attach ---------------------------------------------------------------
    @on(PodsPane.Stream)
    def _stream(self, event: PodsPane.Stream) -> None:
        if event.kind == "debug":
            self.start_debug(event.row.namespace, event.row.name)
        elif event.kind == "probes":
            self.open_probes(event.row.namespace, event.row.name)
        else:
            self.prepare_stream(event.row, event.kind)

    @work(exclusive=True, group="prepare-stream", exit_on_error=False)
    async def prepare_stream(self, row: PodRow, kind: str) -> None:
        """Read the pod's spec to know its containers (and whether they take input)."""
        from kubetui.k8s.pod_detail import fetch_pod, stream_targets

        pod = await fetch_pod(self.app.cluster, row.namespace, row.name)  # type: ignore[attr-defined]
        self.post_message(StreamTargets(row, kind, stream_targets(pod)))

    def on_stream_targets(self, message: StreamTargets) -> None:
        targets = message.targets
        if not targets:
            self.notify(f"pod {message.row.name} has no container to {message.kind} to",
                        title="Terminal", severity="warning")
            return
        if len(targets) == 1:
            self.open_stream(message.row, message.kind, targets[0])
            return
        self.app.search_commands(
            [(palette_label(f"{t.name}  ({t.state})"),
              (lambda t=t: self.open_stream(message.row, message.kind, t)), None)
             for t in targets],
            placeholder=f"Container in {message.row.name} for the {message.kind}…")

    def open_stream(self, row: PodRow, kind: str, target: StreamTarget) -> None:
        from kubetui.k8s.exec import ExecRequest
        from kubetui.screens.terminal_session import TerminalSession

        if kind == "command":
            from kubetui.screens.text_prompt import TextPrompt

            self.app.push_screen(
                TextPrompt(f"command to run in {row.name}/{target.name} (shell-like quoting)"),
                lambda text: self._exec_typed(row, target, text))
            return
        if kind == "attach":
            if not target.stdin:
                self.notify(f"{target.name} takes no input (no stdin in its spec): attach "
                            "shows what its main process prints, nothing more.",
                            title="Attach", timeout=6)
            request = ExecRequest(row.namespace, row.name, target.name, stdin=target.stdin,
                                  tty=target.tty and target.stdin, attach=True)
        else:
            request = ExecRequest(row.namespace, row.name, target.name, stdin=True, tty=True)
        self._push_session(row, TerminalSession(request,
                                                lambda uid=row.uid: self._pod_context(uid)))

    def _exec_typed(self, row: PodRow, target: StreamTarget, text: str | None) -> None:
        import shlex

        from kubetui.k8s.exec import ExecRequest
        from kubetui.screens.terminal_session import TerminalSession

        if not text or not text.strip():
            return
        try:
            argv = tuple(shlex.split(text))
        except ValueError as exc:  # unbalanced quotes
            self.notify(f"cannot parse the command: {exc}", title="Exec", severity="error")
            return
        request = ExecRequest(row.namespace, row.name, target.name, argv, stdin=True, tty=True)
        self._push_session(row, TerminalSession(
            request, lambda uid=row.uid: self._pod_context(uid), shells=()))

    def _push_session(self, row: PodRow, session: TerminalSession) -> None:
        self._install_session(session)

    def _install_session(self, session: TerminalSession) -> None:
        # Installed, so that going back to the panes keeps the session (and its stream) alive.
        self.app.install_screen(session, name=f"session-{id(session)}")
        self.app.sessions.append(session)  # type: ignore[attr-defined]
        self.app.push_screen(session)

    def _pod_context_named(self, namespace: str, name: str):
        """As ``_pod_context``, for a pod known by name (a debug copy created just now)."""
        row = next((r for r in self.pods.table.rows.values()
                    if r.name == name and r.namespace == namespace), None)
        return self._pod_context(row.uid) if row is not None else (None, [])

    def _pod_context(self, uid: str):
        """The pod's live row and its events, newest first, from this screen's watches."""
        row = self.pods.table.rows.get(uid)
        # An event written without the pod's uid (by a script, kubectl create) is the pod's
        # when it names it; one naming an earlier pod of the same name carries that pod's uid.
        name, namespace = (row.name, row.namespace) if row is not None else ("", "")
        events = [e for e in self.events.table.rows.values()
                  if about_pod(e, uid, name, namespace)]
        events.sort(key=lambda e: e.last_seen or 0, reverse=True)
        return row, events

    def action_sessions(self) -> None:
        sessions = self.app.sessions  # type: ignore[attr-defined]
        if not sessions:
            self.notify("No terminal sessions are open (s on a pod opens a shell).",
                        title="Sessions")
            return
        self.app.search_commands(
            [(palette_label(f"{s.title_text}{'' if s.running else ' · ended'}"),
              (lambda s=s: self.app.push_screen(s)), None) for s in sessions],
            placeholder="Return to a terminal session…")

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
