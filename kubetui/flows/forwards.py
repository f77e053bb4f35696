"""Port-forwards: ``F`` on a pod or a Service reads its target fresh, opens the form, then
listens on each local port (``k8s/forward/tunnel.py``) and keeps the forwards in the app's list
(``flows/forward_list.py``); the forwards view (``:pf``) stops them, moves them to another
local port and sends an HTTP request through one.

A forward writes nothing to the cluster: each local connection opens a stream, refused by
``--readonly`` at the request path as exec is. The typed outcome of a start is a
``ForwardsStarted`` (the forwards listening, and each port that could not).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from kubetui.flows.base import Flow
from kubetui.flows.forward_list import Forward
from kubetui.k8s.forward.http_check import (
    Answer,
    HttpCheck,
    answer_complete,
    connect_address,
    parse_answer,
    request_bytes,
)
from kubetui.k8s.forward.plan import SERVICE, ForwardPlan, Target, forward_needs
from kubetui.k8s.forward.ports import PortError
from kubetui.k8s.forward.resolve import Resolved, read_pod_target, read_service_target
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.lines import ProtocolError
from kubetui.timeline.entries import FORWARD

CHECK_TIMEOUT = 10.0  # seconds for an HTTP check's whole answer
CHECK_READ = 64 * 1024  # bytes read of an answer (the first KB of the body is shown)


@dataclass(frozen=True)
class ForwardsStarted:
    plan: ForwardPlan
    started: tuple[Forward, ...]
    failed: tuple[str, ...]  # one line per local port that could not listen


@dataclass(frozen=True)
class CheckResult:
    """An HTTP check's typed outcome: the answer, or why there is none."""

    check: HttpCheck
    address: str
    port: int
    seconds: float
    answer: Answer | None = None
    error: str = ""
    pod: str = ""  # the pod serving the forward when the answer came


class ForwardsFlow(Flow):
    def open(self, namespace: str, kind: str, name: str) -> None:
        if self.host.readonly:
            self.notify("--readonly refuses port-forward: it opens a stream into the pod, as "
                        "exec does.", title="Port-forward", severity="warning")
            return
        target = Target(namespace, kind, name)
        self.run(self._read(target), "forward-read", f"read {target} for its ports")

    async def _read(self, target: Target) -> None:
        cluster = self.host.cluster
        try:
            if target.kind == SERVICE:
                resolved = await read_service_target(cluster, self.host.info.discovery,
                                                     target.namespace, target.name)
            else:
                resolved = await read_pod_target(cluster, target.namespace, target.name)
        except PortError as error:
            self.notify(str(error), title="Port-forward", severity="warning", timeout=8)
            return
        self.then(self._form, target, resolved)

    def _form(self, target: Target, resolved: Resolved) -> None:
        from kubetui.screens.forward_form import ForwardForm

        missing = self.host.missing_rights(forward_needs(self.host.info.version),
                                           target.namespace)
        self.app.push_screen(ForwardForm(target, resolved, missing),
                             lambda plan: plan and self.start(plan, resolved))

    def start(self, plan: ForwardPlan, resolved: Resolved) -> None:
        self.host.actions.last_kubectl = plan.kubectl
        self.run(self._start(plan, resolved), f"forward-{id(plan)}", f"forward {plan.target}")

    async def _start(self, plan: ForwardPlan, resolved: Resolved) -> None:
        forwards = self.host.forwards
        started, failed = [], []
        for route in plan.routes:
            tunnel, bind = forwards.tunnel_for(plan.target, route.pod_port, plan.address,
                                               route.pair.local)
            try:
                await tunnel.start()
            except PortError as error:
                failed.append(f"{route.pair}: {error}")
                continue
            started.append(forwards.add(plan.target, route.pair.remote, tunnel, bind, plan.pod,
                                        resolved.service))
        self.then(self._started, ForwardsStarted(plan, tuple(started), tuple(failed)))

    def _started(self, result: ForwardsStarted) -> None:
        lines = [f"{f.local} → {f.target.ref}:{f.remote} (pod {f.pod}:{f.tunnel.remote_port})"
                 for f in result.started]
        target = result.plan.target
        self.host.timeline.record(
            FORWARD, f"port-forward {target.ref}", namespace=target.namespace,
            object=target.object, kubectl=result.plan.kubectl,
            outcome="; ".join([*(f"listening: {line}" for line in lines),
                               *(f"not started: {line}" for line in result.failed)]))
        if lines:
            self.notify("\n".join(lines) + "\n:pf lists the forwards.", title="Forwarding",
                        timeout=8)
        if result.failed:
            self.notify("\n".join(result.failed), title="Port-forward not started",
                        severity="error", timeout=12)

    # -- from the forwards view ----------------------------------------------------------------
    def stop(self, numbers: tuple[int, ...]) -> None:
        chosen = [f for n in numbers if (f := self.host.forwards.forwards.get(n)) is not None]
        if chosen:
            self.run(self._stop(chosen), f"forward-stop-{id(chosen)}", "stop port-forwards")

    async def _stop(self, chosen: list[Forward]) -> None:
        await asyncio.gather(*(f.tunnel.stop() for f in chosen))
        for forward in chosen:
            self.then(self.host.forwards.remove, forward)
            counters = forward.tunnel.counters
            self.host.timeline.record(
                FORWARD, f"port-forward {forward.local} stopped",
                namespace=forward.target.namespace, object=forward.target.object,
                outcome=f"{counters.total} connections, {counters.bytes_in} bytes in, "
                        f"{counters.bytes_out} out")

    def move(self, number: int, typed: str) -> None:
        """Another local port for one forward: the new one listens before the old one stops,
        so a refused port leaves the forward as it was."""
        forward = self.host.forwards.forwards.get(number)
        if forward is None:
            return
        typed = typed.strip()
        if not typed.isdigit() or int(typed) > 65535:
            self.notify(f"{typed!r} is not a local port (1-65535, 0: a free one)",
                        title="Port-forward", severity="error")
            return
        self.run(self._move(forward, int(typed)), f"forward-move-{number}",
                 f"move forward {forward.local}")

    async def _move(self, forward: Forward, port: int) -> None:
        forwards = self.host.forwards
        tunnel, bind = forwards.tunnel_for(forward.target, forward.tunnel.remote_port,
                                           forward.address, port)
        try:
            await tunnel.start()
        except PortError as error:
            self.notify(f"{forward.local} stays: {error}", title="Port-forward",
                        severity="error", timeout=10)
            return
        old = forward.tunnel
        self.then(forwards.replace_tunnel, forward, tunnel, bind)
        await old.stop()

    def check(self, number: int, check: HttpCheck, reply: Callable[[CheckResult], None]) -> None:
        forward = self.host.forwards.forwards.get(number)
        if forward is None:
            return
        self.run(self._check(forward, check, reply),
                 "forward-check", f"HTTP check through {forward.local}")

    async def _check(self, forward: Forward, check: HttpCheck,
                     reply: Callable[[CheckResult], None]) -> None:
        address, port = forward.address, forward.tunnel.local_port
        started = time.monotonic()
        connect_to = connect_address(address)
        got = bytearray()
        error = ""

        async def exchange() -> None:
            reader, writer = await asyncio.open_connection(connect_to, port)
            try:
                writer.write(request_bytes(check, f"{connect_to}:{port}"))
                await writer.drain()
                while len(got) < CHECK_READ and (chunk := await reader.read(CHECK_READ)):
                    got.extend(chunk)
                    if answer_complete(bytes(got), check.method):
                        break
            finally:
                writer.close()
        try:
            await asyncio.wait_for(exchange(), CHECK_TIMEOUT)
        except asyncio.TimeoutError:
            error = "" if got else f"no answer within {CHECK_TIMEOUT:g} s"
        except OSError as exc:
            error = f"cannot connect to {connect_to}:{port}: {exc.strerror or exc}"
        data = bytes(got)
        seconds = time.monotonic() - started
        answer = None
        if not error:
            try:
                answer = parse_answer(data)
            except (ProtocolError, KubeError, ValueError) as exc:
                error = str(exc)
        self.then(reply, CheckResult(check, connect_to, port, seconds, answer, error,
                                     forward.pod))

    # -- leaving -------------------------------------------------------------------------------
    def quit(self, leave: Callable[[], None]) -> None:
        """Quitting with forwards open says so; yes closes them and leaves."""
        forwards = list(self.host.forwards.forwards.values())
        if not forwards:
            leave()
            return
        from kubetui.screens.confirm import ConfirmScreen

        body = "\n".join(f"{f.local} → {f.target}:{f.remote}" for f in forwards)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run(self._close_then(forwards, leave), "forward-quit", "close forwards")

        self.app.push_screen(ConfirmScreen(
            f"Quit? {len(forwards)} port-forward{'s are' if len(forwards) > 1 else ' is'} open.",
            body + "\n\ny closes them and quits; n stays."), answered)

    def close_all(self, why: str) -> None:
        forwards = list(self.host.forwards.forwards.values())
        self.notify(f"{len(forwards)} port-forward(s) closed: {why}.", title="Port-forward",
                    timeout=6)
        self.run(self._close_then(forwards, lambda: None), "forward-quit", "close forwards")

    async def _close_then(self, forwards: list[Forward], leave: Callable[[], None]) -> None:
        await asyncio.gather(*(f.tunnel.stop() for f in forwards))
        for forward in forwards:
            self.host.forwards.remove(forward)
        self.host.forwards.close()
        self.then(leave)
