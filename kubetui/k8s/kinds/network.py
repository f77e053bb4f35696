"""What an Ingress's Table leaves out: where each host and path goes.

The server prints an Ingress's hosts, class, address and ports, not its routes; during an
incident the question is "which Service does ``shop.example.com/api`` reach", so each row gains
a ``Routes`` cell: ``host/path→service:port`` per path, the default backend as ``*→…``.

Two shapes, chosen by the version the catalog prefers: ``networking.k8s.io/v1`` (1.19+:
``backend.service.name`` and ``backend.service.port.number|name``, ``defaultBackend``) and
``v1beta1`` / ``extensions/v1beta1`` (up to 1.21: ``backend.serviceName``/``servicePort``,
``backend``). A backend may also be a resource (``resource.kind/name``).
"""

from __future__ import annotations

from typing import Any, TypedDict

from kubetui.k8s.kinds.rich import Facts, rich
from kubetui.k8s.kinds.table import ColumnDef
from kubetui.k8s.transport.shapes import mapping, text

ROUTES = ColumnDef("Routes", width=len("example.com/api→svc:80"),
                   description="host/path → Service:port, per path of every rule")


class _Spec(TypedDict, total=False):
    rules: list[dict[str, Any]]
    defaultBackend: dict[str, Any]  # v1
    backend: dict[str, Any]  # v1beta1


class IngressFields(TypedDict, total=False):
    spec: _Spec


def backend_text(backend: Any) -> str:
    """``service:port`` (either shape), ``Kind/name`` for a resource backend, ``?`` if none."""
    backend = mapping(backend)
    service = mapping(backend.get("service"))
    if service:
        port = mapping(service.get("port"))
        number = port.get("number")
        return f"{text(service.get('name'))}:{text(number) if number else text(port.get('name'))}"
    if backend.get("serviceName"):
        return f"{text(backend.get('serviceName'))}:{text(backend.get('servicePort'))}"
    resource = mapping(backend.get("resource"))
    if resource:
        return f"{text(resource.get('kind'))}/{text(resource.get('name'))}"
    return "?"


def routes(spec: dict) -> list[tuple[str, str, str]]:
    """(host, path, backend) per path of every rule, then the default backend as ("*", "", …):
    the order kubectl describe lists them in."""
    out = []
    for rule in spec.get("rules") or ():
        rule = mapping(rule)
        host = text(rule.get("host")) or "*"
        for path in mapping(rule.get("http")).get("paths") or ():
            path = mapping(path)
            out.append((host, text(path.get("path")) or "/", backend_text(path.get("backend"))))
    default = spec.get("defaultBackend") or spec.get("backend")
    if default:
        out.append(("*", "", backend_text(default)))
    return out


@rich("extensions", "Ingress", (ROUTES,), IngressFields)
@rich("networking.k8s.io", "Ingress", (ROUTES,), IngressFields)
def ingress_facts(obj: dict) -> Facts:
    found = routes(mapping(obj.get("spec")))
    cell = ", ".join(f"{'' if host == '*' and path else host}{path}→{backend}"
                     for host, path, backend in found)
    return Facts((cell or "<none>",))


def ingress_section(_meta: dict, spec: dict, status: dict) -> list[str]:
    balancer = mapping(status.get("loadBalancer"))
    address = ", ".join(text(mapping(i).get("ip")) or text(mapping(i).get("hostname"))
                        for i in balancer.get("ingress") or ())
    default = spec.get("defaultBackend") or spec.get("backend")
    lines = [f"Address:\t{address}",
             f"Ingress Class:\t{text(spec.get('ingressClassName')) or '<none>'}",
             f"Default backend:\t{backend_text(default) if default else '<default>'}",
             "Rules:", "  Host\tPath\tBackends"]
    found = [r for r in routes(spec) if r[1]]
    lines += [f"  {host}\t{path}\t{backend}" for host, path, backend in found]
    for tls in spec.get("tls") or ():
        tls = mapping(tls)
        hosts = ", ".join(text(h) for h in tls.get("hosts") or ()) or "*"
        lines.append(f"TLS:\t{text(tls.get('secretName')) or '<none>'} terminates {hosts}")
    return lines
