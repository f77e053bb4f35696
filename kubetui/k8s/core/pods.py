"""Pods as the table shows them: one immutable row per pod, with STATUS computed as kubectl does.

The STATUS rules follow kubectl's ``printPod`` (pkg/printers/internalversion/printers.go): init
containers first (``Init:N/M``, ``Init:CrashLoopBackOff``...), then the main containers from the
last to the first (a waiting or terminated reason wins: ``CrashLoopBackOff``,
``ImagePullBackOff``, ``OOMKilled``, ``Error``, ``Completed``), ``NotReady`` for a pod whose
containers completed while one still runs without readiness, ``Terminating`` once a deletion
timestamp is set, and the pod's own ``status.reason`` (``Evicted``, ``NodeLost``) otherwise.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypedDict

from kubetui.k8s.nodes.audit import ENDED_REASONS, ended_by_node
from kubetui.k8s.transport.shapes import mapping, text, tolerant, unreadable
from kubetui.k8s.watch.pruned import reads

# Groups for colouring, from the theme variables $pod-running ... $pod-terminating.
HEALTH_OK, HEALTH_PENDING, HEALTH_FAILED, HEALTH_DONE, HEALTH_TERMINATING = (
    "running", "pending", "failed", "succeeded", "terminating")
FAILED_REASONS = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Error", "OOMKilled",
                  "Evicted", "CreateContainerConfigError", "CreateContainerError",
                  "InvalidImageName", "RunContainerError", "ContainerCannotRun", "Unknown",
                  "NodeLost", "DeadlineExceeded", "StartError", "ErrImageNeverPull",
                  "NotReady", "Failed", "UnexpectedAdmissionError", "NodeAffinity", "OutOfcpu",
                  "OutOfmemory", "Shutdown", "Terminated"}


@lru_cache(maxsize=4096)
def parse_time(value: str | None) -> float | None:
    """RFC 3339 (as the apiserver writes it) to epoch seconds; None if absent or malformed."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PodRow:
    uid: str
    namespace: str
    name: str
    ready: str  # "1/2"
    status: str
    health: str  # one of the HEALTH_* groups
    restarts: int
    last_restart: float | None  # epoch seconds of the most recent container restart
    created: float | None
    node: str
    ip: str
    labels: tuple[tuple[str, str], ...]
    resource_version: str
    containers: tuple[str, ...] = ()  # "app: running", "sidecar: waiting CrashLoopBackOff"
    claims: tuple[str, ...] = ()  # the PersistentVolumeClaims it mounts (the PVC pane's USED BY)
    runtime_class: str = ""  # spec.runtimeClassName (gVisor, Kata...: the RUNTIME column)
    ended: str = ""  # why its node ended it (evicted, graceful shutdown), else ""
    owner_uid: str = ""  # its controller's uid (a ReplicaSet's, a Job's): the owner views' filter
    owner: str = ""  # that controller as "Kind/name"
    # (container, cpu request, cpu limit, memory request, memory limit), as written: the
    # usage columns' shares of them
    resources: tuple[tuple[str, str, str, str, str], ...] = ()
    oom_killed: bool = False  # a container's last instance was killed for memory

    @property
    def key(self) -> str:
        return self.uid


def _exit_reason(term: dict, prefix: str = "") -> str:
    if term.get("reason"):
        return prefix + term["reason"]
    if term.get("signal"):
        return f"{prefix}Signal:{term['signal']}"
    return f"{prefix}ExitCode:{term.get('exitCode', 0)}"


def pod_status(pod: dict) -> tuple[str, int, int, int, float | None]:
    """(status, ready containers, total containers, restarts, last restart epoch)."""
    return _status(pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {})


def _last_finished(cs: dict, last: float | None) -> float | None:
    """The later of ``last`` and when this container last terminated."""
    finished = parse_time(((cs.get("lastState") or {}).get("terminated") or {})
                          .get("finishedAt"))
    return finished if finished and (last is None or finished > last) else last


def _status(meta: dict, spec: dict, status: dict) -> tuple[str, int, int, int, float | None]:
    total = len(spec.get("containers") or ())
    reason = status.get("reason") or status.get("phase") or "Unknown"
    restarts = 0
    ready = 0
    last_restart: float | None = None

    initializing = False
    init_specs = spec.get("initContainers") or ()
    for i, cs in enumerate(status.get("initContainerStatuses") or ()):
        restarts += cs.get("restartCount", 0)
        last_restart = _last_finished(cs, last_restart)
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode") == 0:
            continue
        if term:
            reason = _exit_reason(term, "Init:")
        elif wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing:
        restarts = 0
        has_running = False
        for cs in reversed(status.get("containerStatuses") or ()):
            restarts += cs.get("restartCount", 0)
            last_restart = _last_finished(cs, last_restart)
            state = cs.get("state") or {}
            term, wait = state.get("terminated"), state.get("waiting")
            if wait and wait.get("reason"):
                reason = wait["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = _exit_reason(term)
            elif cs.get("ready") and "running" in state:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or ()}
            reason = "Running" if conditions.get("Ready") == "True" else "NotReady"

    if meta.get("deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return reason, ready, total, restarts, last_restart


def health_of(status: str, phase: str) -> str:
    if status == "Terminating":
        return HEALTH_TERMINATING
    if status in ("Completed", "Succeeded"):
        return HEALTH_DONE
    if status in FAILED_REASONS or status.startswith(("Init:Error", "Init:Crash", "Init:Err",
                                                        "Init:Image", "Init:OOM", "Init:Signal",
                                                        "Init:ExitCode", "Signal:", "ExitCode:")):
        return HEALTH_FAILED
    if status == "Running" and phase == "Running":
        return HEALTH_OK
    return HEALTH_PENDING


def _unreadable_pod(pod: dict, error: Exception) -> PodRow:
    meta = mapping(pod.get("metadata"))
    return PodRow(uid=text(meta.get("uid")), namespace=text(meta.get("namespace")),
                  name=text(meta.get("name")), ready="?", status=unreadable(error),
                  health=HEALTH_FAILED, restarts=0, last_restart=None, created=None, node="",
                  ip="", labels=(), resource_version=text(meta.get("resourceVersion")))


def _claims(spec: dict) -> tuple[str, ...]:
    """The claims a pod mounts; most pods have none (a LIST of 10k pods pays this per pod)."""
    out = ()
    for volume in spec.get("volumes") or ():
        claim = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
        if isinstance(claim, dict) and claim.get("claimName"):
            out += (str(claim["claimName"]),)
    return out


class _OwnerRef(TypedDict, total=False):
    uid: str
    kind: str
    name: str
    controller: bool


class _Meta(TypedDict, total=False):
    uid: str
    name: str
    namespace: str
    resourceVersion: str
    creationTimestamp: str
    deletionTimestamp: str
    labels: dict[str, str]
    ownerReferences: list[_OwnerRef]


class _Resources(TypedDict, total=False):
    requests: dict[str, str]
    limits: dict[str, str]


class _Named(TypedDict, total=False):
    name: str  # a container: the row counts them, and keeps their requests and limits
    resources: _Resources


class _Claim(TypedDict, total=False):
    claimName: str


class _Volume(TypedDict, total=False):
    persistentVolumeClaim: _Claim


class _Spec(TypedDict, total=False):
    containers: list[_Named]
    initContainers: list[_Named]
    nodeName: str
    runtimeClassName: str
    volumes: list[_Volume]


class _Condition(TypedDict, total=False):
    type: str
    status: str


class _Status(TypedDict, total=False):
    phase: str
    reason: str
    message: str
    podIP: str
    conditions: list[_Condition]
    containerStatuses: list[dict[str, Any]]
    initContainerStatuses: list[dict[str, Any]]


class PodFields(TypedDict, total=False):
    """What ``pod_row`` reads (``pruned.py``): a list of 100,000 pods decodes only this."""

    metadata: _Meta
    spec: _Spec
    status: _Status


@reads(PodFields)
@tolerant(_unreadable_pod)
def pod_row(pod: dict) -> PodRow:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    text, ready, total, restarts, last = _status(meta, spec, status)
    health = health_of(text, status.get("phase", ""))
    if health == HEALTH_OK and ready < total:
        health = HEALTH_PENDING  # running but not ready: the readiness probe is failing
    return PodRow(
        uid=meta.get("uid", ""), namespace=meta.get("namespace", ""), name=meta.get("name", ""),
        ready=f"{ready}/{total}", status=text, health=health, restarts=restarts,
        last_restart=last, created=parse_time(meta.get("creationTimestamp")),
        node=spec.get("nodeName") or "", ip=status.get("podIP") or "",
        labels=tuple(sorted((meta.get("labels") or {}).items())),
        resource_version=meta.get("resourceVersion", ""), containers=container_states(status),
        runtime_class=spec.get("runtimeClassName") or "",
        ended=ended_by_node(pod) if status.get("reason") in ENDED_REASONS else "",
        claims=_claims(spec), resources=container_resources(spec),
        oom_killed=_oom_killed(status), **_controller(meta))


def container_resources(spec: dict) -> tuple[tuple[str, str, str, str, str], ...]:
    """(container, cpu request, cpu limit, memory request, memory limit) as written, for the
    usage columns' shares; interned (a Deployment's pods repeat the same few)."""
    out = []
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or ():
            if not isinstance(c, dict):
                continue
            resources = mapping(c.get("resources"))
            requests, limits = mapping(resources.get("requests")), mapping(resources.get("limits"))
            out.append(tuple(sys.intern(text(v)) for v in (
                c.get("name"), requests.get("cpu"), limits.get("cpu"), requests.get("memory"),
                limits.get("memory"))))
    return tuple(out)  # type: ignore[return-value]


def _oom_killed(status: dict) -> bool:
    """Whether a container's last instance was killed for memory (its current one may run)."""
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            last = mapping(mapping(mapping(cs).get("lastState")).get("terminated"))
            now = mapping(mapping(mapping(cs).get("state")).get("terminated"))
            if "OOMKilled" in (last.get("reason"), now.get("reason")):
                return True
    return False


def _controller(meta: dict) -> dict[str, str]:
    """The controller among the owner references; its strings interned (a ReplicaSet's
    100 pods share one uid string, not 100 copies)."""
    for ref in meta.get("ownerReferences") or ():
        if isinstance(ref, dict) and ref.get("controller") is True:
            return {"owner_uid": sys.intern(text(ref.get("uid"))),
                    "owner": sys.intern(f"{text(ref.get('kind'))}/{text(ref.get('name'))}")}
    return {}


def container_states(status: dict) -> tuple[str, ...]:
    """One short line per container: its state and why (for the terminal's pod summary)."""
    out = []
    for cs in status.get("containerStatuses") or ():
        state = mapping(mapping(cs).get("state"))
        which = next(iter(state), "unknown")
        reason = text(mapping(state.get(which)).get("reason"))
        out.append(f"{text(cs.get('name'))}: {which}{' ' + reason if reason else ''}")
    return tuple(out)
