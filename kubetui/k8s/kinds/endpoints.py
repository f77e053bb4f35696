"""A Service's endpoints, ready and not: from EndpointSlices where the server serves them, else
from the core Endpoints object.

Which API, by discovery as everywhere: ``discovery.k8s.io/v1`` (1.21+), ``v1beta1`` (1.17-1.20,
the local cluster), else core ``v1`` ``endpoints``. Both slice versions have the fields read here
in the same place (``endpoints[].conditions.ready``, ``targetRef``, the
``kubernetes.io/service-name`` label); an endpoint whose ``ready`` is absent counts as ready, as
the API says. A dual-stack Service has one slice per address family listing the same pods: each
family is counted on its own and the larger count is the Service's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from kubetui.k8s.kinds.table import Meta
from kubetui.k8s.transport.discovery import Discovery
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.watch.pruned import reads
from kubetui.k8s.watch.reflector import ResourceScope

SERVICE_NAME = "kubernetes.io/service-name"
DISCOVERY = "discovery.k8s.io"


@dataclass(frozen=True, slots=True)
class EndpointSet:
    """One EndpointSlice (or one Endpoints object) of a Service: its pods and whether each is
    ready to receive traffic."""

    uid: str
    namespace: str
    service: str
    family: str  # IPv4, IPv6, FQDN; "" for core Endpoints
    pods: tuple[tuple[str, bool], ...]  # (pod name or address, ready)

    @property
    def key(self) -> str:
        return self.uid


class _SliceFields(TypedDict, total=False):
    metadata: Meta
    addressType: str
    endpoints: list[dict[str, Any]]


class _EndpointsFields(TypedDict, total=False):
    metadata: Meta
    subsets: list[dict[str, Any]]


def _name(endpoint: dict, addresses: Any) -> str:
    ref = mapping(endpoint.get("targetRef"))
    if ref.get("name"):
        return text(ref.get("name"))
    if isinstance(addresses, list) and addresses:
        return text(addresses[0])
    return text(endpoint.get("ip"))


@reads(_SliceFields)
def slice_set(obj: dict) -> EndpointSet:
    meta = mapping(obj.get("metadata"))
    pods = []
    for endpoint in obj.get("endpoints") or ():
        endpoint = mapping(endpoint)
        ready = mapping(endpoint.get("conditions")).get("ready")
        pods.append((_name(endpoint, endpoint.get("addresses")), ready is not False))
    return EndpointSet(text(meta.get("uid")), text(meta.get("namespace")),
                       text(mapping(meta.get("labels")).get(SERVICE_NAME)),
                       text(obj.get("addressType")), tuple(pods))


@reads(_EndpointsFields)
def endpoints_set(obj: dict) -> EndpointSet:
    meta = mapping(obj.get("metadata"))
    pods = []
    for subset in obj.get("subsets") or ():
        subset = mapping(subset)
        for field, ready in (("addresses", True), ("notReadyAddresses", False)):
            for address in subset.get(field) or ():
                address = mapping(address)
                pods.append((_name(address, None), ready))
    return EndpointSet(text(meta.get("uid")), text(meta.get("namespace")),
                       text(meta.get("name")), "", tuple(dict.fromkeys(pods)))


def endpoint_scope(discovery: Discovery, namespace: str | None) -> tuple[ResourceScope, Any]:
    """The scope and row builder of a namespace's endpoints, as this server serves them."""
    group = discovery.group(DISCOVERY)
    for version in ("v1", "v1beta1"):
        if group is not None and version in group.versions:
            return (ResourceScope(f"{DISCOVERY}/{version}", "endpointslices", namespace),
                    slice_set)
    return ResourceScope("v1", "endpoints", namespace), endpoints_set


@dataclass(frozen=True)
class Readiness:
    ready: int
    not_ready: int
    pods: dict[str, bool]  # pod -> ready (the pods view of a Service shows it per pod)


def readiness(sets: Iterable[EndpointSet]) -> Readiness:
    """One Service's sets, counted per address family; the family with the most endpoints."""
    families: dict[str, dict[str, bool]] = {}
    for s in sets:
        family = families.setdefault(s.family, {})
        for pod, ready in s.pods:
            family[pod] = family.get(pod, False) or ready
    best = max(families.values(), key=len, default={})
    ready = sum(1 for r in best.values() if r)
    return Readiness(ready, len(best) - ready, best)


def endpoints_text(found: Readiness, has_selector: bool, external_name: bool,
                   matching: int | None = None) -> tuple[str, str]:
    """The ENDPOINTS cell and the row's health: a Service that answers nothing stands out.
    ``matching``: the pods its selector matches (None: not known yet)."""
    if external_name:
        return "- (ExternalName)", ""
    if found.ready and found.not_ready:
        return f"{found.ready} ready, {found.not_ready} not", "pending"
    if found.ready:
        return f"{found.ready} ready", "running"
    if found.not_ready:
        return f"none ready ({found.not_ready} not)", "failed"
    if not has_selector:
        return "none (no selector)", "pending"
    if matching == 0:
        return "none: selects no pod", "failed"
    if matching:
        return f"none ({matching} pods, no IP)", "failed"
    return "none", "failed"


def selector_labels(text: str) -> dict[str, str]:
    """A Service's selector as the server prints it (``app=web,tier=fe``): equality only, as
    a Service's selector always is."""
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out
