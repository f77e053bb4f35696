"""The storage panes' actions: snapshot a claim, restore a snapshot to a new claim, delete a
snapshot, inspect a claim in a read-only pod, a snapshot's details.

Every mutating action has the one shape: a ``PlanForm`` over a pure builder
(``kubetui.k8s.storage.snapshots``, ``kubetui.k8s.debug.volume_inspect``),
``app.actions.confirm`` with the exact request and the kubectl equivalent, one write through
the shared path, and a typed result that this flow follows live from the stores: a snapshot
until ``readyToUse`` ("no status after N s" says no controller seems to run), a restored claim
until ``Bound``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kubetui.actions import ActionResult, Planned
from kubetui.flows.base import Flow
from kubetui.k8s.storage.snapshots import NO_CONTROLLER, NO_CRDS
from kubetui.live.joins import StorageJoins
from kubetui.live.store import StoreChange

if TYPE_CHECKING:
    from kubetui.k8s.storage.claims import PvcRow
    from kubetui.k8s.storage.snapshots import SnapshotPlan, SnapshotRow

#: Seconds a new snapshot may stay without any status before kubetui says why.
STATUS_GRACE = 10


def _stamp(at: float | None) -> str:
    """RFC 3339 in UTC, as the API writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)) if at else "-"


class StorageFlow(Flow):
    def _version(self) -> str | None:
        version = self.host.info.capabilities.snapshot_version
        if version is None:
            self.notify(NO_CRDS, title="Snapshots", severity="warning", timeout=10)
        return version

    # -- snapshot a claim -------------------------------------------------------------------
    def snapshot(self, row: PvcRow, joins: StorageJoins) -> None:
        from kubetui.k8s.storage.snapshots import choose_classes, default_name
        from kubetui.screens.snapshot_forms import SnapshotForm

        version = self._version()
        if version is None:
            return
        driver = joins.driver_of(row)
        choice = choose_classes(joins.snapshot_classes(), driver)
        form = SnapshotForm(row, driver, choice, default_name(row.name, self.host.clock()),
                            version)
        self.app.push_screen(form, lambda plan: self._snapshot_planned(plan, joins))

    def _snapshot_planned(self, plan: SnapshotPlan | None, joins: StorageJoins) -> None:
        if plan is None:
            return
        self.host.actions.confirm(
            f"Create VolumeSnapshot {plan.name}?",
            "The snapshot controller copies the volume's data; the claim and its pods are not "
            "touched.", Planned(plan.write, plan.kubectl),
            lambda result: self._snapshot_created(plan, joins, result))

    def _snapshot_created(self, plan: SnapshotPlan, joins: StorageJoins,
                          result: ActionResult) -> None:
        if not result.done:
            return
        namespace = plan.write.body["metadata"]["namespace"]  # type: ignore[index]
        self.host.show_pane("snapshots")
        self.notify(f"VolumeSnapshot {plan.name} created: READY follows it live.",
                    title="Snapshot")
        self.app.set_timer(STATUS_GRACE,
                           lambda: self._check_status(namespace, plan.name, joins))

    def _check_status(self, namespace: str, name: str, joins: StorageJoins) -> None:
        row = joins.snapshot(namespace, name)
        if row is not None and row.ready is None and not row.error and not row.bound_content:
            message = NO_CONTROLLER.format(seconds=STATUS_GRACE)
            self.host.pane_note("snapshots", message)
            self.notify(message, title=f"Snapshot {name}", severity="warning", timeout=12)

    # -- a snapshot: delete, restore, details ------------------------------------------------
    def delete_snapshot(self, row: SnapshotRow, joins: StorageJoins) -> None:
        from kubetui.k8s.storage.snapshots import deletion_meaning, plan_delete

        version = self._version()
        if version is None:
            return
        plan = plan_delete(row, version)
        self.host.actions.confirm(f"Delete VolumeSnapshot {row.name}?",
                                  deletion_meaning(joins.deletion_policy(row.class_name)),
                                  Planned(plan.write, plan.kubectl))

    def restore(self, row: SnapshotRow, joins: StorageJoins) -> None:
        from kubetui.screens.snapshot_forms import RestoreForm

        if self._version() is None:
            return
        if row.ready is not True:
            self.notify(f"{row.name} is not ready to use"
                        + (f": {row.error}" if row.error else " yet"),
                        title="Restore", severity="warning")
            return
        source = joins.claim(row.namespace, row.source_pvc)
        self.app.push_screen(RestoreForm(row, source, joins.storage_class_names()),
                             lambda plan: self._restore_planned(plan, joins))

    def _restore_planned(self, plan: SnapshotPlan | None, joins: StorageJoins) -> None:
        if plan is None:
            return
        self.host.actions.confirm(
            f"Create PersistentVolumeClaim {plan.name}?",
            "A new claim with the snapshot's data; the snapshot and the original claim are not "
            "changed.", Planned(plan.write, plan.kubectl),
            lambda result: self._restored(plan, joins, result))

    def _restored(self, plan: SnapshotPlan, joins: StorageJoins, result: ActionResult) -> None:
        if not result.done:
            return
        namespace = plan.write.body["metadata"]["namespace"]  # type: ignore[index]
        self.host.show_pane("pvc", select=(namespace, plan.name))
        self.notify(f"claim {plan.name} created: STATUS follows it until Bound.",
                    title="Restore")
        self._until_bound(namespace, plan.name, joins)

    def _until_bound(self, namespace: str, name: str, joins: StorageJoins) -> None:
        """Say when the restored claim is Bound: now if the watch was first, else on the
        pvcs store's change that binds it."""
        store = joins.stores("pvcs")
        if store is None:
            return

        def bound() -> bool:
            row = joins.claim(namespace, name)
            if row is None or row.phase != "Bound":
                return False
            self.notify(f"claim {name} is Bound ({row.capacity}): i inspects it in a "
                        "read-only pod.", title="Restored")
            return True

        if bound():
            return

        def changed(change: StoreChange) -> None:
            if change.delta is not None and any(
                    (r.namespace, r.name) == (namespace, name)
                    for r in change.delta.upserts.values()):
                self.then(check)

        def check() -> None:
            if bound():
                unsubscribe()

        unsubscribe = store.subscribe(changed)

    def details(self, row: SnapshotRow) -> None:
        version = self._version()
        if version is not None:
            self.run(self._read_content(row, version), "snapshot-content",
                     f"read the content of {row.name}")

    async def _read_content(self, row: SnapshotRow, version: str) -> None:
        from kubetui.k8s.storage.snapshots import content_check, fetch_content

        content = None
        if row.bound_content:
            content = await fetch_content(self.host.cluster, version, row.bound_content)
        self.then(self._show_details, row, content_check(row, content))

    def _show_details(self, row: SnapshotRow, check: str) -> None:
        from kubetui.screens.text_view import TextView

        ready = {True: "true", False: "false", None: "no status yet"}[row.ready]
        text = (f"source: {row.source or '?'}\nclass: {row.class_name or '(default)'}\n"
                f"readyToUse: {ready}\nrestoreSize: {row.restore_size or '-'}\n"
                f"creationTime: {_stamp(row.creation_time)}\n"
                f"content: {check}\n" + (f"error: {row.error}\n" if row.error else ""))
        self.app.push_screen(TextView(f"VolumeSnapshot {row.namespace}/{row.name}", text,
                                      "the snapshot's details"))

    # -- inspect a claim -----------------------------------------------------------------------
    def inspect(self, row: PvcRow, joins: StorageJoins) -> None:
        from kubetui.k8s.debug.volume_inspect import plan_inspect

        if row.phase != "Bound":
            self.notify(f"claim {row.name} is {row.phase}: nothing to mount yet.",
                        title="Inspect", severity="warning")
            return
        plan = plan_inspect(row.namespace, row.name, self.host.settings.debug_image)
        used = joins.used_by(row)
        body = (f"{plan.write.what}: a pod with a shell and the claim at /data, read-only.\n"
                "kubetui offers to delete it when you end the session, and when you quit.")
        if used and "ReadWriteOnce" in row.access:
            body += (f"\nThe claim is ReadWriteOnce and used by {', '.join(used)}: the pod "
                     "can only start on that pod's node.")
        self.host.actions.confirm(f"Inspect claim {row.name}?", body,
                                  Planned(plan.write, plan.kubectl),
                                  lambda result: self._inspect_created(plan, result))

    def _inspect_created(self, plan, result: ActionResult) -> None:
        from kubetui.screens.debug_session import DebugSession

        if not result.done:
            return
        self.host.flows.debug.register(plan.namespace, plan.creates)
        self.host.sessions.open(DebugSession(plan))
