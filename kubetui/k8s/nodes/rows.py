"""Nodes as the nodes view shows them: readiness, pressure, runtime and kubelet versions.

1.20-era signals matter here: ``docker://`` runtimes mean dockershim (removed in 1.24),
``PIDPressure`` is how a fork bomb or a PID-limit problem shows up on the node.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.transport.shapes import mapping, text, tolerant, unreadable

PRESSURES = (("MemoryPressure", "mem"), ("DiskPressure", "disk"), ("PIDPressure", "pid"),
             ("NetworkUnavailable", "net"))


@dataclass(frozen=True, slots=True)
class NodeRow:
    uid: str
    name: str
    ready: str  # True | False | Unknown
    schedulable: bool
    pressures: tuple[str, ...]  # e.g. ("pid",)
    runtime: str  # containerd://1.6.20
    kubelet: str
    internal_ip: str
    max_pods: str
    created: float | None
    os_image: str = ""
    kernel: str = ""
    allocatable_cpu: str = ""  # status.allocatable, as written (the usage columns' shares)
    allocatable_memory: str = ""

    @property
    def key(self) -> str:
        return self.uid

    @property
    def status(self) -> str:
        text = {"True": "Ready", "False": "NotReady"}.get(self.ready, "Unknown")
        return text if self.schedulable else f"{text},SchedulingDisabled"

    @property
    def health(self) -> str:
        if self.ready != "True" or self.pressures:
            return "failed"
        return "running" if self.schedulable else "pending"

    @property
    def dockershim(self) -> bool:
        return self.runtime.startswith("docker://")


def _unreadable_node(node: dict, error: Exception) -> NodeRow:
    meta = mapping(node.get("metadata"))
    return NodeRow(uid=text(meta.get("uid")), name=text(meta.get("name")), ready="Unknown",
                   schedulable=True, pressures=(), runtime=unreadable(error), kubelet="",
                   internal_ip="", max_pods="", created=None)


@tolerant(_unreadable_node)
def node_row(node: dict) -> NodeRow:
    meta, spec, status = (node.get("metadata") or {}, node.get("spec") or {},
                          node.get("status") or {})
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or ()}
    info = status.get("nodeInfo") or {}
    addresses = {a.get("type"): a.get("address") for a in status.get("addresses") or ()}
    return NodeRow(
        uid=meta.get("uid", ""), name=meta.get("name", ""),
        ready=conditions.get("Ready") or "Unknown",
        schedulable=not spec.get("unschedulable", False),
        pressures=tuple(short for cond, short in PRESSURES if conditions.get(cond) == "True"),
        runtime=info.get("containerRuntimeVersion", ""), kubelet=info.get("kubeletVersion", ""),
        internal_ip=addresses.get("InternalIP") or addresses.get("Hostname") or "",
        max_pods=str((status.get("allocatable") or {}).get("pods", "")),
        created=parse_time(meta.get("creationTimestamp")),
        os_image=str(info.get("osImage") or ""), kernel=str(info.get("kernelVersion") or ""),
        allocatable_cpu=text((status.get("allocatable") or {}).get("cpu")),
        allocatable_memory=text((status.get("allocatable") or {}).get("memory")))
