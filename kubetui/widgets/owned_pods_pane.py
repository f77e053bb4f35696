"""The pods pane narrowed to one owner's pods (a ReplicaSet's, a Job's), or to a Service's
selector with each pod's endpoint readiness: every pod key still works."""

from __future__ import annotations

from dataclasses import replace

from kubetui.k8s.core.pods import PodRow
from kubetui.k8s.watch.reflector import Delta
from kubetui.live.kind_joins import service_readiness
from kubetui.live.store import LiveStore
from kubetui.widgets.live_pane import StoreUpdated
from kubetui.widgets.pods_pane import PodsPane, pod_cells, pod_columns
from kubetui.widgets.resource_table import Column


class OwnedPodsPane(PodsPane):
    """The pods pane, keeping only one owner's pods; for a Service, with each pod's endpoint
    (ready, not ready, or not an endpoint at all) from the namespace's EndpointSlices."""

    usage_key = False  # the usage columns are the main pods pane's (its screen samples)

    def __init__(self, owner_uid: str, clock, service: str = "") -> None:
        self.owner_uid = owner_uid
        self.service = service
        self.endpoints: LiveStore | None = None
        super().__init__(False, clock)
        if service:
            columns = pod_columns(False)
            columns.insert(3, Column("endpoint", "ENDPOINT", 10))
            self.set_columns(columns)

    def row_cells(self, row: PodRow, now: float) -> dict[str, str]:
        if not self.service:
            return pod_cells(row, now)
        return {**pod_cells(row, now), "endpoint": self.endpoint_of(row)}

    def endpoint_of(self, row: PodRow) -> str:
        if self.endpoints is None or not self.endpoints.synced:
            return "…"
        pods = service_readiness(self.endpoints, row.namespace, self.service).pods
        if row.name not in pods:
            return "absent"
        return "ready" if pods[row.name] else "not ready"

    def on_store_updated(self, message: StoreUpdated) -> None:
        if self.endpoints is not None and message.store is self.endpoints:
            message.stop()
            self.table.refresh()
            return
        super().on_store_updated(message)

    def apply(self, delta: Delta) -> None:
        uid = self.owner_uid
        if uid and delta.upserts:
            kept = {k: r for k, r in delta.upserts.items() if r.owner_uid == uid}
            delta = replace(delta, upserts=kept, deletes=delta.deletes | frozenset(
                delta.upserts.keys() - kept.keys()))
        super().apply(delta)

    def owned(self) -> list[PodRow]:
        return list(self.table.rows.values())
