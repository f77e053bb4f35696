"""What the user asks of a PersistentVolumeClaim or a VolumeSnapshot (the storage panes).

Each carries the ``StorageJoins`` the pane reads, so the flow that acts sees the same drivers,
classes and users the pane showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kubetui.k8s.storage.claims import PvcRow
    from kubetui.k8s.storage.snapshots import SnapshotRow
    from kubetui.live.joins import StorageJoins


@dataclass
class SnapshotClaim(Message):
    row: PvcRow
    joins: StorageJoins


@dataclass
class InspectClaim(Message):
    row: PvcRow
    joins: StorageJoins


@dataclass
class ShowClaimSnapshots(Message):
    row: PvcRow


@dataclass
class RestoreSnapshot(Message):
    row: SnapshotRow
    joins: StorageJoins


@dataclass
class DeleteSnapshot(Message):
    row: SnapshotRow
    joins: StorageJoins


@dataclass
class SnapshotDetails(Message):
    row: SnapshotRow
