"""What the debug form knows about the pod it debugs, and the RBAC rules each debug target needs.

The form gets an immutable ``DebugTarget`` (read once, when ``D`` is pressed), never a client or
a live object: it plans requests from it with the pure builders in
``kubetui.k8s.debug.plans`` on every keystroke, so what it previews is exactly what would be sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kubetui.k8s.debug.plans import DebugPlan, DebugSpec, plan
from kubetui.k8s.debug.profiles import COPY, EPHEMERAL, NODE
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.exec import container_state
from kubetui.k8s.transport.shapes import mapping, text

MODE_LABELS = {EPHEMERAL: "ephemeral container in this pod",
               COPY: "copy of this pod (--copy-to)",
               NODE: "node-debugger pod on its node"}


@dataclass(frozen=True)
class DebugTarget:
    namespace: str
    pod: str
    node: str
    containers: tuple[str, ...]  # the pod's (app) containers: the targets to choose from
    ephemeral: tuple[str, ...]  # names already used by ephemeral containers
    version: ServerVersion
    pod_json: str  # the pod as read, for the copy builder (a frozen snapshot)
    # containers not running when the pod was read, with their state ("waiting: ErrImagePull"):
    # no process namespace to share, the kubelet refuses them as a target
    stopped: tuple[tuple[str, str], ...] = ()

    @property
    def first_running(self) -> str:
        stopped = dict(self.stopped)
        return next((c for c in self.containers if c not in stopped), "")

    def plan(self, spec: DebugSpec, token=None) -> DebugPlan:
        pod = json.loads(self.pod_json)
        return plan(spec, pod, self.version) if token is None else \
            plan(spec, pod, self.version, token)


def debug_target(pod: dict, version: ServerVersion) -> DebugTarget:
    meta, spec = mapping(pod.get("metadata")), mapping(pod.get("spec"))
    names = tuple(text(mapping(c).get("name")) for c in spec.get("containers") or ())
    ephemeral = tuple(text(mapping(c).get("name")) for c in spec.get("ephemeralContainers") or ())
    status = mapping(pod.get("status"))
    stopped = []
    for name in names:
        state = container_state(status, name)  # None: not known (not scheduled yet)
        if state is not None and state[0] != "running":
            stopped.append((name, f"{state[0]}: {state[1]}" if state[1] else state[0]))
    return DebugTarget(text(meta.get("namespace")), text(meta.get("name")),
                       text(spec.get("nodeName")), names, ephemeral, version, json.dumps(pod),
                       tuple(stopped))


def needs(mode: str, version: ServerVersion) -> tuple[Need, ...]:
    """The rules a debug session of ``mode`` needs in the pod's namespace.

    The attach is a WebSocket upgrade, a GET: servers before 1.35 authorize it as ``get`` on
    ``pods/attach``; 1.35 also wants ``create`` (what SPDY clients always needed)."""
    attach = (Need("get", "pods/attach"),)
    if version.at_least(1, 35):
        attach += (Need("create", "pods/attach"),)
    if mode == EPHEMERAL:
        return (Need("patch", "pods/ephemeralcontainers"), *attach)
    return (Need("create", "pods"), Need("delete", "pods"), *attach)
