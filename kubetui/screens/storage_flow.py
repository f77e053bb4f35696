"""Storage on the main screen: the PVC and snapshots panes' watches and caches, and their
actions (snapshot, restore, delete, inspect a copy, a snapshot's details).

Every mutating action has the one shape: a ``PlanForm`` over a pure builder, ``confirm_write``
with the exact request and the kubectl equivalent, one write through the shared path, and a
continuation that follows the result live in the panes (a snapshot until ``readyToUse``, a
restored claim until ``Bound``; "no status after N s" says no controller seems to run).

Handlers are named ``on_<message>`` (Textual's ``@on`` is not collected from a mixin).
"""

from __future__ import annotations

import time

from textual import work

from kubetui.k8s.errors import ErrorKind, KubeError
from kubetui.k8s.reflector import Delta, ReflectorStatus, ResourceScope
from kubetui.k8s.snapshots import (
    GROUP,
    NO_CONTROLLER,
    NO_CRDS,
    SnapshotPlan,
    SnapshotRow,
    choose_classes,
    content_check,
    default_name,
    deletion_meaning,
    plan_delete,
    snapshot_class_row,
    snapshot_row,
)
from kubetui.k8s.storage import PvcRow, csi_driver, pv_driver, pvc_row, storage_class_driver
from kubetui.k8s.writes import WriteResult
from kubetui.messages import SnapshotContentRead
from kubetui.widgets.storage_panes import PvcPane, SnapshotsPane


def _stamp(at: float | None) -> str:
    """RFC 3339 in UTC, as the API writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)) if at else "-"


#: Seconds a new snapshot may stay without any status before kubetui says why.
STATUS_GRACE = 10
CACHES = ("storageclasses", "pvs", "snapclasses")


class StorageFlow:
    def init_storage(self, clock) -> None:
        self.caches: dict[str, dict] = {name: {} for name in CACHES}
        self.pvcs = PvcPane(clock, self.driver_of, self.used_by, self.snapshot_count)
        self.snapshots = SnapshotsPane(clock)
        self.awaiting_bound: set[tuple[str, str]] = set()
        self._drivers: dict[str, dict[str, str]] = {"pvs": {}, "storageclasses": {}}
        self._users: tuple[int, dict[tuple[str, str], list[str]]] = (-1, {})
        self._snap_counts: tuple[int, dict[tuple[str, str], int]] = (-1, {})

    # -- joins for the PVC pane -------------------------------------------------------------
    # The PVC pane asks these for every visible row on every repaint: each answer comes from an
    # index rebuilt only when its source changed (a cache batch, or a table's version).
    def driver_of(self, row: PvcRow) -> str:
        return csi_driver(row, self._drivers["pvs"], self._drivers["storageclasses"])

    def used_by(self, row: PvcRow) -> list[str]:
        table = self.pods.table  # type: ignore[attr-defined]
        if self._users[0] != table.version:
            users: dict[tuple[str, str], list[str]] = {}
            for pod in table.rows.values():
                for claim in pod.claims:
                    users.setdefault((pod.namespace, claim), []).append(pod.name)
            self._users = (table.version, {k: sorted(v) for k, v in users.items()})
        return self._users[1].get((row.namespace, row.name), [])

    def snapshot_count(self, row: PvcRow) -> int:
        table = self.snapshots.table
        if self._snap_counts[0] != table.version:
            counts: dict[tuple[str, str], int] = {}
            for snap in table.rows.values():
                key = (snap.namespace, snap.source_pvc)
                counts[key] = counts.get(key, 0) + 1
            self._snap_counts = (table.version, counts)
        return self._snap_counts[1].get((row.namespace, row.name), 0)

    # -- watches -------------------------------------------------------------------------------
    def start_storage_watches(self, namespace: str | None, first: bool) -> None:
        caps = self._info.capabilities  # type: ignore[attr-defined]
        self.pvcs.set_scope(self._info.scope)  # type: ignore[attr-defined]
        self.snapshots.set_scope(self._info.scope)  # type: ignore[attr-defined]
        self.restart("pvcs", ResourceScope("v1", "persistentvolumeclaims", namespace), pvc_row)
        version = caps.snapshot_version
        if version is None:
            self.snapshots.set_status(ReflectorStatus("failed", KubeError(
                ErrorKind.NOT_FOUND, "VolumeSnapshot CRDs are not installed", NO_CRDS)))
            self.pvcs.note = "snapshots: the VolumeSnapshot CRDs are not installed (6 says how)"
        else:
            self.restart("snapshots", ResourceScope(f"{GROUP}/{version}", "volumesnapshots",
                                                    namespace), snapshot_row)
        if first:  # cluster-scoped: independent of the namespace
            self.restart("storageclasses", ResourceScope("storage.k8s.io/v1", "storageclasses"),
                         storage_class_driver)
            self.restart("pvs", ResourceScope("v1", "persistentvolumes"), pv_driver)
            if version is not None:
                self.restart("snapclasses", ResourceScope(
                    f"{GROUP}/{version}", "volumesnapshotclasses"), snapshot_class_row)

    def restart(self, resource: str, scope: ResourceScope, transform) -> None:
        self._generation[resource] = self._generation.get(resource, 0) + 1  # type: ignore[attr-defined]
        self.watch(resource, scope, transform)  # type: ignore[attr-defined]

    def apply_cache(self, resource: str, delta: Delta) -> None:
        cache = self.caches[resource]
        if delta.reset:
            cache.clear()
        for key in delta.deletes:
            cache.pop(key, None)
        cache.update(delta.upserts)
        if resource in self._drivers:
            self._drivers[resource] = {r.name: r.driver for r in cache.values()}
        self.pvcs.table.refresh()  # DRIVER comes from these caches

    def storage_delta(self, resource: str, delta: Delta) -> None:
        """After a PVC or snapshot batch: the joins changed; a restore may have bound."""
        self.pvcs.table.refresh()
        if resource == "pvcs":
            for row in delta.upserts.values():
                key = (row.namespace, row.name)
                if key in self.awaiting_bound and row.phase == "Bound":
                    self._bound(row)

    def _bound(self, row: PvcRow) -> None:
        self.awaiting_bound.discard((row.namespace, row.name))
        self.notify(f"claim {row.name} is Bound ({row.capacity}): i inspects it in a "  # type: ignore[attr-defined]
                    "read-only pod.", title="Restored")

    # -- actions -----------------------------------------------------------------------------
    def on_pvc_pane_act(self, event: PvcPane.Act) -> None:
        row = event.row
        if event.kind == "snapshots":  # this claim's snapshots; / and enter clears it
            self.snapshots.filter_text = f"pvc {row.name}"
            self.snapshots.table.set_filter(lambda s: s.namespace == row.namespace
                                            and s.source_pvc == row.name)
            self.snapshots.refresh_status()
            self.action_show_pane("snapshots")  # type: ignore[attr-defined]
        elif event.kind == "snapshot":
            self.take_snapshot(row)
        elif event.kind == "inspect":
            self.inspect(row)

    def _version(self) -> str | None:
        version = self._info.capabilities.snapshot_version  # type: ignore[attr-defined]
        if version is None:
            self.notify(NO_CRDS, title="Snapshots", severity="warning", timeout=10)  # type: ignore[attr-defined]
        return version

    def take_snapshot(self, row: PvcRow) -> None:
        from kubetui.screens.snapshot_forms import SnapshotForm

        version = self._version()
        if version is None:
            return
        driver = self.driver_of(row)
        choice = choose_classes(list(self.caches["snapclasses"].values()), driver)
        form = SnapshotForm(row, driver, choice, default_name(row.name, self.app.clock()),  # type: ignore[attr-defined]
                            version)
        self.app.push_screen(form, self._snapshot_planned)  # type: ignore[attr-defined]

    def _snapshot_planned(self, plan: SnapshotPlan | None) -> None:
        if plan is None:
            return
        self.app.confirm_write(  # type: ignore[attr-defined]
            f"Create VolumeSnapshot {plan.name}?",
            "The snapshot controller copies the volume's data; the claim and its pods are not "
            "touched.", plan.write, plan.kubectl, lambda result: self._snapshot_created(plan))

    def _snapshot_created(self, plan: SnapshotPlan) -> None:
        self.action_show_pane("snapshots")  # type: ignore[attr-defined]
        self.notify(f"VolumeSnapshot {plan.name} created: READY follows it live.",  # type: ignore[attr-defined]
                    title="Snapshot")
        self.set_timer(STATUS_GRACE, lambda: self._check_status(plan.name))  # type: ignore[attr-defined]

    def _check_status(self, name: str) -> None:
        row = next((r for r in self.snapshots.table.rows.values() if r.name == name), None)
        if row is not None and row.ready is None and not row.error and not row.bound_content:
            message = NO_CONTROLLER.format(seconds=STATUS_GRACE)
            self.snapshots.note = message
            self.snapshots.refresh_status()
            self.notify(message, title=f"Snapshot {name}", severity="warning", timeout=12)  # type: ignore[attr-defined]

    def on_snapshots_pane_act(self, event: SnapshotsPane.Act) -> None:
        row, version = event.row, self._version()
        if version is None:
            return
        if event.kind == "details":
            self.read_content(row, version)
        elif event.kind == "delete":
            self.delete_snapshot(row, version)
        elif event.kind == "restore":
            self.restore(row)

    def delete_snapshot(self, row: SnapshotRow, version: str) -> None:
        plan = plan_delete(row, version)
        policy = next((c.deletion_policy for c in self.caches["snapclasses"].values()
                       if c.name == row.class_name), "")
        self.app.confirm_write(f"Delete VolumeSnapshot {row.name}?",  # type: ignore[attr-defined]
                               deletion_meaning(policy), plan.write, plan.kubectl)

    def restore(self, row: SnapshotRow) -> None:
        from kubetui.screens.snapshot_forms import RestoreForm

        if row.ready is not True:
            self.notify(f"{row.name} is not ready to use"  # type: ignore[attr-defined]
                        + (f": {row.error}" if row.error else " yet"),
                        title="Restore", severity="warning")
            return
        source = next((p for p in self.pvcs.table.rows.values()
                       if p.namespace == row.namespace and p.name == row.source_pvc), None)
        classes = tuple(sorted(r.name for r in self.caches["storageclasses"].values()))
        self.app.push_screen(RestoreForm(row, source, classes), self._restore_planned)  # type: ignore[attr-defined]

    def _restore_planned(self, plan: SnapshotPlan | None) -> None:
        if plan is None:
            return
        namespace = plan.write.body["metadata"]["namespace"]  # type: ignore[index]

        def created(result: WriteResult) -> None:
            self.action_show_pane("pvc")  # type: ignore[attr-defined]
            self.notify(f"claim {plan.name} created: STATUS follows it until Bound.",  # type: ignore[attr-defined]
                        title="Restore")
            self.awaiting_bound.add((namespace, plan.name))
            row = next((r for r in self.pvcs.table.rows.values()  # the watch may be first
                        if (r.namespace, r.name) == (namespace, plan.name)), None)
            if row is not None:
                self.pvcs.table.select_key(row.key)
                if row.phase == "Bound":
                    self._bound(row)

        self.app.confirm_write(f"Create PersistentVolumeClaim {plan.name}?",  # type: ignore[attr-defined]
                               "A new claim with the snapshot's data; the snapshot and the "
                               "original claim are not changed.", plan.write, plan.kubectl,
                               created)

    def inspect(self, row: PvcRow) -> None:
        from kubetui.k8s.volume_inspect import plan_inspect

        app = self.app  # type: ignore[attr-defined]
        if row.phase != "Bound":
            self.notify(f"claim {row.name} is {row.phase}: nothing to mount yet.",  # type: ignore[attr-defined]
                        title="Inspect", severity="warning")
            return
        plan = plan_inspect(row.namespace, row.name, app.settings.debug_image)
        used = self.used_by(row)
        body = (f"{plan.write.what}: a pod with a shell and the claim at /data, read-only.\n"
                "kubetui offers to delete it when you end the session, and when you quit.")
        if used and "ReadWriteOnce" in row.access:
            body += (f"\nThe claim is ReadWriteOnce and used by {', '.join(used)}: the pod "
                     "can only start on that pod's node.")
        app.confirm_write(f"Inspect claim {row.name}?", body, plan.write, plan.kubectl,
                          lambda result: self._inspect_created(plan))

    def _inspect_created(self, plan) -> None:
        from kubetui.screens.debug_session import DebugSession

        self.app.register_debug_pods(plan.namespace, plan.creates)  # type: ignore[attr-defined]
        session = DebugSession(plan, lambda: self._pod_context_named(  # type: ignore[attr-defined]
            plan.namespace, plan.pod))
        self._install_session(session)  # type: ignore[attr-defined]

    @work(exclusive=True, group="snapshot-content", exit_on_error=False)
    async def read_content(self, row: SnapshotRow, version: str) -> None:
        content = None
        if row.bound_content:
            try:
                content = await self.app.cluster.get_json(  # type: ignore[attr-defined]
                    f"/apis/{GROUP}/{version}/volumesnapshotcontents/{row.bound_content}",
                    what=f"get VolumeSnapshotContent {row.bound_content}")
            except KubeError as error:
                if error.kind != ErrorKind.NOT_FOUND:
                    raise
        self.post_message(SnapshotContentRead(row, content_check(row, content)))  # type: ignore[attr-defined]

    def on_snapshot_content_read(self, message: SnapshotContentRead) -> None:
        from kubetui.screens.text_view import TextView

        row = message.row
        ready = {True: "true", False: "false", None: "no status yet"}[row.ready]
        text = (f"source: {row.source or '?'}\nclass: {row.class_name or '(default)'}\n"
                f"readyToUse: {ready}\nrestoreSize: {row.restore_size or '-'}\n"
                f"creationTime: {_stamp(row.creation_time)}\n"
                f"content: {message.check}\n" + (f"error: {row.error}\n" if row.error else ""))
        self.app.push_screen(TextView(f"VolumeSnapshot {row.namespace}/{row.name}", text,  # type: ignore[attr-defined]
                                      "the snapshot's details"))
