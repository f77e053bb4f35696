"""Scale through the ``scale`` subresource (what ``kubectl scale`` uses), naming the
HorizontalPodAutoscaler that would undo the change."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import MERGE_PATCH, Write

SCALABLE = {"Deployment": "deployments", "StatefulSet": "statefulsets",
            "ReplicaSet": "replicasets"}


def autoscalers_path(namespace: str) -> str:
    """The namespace's HPAs (autoscaling/v1: served by every version kubetui supports; its
    ``scaleTargetRef`` is the same in v2)."""
    return namespaced("autoscaling/v1", namespace, "horizontalpodautoscalers")


def autoscaler_of(hpas: Sequence[dict], kind: str, name: str) -> dict | None:
    """The HPA whose ``scaleTargetRef`` is this object (any autoscaling version's shape)."""
    for hpa in hpas:
        ref = mapping(mapping(hpa.get("spec")).get("scaleTargetRef"))
        if text(ref.get("kind")) == kind and text(ref.get("name")) == name:
            return hpa
    return None


def autoscaler_warning(hpa: dict) -> str:
    spec = mapping(hpa.get("spec"))
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    return (f"HorizontalPodAutoscaler {text(mapping(hpa.get('metadata')).get('name'))} owns "
            f"its replicas ({low}–{high}): it will set them again at its next sync")


def plan_scale(kind: str, namespace: str, name: str, replicas: int, current: int,
               hpa: dict | None = None) -> Fix:
    plural = SCALABLE.get(kind)
    if plural is None:
        raise ValueError(f"a {kind} is not scaled here")
    if replicas < 0:
        raise ValueError("replicas is a number, 0 or more")
    if replicas == current:
        raise ValueError(f"it already has {current} replicas")
    path = namespaced("apps/v1", namespace, plural, name) + "/scale"
    body = {"spec": {"replicas": replicas}}
    write = Write("PATCH", path, body, f"scale {kind.lower()} {namespace}/{name} to {replicas}",
                  path, lambda obj: mapping(mapping(obj).get("spec")).get("replicas") == replicas,
                  content_type=MERGE_PATCH)
    kubectl = shlex.join(["kubectl", "scale", f"{kind.lower()}/{name}", f"--replicas={replicas}",
                          "-n", namespace])
    warnings = [autoscaler_warning(hpa)] if hpa is not None else []
    if replicas == 0:
        warnings.append("0 replicas: every pod goes, and the Service behind it answers nothing")
    return Fix((write,), kubectl, f"scale {kind.lower()} {name} from {current} to {replicas} "
               "replicas", tuple(warnings))
