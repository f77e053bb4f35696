"""The pods of one owner (a ReplicaSet, a Job, a StatefulSet...) or of one Service's selector:
the live pods pane itself, narrowed, so every pod key works here (describe, logs, shell, debug,
probes); escape goes back up the chain.

An owner's pods are the namespace's pods store narrowed by the controller's uid: the main
screen's store when it shows that namespace (one watch for both). A Service's pods are a store
of their own with the Service's selector sent to the server, as ``kubectl get pods -l`` does.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.kinds.endpoints import endpoint_scope
from kubetui.k8s.kinds.owners import Children
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.watch.reflector import ReflectorStatus, ResourceScope
from kubetui.live.held import Held
from kubetui.safe_text import plain
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated
from kubetui.widgets.owned_pods_pane import OwnedPodsPane


class OwnedPodsScreen(QuietBehind, Guarded, Screen):
    stacked_view = True  # closed by the app when ``:`` opens another view or a pane
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="owned.back")]
    DEFAULT_CSS = """
    OwnedPodsScreen #owned-title { height: 1; text-style: bold; padding: 0 1; }
    """

    def __init__(self, children: Children) -> None:
        super().__init__(classes="owned-pods")
        self.children_of = children
        self.pane = OwnedPodsPane(children.owner_uid, host(self.app).clock, children.service)
        self._held: Held | None = None

    def compose(self) -> ComposeResult:
        yield ClusterBar(host(self.app).info, host(self.app).readonly)
        yield Static(plain(f"{self.children_of.title} · {self.children_of.namespace}"),
                     id="owned-title")
        yield self.pane
        yield FitFooter()

    def on_mount(self) -> None:
        c = self.children_of
        self.pane.set_scope(c.namespace)
        self.pane.table.focus()
        if c.problem:  # nothing to watch: say why instead
            self.pane.set_status(ReflectorStatus("failed", KubeError(ErrorKind.NOT_FOUND,
                                                                     c.problem)))
            return
        self._held = Held(host(self.app).stores)
        store = self._held.acquire("pods", ResourceScope(
            "v1", "pods", c.namespace, label_selector=c.label_selector), pod_row,
            what="watch pods")
        self.pane.bind_store(store)
        if c.service:
            scope, transform = endpoint_scope(host(self.app).info.discovery, c.namespace)
            self.pane.endpoints = self._held.acquire(
                "endpoints", scope, transform, what=f"watch {scope.plural}",
                listen=lambda change: self.pane.post_message(StoreUpdated(change)))

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None
