"""Messages workers post to the app; handlers own the state they carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: importing these here would load every action at start-up
    from kubetui.k8s.apf.poll import ApfPoll
    from kubetui.k8s.rbac.access import AccessRules


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

    cluster: object  # a transport.cluster.Cluster (its info with it); kept opaque to widgets




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
