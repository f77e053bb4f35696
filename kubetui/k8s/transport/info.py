"""What a connection is: the options it was made with, what the UI shows of it, and the APF
flow the server put the last request in. Immutable values, safe to hand to widgets."""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.transport.discovery import Capabilities, Discovery, ServerVersion, capabilities
from kubetui.k8s.transport.kubeconfig import Kubeconfig


@dataclass(frozen=True)
class ConnectOptions:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    connect_timeout: float = 10.0
    readonly: bool = False


@dataclass(frozen=True)
class ClusterInfo:
    """What the UI shows about the connection; immutable, safe to hand to widgets."""

    context: str
    cluster: str
    user: str
    server: str
    namespace: str
    all_namespaces: bool
    version: ServerVersion
    discovery: Discovery
    capabilities: Capabilities
    contexts: tuple[str, ...]
    # False while the connection is being made: what the kubeconfig says, with no server
    # version and no discovery yet (see ``pending``).
    connected: bool = True

    @property
    def scope(self) -> str:
        return "all namespaces" if self.all_namespaces else self.namespace

    @classmethod
    def pending(cls, cfg: Kubeconfig, options: ConnectOptions) -> ClusterInfo:
        """What the first frame shows while ``Cluster.connect`` runs: the kubeconfig's
        context, server and namespace; the version says "connecting…", and nothing is
        discovered (every capability absent) until the real ``ClusterInfo`` replaces it."""
        ctx = cfg.context(options.context)
        version = ServerVersion(0, 0, "connecting…")
        discovery = Discovery((), ())
        return cls(context=ctx.name, cluster=ctx.cluster, user=ctx.user, server=ctx.server,
                   namespace=options.namespace or ctx.namespace or "default",
                   all_namespaces=options.all_namespaces, version=version,
                   discovery=discovery, capabilities=capabilities(version, discovery),
                   contexts=tuple(cfg.context_names), connected=False)


@dataclass(frozen=True)
class FlowHeaders:
    """Which APF FlowSchema and priority level the server put our last request in."""

    flow_schema_uid: str
    priority_level_uid: str
