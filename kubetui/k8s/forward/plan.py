"""A port-forward as the form shows it before anything listens: which pod serves it, each local
port and the pod port it reaches, the exact request every connection makes and the kubectl
equivalent. Pure: the form re-plans on each keystroke.

A forward sends no write: each local connection opens its own stream (a WebSocket upgrade of
``GET pods/NAME/portforward``). The request shown is that one, with the pod and port it goes to
now (a Service forward may go to another pod later, see ``flows/forwards.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.forward.ports import (
    PortError,
    PortPair,
    check_address,
    kubectl_portforward,
    parse_ports,
    resolve_pod_port,
    resolve_service_port,
)
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.portforward import PROTOCOLS, portforward_path
from kubetui.k8s.transport.shapes import mapping, text

POD, SERVICE = "pod", "service"


@dataclass(frozen=True)
class Target:
    """What is forwarded: a pod, or a Service (served by one of its pods at a time)."""

    namespace: str
    kind: str  # POD | SERVICE
    name: str

    @property
    def ref(self) -> str:
        return f"{'svc' if self.kind == SERVICE else 'pod'}/{self.name}"

    @property
    def object(self) -> str:
        """As the incident timeline names objects (by their resource: ``services/web``)."""
        return f"{'services' if self.kind == SERVICE else 'pods'}/{self.name}"

    def __str__(self) -> str:
        return f"{self.namespace}/{self.ref}"


@dataclass(frozen=True)
class StreamRequest:
    """One connection's request, as the form shows it."""

    namespace: str
    pod: str
    port: int

    def describe(self) -> str:
        return (f"GET {portforward_path(self.namespace, self.pod)}?ports={self.port}\n"
                f"Connection: Upgrade  Upgrade: websocket\n"
                f"Sec-WebSocket-Protocol: {', '.join(PROTOCOLS)}\n"
                "(one stream per local connection; nothing is written to the cluster)")


@dataclass(frozen=True)
class PortRoute:
    """One local port and what it reaches: ``remote`` as typed (a Service port, or a pod
    port), ``pod_port`` the pod's port it is carried to now."""

    pair: PortPair
    pod_port: int


@dataclass(frozen=True)
class ForwardPlan:
    target: Target
    pod: str  # the pod serving it now
    routes: tuple[PortRoute, ...]
    address: str
    warning: str  # a non-loopback address, said in the form and the view

    @property
    def kubectl(self) -> str:
        return kubectl_portforward(self.target.namespace, self.target.ref,
                                   [r.pair for r in self.routes], self.address)

    @property
    def writes(self) -> tuple[StreamRequest, ...]:
        """The requests (named ``writes`` for the form's preview; none writes)."""
        return tuple(StreamRequest(self.target.namespace, self.pod, r.pod_port)
                     for r in self.routes)


def plan_forward(target: Target, typed_ports: str, typed_address: str, pod: dict | None,
                 service: dict | None = None) -> ForwardPlan:
    """``pod``: the pod forwarded to (for a Service, the one chosen now); ``service``: the
    Service's object when ``target`` is one. Raises ``PortError`` (a ``ValueError``)."""
    address, warning = check_address(typed_address)
    pairs = parse_ports(typed_ports)
    if pod is None:
        raise PortError(f"the Service {target.name} has no running pod to forward to"
                        if target.kind == SERVICE else f"pod {target.name} is not there")
    if target.kind == SERVICE:
        if service is None:
            raise PortError(f"the Service {target.name} was not read")
        routes = tuple(_service_route(service, pod, p) for p in pairs)
    else:
        routes = tuple(PortRoute(p, resolve_pod_port(pod, p.remote)) for p in pairs)
    return ForwardPlan(target, text(mapping(pod.get("metadata")).get("name")), routes,
                       address, warning)


def _service_route(service: dict, pod: dict, pair: PortPair) -> PortRoute:
    pod_port = resolve_service_port(service, pod, pair.remote)
    if pair.local == 0 and isinstance(pair.remote, str):
        # kubectl: the local port of a named Service port is the Service's port number
        for p in mapping(service.get("spec")).get("ports") or ():
            if mapping(p).get("name") == pair.remote and isinstance(mapping(p).get("port"), int):
                pair = PortPair(int(mapping(p)["port"]), pair.remote)
    return PortRoute(pair, pod_port)


def forward_needs(version: ServerVersion) -> tuple[Need, ...]:
    """The rules a forward's streams need: the upgrade is a GET; from 1.35 the server also
    authorizes it as create (what SPDY clients always needed)."""
    create = (Need("create", "pods/portforward"),) if version.at_least(1, 35) else ()
    return (Need("get", "pods/portforward"), *create)


def suggested_ports(declared: list[int], free: set[int]) -> str:
    """The form's first value: each declared port to the same local port when that one is
    free and not privileged, else to a free one (``:PORT``)."""
    words = []
    for port in dict.fromkeys(declared):
        words.append(str(port) if port in free and port > 1023 else f":{port}")
    return " ".join(words)
