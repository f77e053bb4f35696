"""The PVC pane (``4``) and the snapshots pane (``6``): live tables over the storage watches.

Both are bound to live stores and never talk to the cluster. The PVC pane joins what it cannot
know alone (the CSI driver, the pods that mount a claim, its snapshot count) through the
``StorageJoins`` over the stores the screen holds. Keys post typed intents
(``kubetui.intents.storage``); the app's storage flow turns them into forms, confirms and writes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from kubetui.access_keys import AccessAware
from kubetui.formatting import human_duration
from kubetui.intents import storage as intents
from kubetui.intents.kinds import TriageObject
from kubetui.k8s.storage.claims import PvcRow
from kubetui.k8s.storage.snapshots import SnapshotRow
from kubetui.live.joins import StorageJoins
from kubetui.widgets.live_pane import LivePane
from kubetui.widgets.resource_table import Column, SortSpec

PVC_COLUMNS = [
    Column("name", "NAME", 0, min_width=16),
    Column("status", "STATUS", 8),
    Column("capacity", "CAPACITY", 9, align="right"),
    Column("access", "ACCESS", 6),
    Column("class", "CLASS", 14, min_terminal=100),
    Column("driver", "DRIVER", 26, min_terminal=110),
    Column("used", "USED BY", 18),
    Column("snaps", "SNAPS", 5, align="right"),
    Column("age", "AGE", 6, align="right"),
]
SNAPSHOT_COLUMNS = [
    Column("name", "NAME", 0, min_width=18),
    Column("source", "SOURCE PVC", 14),
    Column("class", "CLASS", 18, min_terminal=110),
    Column("ready", "READY", 7),
    Column("size", "SIZE", 7, align="right"),
    Column("age", "AGE", 6, align="right"),
    Column("error", "ERROR", 24, min_terminal=100),
]


def _age(created: float | None, now: float) -> str:
    return human_duration(now - created) if created else "?"


class PvcPane(AccessAware, LivePane):
    BINDINGS = [
        Binding("t", "snapshot", "Snapshot", id="pvc.snapshot"),
        Binding("enter", "snapshots", "Snapshots", id="pvc.snapshots"),
        Binding("i", "inspect", "Inspect", id="pvc.inspect"),
        Binding("exclamation_mark", "triage", "Why", id="pvc.triage", key_display="!"),
    ]
    noun = "claims"
    sortable = ("name", "status", "age")

    def __init__(self, clock: Callable[[], float], joins: StorageJoins) -> None:
        self.joins = joins
        self.driver, self.used_by, self.snapshots = (
            joins.driver_of, joins.used_by, joins.snapshot_count)
        super().__init__(PVC_COLUMNS, self.cells, {
            "name": lambda r: (r.namespace, r.name), "status": lambda r: (r.phase, r.name),
            "age": lambda r: (-(r.created or 0), r.name)}, default_sort=SortSpec("name"),
            style_of=lambda r: {"Bound": "pod-running", "Lost": "pod-failed"}.get(
                r.phase, "pod-pending"), clock=clock, id="pvc-pane",
            timestamps=lambda r: (r.created,))
        self.problem = ""  # the snapshot API's state, said in the status line

    def cells(self, row: PvcRow, now: float) -> dict[str, str]:
        used = self.used_by(row)
        return {"name": row.name, "status": row.phase, "capacity": row.capacity or "-",
                "access": row.access_text, "class": row.storage_class or "-",
                "driver": self.driver(row) or "-",
                "used": ",".join(used[:2]) + (f" +{len(used) - 2}" if len(used) > 2 else "")
                or "-", "snaps": str(self.snapshots(row)), "age": _age(row.created, now)}

    def search_text(self, row: PvcRow) -> str:
        return f"{row.name} {row.phase} {row.storage_class} {self.driver(row)}"

    def action_snapshot(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.SnapshotClaim(row, self.joins))

    def action_triage(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(TriageObject("", "PersistentVolumeClaim", row.namespace, row.name))

    def action_snapshots(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.ShowClaimSnapshots(row))

    def action_inspect(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.InspectClaim(row, self.joins))


class SnapshotsPane(AccessAware, LivePane):
    BINDINGS = [
        Binding("enter", "details", "Details", id="snapshots.details"),
        Binding("r", "restore", "Restore", id="snapshots.restore"),
        Binding("d", "delete", "Delete", id="snapshots.delete"),
    ]
    noun = "snapshots"
    sortable = ("name", "source", "age")

    def __init__(self, clock: Callable[[], float], joins: StorageJoins) -> None:
        self.joins = joins
        super().__init__(SNAPSHOT_COLUMNS, self.cells, {
            "name": lambda r: r.name, "source": lambda r: (r.source, r.name),
            "age": lambda r: (-(r.created or 0), r.name)}, default_sort=SortSpec("name"),
            style_of=lambda r: "pod-failed" if r.error else (
                "pod-running" if r.ready else "pod-pending"), clock=clock,
            id="snapshots-pane", timestamps=lambda r: (r.created,))

    def cells(self, row: SnapshotRow, now: float) -> dict[str, str]:
        ready = {True: "✓ true", False: "… false", None: "? none"}[row.ready]
        return {"name": row.name, "source": row.source or "-", "class": row.class_name or "-",
                "ready": "✗ error" if row.error else ready, "size": row.restore_size or "-",
                "age": _age(row.created, now), "error": row.error or ""}

    def search_text(self, row: SnapshotRow) -> str:
        return f"{row.name} {row.source} {row.class_name} {row.error}"

    def action_details(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.SnapshotDetails(row))

    def action_restore(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.RestoreSnapshot(row, self.joins))

    def action_delete(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(intents.DeleteSnapshot(row, self.joins))

