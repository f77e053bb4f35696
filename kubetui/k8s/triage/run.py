"""One entry for any kind: what the triage of an object needs watched, and the triage itself.

``inputs_of`` says which other objects a kind's checks read (its pods, a Deployment's
ReplicaSets, a CronJob's Jobs, the namespace's pods for a Service, the StorageClasses for a
claim, the nodes); the triage view holds those stores while it is open and calls ``triage``
again whenever one of them changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text, uid_of
from kubetui.k8s.triage.findings import Report
from kubetui.k8s.triage.pods import pod_report
from kubetui.k8s.triage.services import triage_service
from kubetui.k8s.triage.storage import triage_claim, triage_node
from kubetui.k8s.triage.workloads import (
    triage_cronjob,
    triage_deployment,
    triage_job,
    triage_pod_owner,
)
from kubetui.k8s.triage.world import World

PODS, REPLICASETS, JOBS, EVENTS, NODES, CLASSES = (
    "pods", "replicasets", "jobs", "events", "nodes", "storageclasses")
INPUTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "Pod"): (EVENTS, NODES),
    ("apps", "Deployment"): (REPLICASETS, PODS, EVENTS, NODES),
    ("apps", "ReplicaSet"): (PODS, EVENTS, NODES),
    ("apps", "StatefulSet"): (PODS, EVENTS, NODES),
    ("apps", "DaemonSet"): (PODS, EVENTS, NODES),
    ("batch", "Job"): (PODS, EVENTS, NODES),
    ("batch", "CronJob"): (JOBS, EVENTS),
    ("", "Service"): (PODS, EVENTS, NODES),
    ("", "PersistentVolumeClaim"): (CLASSES, EVENTS),
    ("", "Node"): (),
}


def inputs_of(group: str, kind: str) -> tuple[str, ...] | None:
    """The stores a kind's triage reads; None: kubetui has no triage for that kind."""
    return INPUTS.get((group, kind))


@dataclass(frozen=True, slots=True)
class Whole:
    """An object kept whole in a live store (the checks read any field of it)."""

    uid: str
    obj: dict

    @property
    def key(self) -> str:
        return self.uid


def whole(obj: dict) -> Whole:
    return Whole(uid_of(obj), obj)


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def lean(obj: dict) -> Whole:
    """An object as the health overview keeps it: whole but for ``managedFields`` and
    kubectl's last-applied copy of it. No check reads either, and at 10,000 pods they are a
    third of what the overview would hold."""
    meta = mapping(obj.get("metadata"))
    if "managedFields" in meta or LAST_APPLIED in mapping(meta.get("annotations")):
        meta = {k: v for k, v in meta.items() if k != "managedFields"}
        if LAST_APPLIED in mapping(meta.get("annotations")):
            meta["annotations"] = {k: v for k, v in meta["annotations"].items()
                                   if k != LAST_APPLIED}
        obj = {**obj, "metadata": meta}
    return Whole(uid_of(obj), obj)


def match_labels(obj: dict) -> str:
    """The object's ``spec.selector`` as a label selector ("" when it has none, or has
    expressions as well: then every pod of the namespace is read and matched by owner)."""
    selector = mapping(mapping(obj.get("spec")).get("selector"))
    labels = selector.get("matchLabels") if "matchLabels" in selector else (
        selector if selector and "matchExpressions" not in selector and
        all(isinstance(v, str) for v in selector.values()) else None)
    if not isinstance(labels, dict) or selector.get("matchExpressions"):
        return ""
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def triage(group: str, kind: str, obj: dict, world: World, now: float) -> Report:
    if (group, kind) == ("", "Pod"):
        return pod_report(obj, world, now)  # it names the kind itself; no copy of each pod
    obj = {**obj, "kind": text(obj.get("kind")) or kind}
    if (group, kind) == ("apps", "Deployment"):
        return triage_deployment(obj, world, now)
    if (group, kind) in (("apps", "ReplicaSet"), ("apps", "StatefulSet"),
                         ("apps", "DaemonSet")):
        return triage_pod_owner(obj, world, now)
    if (group, kind) == ("batch", "Job"):
        return triage_job(obj, world, now)
    if (group, kind) == ("batch", "CronJob"):
        return triage_cronjob(obj, world, now)
    if (group, kind) == ("", "Service"):
        return triage_service(obj, world, now)
    if (group, kind) == ("", "PersistentVolumeClaim"):
        return triage_claim(obj, world, now)
    if (group, kind) == ("", "Node"):
        return triage_node(obj, now)
    meta = mapping(obj.get("metadata"))
    return Report(f"{kind.lower()} {text(meta.get('name'))}",
                  healthy="kubetui has no checks for this kind")
