"""Delete pods: graceful (the grace period the user chose, or the pod's own) or forced.

A forced delete (``gracePeriodSeconds=0``) removes the object at once; the kubelet may still be
running the containers on the node (kubectl's warning, said the same way). A pod a controller
owns comes back under a new name; one that nobody owns is gone for good. Each delete carries a
``uid`` precondition: a pod recreated under the same name meanwhile is not touched.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import Write

FORCE_WARNING = ("Immediate deletion does not wait for confirmation that the running resource "
                 "has been terminated. The resource may continue to run on the cluster "
                 "indefinitely.")


@dataclass(frozen=True)
class PodRef:
    namespace: str
    name: str
    uid: str
    controller: str = ""  # "ReplicaSet web-5d9c": what replaces it; "" for a bare pod
    grace: int = 30  # the pod's own terminationGracePeriodSeconds

    @classmethod
    def of(cls, pod: dict) -> PodRef:
        meta, spec = mapping(pod.get("metadata")), mapping(pod.get("spec"))
        owner = next((mapping(r) for r in meta.get("ownerReferences") or ()
                      if mapping(r).get("controller") is True), {})
        grace = spec.get("terminationGracePeriodSeconds")
        return cls(text(meta.get("namespace")), text(meta.get("name")), text(meta.get("uid")),
                   f"{text(owner.get('kind'))} {text(owner.get('name'))}".strip(),
                   grace if isinstance(grace, int) and grace >= 0 else 30)


def plan_delete_pods(pods: Sequence[PodRef], *, grace: int | None = None,
                     force: bool = False) -> Fix:
    """``grace``: seconds (None: each pod's own); ``force``: 0 s, the object removed now."""
    if not pods:
        raise ValueError("no pod selected")
    if grace is not None and grace < 0:
        raise ValueError("the grace period is a number of seconds, 0 or more")
    if force:
        grace = 0
    writes = []
    for pod in pods:
        body: dict = {"apiVersion": "v1", "kind": "DeleteOptions",
                      "preconditions": {"uid": pod.uid}}
        if grace is not None:
            body["gracePeriodSeconds"] = grace
        path = namespaced("v1", pod.namespace, "pods", pod.name)
        uid = pod.uid
        writes.append(Write("DELETE", path, body, f"delete pod {pod.namespace}/{pod.name}",
                            path, lambda obj, uid=uid: _gone_or_going(obj, uid)))
    by_ns: dict[str, list[str]] = {}
    for pod in pods:
        by_ns.setdefault(pod.namespace, []).append(pod.name)
    flags = (["--grace-period=0", "--force"] if force else
             [f"--grace-period={grace}"] if grace is not None else [])
    kubectl = "\n".join(shlex.join(["kubectl", "delete", "pod", *names, "-n", ns, *flags])
                        for ns, names in by_ns.items())
    replaced = [p for p in pods if p.controller]
    bare = [p for p in pods if not p.controller]
    warnings = []
    if force:
        warnings.append(FORCE_WARNING)
    if replaced:
        warnings.append(f"{len(replaced)} of them will be replaced by their controller "
                        f"({', '.join(sorted({p.controller for p in replaced}))})")
    if bare:
        warnings.append(f"{len(bare)} of them ha{'s' if len(bare) == 1 else 've'} no "
                        "controller: gone for good")
    when = ("now (forced)" if force else f"grace {grace} s" if grace is not None
            else "each with its own grace period")
    summary = (f"delete pod {pods[0].namespace}/{pods[0].name}, {when}" if len(pods) == 1
               else f"delete {len(pods)} pods, {when}")
    return Fix(tuple(writes), kubectl, summary, tuple(warnings))


def _gone_or_going(obj: dict | None, uid: str) -> bool:
    meta = mapping((obj or {}).get("metadata"))
    return obj is None or text(meta.get("uid")) != uid or bool(meta.get("deletionTimestamp"))
