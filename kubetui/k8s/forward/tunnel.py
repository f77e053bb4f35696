"""One local port carried to one pod's port: a local listener, and per connection accepted a
port-forward stream (``pods/NAME/portforward``, WebSocket ``v4.channel.k8s.io``) that the bytes
are copied through, both ways, counted.

The pod is asked for at each new connection (``target``), so a Service forward whose pod went
away sends the next connection to the pod the caller chose since; a connection open on the old
pod ends with it. The WebSocket has no half-close: when the local side stops sending, the
stream is closed once the pod's answer has stopped coming (``DRAIN`` s of silence), which
keeps a request-then-close client (curl, an HTTP/1.0 client) whole.

Failures are kept as text (``last_error``) for the forwards view: a refused dial (nothing
listens on the pod's port), a 403, a pod that is gone. Nothing here retries a connection: the
client that opened it sees it closed, as with kubectl.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass

from kubetui.k8s.forward.ports import PortError
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.portforward import (
    DATA,
    ERROR,
    PROTOCOLS,
    port_frames,
    portforward_path,
    refused_upgrade,
    runtime_error,
)

CHUNK = 64 * 1024
BACKLOG = 1024 * 1024  # bytes waiting for the local client before the pod's side waits too
DRAIN = 1.0  # seconds of silence from the pod after the local side stopped sending


def port_free(address: str, port: int) -> bool:
    """Whether ``port`` can be listened on at ``address`` now (the form's suggestion)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


@dataclass
class Counters:
    bytes_in: int = 0  # from the pod to the local client
    bytes_out: int = 0  # from the local client to the pod
    open: int = 0  # connections open now
    total: int = 0  # connections accepted


class Tunnel:
    def __init__(self, cluster: Cluster, namespace: str, target: Callable[[], str | None],
                 remote_port: int, address: str = "127.0.0.1", local_port: int = 0,
                 changed: Callable[[], None] = lambda: None) -> None:
        self.cluster, self.namespace = cluster, namespace
        self.target, self.remote_port = target, remote_port
        self.address, self.local_port = address, local_port
        self.changed = changed  # told when counters or the error change
        self.counters = Counters()
        self.last_error = ""
        self.pod = ""  # the pod the last connection went to
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task] = set()

    async def start(self) -> int:
        """Listen; the local port (a free one when 0 was asked)."""
        try:
            self._server = await asyncio.start_server(self._accepted, self.address,
                                                      self.local_port)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortError(f"local port {self.local_port} is already in use on "
                                f"{self.address}: choose another (0: a free one)") from None
            if error.errno == errno.EACCES:
                raise PortError(f"local port {self.local_port} needs privileges on "
                                f"{self.address}: choose one above 1023") from None
            raise PortError(f"cannot listen on {self.address}:{self.local_port}: "
                            f"{error.strerror or error}") from None
        self.local_port = self._server.sockets[0].getsockname()[1]
        return self.local_port

    def close_now(self) -> None:
        """Stop listening and end the connections without waiting (the app is exiting)."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _accepted(self, reader: asyncio.StreamReader,
                        writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self.counters.open += 1
        self.counters.total += 1
        self.changed()
        try:
            await self._carry(reader, writer)
        except asyncio.CancelledError:
            pass  # stopped: the connection ends here (asyncio would log the cancellation)
        finally:
            self._connections.discard(task)
            self.counters.open -= 1
            writer.close()
            self.changed()

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pod = self.target()
        if not pod:
            self._failed("no pod to forward to")
            return
        self.pod = pod
        what = f"port-forward to {self.namespace}/{pod}:{self.remote_port}"
        try:
            async with self.cluster.websocket(
                    portforward_path(self.namespace, pod), what=what,
                    params=[("ports", str(self.remote_port))], subprotocols=PROTOCOLS) as ws:
                local_done = asyncio.Event()
                up = asyncio.create_task(self._up(reader, ws, local_done))
                try:
                    await self._down(ws, writer, local_done)
                finally:
                    up.cancel()
                    await asyncio.gather(up, return_exceptions=True)
        except KubeError as error:
            self._failed(str(refused_upgrade(error, self.namespace)))

    async def _up(self, reader: asyncio.StreamReader, ws, local_done: asyncio.Event) -> None:
        """Local client -> pod."""
        try:
            while data := await reader.read(CHUNK):
                await ws.send_bytes(bytes([DATA]) + data)
                self.counters.bytes_out += len(data)
        except (ConnectionError, OSError):
            pass
        local_done.set()

    async def _down(self, ws, writer: asyncio.StreamWriter, local_done: asyncio.Event) -> None:
        """Pod -> local client, until the stream ends, the pod's dial fails, or the local
        side is done and the pod has been silent for ``DRAIN`` s."""
        async for channel, data in port_frames(
                ws, lambda: DRAIN if local_done.is_set() else None):
            if channel == ERROR:
                self._failed(runtime_error(data.decode(errors="replace")))
                return
            if channel == DATA:
                writer.write(data)
                self.counters.bytes_in += len(data)
                if writer.transport.get_write_buffer_size() > BACKLOG:
                    try:  # a slow local client holds the pod's stream back, no further
                        await writer.drain()
                    except (ConnectionError, OSError):
                        return
                elif writer.is_closing():
                    return

    def _failed(self, reason: str) -> None:
        self.last_error = reason
        self.changed()
