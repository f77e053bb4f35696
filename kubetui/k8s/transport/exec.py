"""Exec and attach over WebSocket, on kubetui's own authenticated connection, without kubectl.

The Kubernetes streaming protocol (``v5.channel.k8s.io``, else ``v4.channel.k8s.io``; 1.20 serves
v4): every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (the
exit status), 4 resize (``{"Width": w, "Height": h}``). v5's 255 (close one stream) is not
needed: an interactive session ends with its process, and a command without input gets no
stdin. The exit status on channel 3 is a ``metav1.Status`` (``Success``, or ``NonZeroExitCode``
with the code in ``details.causes[reason=ExitCode]``); without a subprotocol 1.20 sends plain
text instead ("command terminated with non-zero exit code: ... exit code 3"): both are read.

The shell, the debug-container attach and the probe runner all go through ``open_stream``; the
request is a pure value (``ExecRequest``) so screens can show it and its kubectl equivalent.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.readonly import READ_ONLY
from kubetui.k8s.transport.shapes import mapping
from kubetui.k8s.transport.shapes import text as text_of

if TYPE_CHECKING:  # httpx-ws is imported with the first stream (Cluster.websocket)
    from httpx_ws import AsyncWebSocketSession

SUBPROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
STDIN, STDOUT, STDERR, ERROR, RESIZE = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class ExecRequest:
    """One exec (a command) or attach (the container's main process), as a pure value."""

    namespace: str
    pod: str
    container: str
    command: tuple[str, ...] = ()  # exec only
    stdin: bool = False
    tty: bool = False
    attach: bool = False

    @property
    def path(self) -> str:
        sub = "attach" if self.attach else "exec"
        return (f"/api/v1/namespaces/{quote(self.namespace)}/pods/{quote(self.pod)}/{sub}")

    @property
    def params(self) -> list[tuple[str, str]]:
        params = [("container", self.container), ("stdout", "true"),
                  ("stderr", "false" if self.tty else "true")]
        if self.stdin:
            params.append(("stdin", "true"))
        if self.tty:
            params.append(("tty", "true"))
        if not self.attach:
            params += [("command", arg) for arg in self.command]
        return params

    @property
    def what(self) -> str:
        verb = "attach to" if self.attach else "exec in"
        return f"{verb} {self.namespace}/{self.pod} ({self.container})"

    def kubectl(self) -> str:
        flags = ("-i" if self.stdin else "") + ("t" if self.tty and self.stdin else "")
        parts = ["kubectl", "attach" if self.attach else "exec", *([flags] if flags else []),
                 "-n", self.namespace, self.pod, "-c", self.container]
        if not self.attach:
            parts += ["--", *self.command]
        return shlex.join(parts)


@dataclass(frozen=True)
class ExitStatus:
    """How the process ended. ``code`` None: the exec itself failed (``message`` says why)."""

    code: int | None
    message: str = ""
    reason: str = ""

    @property
    def command_not_found(self) -> bool:
        text = self.message.lower()
        return self.code is None and ("executable file not found" in text
                                      or "no such file or directory" in text)


_PLAIN_CODE = re.compile(r"exit code (\d+)")


def parse_status(payload: bytes) -> ExitStatus:
    """The channel-3 message: a JSON metav1.Status, or 1.20's plain text without a protocol."""
    text = payload.decode(errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if data.get("status") == "Success":
            return ExitStatus(0)
        message, reason = str(data.get("message") or ""), str(data.get("reason") or "")
        if reason == "NonZeroExitCode":
            details = data.get("details") if isinstance(data.get("details"), dict) else {}
            for cause in details.get("causes") or ():
                if isinstance(cause, dict) and cause.get("reason") == "ExitCode":
                    try:
                        return ExitStatus(int(cause.get("message")), message, reason)
                    except (TypeError, ValueError):
                        break
        return ExitStatus(None, message or text, reason)
    match = _PLAIN_CODE.search(text)
    if match and "non-zero exit code" in text:
        return ExitStatus(int(match.group(1)), text, "NonZeroExitCode")
    return ExitStatus(None if text else 0, text)


def frame(channel: int, data: bytes) -> bytes:
    return bytes([channel]) + data


def resize_frame(width: int, height: int) -> bytes:
    return frame(RESIZE, json.dumps({"Width": width, "Height": height}).encode())


class ExecStream:
    """An open exec/attach stream: send stdin and resizes, read (channel, bytes) frames."""

    def __init__(self, ws: AsyncWebSocketSession, request: ExecRequest) -> None:
        self._ws = ws
        self.request = request
        self.protocol = ws.subprotocol or ""
        self.status: ExitStatus | None = None

    async def send(self, data: bytes) -> None:
        await self._ws.send_bytes(frame(STDIN, data))

    async def resize(self, width: int, height: int) -> None:
        await self._ws.send_bytes(resize_frame(width, height))

    async def frames(self) -> AsyncIterator[tuple[int, bytes]]:
        """Output frames until the stream ends; channel 3 sets ``status`` and is not yielded."""
        from httpx_ws import HTTPXWSException, WebSocketDisconnect

        while True:
            try:
                message = await self._ws.receive_bytes()
            except WebSocketDisconnect:
                break
            except HTTPXWSException as exc:
                if self.status is not None:
                    break
                raise KubeError(ErrorKind.UNREACHABLE, f"{self.request.what}: the connection "
                                f"dropped", str(exc) or type(exc).__name__) from None
            if not message:
                continue
            channel, data = message[0], message[1:]
            if channel == ERROR:
                self.status = parse_status(data)
            elif channel in (STDOUT, STDERR) and data:
                yield channel, data
        if self.status is None:
            # The server closes with a status; a bare close after output means success on
            # servers that send nothing for exit 0.
            self.status = ExitStatus(0)


def explain(error: KubeError, request: ExecRequest, pod: dict | None = None) -> KubeError:
    """A refused upgrade in words: which right is missing, or why the container cannot run it.
    ``pod`` (read after the failure) tells a missing container from a stopped one: the kubelet
    says "container not found" for both."""
    sub = "attach" if request.attach else "exec"
    if error.reason == READ_ONLY:
        return error
    if error.kind == ErrorKind.FORBIDDEN:
        return KubeError(ErrorKind.FORBIDDEN, f"{request.what}: forbidden by RBAC",
                         f"needs get (and, from 1.35, create) on pods/{sub} in "
                         f"{request.namespace}. {error.hint}", error.status)
    text = f"{error.summary} {error.hint}".lower()
    if pod is not None:
        spec, status = mapping(pod.get("spec")), mapping(pod.get("status"))
        names = [text_of(mapping(c).get("name")) for key in ("initContainers", "containers",
                                                          "ephemeralContainers")
                 for c in spec.get(key) or () if isinstance(c, dict)]
        if request.container not in names:
            return KubeError(ErrorKind.INVALID, f"{request.what}: no container "
                             f'"{request.container}" in this pod',
                             f"it has: {', '.join(names) or 'none'}", error.status)
        state = container_state(status, request.container)
        if state and state[0] != "running":
            return KubeError(ErrorKind.INVALID, f"{request.what}: the container is not running",
                             f"it is {state[0]}" + (f" ({state[1]})" if state[1] else "") +
                             "; an ephemeral debug container can run beside it",
                             error.status)
    if "container not found" in text or "is not valid for pod" in text:
        return KubeError(ErrorKind.INVALID, f"{request.what}: no container "
                         f'"{request.container}" in this pod', error.hint, error.status)
    if "not running" in text or "waiting to start" in text or "completed pod" in text:
        return KubeError(ErrorKind.INVALID, f"{request.what}: the container is not running",
                         error.hint, error.status)
    return error


def container_state(status: dict, name: str) -> tuple[str, str] | None:
    """(state, reason) of container ``name`` from a pod status: ("terminated", "Completed")."""
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or ():
            if isinstance(cs, dict) and cs.get("name") == name:
                state = mapping(cs.get("state"))
                for which in ("running", "waiting", "terminated"):
                    if which in state:
                        return which, text_of(mapping(state[which]).get("reason"))
    return None


@asynccontextmanager
async def open_stream(cluster: Cluster, request: ExecRequest) -> AsyncIterator[ExecStream]:
    try:
        async with cluster.websocket(request.path, what=request.what, params=request.params,
                                     subprotocols=SUBPROTOCOLS) as ws:
            yield ExecStream(ws, request)
    except KubeError as error:
        pod = None
        if error.kind in (ErrorKind.INVALID, ErrorKind.SERVER, ErrorKind.NOT_FOUND):
            try:  # one read, only on failure, to say precisely what is wrong
                pod = await cluster.get_json(
                    f"/api/v1/namespaces/{quote(request.namespace)}/pods/{quote(request.pod)}",
                    what=f"get pod {request.namespace}/{request.pod}")
            except KubeError:
                pod = None
        raise explain(error, request, pod) from None


@dataclass(frozen=True)
class ExecResult:
    status: ExitStatus
    stdout: bytes
    stderr: bytes


async def run(cluster: Cluster, request: ExecRequest, limit: int = 1024 * 1024) -> ExecResult:
    """Run a command without input to completion; collect its output (``limit`` bytes each).
    The caller bounds the time (a probe's ``timeoutSeconds``) with ``asyncio.timeout``."""
    out, err = bytearray(), bytearray()
    async with open_stream(cluster, request) as stream:
        async for channel, data in stream.frames():
            target = out if channel == STDOUT else err
            if len(target) < limit:
                target += data[: limit - len(target)]
    return ExecResult(stream.status or ExitStatus(0), bytes(out), bytes(err))
