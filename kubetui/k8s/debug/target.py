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

    def plan(self, spec: DebugSpec, token=None) -> DebugPlan:
        pod = json.loads(self.pod_json)
        return plan(spec, pod, self.version) if token is None else \
            plan(spec, pod, self.version, token)


def debug_target(pod: dict, version: ServerVersion) -> DebugTarget:
    meta, spec = mapping(pod.get("metadata")), mapping(pod.get("spec"))
    names = tuple(text(mapping(c).get("name")) for c in spec.get("containers") or ())
    ephemeral = tuple(text(mapping(c).get("name")) for c in spec.get("ephemeralContainers") or ())
    return DebugTarget(text(meta.get("namespace")), text(meta.get("name")),
                       text(spec.get("nodeName")), names, ephemeral, version, json.dumps(pod))


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
