"""Whose logs a view reads: the pods an owner's selector picks (or a CronJob's Jobs' pods),
and in each the containers that have a log to read.

A Deployment, ReplicaSet, StatefulSet, DaemonSet or Job reads the pods its ``spec.selector``
picks (as ``kubectl logs deploy/web`` does, but every pod, not one): the old and the new
ReplicaSet's pods during a rollout, a Job's retries. A Service reads the pods its selector
picks. A CronJob's Jobs have no common selector: its pods are those whose Job it owns.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text

#: kinds whose ``spec.selector`` is a LabelSelector
SELECTING = {("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"),
             ("apps", "DaemonSet"), ("batch", "Job")}
#: kinds whose pods ``L`` reads
LOGGED = SELECTING | {("", "Service"), ("batch", "CronJob")}
#: stable colours per source: the 16-colour palette's, so the ANSI theme keeps them
COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "bright_cyan", "bright_magenta",
           "bright_green", "bright_yellow", "bright_blue", "red", "bright_red")


@dataclass(frozen=True)
class LogTarget:
    """What one log view follows."""

    namespace: str
    title: str  # "deployment web"
    selector: str = ""  # label selector sent with the pods' watch
    cronjob_uid: str = ""  # the pods of the Jobs this CronJob owns
    pods: tuple[str, ...] = ()  # these pods only (the pods pane's marked ones)
    problem: str = ""  # why there is nothing to read (a Service without a selector)


def selector_string(selector: object) -> str:
    """A LabelSelector as ``kubectl -l`` writes it (``app=web,tier in (a,b),!canary``)."""
    selector = mapping(selector)
    parts = [f"{k}={text(v)}" for k, v in sorted(mapping(selector.get("matchLabels")).items())]
    for expression in selector.get("matchExpressions") or ():
        e = mapping(expression)
        key, op, values = text(e.get("key")), text(e.get("operator")), e.get("values") or ()
        listed = ",".join(text(v) for v in values)
        parts.append({"In": f"{key} in ({listed})", "NotIn": f"{key} notin ({listed})",
                      "Exists": key, "DoesNotExist": f"!{key}"}.get(op, ""))
    return ",".join(p for p in parts if p)


def target_of(group: str, kind: str, obj: dict) -> LogTarget:
    meta, spec = mapping(obj.get("metadata")), mapping(obj.get("spec"))
    namespace, name = text(meta.get("namespace")), text(meta.get("name"))
    title = f"{kind.lower()} {name}"
    if (group, kind) in SELECTING:
        selector = selector_string(spec.get("selector"))
        if not selector:
            return LogTarget(namespace, title, problem=f"{title} has no selector")
        return LogTarget(namespace, title, selector=selector)
    if (group, kind) == ("", "Service"):
        labels = mapping(spec.get("selector"))
        if not labels:
            return LogTarget(namespace, title, problem=f"{title} has no selector: its "
                             "endpoints are managed by hand, not by pod labels")
        return LogTarget(namespace, title, selector=",".join(
            f"{k}={text(v)}" for k, v in sorted(labels.items())))
    if (group, kind) == ("batch", "CronJob"):
        return LogTarget(namespace, title, cronjob_uid=text(meta.get("uid")))
    return LogTarget(namespace, title, problem=f"a {kind} has no pods of its own to read")


def controller_uid(obj: dict) -> str:
    for ref in mapping(obj.get("metadata")).get("ownerReferences") or ():
        if mapping(ref).get("controller") is True:
            return text(mapping(ref).get("uid"))
    return ""


@dataclass(frozen=True)
class Container:
    """One container of one pod, as the log view lists it."""

    pod: str
    container: str
    init: bool
    readable: bool  # it has started once: the kubelet has a log for it
    restarts: int
    # waiting to run again (a back-off): the kubelet serves its last instance as its log
    waiting: bool = False

    @property
    def name(self) -> str:
        return f"{self.pod}/{self.container}"


def containers_of(pod: dict) -> list[Container]:
    """The pod's init, regular and ephemeral containers, in the pod's order."""
    meta, spec, status = (mapping(pod.get(k)) for k in ("metadata", "spec", "status"))
    name = text(meta.get("name"))
    states = {}
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for s in status.get(key) or ():
            s = mapping(s)
            states[text(s.get("name"))] = s
    out = []
    for key, init in (("initContainers", True), ("containers", False),
                      ("ephemeralContainers", False)):
        for c in spec.get(key) or ():
            container = text(mapping(c).get("name"))
            s = states.get(container, {})
            state, last = mapping(s.get("state")), mapping(s.get("lastState"))
            readable = "running" in state or "terminated" in state or "terminated" in last
            restarts = s.get("restartCount") if isinstance(s.get("restartCount"), int) else 0
            waiting = "running" not in state and "terminated" not in state
            out.append(Container(name, container, init, readable, restarts, waiting))
    return out


def colour(name: str) -> str:
    """The same source gets the same colour in every session (``pod/container``)."""
    return COLOURS[zlib.crc32(name.encode()) % len(COLOURS)]
