"""A forward proxy on loopback, as a bastion offers one: HTTP ``CONNECT`` (``http://``) or
SOCKS5 (``socks5://``, what ``ssh -D`` serves). It records every target it was asked for and
only ever connects to loopback. TLS passes through it untouched, as through a real one."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from tests.integration.loopback_server import LoopbackServer, pipe


class ForwardProxy(LoopbackServer):
    def __init__(self, kind: str) -> None:
        super().__init__()
        assert kind in ("http", "socks5")
        self.kind = kind
        self.targets: list[tuple[str, int]] = []  # what clients asked to reach, in order

    @property
    def url(self) -> str:
        return f"{self.kind}://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            host, port = await (self._http(reader, writer) if self.kind == "http"
                                else self._socks5(reader, writer))
            self.targets.append((host, port))
            if not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
                raise ConnectionError(f"not a loopback target: {host}")
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except (ConnectionError, OSError, ValueError, asyncio.IncompleteReadError):
            writer.close()
            return
        if self.kind == "http":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            writer.write(bytes([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def _http(self, reader, writer) -> tuple[str, int]:
        request_line = (await reader.readline()).decode("latin-1").split()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # the headers
        if len(request_line) < 2 or request_line[0] != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            raise ConnectionError("not a CONNECT")
        host, _, port = request_line[1].rpartition(":")
        return host.strip("[]"), int(port)

    async def _socks5(self, reader, writer) -> tuple[str, int]:
        version, methods = await reader.readexactly(2)
        await reader.readexactly(methods)
        if version != 5:
            raise ConnectionError("not SOCKS5")
        writer.write(bytes([5, 0]))  # no authentication
        _, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif kind == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        port = int.from_bytes(await reader.readexactly(2), "big")
        if command != 1:
            raise ConnectionError("not CONNECT")
        return host, port

