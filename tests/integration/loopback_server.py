"""A TCP server on a loopback address for the tests' stand-ins (a flaky link, a tunnel, a
forward proxy): started on a free port, stopped without waiting on its open connections."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable


class LoopbackServer:
    def __init__(self, listen_host: str = "127.0.0.1") -> None:
        self.listen_host = listen_host
        self.port = 0
        self._server: asyncio.AbstractServer | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def start(self):
        self._server = await asyncio.start_server(self._handle, self.listen_host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               passes: Callable[[bytes], bool] = lambda data: True) -> None:
    """Copy ``reader`` to ``writer`` until either side ends; ``passes`` may swallow a read."""
    try:
        while data := await reader.read(65536):
            if passes(data):
                writer.write(data)
                await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
