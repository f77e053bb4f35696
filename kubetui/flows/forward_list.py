"""The open port-forwards, owned by the app: each local port with its tunnel, the pod serving it
now, and what happened to that pod.

A forward follows its target from the live stores, not by polling: the pods of its namespace
(kept whole, one watch per namespace however many forwards) and, for a Service, the namespace's
endpoints. When the serving pod goes away, stops running or leaves the Service's ready
endpoints, a Service forward moves to another pod (``choose_pod``: a ready endpoint first) and
says so; a pod forward waits for a pod of the same name and says it is gone meanwhile. The next
connection goes to the pod chosen; one open on the old pod ends with it.

Every connection opens a new stream with the credentials of the moment (``Cluster.websocket``
refreshes an expired token), so a dropped apiserver connection costs only the connections it
carried. The view reads ``rows()`` (immutable) and is told of changes (``subscribe``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.app import App

from kubetui.host import host
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.live.held import Held

if TYPE_CHECKING:  # loaded with the first forward (the list itself is part of start-up)
    from kubetui.k8s.forward.plan import Target
    from kubetui.k8s.forward.tunnel import Tunnel

LISTENING, WAITING, STOPPED = "listening", "waiting", "stopped"


@dataclass
class Forward:
    """One local port carried to ``target``'s ``remote`` port (as typed: a Service port, or a
    pod port by number or name)."""

    number: int  # in the order opened: the view's key
    target: Target
    remote: int | str
    tunnel: Tunnel
    pod: str  # serving now ("" when none)
    service: dict | None = None  # the Service's object, read when the forward was planned
    state: str = LISTENING
    note: str = ""  # the last thing that happened to it, in words
    started: float = field(default_factory=time.time)

    @property
    def address(self) -> str:
        return self.tunnel.address

    @property
    def local(self) -> str:
        host_part = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host_part}:{self.tunnel.local_port}"

    def target_pod(self) -> str | None:
        """Asked by the tunnel at each new connection."""
        return self.pod if self.state == LISTENING and self.pod else None


@dataclass(frozen=True)
class ForwardRow:
    """What the forwards view draws of one forward (immutable)."""

    number: int
    local: str
    target: str
    remote: str
    pod: str
    pod_port: int
    bytes_in: int
    bytes_out: int
    open: int
    total: int
    state: str
    note: str
    error: str
    address: str = "127.0.0.1"
    port: int = 0  # the local port
    kubectl: str = ""  # the kubectl port-forward that does what this forward does

    @property
    def key(self) -> str:
        return str(self.number)


class Forwards:
    def __init__(self, app: App) -> None:
        self.app = app
        self.forwards: dict[int, Forward] = {}
        self._numbers = 0
        self._held: dict[str, Held] = {}  # namespace -> the stores its forwards follow
        self._subscribers: list[Callable[[], Any]] = []
        self._tell_pending = False

    def __len__(self) -> int:
        return len(self.forwards)

    # -- what the view reads -------------------------------------------------------------------
    def rows(self) -> list[ForwardRow]:
        from kubetui.k8s.forward.ports import PortPair, kubectl_portforward

        return [ForwardRow(f.number, f.local, str(f.target), str(f.remote), f.pod,
                           f.tunnel.remote_port, f.tunnel.counters.bytes_in,
                           f.tunnel.counters.bytes_out, f.tunnel.counters.open,
                           f.tunnel.counters.total, f.state, f.note, f.tunnel.last_error,
                           f.address, f.tunnel.local_port,
                           kubectl_portforward(f.target.namespace, f.target.ref,
                                               [PortPair(f.tunnel.local_port, f.remote)],
                                               f.address))
                for f in self.forwards.values()]

    def subscribe(self, subscriber: Callable[[], Any]) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber) \
            if subscriber in self._subscribers else None

    def changed(self) -> None:
        """Told by tunnels (a connection, an error) and by the following: one repaint per turn
        of the message loop however many changes came meanwhile."""
        if not self._tell_pending:
            self._tell_pending = True
            self.app.call_later(self._tell)

    def _tell(self) -> None:
        self._tell_pending = False
        host(self.app).forward_count = len(self.forwards)
        for subscriber in list(self._subscribers):
            subscriber()

    # -- opening and closing -------------------------------------------------------------------
    def tunnel_for(self, target: Target, pod_port: int, address: str,
                   local_port: int) -> tuple[Tunnel, Callable[[Forward], None]]:
        """A tunnel not yet listening, and how to bind it to its ``Forward`` once it is."""
        from kubetui.k8s.forward.tunnel import Tunnel

        box: list[Forward] = []
        tunnel = Tunnel(host(self.app).cluster, target.namespace,
                        lambda: box[0].target_pod() if box else None, pod_port, address,
                        local_port, changed=self.changed)
        return tunnel, box.append

    def add(self, target: Target, remote: int | str, tunnel: Tunnel, bind: Callable,
            pod: str, service: dict | None) -> Forward:
        self._numbers += 1
        forward = Forward(self._numbers, target, remote, tunnel, pod, service)
        bind(forward)
        self.forwards[forward.number] = forward
        self._follow(target.namespace, service is not None)
        self.changed()
        return forward

    def remove(self, forward: Forward) -> None:
        """After its tunnel stopped: no longer listed, and its namespace's stores given back
        once no forward follows them."""
        forward.state = STOPPED
        self.forwards.pop(forward.number, None)
        namespace = forward.target.namespace
        if not any(f.target.namespace == namespace for f in self.forwards.values()):
            held = self._held.pop(namespace, None)
            if held is not None:
                held.release()
        self.changed()

    def replace_tunnel(self, forward: Forward, tunnel: Tunnel, bind: Callable) -> None:
        """A new local port: the new tunnel listens already; the old one is the caller's to
        stop."""
        forward.tunnel = tunnel
        bind(forward)
        forward.note = f"moved to {forward.local}"
        self.changed()

    # -- following the target ------------------------------------------------------------------
    def _follow(self, namespace: str, service: bool) -> None:
        from kubetui.k8s.kinds.endpoints import endpoint_scope
        from kubetui.k8s.triage.run import whole
        from kubetui.k8s.watch.reflector import ResourceScope

        held = self._held.get(namespace)
        if held is None:
            held = self._held[namespace] = Held(host(self.app).stores,
                                                lambda _change: self._reresolve(namespace))
            held.acquire("pods", ResourceScope("v1", "pods", namespace), whole,
                         what=f"watch pods in {namespace} (port-forwards)")
        if service and held.get("endpoints") is None:
            scope, row = endpoint_scope(host(self.app).info.discovery, namespace)
            held.acquire("endpoints", scope, row,
                         what=f"watch endpoints in {namespace} (port-forwards)")

    def _reresolve(self, namespace: str) -> None:
        held = self._held.get(namespace)
        if held is None or held.get("pods") is None or not held.stores["pods"].synced:
            return
        pods = held.objects("pods")
        if pods is None:
            return
        by_name = {text(mapping(p.get("metadata")).get("name")): p for p in pods}
        for forward in list(self.forwards.values()):
            if forward.target.namespace != namespace:
                continue
            if forward.target.kind == "service":
                self._service_pod(forward, pods, held)
            else:
                self._pod_back_or_gone(forward, by_name.get(forward.target.name))

    def _pod_back_or_gone(self, forward: Forward, pod: dict | None) -> None:
        from kubetui.k8s.forward.ports import PortError, resolve_pod_port, serving

        gone = pod is None or bool(mapping(pod.get("metadata")).get("deletionTimestamp"))
        if not gone and forward.state == WAITING and pod is not None and not serving(pod):
            return  # back, but not running yet: its port cannot answer
        if gone and forward.state == LISTENING:
            forward.state = WAITING
            forward.note = f"pod {forward.target.name} is gone: waiting for it to return"
            self._say(forward, forward.note, "warning")
        elif not gone and forward.state == WAITING and pod is not None:
            try:
                forward.tunnel.remote_port = resolve_pod_port(pod, forward.remote)
            except PortError as error:
                forward.note = str(error)
                self.changed()
                return
            forward.state, forward.pod = LISTENING, forward.target.name
            forward.note = f"pod {forward.target.name} is back"
            self._say(forward, forward.note, "information")
        self.changed()

    def _service_pod(self, forward: Forward, pods: list[dict], held: Held) -> None:
        from kubetui.k8s.forward.ports import (
            PortError,
            next_service_pod,
            resolve_service_port,
            selected_pods,
        )
        from kubetui.live.kind_joins import service_readiness

        service = forward.service or {}
        endpoints = held.get("endpoints")
        ready = service_readiness(endpoints, forward.target.namespace,
                                  forward.target.name).pods if endpoints is not None else {}
        move, best = next_service_pod(selected_pods(service, pods), ready, forward.pod,
                                      forward.state == LISTENING)
        if not move:
            return
        if best is None:
            if forward.state != WAITING:
                forward.state = WAITING
                forward.note = (f"pod {forward.pod} is gone and the Service has no running "
                                "pod: waiting for one")
                self._say(forward, forward.note, "warning")
            return
        try:
            forward.tunnel.remote_port = resolve_service_port(service, best, forward.remote)
        except PortError as error:
            forward.note = str(error)
            self.changed()
            return
        name = text(mapping(best.get("metadata")).get("name"))
        before, forward.pod, forward.state = forward.pod, name, LISTENING
        forward.note = (f"pod {name} is back" if before == name
                        else f"re-resolved: pod {before or '(none)'} → {name}")
        self._say(forward, forward.note, "information")

    def _say(self, forward: Forward, what: str, severity: str) -> None:
        host(self.app).timeline.record("forward", f"port-forward {forward.local}: {what}",
                                       namespace=forward.target.namespace,
                                       object=forward.target.object)
        self.app.notify(f"{forward.local} → {forward.target}: {what}", title="Port-forward",
                        severity=severity, timeout=6)  # type: ignore[arg-type]
        self.changed()

    def shut(self) -> None:
        """The app is exiting, however it exits: no local port stays open behind it."""
        for forward in self.forwards.values():
            forward.tunnel.close_now()
        self.forwards.clear()
        self.close()

    def close(self) -> None:
        """The watches given back (the app quits, or another context)."""
        for held in self._held.values():
            held.release()
        self._held.clear()

