"""A long GET read as lines in batches: a followed log at thousands of lines per second.

The apiserver forwards a followed log one HTTP chunk per line. Read through httpx each chunk
costs a TLS read, an h11 event and several generator layers (~75 µs a line: a whole core at
13,000 lines/s), and a reader whose bytes are already buffered never yields the event loop,
so the UI stalls for seconds behind a chatty pod. Here the response is read by an asyncio
``Protocol`` and the socket is paused between takes: the kernel gathers what arrives
meanwhile, one read brings hundreds of lines, and they are de-chunked and split in bulk.

The parsing (``Head``, ``Dechunk``, ``Splitter``) is pure; ``read_batches`` does the I/O on
a connection the caller opened (``Cluster.line_batches``, which keeps credentials, the 401
refresh and the proxy rules in one place).
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

HEAD_MAX = 64 * 1024  # bytes: a status line and headers longer than this are not HTTP
ERROR_BODY_MAX = 1024 * 1024


class ProtocolError(Exception):
    """The server's answer is not the HTTP/1.1 this reader understands."""


@dataclass
class Head:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @classmethod
    def parse(cls, data: bytes) -> Head:
        """``data``: the bytes up to (without) the blank line."""
        status_line, *lines = data.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
        headers = []
        for line in lines:
            name, sep, value = line.partition(":")
            if not sep:
                raise ProtocolError(f"malformed header line: {line[:80]!r}")
            headers.append((name.strip(), value.strip()))
        return cls(int(parts[1]), parts[2] if len(parts) > 2 else "", headers)


class Dechunk:
    """``Transfer-Encoding: chunked`` -> the body, fed whatever bytes arrived."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._left = 0  # bytes of the current chunk still to come
        self._crlf = False  # the CRLF after a chunk's data is still to come
        self.done = False

    def feed(self, data: bytes) -> bytes:
        buf = self._data
        buf += data
        out = bytearray()
        at = 0
        while not self.done:
            if self._left:
                take = min(self._left, len(buf) - at)
                out += buf[at:at + take]
                at += take
                self._left -= take
                if self._left:
                    break
                self._crlf = True
            if self._crlf:
                if len(buf) - at < 2:
                    break
                if buf[at:at + 2] != b"\r\n":
                    raise ProtocolError("a chunk does not end with CRLF")
                at += 2
                self._crlf = False
            end = buf.find(b"\r\n", at)
            if end < 0:
                if len(buf) - at > 1024:
                    raise ProtocolError("a chunk size line is too long")
                break
            size_text = bytes(buf[at:end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError(f"bad chunk size {size_text[:20]!r}") from None
            at = end + 2
            if size == 0:
                self.done = True  # trailers, if any, are not read: the body is complete
                break
            self._left = size
        del buf[:at]
        return bytes(out)


class Splitter:
    """Body bytes -> whole lines (UTF-8, undecodable bytes replaced), split on ``\\n``; a
    ``\\r`` before it is dropped. The bytes after the last newline wait for the next feed."""

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, data: bytes) -> list[str]:
        if not data:
            return []
        data = self._rest + data
        cut = data.rfind(b"\n")
        if cut < 0:
            self._rest = data
            return []
        self._rest = data[cut + 1:]
        text = data[:cut].decode("utf-8", "replace")
        lines = text.split("\n")
        if "\r" in text:
            lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        return lines

    def finish(self) -> list[str]:
        rest, self._rest = self._rest, b""
        return self.feed(rest + b"\n") if rest else []


class Reader(asyncio.Protocol):
    """What the socket gives, kept until taken; the transport is paused by ``read_batches``
    between takes."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False
        self.error: BaseException | None = None
        self.transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.data += data
        self._wake()

    def eof_received(self) -> bool:
        self.closed = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.error = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def more(self) -> None:
        """Until something is held or the connection is over."""
        while not self.data and not self.closed:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out

    async def head(self) -> tuple[Head, bytes]:
        """The response's head, and the body bytes that came with it."""
        while True:
            end = self.data.find(b"\r\n\r\n")
            if end >= 0:
                head = Head.parse(bytes(self.data[:end]))
                rest = bytes(self.data[end + 4:])
                self.data.clear()
                return head, rest
            if len(self.data) > HEAD_MAX:
                raise ProtocolError("the response's head is too long")
            if self.closed:
                raise self.error or ConnectionError("the server closed the connection "
                                                    "before answering")
            await self.more()


def body_reader(head: Head) -> Dechunk | int | None:
    """How the body ends: chunked, after ``Content-Length`` bytes, or at close (None)."""
    if "chunked" in (head.get("transfer-encoding") or "").lower():
        return Dechunk()
    length = head.get("content-length")
    return int(length) if length and length.isdigit() else None


async def read_body(reader: Reader, head: Head, first: bytes, limit: int = ERROR_BODY_MAX) -> bytes:
    """A whole (error) body, at most ``limit`` bytes."""
    how = body_reader(head)
    out = bytearray()
    data = first
    while True:
        out += how.feed(data) if isinstance(how, Dechunk) else data
        if isinstance(how, Dechunk) and how.done or isinstance(how, int) and len(out) >= how \
                or len(out) >= limit or reader.closed and not reader.data:
            return bytes(out[:limit])
        await reader.more()
        data = reader.take()


async def read_batches(reader: Reader, head: Head, first: bytes,
                       interval: float) -> AsyncIterator[list[str]]:
    """The body's lines, one batch per ``interval`` at most: after each take the socket is
    paused for ``interval``, so a chatty stream costs one read per batch, not one per line."""
    how = body_reader(head)
    left = how if isinstance(how, int) else None
    splitter = Splitter()
    data = first
    transport = reader.transport
    while True:
        if isinstance(how, Dechunk):
            body = how.feed(data)
            over = how.done
        elif left is not None:
            body = data[:left]
            left -= len(body)
            over = left <= 0
        else:
            body = data
            over = False
        lines = splitter.feed(body)
        over = over or reader.closed and not reader.data
        if over:
            if reader.error is not None and not (isinstance(how, Dechunk) and how.done):
                if lines:
                    yield lines
                raise reader.error
            lines += splitter.finish()
        if lines:
            yield lines
        if over:
            return
        if transport is not None and not transport.is_closing():
            transport.pause_reading()
            await asyncio.sleep(interval)
            if not transport.is_closing():
                transport.resume_reading()
        await reader.more()
        data = reader.take()


def proxied(url: str) -> bool:
    """Whether httpx would send a request to ``url`` through a proxy from the environment
    (``HTTPS_PROXY``, ``ALL_PROXY``, not bypassed by ``NO_PROXY``): such a stream is left to
    httpx, which speaks to proxies."""
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(parts.hostname or "", proxies)


async def open_get(server: str, path: str, params: dict[str, str], headers: dict[str, str],
                   context: ssl.SSLContext | None, server_name: str | None,
                   connect_timeout: float) -> tuple[Reader, Head, bytes]:
    """A GET on a new direct connection to ``server`` (its URL, with any path prefix):
    the reader (its transport to close), the response's head and the first body bytes."""
    parts = urlsplit(server)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    loop = asyncio.get_running_loop()
    transport, reader = await asyncio.wait_for(loop.create_connection(
        Reader, host, parts.port or (443 if secure else 80),
        ssl=(context or ssl.create_default_context()) if secure else None,
        server_hostname=(server_name or host) if secure else None), connect_timeout)
    target = parts.path.rstrip("/") + path + ("?" + urlencode(params) if params else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc.rpartition('@')[2]}",
             *(f"{k}: {v}" for k, v in headers.items()), "Connection: close", "", ""]
    try:
        transport.write("\r\n".join(lines).encode("latin-1"))
        head, first = await reader.head()
    except BaseException:
        transport.close()
        raise
    return reader, head, first


async def batched(lines: AsyncIterator[str], interval: float = 0.05) -> AsyncIterator[list[str]]:
    """``lines`` gathered into one batch per ``interval`` (the httpx path, through a proxy):
    a chatty stream costs the view one repaint per batch. A failure of the stream is raised
    after the lines read before it were given."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    failure: list[BaseException] = []

    async def read() -> None:
        try:
            async for line in lines:
                queue.put_nowait(line)
        except Exception as exc:  # noqa: BLE001 - handed to the reader below
            failure.append(exc)
        finally:
            queue.put_nowait(None)

    reader = asyncio.create_task(read())
    try:
        done = False
        while not done:
            first = await queue.get()
            batch = [] if first is None else [first]
            done = first is None
            if not done:
                await asyncio.sleep(interval)
            while not done and not queue.empty():
                item = queue.get_nowait()
                if item is None:
                    done = True
                else:
                    batch.append(item)
            if batch:
                yield batch
        if failure:
            raise failure[0]
    finally:
        reader.cancel()
