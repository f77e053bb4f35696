"""Messages workers post to the app; handlers own the state they carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: importing these here would load every action at start-up
    from kubetui.k8s.access import AccessRules
    from kubetui.k8s.apf_poll import ApfPoll
    from kubetui.k8s.debug_target import DebugTarget
    from kubetui.k8s.pod_detail import StreamTarget
    from kubetui.k8s.pods import PodRow
    from kubetui.k8s.probe_target import ProbeTarget
    from kubetui.k8s.reflector import Delta, ReflectorStatus
    from kubetui.k8s.snapshots import SnapshotRow


@dataclass
class ScopeChanged(Message):
    """The namespace scope changed (namespace, or all namespaces)."""

    target_namespace: str
    all_namespaces: bool


@dataclass
class NamespacesLoaded(Message):
    names: tuple[str, ...]


@dataclass
class ContextConnected(Message):
    """A context switch connected; the app swaps to the new cluster."""

    cluster: object  # kubetui.k8s.cluster.Cluster (its info with it); kept opaque to widgets


class WatchDelta(Message):
    """A coalesced batch from one reflector ("pods", "events")."""

    def __init__(self, resource: str, delta: Delta, generation: int) -> None:
        super().__init__()
        self.resource, self.delta, self.generation = resource, delta, generation


class WatchStatus(Message):
    def __init__(self, resource: str, status: ReflectorStatus, generation: int) -> None:
        super().__init__()
        self.resource, self.status, self.generation = resource, status, generation


class ApfPolled(Message):
    """One poll of the APF debug dump and metrics (only while the flows pane is visible)."""

    def __init__(self, poll: ApfPoll) -> None:
        super().__init__()
        self.poll = poll


@dataclass
class AccessLoaded(Message):
    """The user's RBAC rules in one namespace (a SelfSubjectRulesReview), for the
    ``connection``-th connection (an answer for the user before a context switch is dropped)."""

    rules: AccessRules
    connection: int = 0


@dataclass
class ReadableNamespaces(Message):
    """After a 403 on an all-namespaces list: the namespaces the user may list pods in."""

    names: tuple[str, ...]
    checked: tuple[str, ...]


@dataclass
class StreamTargets(Message):
    """The containers a shell or attach on ``row`` can go to."""

    row: PodRow
    kind: str  # "shell" | "attach"
    targets: tuple[StreamTarget, ...]


@dataclass
class DebugTargetReady(Message):
    """The pod ``D`` was pressed on, read: the debug form can open."""

    target: DebugTarget
    rules: AccessRules | None = None  # the namespace's rules, when not known before


@dataclass
class ProbeTargetReady(Message):
    """The pod ``P`` was pressed on, read with its owner: the probe runner can open."""

    target: ProbeTarget
    container: str | None = None


@dataclass
class SnapshotContentRead(Message):
    """A snapshot's bound VolumeSnapshotContent, read and checked both ways."""

    row: SnapshotRow
    check: str
