"""After a debug container is created: follow it live, and list a pod's ephemeral containers.

``follow_container`` watches the one pod (a field-selected list+watch, as kubectl does) and yields
the container's progress each time it changes: ``Waiting`` reasons such as ``ErrImagePull`` the
moment the kubelet reports them, then ``Running`` (attach) or ``Terminated`` (show the logs and
the exit code). It never polls and never hangs silently: the pod's deletion and a failed watch
end it with a reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.watch.reflector import Reflector, ResourceScope

ABSENT, WAITING, RUNNING, TERMINATED, POD_GONE = (
    "absent", "waiting", "running", "terminated", "pod-gone")


@dataclass(frozen=True)
class ContainerProgress:
    state: str  # absent (no status yet) | waiting | running | terminated | pod-gone
    reason: str = ""
    message: str = ""
    exit_code: int | None = None

    @property
    def settled(self) -> bool:
        return self.state in (RUNNING, TERMINATED, POD_GONE)

    def __str__(self) -> str:
        parts = [self.state]
        if self.reason:
            parts.append(self.reason)
        if self.exit_code is not None:
            parts.append(f"exit code {self.exit_code}")
        return " · ".join(parts) + (f": {self.message}" if self.message else "")


def _status_of(pod: dict, name: str) -> dict | None:
    status = mapping(pod.get("status"))
    for key in ("ephemeralContainerStatuses", "containerStatuses", "initContainerStatuses"):
        for cs in status.get(key) or ():
            if mapping(cs).get("name") == name:
                return mapping(cs)
    return None


def container_progress(pod: dict, name: str) -> ContainerProgress:
    """Where container ``name`` of ``pod`` is, from the pod's status (pure)."""
    cs = _status_of(pod, name)
    if cs is None:
        phase = text(mapping(pod.get("status")).get("phase"))
        return ContainerProgress(ABSENT, phase, "")
    state = mapping(cs.get("state"))
    if "running" in state:
        return ContainerProgress(RUNNING)
    if "terminated" in state:
        term = mapping(state["terminated"])
        code = term.get("exitCode")
        return ContainerProgress(TERMINATED, text(term.get("reason")), text(term.get("message")),
                                 code if isinstance(code, int) else None)
    waiting = mapping(state.get("waiting"))
    return ContainerProgress(WAITING, text(waiting.get("reason")), text(waiting.get("message")))


async def follow_container(cluster: Cluster, namespace: str, pod: str,
                           container: str) -> AsyncIterator[ContainerProgress]:
    """Each new progress of ``container``, until the caller stops iterating."""
    queue: asyncio.Queue[ContainerProgress | KubeError] = asyncio.Queue()

    def sink(delta) -> None:
        for progress in delta.upserts.values():
            queue.put_nowait(progress)
        if delta.deletes or (delta.reset and not delta.upserts):
            queue.put_nowait(ContainerProgress(POD_GONE))

    def on_status(status) -> None:
        if status.state == "failed" and status.error is not None:
            queue.put_nowait(status.error)

    reflector = Reflector(cluster, ResourceScope("v1", "pods", namespace,
                                                 field_selector=f"metadata.name={pod}"),
                          lambda obj: container_progress(obj, container), sink,
                          on_status=on_status, min_interval=0.05,
                          what=f"watch pod {namespace}/{pod}")
    task = asyncio.create_task(reflector.run())
    last: ContainerProgress | None = None
    try:
        while True:
            item = await queue.get()
            if isinstance(item, KubeError):
                raise item
            if item != last:
                last = item
                yield item
    finally:
        task.cancel()


@dataclass(frozen=True)
class EphemeralRow:
    """One ephemeral container of a pod, as the pod detail lists it."""

    name: str
    image: str
    target: str
    state: str  # running | waiting Reason | terminated Reason (exit N) | unknown
    started: float | None
    stdin: bool
    tty: bool

    @property
    def running(self) -> bool:
        return self.state == RUNNING


def ephemeral_rows(pod: dict) -> tuple[EphemeralRow, ...]:
    rows = []
    for c in mapping(pod.get("spec")).get("ephemeralContainers") or ():
        c = mapping(c)
        name = text(c.get("name"))
        cs = _status_of(pod, name) or {}
        state = mapping(cs.get("state"))
        which = next(iter(state), "unknown")
        detail = mapping(state.get(which))
        label = which + (f" {text(detail.get('reason'))}" if detail.get("reason") else "")
        if which == TERMINATED:
            label += f" (exit {detail.get('exitCode')})"
        started = parse_time(text(detail.get("startedAt")) or None)
        rows.append(EphemeralRow(name, text(c.get("image")),
                                 text(c.get("targetContainerName")) or "-", label, started,
                                 bool(c.get("stdin")), bool(c.get("tty"))))
    return tuple(rows)
