"""What the storage panes and the storage actions know only by joining stores.

A claim's CSI driver is its bound PV's driver, else its StorageClass's provisioner; the pods
that mount it come from the pods store; its snapshots from the snapshots store; the snapshot
classes and storage classes are stores of their own with no pane. The PVC pane asks these for
every visible row on every repaint, so each answer comes from an index kept by the store
(``queries.py``), not from a scan.

The joins read whatever stores the main screen holds *now* (``stores`` is a getter): after a
namespace switch they answer from the new scope without being rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable

from kubetui.k8s.storage.claims import PvcRow, csi_driver
from kubetui.k8s.storage.snapshots import SnapshotClassRow, SnapshotRow
from kubetui.live import queries
from kubetui.live.store import LiveStore

StoreOf = Callable[[str], "LiveStore | None"]


class StorageJoins:
    def __init__(self, stores: StoreOf) -> None:
        self.stores = stores
        self._drivers: dict[str, tuple[int, int, dict[str, str]]] = {}

    def _names_to_drivers(self, name: str) -> dict[str, str]:
        """PV or StorageClass name -> driver, rebuilt only when that store changed."""
        store = self.stores(name)
        if store is None:
            return {}
        cached = self._drivers.get(name)
        if cached is None or cached[:2] != (id(store), store.version):
            cached = (id(store), store.version,
                      {r.name: r.driver for r in store.rows.values()})
            self._drivers[name] = cached
        return cached[2]

    def driver_of(self, row: PvcRow) -> str:
        return csi_driver(row, self._names_to_drivers("pvs"),
                          self._names_to_drivers("storageclasses"))

    def used_by(self, row: PvcRow) -> list[str]:
        return queries.pods_using_claim(self.stores("pods"), row.namespace, row.name)

    def snapshot_count(self, row: PvcRow) -> int:
        return queries.snapshots_of_claim(self.stores("snapshots"), row.namespace, row.name)

    def snapshot_classes(self) -> list[SnapshotClassRow]:
        store = self.stores("snapclasses")
        return list(store.rows.values()) if store is not None else []

    def storage_class_names(self) -> tuple[str, ...]:
        store = self.stores("storageclasses")
        return tuple(sorted(r.name for r in store.rows.values())) if store is not None else ()

    def claim(self, namespace: str, name: str) -> PvcRow | None:
        return queries.named(self.stores("pvcs"), namespace, name)

    def snapshot(self, namespace: str, name: str) -> SnapshotRow | None:
        return queries.named(self.stores("snapshots"), namespace, name)

    def deletion_policy(self, class_name: str) -> str:
        return next((c.deletion_policy for c in self.snapshot_classes()
                     if c.name == class_name), "")
