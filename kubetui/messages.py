"""Messages workers post to the app; handlers own the state they carry."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kubetui.k8s.cluster import ClusterInfo


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

    cluster: object  # kubetui.k8s.cluster.Cluster; kept opaque to widgets
    info: ClusterInfo
