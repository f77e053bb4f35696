"""Cordon, uncordon and drain a node, as ``kubectl cordon/uncordon/drain`` do.

Drain: the node is cordoned first, then each pod on it is evicted through the Eviction API
(``policy/v1`` where the server serves it, ``policy/v1beta1`` before: the caller chooses by
discovery), so PodDisruptionBudgets are honoured: a 429 is a PDB refusing, retried later, never
forced. The pods are sorted as kubectl's filters sort them: mirror pods (the kubelet's static
pods) and DaemonSet pods are left (the DaemonSet would put them back at once); a pod with
emptyDir volumes loses that data; a pod without a controller is not recreated. Finished pods
(Succeeded, Failed) go without those warnings.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import MERGE_PATCH, Write

MIRROR = "kubernetes.io/config.mirror"
EVICT, SKIP = "evict", "skip"


def plan_cordon(node: str, cordon: bool = True) -> Fix:
    # uncordon removes the field, as kubectl's two-way patch of an omitempty false does
    body = {"spec": {"unschedulable": True if cordon else None}}
    path = f"/api/v1/nodes/{node}"
    verb = "cordon" if cordon else "uncordon"
    write = Write("PATCH", path, body, f"{verb} node {node}", path,
                  lambda obj: (mapping(mapping(obj).get("spec")).get("unschedulable") is True)
                  == cordon, content_type=MERGE_PATCH)
    what = ("no new pods are scheduled on it; those running stay" if cordon else
            "new pods may be scheduled on it again")
    return Fix((write,), shlex.join(["kubectl", verb, node]), f"{verb} node {node}: {what}")


def pods_on(node: str) -> tuple[str, dict[str, str]]:
    """The LIST of every pod on ``node``, in every namespace: (path, params)."""
    return "/api/v1/pods", {"fieldSelector": f"spec.nodeName={node}"}


@dataclass(frozen=True)
class DrainPod:
    namespace: str
    name: str
    uid: str
    action: str  # EVICT or SKIP
    why: str  # "DaemonSet pod", "mirror pod", "" ...
    notes: tuple[str, ...] = ()  # what evicting it costs ("emptyDir data lost: cache")


def sort_pods(pods: Sequence[dict]) -> list[DrainPod]:
    """The node's pods as a drain treats them, in kubectl's filter order."""
    out = []
    for pod in pods:
        meta, spec, status = (mapping(pod.get(k)) for k in ("metadata", "spec", "status"))
        ns, name, uid = text(meta.get("namespace")), text(meta.get("name")), text(meta.get("uid"))
        if MIRROR in mapping(meta.get("annotations")):
            out.append(DrainPod(ns, name, uid, SKIP, "mirror pod (static, the kubelet's own)"))
            continue
        owner = next((mapping(r) for r in meta.get("ownerReferences") or ()
                      if mapping(r).get("controller") is True), None)
        if owner is not None and text(owner.get("kind")) == "DaemonSet":
            out.append(DrainPod(ns, name, uid, SKIP, f"DaemonSet {text(owner.get('name'))} pod"))
            continue
        finished = text(status.get("phase")) in ("Succeeded", "Failed")
        notes = []
        empty = [text(mapping(v).get("name")) for v in spec.get("volumes") or ()
                 if "emptyDir" in mapping(v)]
        if empty and not finished:
            notes.append(f"emptyDir data lost: {', '.join(empty)}")
        if owner is None and not finished:
            notes.append("no controller: not recreated anywhere")
        out.append(DrainPod(ns, name, uid, EVICT, "", tuple(notes)))
    return out


def eviction_write(pod: DrainPod, version: str) -> Write:
    """``version``: "policy/v1" or "policy/v1beta1", as the server serves Eviction."""
    body = {"apiVersion": version, "kind": "Eviction",
            "metadata": {"name": pod.name, "namespace": pod.namespace}}
    path = namespaced("v1", pod.namespace, "pods", pod.name)
    uid = pod.uid
    return Write("POST", f"{path}/eviction", body, f"evict pod {pod.namespace}/{pod.name}", path,
                 lambda obj: obj is None or text(mapping(mapping(obj).get("metadata"))
                                                 .get("uid")) != uid
                 or bool(mapping(mapping(obj).get("metadata")).get("deletionTimestamp")))


def plan_drain(node: str, pods: Sequence[dict], version: str) -> Fix:
    """The cordon, then one eviction per pod to evict (sent, retried on a PDB's 429 and
    followed by the drain's own worker; each is one write of the one path)."""
    sorted_pods = sort_pods(pods)
    evicted = [p for p in sorted_pods if p.action == EVICT]
    writes = (plan_cordon(node).writes[0], *(eviction_write(p, version) for p in evicted))
    flags = ["--ignore-daemonsets"]
    if any(n.startswith("emptyDir") for p in evicted for n in p.notes):
        flags.append("--delete-emptydir-data")
    if any(n.startswith("no controller") for p in evicted for n in p.notes):
        flags.append("--force")
    warnings = tuple(f"{p.namespace}/{p.name}: {note}" for p in evicted for note in p.notes)
    skipped = len(sorted_pods) - len(evicted)
    return Fix(writes, shlex.join(["kubectl", "drain", node, *flags]),
               f"drain node {node}: cordon it, evict {len(evicted)} pods"
               + (f" ({skipped} left: DaemonSet and mirror pods)" if skipped else ""), warnings)
