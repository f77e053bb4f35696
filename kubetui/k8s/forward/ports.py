"""What a port-forward asks for, decided before any connection: the ports typed (kubectl's
``[LOCAL:]REMOTE``, a named port allowed), the local address, and for a Service the pod that
serves it and the container port each Service port reaches.

A Service cannot be forwarded as such: the apiserver forwards to a pod. As ``kubectl
port-forward svc/NAME`` does, a Service port is translated to its ``targetPort`` on the chosen
pod (a named ``targetPort`` is looked up in that pod's containers), and the local port defaults
to the Service port typed. The pod is one of the Service's ready endpoints (kubectl takes the
most active pod of the selector, which may not be an endpoint at all); without a ready one, the
most active pod of the selector, as kubectl.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text

#: a port name as the API allows it (IANA_SVC_NAME): lowercase letters, digits and dashes, at
#: most 15, at least one letter, no dash at either end nor two in a row
PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class PortError(ValueError):
    """What was typed cannot be forwarded; the message says why, in the user's terms."""


@dataclass(frozen=True)
class PortPair:
    local: int  # 0: a free port, chosen when the forward listens
    remote: int | str  # a number, or a port's name (resolved against the pod or Service)

    def __str__(self) -> str:
        return f"{self.local or ''}:{self.remote}"


def _port(typed: str, what: str, allow_zero: bool = False) -> int:
    if not typed.isdigit():
        raise PortError(f"{what} {typed!r} is not a port number")
    port = int(typed)
    if not (0 if allow_zero else 1) <= port <= 65535:
        raise PortError(f"{what} {port} is out of range (1-65535)")
    return port


def parse_ports(typed: str) -> list[PortPair]:
    """``8080:80 9090 :http`` (spaces or commas): LOCAL:REMOTE, REMOTE alone (the same local
    port, or a free one for a name), ``:REMOTE`` (a free local port)."""
    words = [w for w in re.split(r"[\s,]+", typed.strip()) if w]
    if not words:
        raise PortError("no port given: type REMOTE or LOCAL:REMOTE, e.g. 8080:80")
    pairs: list[PortPair] = []
    for word in words:
        local_text, sep, remote_text = word.rpartition(":")
        if not remote_text:
            raise PortError(f"{word!r} has no remote port (LOCAL:REMOTE)")
        remote: int | str
        if remote_text.isdigit():
            remote = _port(remote_text, "remote port")
        elif PORT_NAME.match(remote_text) and len(remote_text) <= 15:
            remote = remote_text
        else:
            raise PortError(f"{remote_text!r} is neither a port number nor a port name")
        if sep and local_text:
            local = _port(local_text, "local port", allow_zero=True)
        elif sep:
            local = 0
        else:
            local = remote if isinstance(remote, int) else 0
        pairs.append(PortPair(local, remote))
    locals_ = [p.local for p in pairs if p.local]
    twice = sorted({p for p in locals_ if locals_.count(p) > 1})
    if twice:
        raise PortError(f"local port {twice[0]} is given twice")
    return pairs


def check_address(typed: str) -> tuple[str, str]:
    """The local address to listen on, and a warning when it is not loopback-only: a forward
    on every interface lets whoever reaches this host reach the pod."""
    address = typed.strip() or "127.0.0.1"
    if address != "localhost":
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            raise PortError(f"{address!r} is not an IP address (127.0.0.1, ::1, 0.0.0.0 "
                            "or localhost)") from None
        address = str(ip)
        if ip.is_unspecified:
            return address, ("listens on every interface of this host: anyone who can reach "
                             "it reaches the pod, without Kubernetes credentials")
        if not ip.is_loopback:
            return address, f"listens on {address}: reachable from that network"
    return address, ""


@dataclass(frozen=True)
class DeclaredPort:
    """A port a pod's container declares (offered in the form)."""

    port: int
    name: str
    container: str
    protocol: str


def declared_ports(pod: dict) -> list[DeclaredPort]:
    out = []
    for c in mapping(pod.get("spec")).get("containers") or ():
        c = mapping(c)
        for p in c.get("ports") or ():
            p = mapping(p)
            number = p.get("containerPort")
            if isinstance(number, int):
                out.append(DeclaredPort(number, text(p.get("name")), text(c.get("name")),
                                        text(p.get("protocol")) or "TCP"))
    return out


def resolve_pod_port(pod: dict, remote: int | str) -> int:
    """A pod's port by number (any: a port need not be declared), or by a declared name."""
    if isinstance(remote, int):
        return remote
    for p in declared_ports(pod):
        if p.name == remote:
            return p.port
    names = sorted({p.name for p in declared_ports(pod) if p.name})
    raise PortError(f"pod {text(mapping(pod.get('metadata')).get('name'))} has no port named "
                    f"{remote!r}" + (f" (it has {', '.join(names)})" if names else ""))


def resolve_service_port(service: dict, pod: dict, remote: int | str) -> int:
    """kubectl's translation: the Service port ``remote`` (number or name) -> its
    ``targetPort`` on ``pod``."""
    ports = [mapping(p) for p in mapping(service.get("spec")).get("ports") or ()]
    chosen = next((p for p in ports if (p.get("port") == remote if isinstance(remote, int)
                                        else p.get("name") == remote)), None)
    if chosen is None:
        have = ", ".join(f"{p.get('port')}" + (f"/{p.get('name')}" if p.get("name") else "")
                         for p in ports) or "none"
        raise PortError(f"the Service has no port {remote} (it has {have})")
    target = chosen.get("targetPort")
    if isinstance(target, str) and target and not target.isdigit():
        return resolve_pod_port(pod, target)
    if isinstance(target, (int, str)) and str(target).isdigit() and int(target):
        return int(target)
    return int(chosen.get("port"))


def _active(pod: dict, endpoints: dict[str, bool]) -> tuple:
    """A sort key, the best pod last: a ready endpoint, then kubectl's most active pod
    (scheduled, running, ready, fewest restarts, the newest)."""
    meta, status = mapping(pod.get("metadata")), mapping(pod.get("status"))
    conditions = {text(mapping(c).get("type")): text(mapping(c).get("status"))
                  for c in status.get("conditions") or ()}
    restarts = sum(int(mapping(s).get("restartCount") or 0)
                   for s in status.get("containerStatuses") or ())
    return (endpoints.get(text(meta.get("name"))) is True,
            bool(mapping(pod.get("spec")).get("nodeName")),
            text(status.get("phase")) == "Running", conditions.get("Ready") == "True",
            -restarts, text(meta.get("creationTimestamp")))


def choose_pod(pods: list[dict], endpoints: dict[str, bool]) -> dict | None:
    """The pod a Service forward goes to. ``endpoints``: pod -> ready, from the Service's
    EndpointSlices. None when no pod of the selector is running."""
    live = [p for p in pods if serving(p)]
    return max(live, key=lambda p: _active(p, endpoints), default=None)


def selected_pods(service: dict, pods: list[dict]) -> list[dict]:
    """The pods a Service's selector matches (none without a selector)."""
    selector = mapping(mapping(service.get("spec")).get("selector"))
    return [p for p in pods if selector and all(
        mapping(mapping(p.get("metadata")).get("labels")).get(k) == v
        for k, v in selector.items())]


def serving(pod: dict) -> bool:
    return (not mapping(pod.get("metadata")).get("deletionTimestamp")
            and text(mapping(pod.get("status")).get("phase")) == "Running")


def next_service_pod(pods: list[dict], ready: dict[str, bool], current: str,
                     listening: bool) -> tuple[bool, dict | None]:
    """Whether a Service forward moves, and to which pod (None: no pod runs). It stays while
    its pod runs and is not the one unready endpoint beside ready ones: a forward does not
    move while its pod serves."""
    now = next((p for p in pods if text(mapping(p.get("metadata")).get("name")) == current),
               None)
    if listening and now is not None and serving(now) and (
            ready.get(current) is not False or not any(ready.values())):
        return False, None
    best = choose_pod(pods, ready)
    if listening and best is not None and text(mapping(best.get("metadata")).get("name")) \
            == current:
        return False, None
    return True, best


def kubectl_portforward(namespace: str, target: str, pairs: list[PortPair],
                        address: str = "127.0.0.1") -> str:
    """``target``: ``pod/NAME`` or ``svc/NAME``."""
    ports = [str(p.remote) if p.local == p.remote else str(p) for p in pairs]
    words = ["kubectl", "port-forward", "-n", namespace, target, *ports]
    if address not in ("127.0.0.1", "localhost"):
        words += ["--address", address]
    return shlex.join(words)
