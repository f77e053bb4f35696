"""Which live stores the main screen's panes show, and when each starts.

The pods first; the other panes' stores once the pods are listed (or failed): on a big
namespace their LISTs would share the core with the pane on screen. The hidden panes are
mounted first, so their rows land in mounted widgets. Cluster-scoped kinds (nodes, APF, storage
classes, PVs, snapshot classes) are held once per cluster, whatever the namespace; a context
switch (a new registry) drops them at once and they are held again on the new cluster.

A store is taken from the app's registry before the one it replaces is given back, so a scope
that did not change keeps its watch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubetui.host import host
from kubetui.k8s.apf.flowcontrol import flow_schema_row, priority_level_row
from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.nodes.rows import node_row
from kubetui.k8s.storage.claims import pv_driver, pvc_row, storage_class_driver
from kubetui.k8s.storage.snapshots import GROUP, NO_CRDS, snapshot_class_row, snapshot_row
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.watch.reflector import ReflectorStatus, ResourceScope
from kubetui.live.store import LiveStore
from kubetui.widgets.live_pane import StoreUpdated

if TYPE_CHECKING:
    from kubetui.live.registry import LiveStores
    from kubetui.screens.main import MainScreen

#: Stores without a pane: joined into the PVC pane's DRIVER column and the snapshot form.
CACHES = ("storageclasses", "pvs", "snapclasses")
#: Held once per cluster, whatever the namespace.
CLUSTER_SCOPED = ("nodes", "levels", "schemas", *CACHES)
#: Tab ids whose store has another name.
PANE_OF = {"pvc": "pvcs", "flows": "levels"}


class PaneStores:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.stores = screen.stores  # the screen's dict: name -> the store it shows now
        self.others_pending = False  # ``start_others`` once the pods are listed
        self._unsubscribe: dict[str, Callable[[], None]] = {}
        self._registry: LiveStores | None = None  # the registry the cluster stores came from

    @property
    def registry(self) -> LiveStores:
        return host(self.screen.app).stores

    def hold(self, name: str, scope: ResourceScope, transform: Callable[[dict], Any]) -> None:
        """Show ``scope`` under ``name`` from now on (its pane bound to it)."""
        old = self.stores.get(name)
        new = self.registry.acquire(scope, transform, what=f"watch {name}")
        self.stores[name] = new
        pane = self.screen.panes().get(name)
        if pane is not None:
            pane.bind_store(new)
        elif new is not old:  # a cache: the screen hears of it itself (the joins changed)
            self._unsubscribe.pop(name, lambda: None)()
            self._unsubscribe[name] = new.subscribe(
                lambda change: self.screen.post_message(StoreUpdated(change)))
        if old is not new:
            self.registry.release(old)

    def name_of(self, store: LiveStore) -> str | None:
        return next((name for name, held in self.stores.items() if held is store), None)

    # -- the order they start in ---------------------------------------------------------------
    def start(self) -> None:
        info = self.screen._info
        for pane in (self.screen.pods, self.screen.events):
            pane.set_scope(info.scope)
        self.restart_pods()
        self.others_pending = True

    def restart_pods(self) -> None:
        info = self.screen._info
        ns = None if info.all_namespaces else info.namespace
        self.hold("pods", ResourceScope("v1", "pods", ns,
                                        label_selector=self.screen.pods.label_selector),
                  pod_row)

    def start_others(self) -> None:
        """After the frame that shows the pods: mount the hidden panes, then their stores."""
        self.others_pending = False
        self.screen.call_after_refresh(lambda: self.in_background(self._reveal_then_watch()))

    def in_background(self, work) -> None:
        """Awaiting the panes' mount inside a callback would hold the screen's messages (a
        key's result, a store's change) until the five panes are mounted: a worker waits."""
        self.screen.run_worker(work, name="mount the hidden panes", group="reveal",
                               exit_on_error=False)

    async def _reveal_then_watch(self) -> None:
        await self.screen._mount_panes()
        self.watch_others()

    def watch_others(self) -> None:
        screen, info = self.screen, self.screen._info
        ns = None if info.all_namespaces else info.namespace
        self.hold("events", ResourceScope("v1", "events", ns), event_row)
        for pane in (screen.pvcs, screen.snapshots):
            pane.set_scope(info.scope)
        self.hold("pvcs", ResourceScope("v1", "persistentvolumeclaims", ns), pvc_row)
        caps = info.capabilities
        version = caps.snapshot_version
        if version is None:
            screen.snapshots.set_status(ReflectorStatus("failed", KubeError(
                ErrorKind.NOT_FOUND, "VolumeSnapshot CRDs are not installed", NO_CRDS)))
            screen.pvcs.note = "snapshots: the VolumeSnapshot CRDs are not installed (6 says how)"
        else:
            self.hold("snapshots", ResourceScope(f"{GROUP}/{version}", "volumesnapshots", ns),
                      snapshot_row)
        if self._registry is self.registry:
            return  # cluster-scoped: held already for this cluster
        self._registry = self.registry
        self.hold("storageclasses", ResourceScope("storage.k8s.io/v1", "storageclasses"),
                  storage_class_driver)
        self.hold("pvs", ResourceScope("v1", "persistentvolumes"), pv_driver)
        if version is not None:
            self.hold("snapclasses", ResourceScope(f"{GROUP}/{version}",
                                                   "volumesnapshotclasses"), snapshot_class_row)
        screen.nodes.set_scope("the cluster")
        self.hold("nodes", ResourceScope("v1", "nodes"), node_row)
        self._watch_flows()

    def _watch_flows(self) -> None:
        """Both APF kinds in the server's preferred flowcontrol version (v1beta1 on 1.20)."""
        version = self.screen._info.capabilities.flowcontrol_version
        if version is None:
            self.screen.flows.set_unsupported(
                "This server does not serve flowcontrol.apiserver.k8s.io: API Priority & "
                "Fairness is off or too old here.")
            return
        gv = f"flowcontrol.apiserver.k8s.io/{version}"
        for name, plural, transform in (
                ("levels", "prioritylevelconfigurations", priority_level_row),
                ("schemas", "flowschemas", flow_schema_row)):
            self.screen.panes()[name].set_scope(f"the cluster ({version})")
            self.hold(name, ResourceScope(gv, plural), transform)

    # -- another cluster -----------------------------------------------------------------------
    def cluster_stale(self) -> bool:
        return self._registry is not None and self._registry is not self.registry

    def drop_cluster(self) -> None:
        """Another cluster (a context switch): its registry stopped every store of the old
        one; the cluster-scoped ones are held again on the new cluster once its pods are
        listed (``watch_others``). A pane keeps nothing of the old cluster meanwhile."""
        self._registry = None
        for name in CLUSTER_SCOPED:
            self.stores.pop(name, None)
            self._unsubscribe.pop(name, lambda: None)()
            pane = self.screen.panes().get(name)
            if pane is not None:
                pane.bind_store(None)
