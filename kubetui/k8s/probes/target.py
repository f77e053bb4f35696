"""What the probe runner works on: the pod as read when ``P`` was pressed, its owning workload,
and the live state it follows (restart counts, probe events).

The screen gets a frozen ``ProbeTarget`` (the pod as JSON text, never a client) and plans every
run from it with the pure builders. ``load_probe_target`` does the reads: the pod, and for a
ReplicaSet-owned pod the ReplicaSet, to name the Deployment a patch would go to.
``pod_probe_state`` and ``probe_event`` are the transforms of the two single-pod watches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from kubetui.k8s.core.events import EventRow, event_row
from kubetui.k8s.core.pod_detail import fetch_pod
from kubetui.k8s.probes.config import KINDS, ProbeConfig, probe_config
from kubetui.k8s.probes.edit import Owner, owner_of
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import mapping, text

PROBE_REASONS = ("Unhealthy", "Killing", "ProbeWarning")


@dataclass(frozen=True)
class ProbeTarget:
    namespace: str
    pod: str
    uid: str
    containers: tuple[str, ...]  # app containers, then restartable init containers (sidecars)
    init: tuple[str, ...]  # which of them are init containers
    version: ServerVersion
    owner: Owner | None
    pod_json: str

    @cached_property
    def pod_obj(self) -> dict:
        """The pod, parsed once (callers copy what they change)."""
        return json.loads(self.pod_json)

    def container(self, name: str) -> dict:
        spec = mapping(self.pod_obj.get("spec"))
        for key in ("containers", "initContainers"):
            for c in spec.get(key) or ():
                if mapping(c).get("name") == name:
                    return dict(mapping(c))
        return {}

    def probes(self, name: str) -> tuple[ProbeConfig, ...]:
        container = self.container(name)
        return tuple(c for c in (probe_config(container, k) for k in KINDS) if c is not None)

    def edited(self, name: str, edits: dict[tuple[str, str], dict]
               ) -> list[tuple[ProbeConfig, bool]]:
        """(config, edited) of each probe of container ``name``, the user's edits applied
        (``edits``: (container, kind) -> the probe as edited; the pod is never changed)."""
        out = []
        for config in self.probes(name):
            edited = edits.get((name, config.kind))
            if edited is not None:
                config = probe_config({f"{config.kind}Probe": edited}, config.kind) or config
            out.append((config, edited is not None))
        return out

    def container_edited(self, name: str, kind: str,
                         edits: dict[tuple[str, str], dict]) -> dict:
        """Container ``name``'s spec with its ``kind`` probe as edited."""
        spec = self.container(name)
        edited = edits.get((name, kind))
        if edited is not None:
            spec[f"{kind}Probe"] = edited
        return spec

    @property
    def with_probes(self) -> tuple[str, ...]:
        return tuple(c for c in self.containers if self.probes(c))


def probe_target(pod: dict, version: ServerVersion, owner: Owner | None) -> ProbeTarget:
    meta, spec = mapping(pod.get("metadata")), mapping(pod.get("spec"))
    apps = tuple(text(mapping(c).get("name")) for c in spec.get("containers") or ())
    init = tuple(text(mapping(c).get("name")) for c in spec.get("initContainers") or ()
                 if any(f"{k}Probe" in mapping(c) for k in KINDS))
    return ProbeTarget(text(meta.get("namespace")), text(meta.get("name")),
                       text(meta.get("uid")), apps + init, init, version, owner,
                       json.dumps(pod))


async def workload_owner(cluster: Cluster, pod: dict) -> Owner | None:
    """The controller that defines the pod's template; a ReplicaSet's Deployment if it can be
    read (one GET), else the ReplicaSet itself with the reason."""
    ref = owner_of(mapping(pod.get("metadata")))
    if ref is None:
        return None
    kind, name = ref
    if kind != "ReplicaSet":
        return Owner(kind, name)
    namespace = text(mapping(pod.get("metadata")).get("namespace"))
    try:
        rs = await cluster.get_json(f"/apis/apps/v1/namespaces/{quote(namespace)}/replicasets/"
                                    f"{quote(name)}", what=f"get replicaset {name}")
    except KubeError as error:
        return Owner(kind, name, f"its Deployment is unknown ({error.summary})")
    parent = owner_of(mapping(rs.get("metadata")))
    if parent is not None and parent[0] == "Deployment":
        return Owner("Deployment", parent[1], f"through ReplicaSet {name}")
    return Owner(kind, name)


async def load_probe_target(cluster: Cluster, namespace: str, name: str) -> ProbeTarget:
    pod = await fetch_pod(cluster, namespace, name)
    return probe_target(pod, cluster.info.version, await workload_owner(cluster, pod))


@dataclass(frozen=True)
class ContainerLive:
    name: str
    restarts: int
    ready: bool
    state: str  # running | waiting: CrashLoopBackOff | terminated: Error (exit 137)
    last_termination: str  # "Error, exit code 137 at 10:02:11" of the previous instance


@dataclass(frozen=True)
class PodProbeState:
    uid: str
    containers: tuple[ContainerLive, ...]
    pod_json: str

    def of(self, name: str) -> ContainerLive | None:
        return next((c for c in self.containers if c.name == name), None)


def _state_text(state: dict) -> str:
    for which in ("running", "waiting", "terminated"):
        if which in state:
            detail = mapping(state[which])
            reason = text(detail.get("reason"))
            code = detail.get("exitCode")
            extra = f" (exit {code})" if isinstance(code, int) else ""
            return f"{which}: {reason}{extra}" if reason else which
    return "unknown"


def pod_probe_state(pod: dict) -> PodProbeState:
    status = mapping(pod.get("status"))
    live = []
    for key in ("containerStatuses", "initContainerStatuses"):
        for cs in status.get(key) or ():
            cs = mapping(cs)
            last = mapping(mapping(cs.get("lastState")).get("terminated"))
            ended = ""
            if last:
                ended = (f"{text(last.get('reason')) or 'terminated'}, exit code "
                         f"{last.get('exitCode')} at {text(last.get('finishedAt'))}")
            restarts = cs.get("restartCount")
            live.append(ContainerLive(text(cs.get("name")),
                                      restarts if isinstance(restarts, int) else 0,
                                      bool(cs.get("ready")),
                                      _state_text(mapping(cs.get("state"))), ended))
    return PodProbeState(text(mapping(pod.get("metadata")).get("uid")), tuple(live),
                         json.dumps(pod))


@dataclass(frozen=True)
class ProbeEvent:
    uid: str
    object_uid: str
    container: str  # from involvedObject.fieldPath: spec.containers{app}
    type: str
    reason: str
    message: str
    count: int
    last_seen: float | None

    @property
    def key(self) -> str:
        return self.uid


def probe_event(ev: dict) -> ProbeEvent:
    return probe_event_of(event_row(ev))


def probe_event_of(row: EventRow) -> ProbeEvent:
    """The probe runner's view of an event row from the shared events store."""
    return ProbeEvent(row.uid, row.object_uid, row.container, row.type, row.reason,
                      row.message, row.count, row.last_seen)


def probe_events_of(events: Iterable[ProbeEvent], container: str) -> list[ProbeEvent]:
    """The probe-related events of ``container`` (or of the whole pod), newest first."""
    return sorted((e for e in events if e.reason in PROBE_REASONS
                   and e.container in ("", container)),
                  key=lambda e: e.last_seen or 0, reverse=True)
