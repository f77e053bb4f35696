"""Enter on a pod: Describe, YAML, Logs and Debug tabs for that pod.

The Logs tab is the workload log view's panel on one container (search, filters, times, wrap,
since, tail, save): the failing one first, with its previous instance when it is in back-off;
``c`` the next container, ``p`` the previous instance too.
The Debug tab lists the pod's ephemeral containers live (state, image, target, age): ``a``
re-attaches to the selected one, ``s`` opens a new shell in it, ``l`` reads its logs, ``D`` adds
another (the same flow as ``D`` in the pods pane).
"""

from __future__ import annotations

from dataclasses import replace

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from kubetui.access_keys import AccessAware
from kubetui.host import host
from kubetui.intents.kinds import OpenController, TriageObject
from kubetui.intents.pods import (
    DebugPod,
    ForwardPorts,
    OpenProbes,
    OpenStream,
    PodsLogs,
    StreamKind,
)
from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pod_detail import (
    PodDetail,
    PodVersion,
    fetch_pod,
    pod_detail,
    pod_version,
    redescribe,
)
from kubetui.k8s.debug.follow import EphemeralRow
from kubetui.k8s.kinds.owners import chain_text
from kubetui.k8s.logs.request import LogQuery
from kubetui.k8s.logs.sources import LogTarget
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.exec import ExecRequest
from kubetui.k8s.triage.pods import failing_container
from kubetui.k8s.triage.run import whole
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.queries import events_about_pod
from kubetui.safe_text import plain, plain_lines, visible_lines
from kubetui.screens.log_reading import LogReading
from kubetui.screens.pod_messages import PodLoaded, PodLoadFailed
from kubetui.screens.pod_usage import PodUsageShown
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.ephemeral_list import EphemeralList
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated
from kubetui.widgets.log_panel import LogPanel

#: Seconds between repaints of the describe when only its relative times moved.
AGE_REPAINT = 5.0


class PodDetailScreen(PodUsageShown, AccessAware, QuietBehind, LogReading):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="detail.back"),
        Binding("d", "tab('describe')", "Describe", id="detail.describe"),
        Binding("y", "tab('yaml')", "YAML", id="detail.yaml"),
        Binding("l", "tab('logs')", "Logs", id="detail.logs"),
        Binding("c", "next_container", "Container", id="detail.container"),
        Binding("p", "toggle_previous", "Previous", id="detail.previous"),
        Binding("g", "tab('debug')", "Debug tab", id="detail.debugtab"),
        Binding("s", "shell", "Shell", id="detail.shell"),
        Binding("a", "attach", "Attach", id="detail.attach", show=False),
        Binding("D", "debug", "Debug", id="detail.debug"),
        Binding("P", "probes", "Probes", id="detail.probes"),
        Binding("F", "forward", "Forward", id="detail.forward", show=False),
        Binding("L", "all_logs", "All logs", id="detail.all_logs", show=False),
        Binding("Y", "copy", "Copy", id="detail.copy", show=False),
        Binding("O", "owner", "Owner", id="detail.owner"),
        Binding("exclamation_mark", "triage", "Why", id="detail.triage", key_display="!"),
    ]

    def __init__(self, namespace: str, name: str, container: str | None = None,
                 tab: str = "describe") -> None:
        super().__init__()  # no fixed id: a second detail may be pushed while one is below
        self.pod_namespace, self.pod_name = namespace, name
        self.container = container
        self.previous = False
        # the Logs tab reads (``LogReading``) this pod, the chosen container
        self.target = LogTarget(namespace, f"pod {name}", pods=(name,))
        self.log_query = LogQuery()
        self.chosen: tuple[str, ...] | None = None
        self.detail: PodDetail | None = None
        self._initial_tab = tab
        self.ephemeral: tuple[EphemeralRow, ...] = ()
        self._pod: dict | None = None  # the latest version, from the load or the watch
        self._shown: tuple[str, str] = ("", "")  # describe and YAML as last painted
        self._shown_at = 0.0  # the clock when they were
        # This pod whole, from its own watch, and its namespace's events (shared with the panes).
        self._held: Held | None = None
        self._chain, self._top = "", None  # its controllers (read once), and the top one

    def compose(self) -> ComposeResult:
        yield Static(plain(f"pod {self.pod_namespace}/{self.pod_name}"), id="detail-title")
        with TabbedContent(initial=self._initial_tab):
            with TabPane("Describe (d)", id="describe"), VerticalScroll():
                usage = Static(id="describe-usage")  # CPU/MEM, once asked for (``u``)
                usage.display = False
                yield usage
                yield Static("loading…", id="describe-body")
            with TabPane("YAML (y)", id="yaml"), VerticalScroll():
                yield Static("loading…", id="yaml-body")
            with TabPane("Logs (l)", id="logs"):
                yield LogPanel(id="pod-logs")
            with TabPane("Debug (g)", id="debug"):
                yield EphemeralList()
        yield FitFooter()

    def on_mount(self) -> None:
        self.load_pod()
        self.watch_pod()
        self.start_usage()
        self.call_after_refresh(self._focus_tab)
        # Describe is live: the pod from its watch, its events from the events store of its
        # namespace, and its ages moving with the clock. Each second the text is rebuilt (no
        # request) and painted only if it changed, so a settled pod writes nothing; a change
        # of the pod or its events is painted at once, ages alone every AGE_REPAINT seconds
        # (the whole text repaints: ~6 KB/s over SSH if seconds ticked on a young pod).
        self.set_interval(1.0, lambda: self._render_pod(pod_changed=False))

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.call_after_refresh(self._focus_tab)
        self.usage_visible()

    def _focus_tab(self) -> None:
        """The open tab's body takes the keyboard: pgdn and the arrows scroll at once."""
        pane = self.query_one(TabbedContent).active_pane
        target = next(iter(pane.query("VerticalScroll, LogView, DataTable")), None) \
            if pane else None
        if target is not None:
            target.focus()

    def access_namespace(self) -> str:
        return self.pod_namespace

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()
        self.stop_reading()

    @work(exclusive=True, group="pod-detail", exit_on_error=False)
    async def load_pod(self) -> None:
        """A failure is shown in place (every tab), never an endless "loading…"."""
        try:
            pod = await fetch_pod(host(self.app).cluster, self.pod_namespace, self.pod_name)
        except KubeError as error:
            self.post_message(PodLoadFailed(error))
            return
        if self._pod is None:  # the watch may have delivered a newer version already
            self._pod = pod
        self._render_pod()

    def on_pod_load_failed(self, message: PodLoadFailed) -> None:
        text = plain_lines(f"{message.error}\n\nesc: back", style="bold")
        for body in ("#describe-body", "#yaml-body"):
            self.query_one(body, Static).update(text)
        self.query_one(LogPanel).set_title(f"{message.error}")

    def on_pod_loaded(self, message: PodLoaded) -> None:
        first = self.detail is None
        self._show(message.detail)
        if first and self._pod is not None:
            host(self.app).flows.kinds.chain(self.pod_namespace, self._pod.get("metadata") or {},
                                             self._chain_read)
        if first:
            failing = failing_container(self._pod) if self._pod is not None else None
            if self.container is None and failing is not None:
                # the logs that say why: its previous instance when it is in back-off
                self.container, self.previous = failing
            elif self.container is None and message.detail.containers:
                self.container = message.detail.containers[0]
            self.restart_logs()

    def _show(self, detail: PodDetail) -> None:
        self.detail = detail
        if detail.describe != self._shown[0]:
            self.query_one("#describe-body", Static).update(
                plain_lines(detail.describe.expandtabs(22)))
        if detail.yaml != self._shown[1]:
            self.query_one("#yaml-body", Static).update(
                Syntax(visible_lines(detail.yaml), "yaml", theme="ansi_dark",
                       background_color="default"))
        self._shown = (detail.describe, detail.yaml)
        self._shown_at = host(self.app).clock()

    def _chain_read(self, links, stopped: str) -> None:
        self._chain, self._top = chain_text(links, stopped), (links[-1] if links else None)
        self._render_pod(pod_changed=False)

    def action_triage(self) -> None:
        self.post_message(TriageObject("", "Pod", self.pod_namespace, self.pod_name))

    def action_owner(self) -> None:
        top = self._top
        if top is not None:
            self.post_message(OpenController(top.group, top.kind, self.pod_namespace, top.name))
        else:
            self.notify("this pod has no controller" if self._chain else "reading its owners…")

    def _render_pod(self, pod_changed: bool = True) -> None:
        """Describe (and, when the pod changed, YAML) from the latest pod, with its events and
        the current time."""
        if self._pod is None:
            return
        uid = (self._pod.get("metadata") or {}).get("uid", "")
        store = self._held.get("events") if self._held is not None else None
        events = events_about_pod(store, uid, self.pod_name, self.pod_namespace) \
            if store is not None and uid else None
        now = host(self.app).clock()
        if self.detail is None:
            self.post_message(PodLoaded(pod_detail(self._pod, now, events, self._chain)))
            return
        if pod_changed:
            self._show(pod_detail(self._pod, now, events, self._chain))
            return
        detail = redescribe(self.detail, self._pod, now, events, self._chain)
        if detail.describe != self._shown[0] and now - self._shown_at < AGE_REPAINT and \
                redescribe(self.detail, self._pod, self._shown_at, events, self._chain).describe \
                == self._shown[0]:
            return  # only ages moved, and they were painted moments ago
        self._show(detail)

    # -- the pod and its ephemeral containers, live -----------------------------------------
    def watch_pod(self) -> None:
        """This pod whole (a store of its own, shared by another detail of the same pod), and
        the events of its namespace."""
        self._held = Held(host(self.app).stores, lambda c: self.post_message(StoreUpdated(c)))
        self._held.acquire("events", ResourceScope("v1", "events", self.pod_namespace),
                           event_row, covering=True)
        # whole objects: the same store as the Logs tab's (``LogReading``), one watch
        pod = self._held.acquire("pod", ResourceScope(
            "v1", "pods", self.pod_namespace, field_selector=f"metadata.name={self.pod_name}"),
            whole, what=f"watch pod {self.pod_name}")
        for row in pod.rows.values():
            self._pod_changed(pod_version(row.obj))

    def on_store_updated(self, message: StoreUpdated) -> None:
        message.stop()
        if self._held is not None and self._held.name_of(message.store) == "pod" and \
                message.change.delta is not None:
            for row in message.change.delta.upserts.values():
                self._pod_changed(pod_version(row.obj))
        if getattr(self, "readings", None) is not None:
            self.replan()  # the Logs tab's own watch of the pod: a restart, a new container

    def _pod_changed(self, version: PodVersion) -> None:
        self._pod = version.pod
        self._render_pod()
        self._show_ephemeral(version.ephemeral)

    def _show_ephemeral(self, rows: tuple[EphemeralRow, ...]) -> None:
        self.ephemeral = rows
        self.query_one(EphemeralList).show(rows, host(self.app).clock())

    def _selected_ephemeral(self) -> EphemeralRow | None:
        if self.query_one(TabbedContent).active != "debug":
            return None
        return self.query_one(EphemeralList).selected()

    def action_debug(self) -> None:
        self.post_message(DebugPod(self.pod_namespace, self.pod_name))

    def action_forward(self) -> None:
        self.post_message(ForwardPorts(self.pod_namespace, "pod", self.pod_name))

    def action_probes(self) -> None:
        self.post_message(OpenProbes(self.pod_namespace, self.pod_name, self.container))

    def action_all_logs(self) -> None:
        """Every container of the pod in the log view: search, filter, times, save."""
        self.post_message(PodsLogs(self.pod_namespace, (self.pod_name,)))

    def action_attach(self) -> None:
        row = self._selected_ephemeral()
        if row is None:
            self.post_message(OpenStream(self.pod_namespace, self.pod_name, StreamKind.ATTACH))
            return
        if not row.running:
            self.notify(f"{row.name} is {row.state}: nothing to attach to (l shows its logs).",
                        title="Attach", severity="warning")
            return
        self._open(ExecRequest(self.pod_namespace, self.pod_name, row.name, stdin=row.stdin,
                               tty=row.tty and row.stdin, attach=True), shells=())

    def _open(self, request: ExecRequest, shells=None) -> None:
        host(self.app).flows.streams.session(request, shells=shells)

    # -- logs ------------------------------------------------------------------------------
    def restart_logs(self) -> None:
        """The Logs tab reads the chosen container again (its previous instance too when
        ``p`` asked, or when it is in back-off: the lines that say why it died)."""
        panel = self.query_one(LogPanel)
        panel.prefixed = None  # a prefix only once two sources are read (previous + current)
        missing = host(self.app).denied("detail.logs", self.pod_namespace)
        if missing:  # known up front: say so instead of sending a request bound to fail
            panel.set_title(f"you may not {', '.join(map(str, missing))} in "
                            f"{self.pod_namespace}")
            return
        self.chosen = (self.container,) if self.container else None
        self.log_query = replace(self.log_query, previous=self.previous)
        self.start_reading()
        self.sources_changed()

    def sources_changed(self) -> None:
        q = self.log_query
        parts = [f"container {self.container or '(all)'}"]
        if q.previous:
            parts.append("+ previous instance")
        parts.append(q.reach)
        if self.failures:
            parts.append("; ".join(self.failures.values()))
        parts.append("c: next container · p: previous")
        self.query_one(LogPanel).set_title(" · ".join(parts))

    def action_next_container(self) -> None:
        if not self.detail or not self.detail.all_containers:
            return
        names = self.detail.all_containers + tuple(r.name for r in self.ephemeral)
        i = names.index(self.container) if self.container in names else -1
        self.container = names[(i + 1) % len(names)]
        self.restart_logs()

    def action_tab(self, tab: str) -> None:
        row = self._selected_ephemeral() if tab == "logs" else None
        if row is not None:  # l on the Debug tab: that debugger's logs
            self.container, self.previous = row.name, False
            self.restart_logs()
        self.query_one(TabbedContent).active = tab

    def action_copy(self) -> None:
        """``Y``: the text selected with the mouse, else the open tab's text, whole (describe,
        YAML, or the log lines kept)."""
        tab = self.query_one(TabbedContent).active
        pod = f"{self.pod_namespace}/{self.pod_name}"
        selected = self.get_selected_text()
        if selected:
            host(self.app).copy_text(selected, f"the selected text of {pod}'s {tab}")
        elif tab == "logs":
            self.query_one(LogPanel).action_copy()
        elif self.detail is not None and tab in ("describe", "yaml"):
            text = self.detail.describe if tab == "describe" else self.detail.yaml
            host(self.app).copy_text(text, f"the {tab} of {pod}")
        else:
            self.notify("Nothing to copy on this tab.", title="Clipboard")

    def action_shell(self) -> None:
        """A shell in this pod, as ``s`` in the pods pane opens it (the same session flow);
        on the Debug tab, a new shell in the selected debug container."""
        row = self._selected_ephemeral()
        if row is not None:
            if not row.running:
                self.notify(f"{row.name} is {row.state}: a shell needs it running.",
                            title="Shell", severity="warning")
                return
            self._open(ExecRequest(self.pod_namespace, self.pod_name, row.name, stdin=True,
                                   tty=True))
            return
        self.post_message(OpenStream(self.pod_namespace, self.pod_name, StreamKind.SHELL))

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self.restart_logs()
