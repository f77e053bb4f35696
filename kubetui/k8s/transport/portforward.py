"""A TCP connect to a pod's port through the apiserver's port-forward stream (WebSocket).

The probe runner's ``tcpSocket`` probes and a read-only reachability check use it: no exec, no
process in the container. The protocol (``v4.channel.k8s.io`` on ``pods/portforward``): for the
i-th port, channel 2i carries data and 2i+1 errors; the first message on each channel starts
with the port number (2 bytes, little-endian). The kubelet asks the runtime to dial the port as
soon as the stream opens; a refused dial comes back as text on the error channel
("... connect: connection refused"), within milliseconds.

A successful dial sends nothing back: the runtime just starts copying bytes. So "connected" is
the absence of an error for the probe's ``timeoutSeconds`` (or data from a server that speaks
first). Two honest limits, said wherever the result is shown: a dial that hangs (a filtered
port) looks the same as a connected one, and containerd dials ``localhost:PORT`` inside the pod's
network namespace while the kubelet's probe dials the pod IP, so a server bound to 127.0.0.1
passes here and fails there.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import quote

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.compat import TIMEOUTS, timeout
from kubetui.k8s.transport.errors import ErrorKind, KubeError

PROTOCOLS = ["v4.channel.k8s.io"]
DATA, ERROR = 0, 1


def portforward_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(pod)}/portforward"


def kubectl_portforward(namespace: str, pod: str, port: int) -> str:
    return f"kubectl port-forward -n {namespace} pod/{pod} {port}:{port}"


@dataclass
class ChannelReader:
    """Splits the port-number prefix off each channel's first bytes (pure, unit-tested)."""

    header_left: dict[int, int]

    @classmethod
    def for_ports(cls, count: int = 1) -> ChannelReader:
        return cls({channel: 2 for channel in range(2 * count)})

    def feed(self, message: bytes) -> tuple[int, bytes] | None:
        """(channel, payload) of one WebSocket message, without the port prefix; None when the
        message held only (part of) the prefix."""
        if not message:
            return None
        channel, data = message[0], message[1:]
        left = self.header_left.get(channel, 0)
        if left:
            taken = min(left, len(data))
            self.header_left[channel] = left - taken
            data = data[taken:]
        return (channel, data) if data else None


def port_prefix(port: int) -> bytes:
    return struct.pack("<H", port)


@dataclass(frozen=True)
class Connect:
    connected: bool
    message: str  # the runtime's refusal, or how success was decided


async def tcp_connect(cluster: Cluster, namespace: str, pod: str, port: int,
                      wait: float) -> Connect:
    """Open a port-forward to ``port`` and decide within ``wait`` seconds. Transport and
    RBAC failures raise ``KubeError``; a refused dial is a ``Connect(False, ...)``."""
    what = f"port-forward to {namespace}/{pod}:{port}"
    error = bytearray()
    async with cluster.websocket(portforward_path(namespace, pod), what=what,
                                 params=[("ports", str(port))], subprotocols=PROTOCOLS) as ws:
        try:
            async with timeout(wait):
                async for channel, data in port_frames(ws):
                    if channel == ERROR:
                        error += data
                        # The error text arrives whole in one message; a few ms more would
                        # only lengthen the wait.
                        break
                    if channel == DATA:
                        return Connect(True, f"connected; the server spoke first "
                                             f"({len(data)} bytes)")
        except TIMEOUTS:
            pass
    if error:
        return Connect(False, runtime_error(error.decode(errors="replace")))
    return Connect(True, f"connected: no refusal within {wait:g} s")


async def port_frames(ws, silence: Callable[[], float | None] = lambda: None
                      ) -> AsyncIterator[tuple[int, bytes]]:
    """The (channel, data) frames of one forwarded port, until the stream closes or, while
    ``silence()`` gives a number of seconds, nothing came for that long."""
    channels = ChannelReader.for_ports(1)
    while True:
        wait = silence()
        try:
            message = await (asyncio.wait_for(ws.receive_bytes(), wait) if wait
                             else ws.receive_bytes())
        except Exception:  # noqa: BLE001 - the stream closed, or stayed silent
            return
        frame = channels.feed(message)
        if frame is not None:
            yield frame


def runtime_error(text: str) -> str:
    """The useful tail of the kubelet's "error forwarding port ...: failed to execute
    portforward in network namespace ...: ... dial tcp4 127.0.0.1:81: connect: connection
    refused"."""
    text = text.strip()
    text = text.split(" IPv6 ")[0]  # containerd appends its (failed) IPv6 attempt
    for marker in ("dial tcp4 ", "dial tcp "):
        at = text.rfind(marker)
        if at != -1:
            return text[at:]
    return text or "the port-forward failed without a message"


def refused_upgrade(error: KubeError, namespace: str) -> KubeError:
    if error.kind == ErrorKind.FORBIDDEN:
        return KubeError(ErrorKind.FORBIDDEN, f"{error.summary}",
                         f"needs get (and, from 1.35, create) on pods/portforward in "
                         f"{namespace}", error.status)
    return error
