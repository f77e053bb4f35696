"""What a forward's form needs, read fresh: the pod, or the Service with the pods its selector
matches and which of them are ready endpoints (EndpointSlices or Endpoints, by discovery), and
which local ports are free for the suggestion."""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.forward.ports import PortError, choose_pod, declared_ports
from kubetui.k8s.forward.tunnel import port_free
from kubetui.k8s.kinds.endpoints import SERVICE_NAME, endpoint_scope, readiness
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.discovery import Discovery
from kubetui.k8s.transport.shapes import mapping, text


@dataclass(frozen=True)
class Resolved:
    """The form's facts about its target."""

    pod: dict | None  # the pod forwarded to now
    service: dict | None = None
    ready: dict[str, bool] | None = None  # the Service's endpoints: pod -> ready
    free: frozenset[int] = frozenset()  # of the ports offered, the local ones free now

    @property
    def offered(self) -> list[int]:
        """The ports offered: a Service's ports, or the pod's declared ones."""
        if self.service is not None:
            return [int(mapping(p).get("port")) for p in
                    mapping(self.service.get("spec")).get("ports") or ()
                    if isinstance(mapping(p).get("port"), int)]
        return [p.port for p in declared_ports(self.pod or {})]


async def read_pod_target(cluster: Cluster, namespace: str, name: str) -> Resolved:
    pod = await cluster.get_json(f"/api/v1/namespaces/{namespace}/pods/{name}",
                                 what=f"get pod {namespace}/{name}")
    return _with_free(Resolved(pod))


async def read_service_target(cluster: Cluster, discovery: Discovery, namespace: str,
                              name: str) -> Resolved:
    service = await cluster.get_json(f"/api/v1/namespaces/{namespace}/services/{name}",
                                     what=f"get service {namespace}/{name}")
    spec = mapping(service.get("spec"))
    if text(spec.get("type")) == "ExternalName":
        raise PortError(f"the Service {name} is an ExternalName ({text(spec.get('externalName'))})"
                        ": it has no pod to forward to")
    selector = mapping(spec.get("selector"))
    if not selector:
        raise PortError(f"the Service {name} has no selector: no pod is known to serve it "
                        "(forward to a pod instead)")
    labels = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    listed = await cluster.get_json(f"/api/v1/namespaces/{namespace}/pods",
                                    what=f"list pods of service {name}",
                                    params={"labelSelector": labels})
    pods = [mapping(p) for p in listed.get("items") or ()]
    scope, row = endpoint_scope(discovery, namespace)
    if scope.plural == "endpointslices":
        found = await cluster.get_json(scope.path, what=f"list endpointslices of service {name}",
                                       params={"labelSelector": f"{SERVICE_NAME}={name}"})
        sets = [row(mapping(i)) for i in found.get("items") or ()]
    else:
        sets = [row(await cluster.get_json(f"{scope.path}/{name}",
                                           what=f"get endpoints {name}"))]
    ready = readiness(sets).pods
    return _with_free(Resolved(choose_pod(pods, ready), service, ready))


def _with_free(resolved: Resolved, address: str = "127.0.0.1") -> Resolved:
    free = frozenset(p for p in resolved.offered if p > 1023 and port_free(address, p))
    return Resolved(resolved.pod, resolved.service, resolved.ready, free)
