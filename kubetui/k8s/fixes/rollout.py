"""Rollout restart and undo, as ``kubectl rollout`` sends them.

Restart: a strategic merge patch of the pod template's ``kubectl.kubernetes.io/restartedAt``
annotation (RFC 3339, as kubectl writes it); the controller rolls every pod. Undo (a
Deployment): the chosen ReplicaSet's pod template (its ``pod-template-hash`` label removed)
replaces the Deployment's, and its annotations are copied but for the ones kubectl skips — one
JSON patch, kubectl's ``getDeploymentPatch``. Undo (a StatefulSet or a DaemonSet): the chosen
ControllerRevision's ``data`` (the template with ``$patch: replace``) sent as a strategic merge
patch, as kubectl's StatefulSet and DaemonSet rollbackers do.
"""

from __future__ import annotations

import copy
import difflib
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import JSON_PATCH, STRATEGIC_MERGE_PATCH, Write

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH = "pod-template-hash"
#: kubectl's annotationsToSkip (polymorphichelpers/rollback.go)
SKIPPED = ("kubectl.kubernetes.io/last-applied-configuration", REVISION,
           "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
           "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to")
RESTARTABLE = {"Deployment": "deployments", "StatefulSet": "statefulsets",
               "DaemonSet": "daemonsets"}


def rfc3339(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def plan_restart(kind: str, namespace: str, name: str, now: float, paused: bool = False) -> Fix:
    """``paused``: refused, as kubectl refuses it (the restart would wait for a resume)."""
    plural = RESTARTABLE.get(kind)
    if plural is None:
        raise ValueError(f"a {kind} has no rollout to restart")
    if paused:
        raise ValueError(f"{kind.lower()} {name} is paused: resume it first "
                         f"(kubectl rollout resume {kind.lower()}/{name} -n {namespace})")
    stamp = rfc3339(now)
    body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
    path = namespaced("apps/v1", namespace, plural, name)
    write = Write("PATCH", path, body, f"restart {kind.lower()} {namespace}/{name}", path,
                  lambda obj: _template_annotation(obj, RESTARTED_AT) == stamp,
                  content_type=STRATEGIC_MERGE_PATCH)
    kubectl = shlex.join(["kubectl", "rollout", "restart", f"{kind.lower()}/{name}",
                          "-n", namespace])
    return Fix((write,), kubectl, f"restart the rollout of {kind.lower()} {name}: every pod "
               "is replaced, as the update strategy allows")


@dataclass(frozen=True)
class Revision:
    """A Deployment's revision: one of its ReplicaSets."""

    number: int
    name: str
    change_cause: str
    template: dict
    annotations: dict
    current: bool = False
    patch: dict | None = None  # a ControllerRevision's data: what the undo sends

    @classmethod
    def of_history(cls, cr: dict, current: bool) -> Revision | None:
        """A StatefulSet's or DaemonSet's revision: one of its ControllerRevisions."""
        meta = mapping(cr.get("metadata"))
        number, data = cr.get("revision"), mapping(cr.get("data"))
        if not isinstance(number, int) or not data:
            return None
        template = {k: v for k, v in mapping(mapping(data.get("spec")).get("template")).items()
                    if k != "$patch"}
        annotations = mapping(meta.get("annotations"))
        return cls(number, text(meta.get("name")), text(annotations.get(CHANGE_CAUSE)),
                   template, dict(annotations), current, data)

    @classmethod
    def of(cls, rs: dict, current_revision: int) -> Revision | None:
        meta = mapping(rs.get("metadata"))
        annotations = mapping(meta.get("annotations"))
        try:
            number = int(text(annotations.get(REVISION)))
        except ValueError:
            return None
        return cls(number, text(meta.get("name")), text(annotations.get(CHANGE_CAUSE)),
                   mapping(mapping(rs.get("spec")).get("template")), dict(annotations),
                   number == current_revision)


def revisions(replicasets: Sequence[dict], current_revision: int) -> list[Revision]:
    """Newest first, as ``kubectl rollout history`` numbers them."""
    found = (Revision.of(rs, current_revision) for rs in replicasets)
    return sorted((r for r in found if r is not None), key=lambda r: -r.number)


def history(revisions_: Sequence[dict], owner_uid: str, current_name: str = "") -> list[Revision]:
    """A StatefulSet's or DaemonSet's ControllerRevisions, newest first; the current one is
    ``current_name`` (a StatefulSet's ``status.updateRevision``), else the newest."""
    owned = [cr for cr in revisions_ if any(
        text(mapping(r).get("uid")) == owner_uid
        for r in mapping(cr.get("metadata")).get("ownerReferences") or ())]
    found = [r for r in (Revision.of_history(cr, False) for cr in owned) if r is not None]
    found.sort(key=lambda r: -r.number)
    current = current_name or (found[0].name if found else "")
    return [Revision(r.number, r.name, r.change_cause, r.template, r.annotations,
                     r.name == current, r.patch) for r in found]


def without_hash(template: dict) -> dict:
    out = copy.deepcopy(template)
    labels = mapping(out.get("metadata")).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH, None)
    return out


def template_diff(current: dict, chosen: dict) -> str:
    """The pod template change the undo makes, as a unified diff of YAML."""
    def lines(template: dict) -> list[str]:
        return yaml.safe_dump(without_hash(template), sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(lines(current), lines(chosen), "current", "chosen",
                                          lineterm=""))


def plan_undo(deployment: dict, to: Revision) -> Fix:
    if text(deployment.get("kind")) in ("StatefulSet", "DaemonSet"):
        return plan_undo_history(deployment, to)
    meta = mapping(deployment.get("metadata"))
    namespace, name = text(meta.get("namespace")), text(meta.get("name"))
    if mapping(deployment.get("spec")).get("paused") is True:  # kubectl refuses it too
        raise ValueError(f"deployment {name} is paused: resume it first (kubectl rollout "
                         f"resume deployment/{name} -n {namespace})")
    current = mapping(mapping(deployment.get("spec")).get("template"))
    template = without_hash(to.template)
    if without_hash(current) == template:
        raise ValueError(f"the current template already matches revision {to.number}")
    ours = mapping(meta.get("annotations"))
    annotations = {k: v for k, v in ours.items() if k in SKIPPED}
    annotations.update({k: v for k, v in to.annotations.items() if k not in SKIPPED})
    body = [{"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations}]
    path = namespaced("apps/v1", namespace, "deployments", name)
    write = Write("PATCH", path, body, f"roll back deployment {namespace}/{name} to revision "
                  f"{to.number}", path,
                  lambda obj: without_hash(mapping(mapping(mapping(obj).get("spec"))
                                                   .get("template"))) == template,
                  content_type=JSON_PATCH)
    kubectl = shlex.join(["kubectl", "rollout", "undo", f"deployment/{name}",
                          f"--to-revision={to.number}", "-n", namespace])
    cause = f" ({to.change_cause})" if to.change_cause else ""
    return Fix((write,), kubectl, f"roll deployment {name} back to revision {to.number}"
               f"{cause}: its pod template becomes ReplicaSet {to.name}'s, a new revision")


def plan_undo_history(obj: dict, to: Revision) -> Fix:
    """A StatefulSet's or DaemonSet's undo: the ControllerRevision's data as kubectl sends it."""
    kind, meta = text(obj.get("kind")), mapping(obj.get("metadata"))
    namespace, name = text(meta.get("namespace")), text(meta.get("name"))
    plural = RESTARTABLE.get(kind)
    if plural is None or kind == "Deployment" or to.patch is None:
        raise ValueError(f"a {kind or 'object'} is not rolled back from a ControllerRevision")
    current = mapping(mapping(obj.get("spec")).get("template"))
    if current == to.template:
        raise ValueError(f"the current template already matches revision {to.number}")
    path = namespaced("apps/v1", namespace, plural, name)
    template = to.template
    write = Write("PATCH", path, to.patch, f"roll back {kind.lower()} {namespace}/{name} to "
                  f"revision {to.number}", path,
                  lambda got: mapping(mapping(mapping(got).get("spec")).get("template"))
                  == template, content_type=STRATEGIC_MERGE_PATCH)
    kubectl = shlex.join(["kubectl", "rollout", "undo", f"{kind.lower()}/{name}",
                          f"--to-revision={to.number}", "-n", namespace])
    return Fix((write,), kubectl, f"roll {kind.lower()} {name} back to revision {to.number}: "
               f"its pod template becomes ControllerRevision {to.name}'s")


def _template_annotation(obj: dict | None, key: str) -> str:
    template = mapping(mapping(mapping(obj).get("spec")).get("template"))
    return text(mapping(mapping(template.get("metadata")).get("annotations")).get(key))
