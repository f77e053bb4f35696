"""Run a container's probe now, the way the kubelet would, from outside the node.

``probe_call`` (pure) turns a probe into what will be sent: the expanded exec command, the pod
proxy request of an ``httpGet`` probe, or the port of a ``tcpSocket`` probe, with its kubectl
equivalent, the RBAC rules it needs, and what differs from the kubelet's own run. ``run_call``
sends it with one deadline of ``timeoutSeconds`` over the whole call and maps the answer to the
kubelet's result (``exec_outcome`` and ``http_outcome`` are pure, unit-tested):

- exec: exit 0 Success, any other exit code Failure, the deadline Timeout (a failure since
  1.20; the process may still run in the container), a command that could not start Error
  (the kubelet discards such a result). Output: stdout and stderr in arrival order, 10 KiB.
- httpGet: through ``pods/NAME:PORT/proxy``: 200-399 Success, other codes Failure; a refused
  connection is a Failure as for the kubelet; the apiserver's own refusals (RBAC, no route to
  the pod network) are Errors, told apart by their ``kind: Status`` body.
- tcpSocket: a port-forward dial (``kubetui.k8s.transport.portforward``).
"""

from __future__ import annotations

import json
import shlex
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from kubetui.k8s.probes.config import (
    ERROR,
    FAILURE,
    OUTPUT_CAP,
    SUCCESS,
    TIMEOUT,
    ProbeConfig,
    cap_output,
    expand_command,
)
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.compat import TIMEOUTS, timeout
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.exec import STDOUT, ExecRequest, ExitStatus, open_stream
from kubetui.k8s.transport.portforward import kubectl_portforward, tcp_connect
from kubetui.k8s.transport.shapes import mapping, text

LATENCY_NOTE = ("measured through the apiserver: the connection and the API hop add latency "
                "the kubelet does not have")
GRPC_WHY = ("A gRPC probe is the kubelet calling grpc.health.v1.Health/Check on the pod IP. "
            "The apiserver proxies HTTP/1.1 to pods, not gRPC (HTTP/2), and kubetui carries no "
            "gRPC client, so it cannot run this probe remotely. To test it by hand: D (debug "
            "container) with an image that has grpc_health_probe, then "
            "grpc_health_probe -addr=localhost:PORT.")


#: A refused dial comes back within milliseconds; waiting longer for one adds nothing (a dial
#: that hangs cannot be told from a connected one through port-forward anyway).
TCP_SETTLE = 0.5


class ProbeInputError(ValueError):
    """A probe that cannot be run as written (a named port the container does not declare)."""


@dataclass(frozen=True)
class ProbeCall:
    """One run of one probe, as a pure value: the screen shows it before it is sent."""

    handler: str  # exec | httpGet | tcpSocket
    namespace: str
    pod: str
    container: str
    command: tuple[str, ...] = ()  # exec: expanded as the kubelet expands it
    port: int = 0  # httpGet / tcpSocket: resolved
    scheme: str = "HTTP"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # where this run differs from the kubelet's
    needs: tuple[Need, ...] = ()

    @property
    def writes(self) -> bool:
        """Runs a process in the container: refused in read-only mode."""
        return self.handler == "exec"

    def proxy_target(self) -> tuple[str, list[tuple[str, str]]]:
        """The pod proxy path and query of an httpGet probe."""
        raw_path, _, query = self.path.partition("?")
        name = f"{'https:' if self.scheme.upper() == 'HTTPS' else ''}{self.pod}:{self.port}"
        path = (f"/api/v1/namespaces/{quote(self.namespace)}/pods/{quote(name, safe=':')}/proxy"
                f"{quote(raw_path if raw_path.startswith('/') else '/' + raw_path, safe='/%')}")
        params = [tuple(p.split("=", 1)) if "=" in p else (p, "")
                  for p in query.split("&") if p]
        return path, params  # type: ignore[return-value]

    def exec_request(self) -> ExecRequest:
        return ExecRequest(self.namespace, self.pod, self.container, self.command)

    def kubectl(self) -> str:
        if self.handler == "exec":
            return shlex.join(["kubectl", "exec", "-n", self.namespace, self.pod, "-c",
                               self.container, "--", *self.command])
        if self.handler == "httpGet":
            path, params = self.proxy_target()
            query = "&".join(f"{k}={v}" for k, v in params)
            return shlex.join(["kubectl", "get", "--raw", path + (f"?{query}" if query else "")])
        return kubectl_portforward(self.namespace, self.pod, self.port)

    def describe(self) -> str:
        """What will be sent, in one line, for the screen."""
        if self.handler == "exec":
            return f"exec {shlex.join(self.command)} (no tty, no stdin)"
        if self.handler == "httpGet":
            own = [f"{k}: {v}" for k, v in self.headers if k not in ("User-Agent", "Accept")]
            return (f"GET {self.scheme.lower()}://<pod>:{self.port}{self.path} via the pod "
                    "proxy" + (f" with {', '.join(own)}" if own else ""))
        return f"TCP connect to port {self.port} via port-forward"


def resolve_port(container: dict, port: object) -> int:
    """A probe's port: a number, or the name of one of the container's ports (as the kubelet
    looks it up, in that container only)."""
    if isinstance(port, int) and not isinstance(port, bool):
        if 0 < port < 65536:
            return port
        raise ProbeInputError(f"port {port} is out of range (1-65535)")
    name = text(port)
    if name.isdigit():
        return resolve_port(container, int(name))
    for item in mapping(container).get("ports") or ():
        item = mapping(item)
        if item.get("name") == name and isinstance(item.get("containerPort"), int):
            return int(item["containerPort"])
    raise ProbeInputError(f'the container declares no port named "{name}"')


def probe_call(namespace: str, pod: str, container: dict, config: ProbeConfig,
               version: ServerVersion) -> ProbeCall:
    """The run of ``config`` in ``container``; raises ``ProbeInputError`` when it cannot run."""
    name = text(mapping(container).get("name"))
    action = config.action
    create = version.at_least(1, 35)  # the WebSocket upgrade is also a create from 1.35
    if config.handler == "exec":
        command = expand_command([str(w) for w in action.get("command") or ()], container)
        if not command:
            raise ProbeInputError("the exec probe has no command")
        needs = (Need("get", "pods/exec"),) + ((Need("create", "pods/exec"),) if create else ())
        return ProbeCall("exec", namespace, pod, name, command=command, needs=needs,
                         notes=(LATENCY_NOTE,))
    if config.handler == "httpGet":
        notes = [LATENCY_NOTE, "from the apiserver to the pod IP, not from the node"]
        if text(action.get("host")):
            notes.append(f"host {text(action.get('host'))} is not used: the pod proxy "
                         "always reaches the pod")
        # The kubelet's User-Agent (apps match "kube-probe/" to skip auth or logging), marked
        # as ours: the apiserver's audit log shows this header too.
        headers = [("User-Agent", f"kube-probe/{version.major}.{version.minor} (kubetui)"),
                   ("Accept", "*/*")]
        for header in action.get("httpHeaders") or ():
            header = mapping(header)
            if text(header.get("name")):
                headers = [h for h in headers if h[0].lower() != text(header["name"]).lower()]
                headers.append((text(header["name"]), text(header.get("value"))))
        return ProbeCall("httpGet", namespace, pod, name,
                         port=resolve_port(container, action.get("port")),
                         scheme=text(action.get("scheme")) or "HTTP",
                         path=text(action.get("path")) or "/", headers=tuple(headers),
                         notes=tuple(notes), needs=(Need("get", "pods/proxy"),))
    if config.handler == "tcpSocket":
        needs = (Need("get", "pods/portforward"),) + (
            (Need("create", "pods/portforward"),) if create else ())
        return ProbeCall("tcpSocket", namespace, pod, name,
                         port=resolve_port(container, action.get("port")), needs=needs,
                         notes=("the duration is the time to decide: no refusal within "
                                f"{TCP_SETTLE:g} s means connected (refusals come back in ms);"
                                " a dial that hangs (a filtered port) looks connected too",
                                "the runtime dials localhost:PORT in the pod's network "
                                "namespace; the kubelet dials the pod IP"))
    if config.handler == "grpc":
        raise ProbeInputError(GRPC_WHY)
    raise ProbeInputError("this probe has no handler kubetui knows (exec, httpGet, "
                          "tcpSocket, grpc)")


@dataclass(frozen=True)
class ProbeRun:
    """One run's outcome, as the history shows it."""

    result: str  # success | failure | timeout | error
    detail: str  # "exit code 1", "HTTP 404 Not Found", "timed out after 1 s ..."
    duration: float  # seconds, measured by kubetui
    timeout: int
    output: str = ""
    truncated: bool = False
    at: float = field(default=0.0, compare=False)  # wall clock of the start

    @property
    def first_line(self) -> str:
        return next((line for line in self.output.splitlines() if line.strip()), "")


def exec_outcome(status: ExitStatus | None, output: bytes, duration: float,
                 timeout: int, at: float = 0.0) -> ProbeRun:
    """The kubelet's reading of an exec probe: ``status`` None means the deadline passed."""
    kept, cut = cap_output(output)
    out = kept.decode(errors="replace")
    if status is None:
        return ProbeRun(TIMEOUT, f"timed out after {timeout} s: a failure since 1.20; the "
                        "process may still be running in the container", duration, timeout,
                        out, cut, at)
    if status.code == 0:
        return ProbeRun(SUCCESS, "exit code 0", duration, timeout, out, cut, at)
    if status.code is not None:
        return ProbeRun(FAILURE, f"exit code {status.code}", duration, timeout, out, cut, at)
    why = status.message or "the command could not be run"
    return ProbeRun(ERROR, f"could not run: {why} (the kubelet discards such a result and "
                    "records a 'probe errored' event)", duration, timeout, out, cut, at)


def apiserver_status(body: bytes) -> dict | None:
    """The apiserver's own ``metav1.Status`` answer (RBAC, no route to the pod), as opposed to
    the pod's: the proxy passes the pod's answers through untouched."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("kind") == "Status" and \
            data.get("apiVersion") == "v1" and "status" in data:
        message = text(data.get("message"))
        if "pods/proxy" in message or message.startswith("error trying to reach service") \
                or mapping(data.get("details")).get("kind") == "pods":
            return data
    return None


def http_outcome(code: int, reason: str, body: bytes, duration: float, timeout: int,
                 at: float = 0.0) -> ProbeRun:
    kept, cut = cap_output(body)
    out = kept.decode(errors="replace")
    status = apiserver_status(body)
    if status is not None:
        message = text(status.get("message"))
        if "connection refused" in message:
            return ProbeRun(FAILURE, f"connection refused ({message})", duration, timeout,
                            "", False, at)
        return ProbeRun(ERROR, f"the apiserver answered {code}: {message}", duration,
                        timeout, "", False, at)
    detail = f"HTTP {code}{' ' + reason if reason else ''}"
    if 200 <= code < 400:
        if code >= 300:
            detail += " (a redirect: success; the kubelet would follow it on the same host)"
        return ProbeRun(SUCCESS, detail, duration, timeout, out, cut, at)
    return ProbeRun(FAILURE, detail, duration, timeout, out, cut, at)


async def run_call(cluster: Cluster, call: ProbeCall, seconds: int) -> ProbeRun:
    """Run once with one deadline of ``seconds`` seconds over the whole call. Never raises for
    the cluster's answers: a refusal (RBAC, read-only, unreachable) is an Error run."""
    at, start = time.time(), time.monotonic()
    try:
        if call.handler == "exec":
            return await _run_exec(cluster, call, seconds, at, start)
        if call.handler == "httpGet":
            return await _run_http(cluster, call, seconds, at, start)
        connect = await tcp_connect(cluster, call.namespace, call.pod, call.port,
                                    min(seconds, TCP_SETTLE))
        return ProbeRun(SUCCESS if connect.connected else FAILURE, connect.message,
                        time.monotonic() - start, seconds, "", False, at)
    except KubeError as error:
        return ProbeRun(ERROR, f"not run: {error}", time.monotonic() - start, seconds, "",
                        False, at)


async def _run_exec(cluster: Cluster, call: ProbeCall, seconds: int, at: float,
                    start: float) -> ProbeRun:
    output = bytearray()
    status: ExitStatus | None = None
    try:
        async with timeout(seconds), \
                open_stream(cluster, call.exec_request()) as stream:
            async for channel, data in stream.frames():
                if channel in (STDOUT, 2) and len(output) <= OUTPUT_CAP:
                    output += data
            status = stream.status or ExitStatus(0)
    except TIMEOUTS:
        status = None
    return exec_outcome(status, bytes(output), time.monotonic() - start, seconds, at)


async def _run_http(cluster: Cluster, call: ProbeCall, seconds: int, at: float,
                    start: float) -> ProbeRun:
    path, params = call.proxy_target()
    try:
        async with timeout(seconds):
            response = await cluster.request(
                "GET", path, what=f"httpGet probe of {call.pod}:{call.port}",
                params=dict(params) if params else None, headers=dict(call.headers),
                timeout=seconds + 1, raise_for_status=False)
    except TIMEOUTS:
        return ProbeRun(TIMEOUT, f"no answer within {seconds} s: a failure", time.monotonic()
                        - start, seconds, "", False, at)
    return http_outcome(response.status_code, response.reason_phrase, response.content,
                        time.monotonic() - start, seconds, at)
