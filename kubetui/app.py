"""The application: connection, scope, theme and keymap; the one error funnel for workers."""

from __future__ import annotations

import gc
import sys
import time

from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kubetui.actions import ActionPath
from kubetui.bindings import APP_BINDINGS
from kubetui.clipboard_actions import ClipboardActions
from kubetui.config import Settings
from kubetui.errorlog import record
from kubetui.flows import Flows
from kubetui.flows.followed import Followed
from kubetui.flows.forward_list import Forwards
from kubetui.flows.routes import IntentRoutes
from kubetui.flows.sessions import Sessions
from kubetui.guard import Guarded
from kubetui.jump import parse_jump
from kubetui.k8s.transport.cluster import Cluster, ClusterInfo, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.kubeconfig import Kubeconfig, load_kubeconfig
from kubetui.live.registry import LiveStores
from kubetui.live.usage_history import UsageHistory
from kubetui.rights import Rights
from kubetui.safe_text import visible, visible_lines
from kubetui.scope_actions import ScopeActions
from kubetui.screens.main import MainScreen
from kubetui.screens.quiet import opaque
from kubetui.shown_views import ShownViews
from kubetui.themes import THEME_VARIABLE_DEFAULTS, automatic_theme, load_all_themes
from kubetui.timeline.recorder import Timeline

ERROR_TITLES = {
    ErrorKind.FORBIDDEN: "Forbidden (RBAC)", ErrorKind.UNAUTHORIZED: "Credentials rejected",
    ErrorKind.UNREACHABLE: "Cluster unreachable", ErrorKind.TLS: "TLS error",
    ErrorKind.TIMEOUT: "Timed out", ErrorKind.THROTTLED: "Throttled (429)",
    ErrorKind.BUDGET: "Disruption budget",
    ErrorKind.NOT_FOUND: "Not found", ErrorKind.CONFIG: "Kubeconfig",
    ErrorKind.CREDENTIALS: "Credentials", ErrorKind.UNSUPPORTED: "Not supported here",
}


#: allocations between two young collections (CPython's default is 700). kubetui holds
#: hundreds of thousands of long-lived objects (the stores) and allocates fast (a watch batch
#: decoded): with 700, what lives a few milliseconds (a batch being applied) reaches the old
#: generation, and every quarter it grows costs a full collection that walks every stored
#: object: 150-250 ms at 10,000 pods, several times a minute under 100 pod updates/s. With
#: 10,000 such objects die young and full collections became rare (none in a 20 s run).
YOUNG_GENERATION = 10_000


def _collect_from_now_on() -> None:
    """After the first frame: the cyclic collector back on (``kubetui.__main__`` turns it off
    for start-up), with everything alive so far frozen out of its sight: modules, classes and
    the first screen live as long as the process, and need not be walked on every collection."""
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _is_terminal(widget) -> bool:
    """Whether ``widget`` is an embedded terminal, without loading the terminal (and pyte) at
    start-up: until a session opens, its module is not imported and no widget can be one."""
    module = sys.modules.get("kubetui.widgets.terminal")
    return module is not None and isinstance(widget, module.TerminalView)


class KubetuiApp(IntentRoutes, ScopeActions, ShownViews, Rights, ClipboardActions, Guarded,
                 App[int]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "kubetui"
    BINDINGS = APP_BINDINGS
    forward_count: reactive[int] = reactive(0)  # the port-forwards open (the status bar)

    def __init__(self, cluster: Cluster | None, settings: Settings, *, readonly: bool = False,
                 theme: str | None = None, connect_options: ConnectOptions | None = None,
                 kubeconfig: Kubeconfig | None = None):
        """``cluster`` None: connect once the first frame is drawn (``connect_options``, and
        the ``kubeconfig`` already read), the main screen showing what the kubeconfig says
        meanwhile; a failure ends the app with ``connect_error`` set, for the command line."""
        super().__init__()
        self.cluster = cluster  # type: ignore[assignment] - None only until connected
        options = connect_options or ConnectOptions()
        self.info = cluster.info if cluster is not None else \
            ClusterInfo.pending(kubeconfig or load_kubeconfig(options.kubeconfig), options)
        self.settings = settings
        self.readonly = readonly  # the cluster is told in ``_use_cluster``
        self._kubeconfig = kubeconfig
        self.connect_error: KubeError | None = None
        self._theme_name = theme or settings.theme
        self._connect_options = options
        self.namespaces: tuple[str, ...] = ()
        self._startup_warnings: list[str] = list(settings.warnings)
        self.clock = time.time  # tests freeze it for AGE columns
        self.unexpected_errors: list[BaseException] = []  # reported, logged, app kept running
        self.init_rights()
        self.connection = 0  # counts connections: rights reviewed for an earlier one are dropped
        # The live stores of the connected cluster (a context switch makes new ones).
        self.stores = self._stores_for(cluster) if cluster is not None else None  # type: ignore[assignment]
        self.flows = Flows(self)
        self.sessions = Sessions(self)  # open terminal sessions (TerminalSession screens)
        self.forwards = Forwards(self)  # open port-forwards (the status bar counts them)
        self.timeline = Timeline.from_settings(  # the incident record, as it happens
            settings, clock=lambda: self.clock(), warn=lambda text: self.notify(
                text, title="Timeline", severity="warning", timeout=10))
        self.followed = Followed(self)  # what the objects named in it do meanwhile
        # CPU/MEM: the last samples of each container, and whether the user asked for them
        self.usage_history = UsageHistory(lambda: self.clock())
        self.actions = ActionPath(self)  # the one way writes are confirmed and sent
        self.main: MainScreen | None = None
        # Pods created for debugging (copies, node pods) and not deleted yet: (namespace, name).
        self.debug_pods: dict[tuple[str, str], None] = {}

    # -- start-up ------------------------------------------------------------------------
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **THEME_VARIABLE_DEFAULTS}

    def on_mount(self) -> None:
        loaded = load_all_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._startup_warnings.extend(loaded.problems)
        automatic = automatic_theme(self.console.color_system)
        if not self._theme_name:
            self.theme = automatic
        elif self._theme_name in self.available_themes:
            self.theme = self._theme_name
        else:
            self._startup_warnings.append(
                f"unknown theme '{self._theme_name}', using {automatic}")
            self.theme = automatic
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.call_after_refresh(_collect_from_now_on)
        self.main = MainScreen(self.info, self.readonly)
        self.push_screen(self.main)
        if self.cluster is None:
            # After the first frame: the connection's CPU part (TLS, the HTTP stack's first
            # use) would otherwise run before it is drawn.
            self.call_after_refresh(self.connect_first)
        else:
            self._use_cluster(self.cluster)
            self._warn_once_connected()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_first(self) -> None:
        """The connection, while the first frame is on screen: the TLS handshake, the
        credentials (an exec plugin may take a second) and discovery no longer delay it."""
        try:
            cluster = await Cluster.connect(self._connect_options, kubeconfig=self._kubeconfig,
                                            handover=self.suspend)
        except KubeError as exc:
            self.connect_error = exc
            self.exit(return_code=1)
            return
        self._use_cluster(cluster)
        self._main().connected(self.info)  # the version, the capabilities; the stores start
        self._warn_once_connected()

    def _still_connecting(self) -> bool:
        """True (and says so) while the first connection is being made: the actions that
        need the cluster wait for it. Their keys stay as they are (no footer rebuilt twice)."""
        if self.cluster is not None:
            return False
        self.notify(f"still connecting to {self.info.server}…", title="Connecting", timeout=4)
        return True

    def _use_cluster(self, cluster: Cluster) -> Cluster | None:
        """The one step after every connection (start-up, a context switch): the app's
        cluster and info, rights asked for anew, the credential prompt's handover. Returns the
        cluster it replaces, for the caller to close."""
        old, self.cluster = self.cluster, cluster
        cluster.readonly = cluster.readonly or self.readonly  # the request path refuses writes
        cluster.set_terminal_handover(self.suspend)
        if self.stores is None or self.stores.cluster is not cluster:
            if self.stores is not None:
                self.stores.close()  # the old cluster's watches stop now
                self.followed.reset()
            self.stores = self._stores_for(cluster)
        self.info = cluster.info
        self.timeline.connected(self.info.context, self.info.namespace, self.info.server,
                                self.info.user)
        self.connection += 1
        self.forget_rights()
        self.request_access(self.info.namespace)
        self.call_after_refresh(self.refresh_keys)  # once the screens show the new scope
        return old if old is not cluster else None

    def _stores_for(self, cluster: Cluster) -> LiveStores:
        return LiveStores(cluster, lambda work, name: self.run_worker(
            work, name=name, group=f"store {id(work)}", exit_on_error=False))

    def _warn_once_connected(self) -> None:
        for warning in self._startup_warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=10)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While a terminal has the keyboard, q ? : are the container's: not shown."""
        if action in ("quit", "help", "jump") and _is_terminal(self.focused):
            return False
        return True

    @on(events.DescendantFocus)
    def _steady_cursor(self, event: events.DescendantFocus) -> None:
        """Inputs blink by default: two repaints a second of a line that did not change, a
        stream over a slow SSH link. ``cursor_blink = true`` in the config brings it back."""
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = self.settings.cursor_blink

    @property
    def _background_screens(self) -> list[Screen]:
        """Textual counts the screen under the top one as visible even behind an opaque top
        screen, and repaints the top screen whenever it changes (see ``screens/quiet.py``)."""
        if self._screen_stack and opaque(self._screen_stack[-1]):
            return []
        return super()._background_screens

    # -- the error funnel ----------------------------------------------------------------
    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.report_error(event.worker.error, event.worker.name or "background task")

    def report_error(self, error: BaseException | None, where: str) -> None:
        if isinstance(error, KubeError):
            severity = "warning" if error.kind in (ErrorKind.THROTTLED,) else "error"
            title = ERROR_TITLES.get(error.kind, "Cluster error")
            message = error.summary + (f"\n{error.hint}" if error.hint else "")
            self.notify(message, title=title, severity=severity, timeout=12)
            return
        if error is None:
            return
        self.unexpected_errors.append(error)
        path = record(error, where)
        self.notify(f"{type(error).__name__}: {error}\nDetails in {path}",
                    title=f"Unexpected error in {where}", severity="error", timeout=15)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's last resort for an exception in a handler, timer, callback or render.

        Textual would end the app with a traceback. Once the app is up, kubetui reports it like
        any other error and keeps running (the details go to the log file); before that (the
        first screen failed to build) it exits with one line and the log file's path.
        """
        if self._running and self.screen_stack and not self._closing:
            self.report_error(error, "the user interface")
            return
        path = record(error, "start-up")
        self._return_code = 1
        self.panic(Text(f"kubetui: error: {type(error).__name__}: {visible(error)}\n"
                        f"details in {path}"))

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text: messages quote server errors, names and input."""
        super().notify(visible_lines(message, limit=2000), title=visible(title, limit=200),
                       severity=severity, timeout=timeout, markup=False)

    # -- commands ------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Switch namespace", "Choose the namespace the panes show",
                            self.action_switch_namespace)
        yield SystemCommand("Copy the last kubectl command",
                            "The kubectl equivalent of the last action you confirmed (ctrl+k)",
                            self.actions.action_copy_kubectl)
        yield SystemCommand("Switch context", "Connect to another kubeconfig context",
                            self.action_switch_context)
        yield SystemCommand("Switch theme", "Change colours (kubetui and Textual themes)",
                            self.search_themes)

    def action_copy_kubectl(self) -> None:
        self.actions.action_copy_kubectl()

    def action_help(self) -> None:
        from kubetui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.settings.keymap))

    def action_health(self) -> None:
        if self._still_connecting():
            return
        self.flows.kinds.health()

    def action_jump(self) -> None:
        if self._still_connecting():
            return
        from kubetui.screens.jump_prompt import JumpPrompt

        self.flows.kinds.with_catalog()  # the kinds' names, for completion and the answer
        self.push_screen(JumpPrompt(self.info.contexts, self.flows.kinds.completions),
                         self._on_jump)

    def _on_jump(self, text: str | None) -> None:
        if text is None:
            return
        jump = parse_jump(text)
        if jump.action == "quit":  # as q does: debug pods are offered for deletion first
            self.call_later(self.action_quit)
        elif jump.action == "pane":
            self.show_main_pane(jump.value or "pods")
        elif jump.action == "kind":
            self.flows.kinds.jump(jump.value or "", jump.all_namespaces)
        elif jump.action in ("forwards", "timeline"):
            getattr(self, f"action_{jump.action}")(replace=True)
        elif jump.action == "logs":
            self.flows.kinds.selector_logs(jump.value or "")
        elif jump.action == "namespace":
            self.set_scope(jump.value)
        elif jump.action == "context":
            self.switch_context(jump.value or "")
        else:
            self.notify(jump.value or "?", title="Jump", severity="warning")

    # -- quitting -------------------------------------------------------------------------
    def on_unmount(self) -> None:
        self.forwards.shut()
        self.timeline.close()

    def register_debug_pods(self, namespace: str, names: tuple[str, ...]) -> None:
        self.flows.debug.register(namespace, names)

    async def action_quit(self) -> None:
        """Quit; first say which port-forwards close, then offer to delete the debug pods
        kubetui created and still knows of."""
        if self.forwards:
            self.flows.forwards.quit(lambda: self.flows.debug.quit(lambda: self.exit(0)))
            return
        self.flows.debug.quit(lambda: self.exit(0))
