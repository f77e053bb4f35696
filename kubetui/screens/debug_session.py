"""A debug session: the new container followed live, then attached in the embedded terminal.

What kubectl does after ``kubectl debug``, in the terminal screen the shells use: watch the pod
until the debugger runs, writing each ``Waiting`` reason (``ContainerCreating``,
``ErrImagePull``, ``ImagePullBackOff`` and the kubelet's message) into the terminal as it
happens; once it runs, attach; if it already ended, show its logs and its exit code. Nothing
hangs silently: no status after ``QUIET_AFTER`` seconds is said, with the likely reason.
Ending a session of a copy or a node pod offers to delete that pod (the app also asks on quit).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from kubetui.debug_memory import remember_image
from kubetui.host import host
from kubetui.k8s.core.pod_detail import stream_logs
from kubetui.k8s.debug.follow import (
    ABSENT,
    POD_GONE,
    RUNNING,
    TERMINATED,
    ContainerProgress,
    follow_container,
)
from kubetui.k8s.debug.plans import DebugPlan
from kubetui.k8s.debug.profiles import EPHEMERAL
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.exec import ExecRequest
from kubetui.screens.terminal_session import PodContext, TerminalSession

QUIET_AFTER = 20.0


@dataclass
class DebugProgress(Message):
    progress: ContainerProgress


@dataclass
class DebugFollowFailed(Message):
    error: KubeError


class DebugSession(TerminalSession):
    def __init__(self, plan: DebugPlan, *, context: PodContext | None = None) -> None:
        spec = plan.body_container or {}
        stdin = bool(spec.get("stdin"))
        super().__init__(ExecRequest(plan.namespace, plan.pod, plan.container, stdin=stdin,
                                     tty=stdin and bool(spec.get("tty")), attach=True),
                         shells=(), context=context)
        self.plan = plan
        self.progress: ContainerProgress | None = None
        self._quiet_timer = None

    @property
    def title_text(self) -> str:
        kind = {"copy": "debug copy", "node": "node debug",
                "inspect": "read-only volume inspection"}.get(self.plan.mode, "debug")
        return f"{self.plan.namespace}/{self.plan.pod} · {self.plan.container} · {kind}"

    def begin(self) -> None:
        self.view.write_note(f"waiting for {self.plan.container} to start…")
        self._quiet_timer = self.set_timer(QUIET_AFTER, self._quiet)
        self.follow()

    @work(exclusive=True, group="debug-follow", exit_on_error=False)
    async def follow(self) -> None:
        try:
            async for progress in follow_container(host(self.app).cluster,
                                                   self.plan.namespace, self.plan.pod,
                                                   self.plan.container):
                self.post_message(DebugProgress(progress))
                if progress.settled:
                    return
        except KubeError as exc:
            self.post_message(DebugFollowFailed(exc))

    def on_debug_progress(self, message: DebugProgress) -> None:
        progress, self.progress = message.progress, message.progress
        if progress.state != ABSENT and self._quiet_timer is not None:
            self._quiet_timer.stop()
        if progress.state == ABSENT:
            return
        self.view.write_note(f"{self.plan.container}: {progress}")
        if "runAsNonRoot" in progress.message:
            self.view.write_note("the restricted profile needs an image whose user is not root "
                                 "(e.g. one with USER 65534); this image runs as root")
        if progress.state == RUNNING:
            image = (self.plan.body_container or {}).get("image")
            if image:  # it ran: the image to offer next time on this cluster
                remember_image(host(self.app).cluster.info.server, image)
            if self.request.stdin:
                self.view.write_note("attached; if you see no prompt, press enter")
            self.start(())
        elif progress.state == TERMINATED:
            self.view.write_note("it has already ended: its logs follow")
            self.show_logs(progress)
        elif progress.state == POD_GONE:
            self.view.write_note(f"pod {self.plan.pod} was deleted")
            self._finish()

    def on_debug_follow_failed(self, message: DebugFollowFailed) -> None:
        self.view.write_note(f"cannot follow the container: {message.error}")
        self._finish()

    def _quiet(self) -> None:
        if self.progress is None or self.progress.state == ABSENT:
            why = ("the pod is not scheduled or its node has not picked the change up"
                   if self.plan.mode != EPHEMERAL else
                   "the node's kubelet has not started it (on 1.16–1.22 the EphemeralContainers "
                   "feature gate must be on for the kubelet too)")
            self.view.write_note(f"no status for {self.plan.container} after "
                                 f"{QUIET_AFTER:.0f} s: {why}; still watching")

    @work(exclusive=True, group="session", exit_on_error=False)
    async def show_logs(self, progress: ContainerProgress) -> None:
        try:
            async for line in stream_logs(host(self.app).cluster,
                                          self.plan.namespace, self.plan.pod,
                                          self.plan.container, follow=False):
                await self.view.feed(line.encode() + b"\r\n")
        except KubeError as exc:
            self.view.write_note(f"its logs cannot be read: {exc}")
        code = progress.exit_code
        self.view.write_note(f"[{self.plan.container} exited with code "
                             f"{'?' if code is None else code}]")
        self._finish()

    def _finish(self) -> None:
        self.running = False
        self.view.live = False

    def closed(self) -> None:
        self.workers.cancel_group(self, "debug-follow")
        if self.plan.creates:
            host(self.app).flows.debug.offer_cleanup(self.plan.namespace, self.plan.creates)
