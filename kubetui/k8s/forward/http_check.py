"""An HTTP request sent through a forward, typed as a line (``GET /healthz -H 'Accept:
application/json'``), and its answer read back: status, headers, timing and the first KB of
the body. On a bastion this replaces a second shell for curl; the curl equivalent is shown.

Pure: the request's bytes and the answer's parsing. The body is kept as bytes (shown through
the plain-text rule by the view, never interpreted).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from kubetui.k8s.forward.ports import PortError
from kubetui.k8s.transport.lines import Dechunk, Head, ProtocolError

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
PREVIEW = 1024  # body bytes shown


@dataclass(frozen=True)
class HttpCheck:
    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


def parse_check(typed: str) -> HttpCheck:
    """``[METHOD] PATH [-H 'Name: value']... [-d BODY]``, as curl spells headers and data."""
    try:
        words = shlex.split(typed)
    except ValueError as error:
        raise PortError(f"the request does not parse: {error}") from None
    method = "GET"
    if words and words[0].upper() in METHODS:
        method = words.pop(0).upper()
    if not words or not words[0].startswith("/"):
        raise PortError("a path is needed, starting with / (e.g. GET /healthz)")
    path, rest = words[0], words[1:]
    if any(c in path for c in " \r\n"):
        raise PortError("the path may not hold spaces or line breaks")
    headers: list[tuple[str, str]] = []
    body = ""
    while rest:
        flag = rest.pop(0)
        if flag not in ("-H", "-d") or not rest:
            raise PortError(f"{flag!r}: only -H 'Name: value' and -d BODY follow the path")
        value = rest.pop(0)
        if flag == "-d":
            body = value
            continue
        name, sep, content = value.partition(":")
        if not sep or not name.strip() or any(c in value for c in "\r\n"):
            raise PortError(f"{value!r} is not a header (Name: value)")
        headers.append((name.strip(), content.strip()))
    if body and method == "GET":
        method = "POST"  # as curl -d does
    return HttpCheck(method, path, tuple(headers), body)


def request_bytes(check: HttpCheck, host: str) -> bytes:
    """The request on the wire: HTTP/1.1, ``Connection: close`` (one request per check)."""
    names = {name.lower() for name, _ in check.headers}
    lines = [f"{check.method} {check.path} HTTP/1.1"]
    if "host" not in names:
        lines.append(f"Host: {host}")
    if "user-agent" not in names:
        lines.append("User-Agent: kubetui")
    lines += [f"{name}: {value}" for name, value in check.headers]
    body = check.body.encode()
    if body or check.method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    lines += ["Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1", "replace") + body


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes  # the first ``PREVIEW`` bytes (de-chunked)
    more: bool  # the body went on past them


def parse_answer(data: bytes) -> Answer:
    """The answer as far as it was read (the first KB of its body is enough)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise ProtocolError("the answer ended before its headers did" if data else
                            "the server closed the connection without answering")
    head = Head.parse(data[:end])
    rest = data[end + 4:]
    if "chunked" in (head.get("transfer-encoding") or "").lower():
        rest = Dechunk().feed(rest)
    return Answer(head.status, head.reason, tuple(head.headers), rest[:PREVIEW],
                  len(rest) > PREVIEW)


def answer_complete(data: bytes, method: str) -> bool:
    """Whether ``data`` holds the whole answer, so the check's time is the answer's and not the
    stream's close (the kubelet ends a forward's stream about a second after the pod's side
    closed). Without a length or chunked end, the answer ends when the connection does."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    try:
        head = Head.parse(data[:end])
    except ProtocolError:
        return True  # nothing more will make sense of it
    if method == "HEAD" or head.status in (204, 304) or 100 <= head.status < 200:
        return True
    body = data[end + 4:]
    if "chunked" in (head.get("transfer-encoding") or "").lower():
        return body.endswith(b"0\r\n\r\n")
    length = head.get("content-length")
    return length is not None and length.strip().isdigit() and len(body) >= int(length)


def connect_address(address: str) -> str:
    """Where to connect to reach a forward listening on ``address`` (every interface is
    reached on loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "localhost": "127.0.0.1"}.get(address, address)


def curl_command(address: str, port: int, check: HttpCheck) -> str:
    address = connect_address(address)
    host = f"[{address}]" if ":" in address else address
    words = ["curl", "-sS", "-i"]
    if check.method != ("POST" if check.body else "GET"):
        words += ["-X", check.method]
    for name, value in check.headers:
        words += ["-H", f"{name}: {value}"]
    if check.body:
        words += ["-d", check.body]
    return shlex.join([*words, f"http://{host}:{port}{check.path}"])
