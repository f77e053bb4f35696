"""A TCP proxy on loopback that can lose what passes through it, for "the answer never came".

TLS passes through untouched (the apiserver's certificate is valid for 127.0.0.1). For the next
``n`` connections it accepts, it can swallow the server's response (the request happened, its
answer is lost) or the client's request too (nothing happened). Only ever forwards to loopback.
"""

from __future__ import annotations

import asyncio
import contextlib


class FlakyProxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.lose: list[str] = []  # per next connection: "response" | "request" | "none"
        self.connections = 0
        self._open: list[asyncio.StreamWriter] = []
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self) -> FlakyProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

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

        async def upstream() -> None:  # client -> server
            try:
                while data := await reader.read(65536):
                    client_flights[0] += 1
                    # "request": only the ClientHello passes; the server never completes the
                    # handshake, so it never sees the request.
                    if mode == "request" and client_flights[0] > 1:
                        continue
                    up_writer.write(data)
                    await up_writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    up_writer.close()

        async def downstream() -> None:  # server -> client
            try:
                while data := await up_reader.read(65536):
                    # "response": once the client has sent its Finished (anything after the
                    # ClientHello), everything the server says is lost, the response included.
                    if mode == "response" and client_flights[0] > 1:
                        continue
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    writer.close()

        await asyncio.gather(upstream(), downstream())
