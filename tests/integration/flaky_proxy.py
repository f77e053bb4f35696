"""A TCP proxy on loopback that can lose what passes through it, for "the answer never came".

TLS passes through untouched (the apiserver's certificate is valid for 127.0.0.1). For the next
``n`` connections it accepts, it can swallow the server's response (the request happened, its
answer is lost) or the client's request too (nothing happened). Only ever forwards to loopback.
"""

from __future__ import annotations

import asyncio

from tests.integration.loopback_server import LoopbackServer, pipe


class FlakyProxy(LoopbackServer):
    def __init__(self, target_port: int, listen_host: str = "127.0.0.1") -> None:
        # listen_host: another loopback address is a tunnel on a name the certificate lacks
        super().__init__(listen_host)
        self.target = ("127.0.0.1", target_port)
        self.lose: list[str] = []  # per next connection: "response" | "request" | "none"
        self.connections = 0
        self._open: list[asyncio.StreamWriter] = []

    def cut(self) -> None:
        """Drop every open connection at once, as a network failure would."""
        for writer in self._open:
            writer.transport.abort()
        self._open.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._open.append(writer)
        mode = self.lose.pop(0) if self.lose else "none"
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        client_flights = [0]

        def client_says(data: bytes) -> bool:
            client_flights[0] += 1
            # "request": only the ClientHello passes; the server never completes the
            # handshake, so it never sees the request.
            return not (mode == "request" and client_flights[0] > 1)

        def server_says(data: bytes) -> bool:
            # "response": once the client has sent its Finished (anything after the
            # ClientHello), everything the server says is lost, the response included.
            return not (mode == "response" and client_flights[0] > 1)

        await asyncio.gather(pipe(reader, up_writer, client_says),
                             pipe(up_reader, writer, server_says))
