"""A PersistentVolumeClaim's and a node's triage."""

from __future__ import annotations

from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.evidence import event_evidence, first_line, latest
from kubetui.k8s.triage.findings import (
    CORDON,
    CRITICAL,
    DRAIN,
    INFO,
    WARNING,
    Evidence,
    Finding,
    Report,
    Step,
)
from kubetui.k8s.triage.world import World

DEFAULT_CLASS = ("storageclass.kubernetes.io/is-default-class",
                 "storageclass.beta.kubernetes.io/is-default-class")


def triage_claim(pvc: dict, world: World, now: float) -> Report:
    classes = world.storageclasses
    meta, spec, status = (mapping(pvc.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"persistentvolumeclaim {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    phase = text(status.get("phase"))
    own = world.events_of(pvc, "PersistentVolumeClaim")
    if phase == "Bound":
        return Report(subject, healthy=f"bound to {text(spec.get('volumeName'))}")
    if phase == "Lost":
        return Report(subject, (Finding(CRITICAL, "storage", f"its volume "
                                        f"{text(spec.get('volumeName'))} is gone (Lost)"),))
    named = spec.get("storageClassName")
    names = {text(mapping(c.get("metadata")).get("name")): c for c in classes or ()}
    failed = latest(own, "ProvisioningFailed")
    if classes is not None and isinstance(named, str) and named and named not in names:
        return Report(subject, (Finding(CRITICAL, "storage", f"it asks for the StorageClass "
                                        f"`{named}`, which does not exist (there are: "
                                        f"{', '.join(sorted(names)) or 'none'})",
                                        (Evidence("spec.storageClassName", named),)),))
    if failed is not None:
        return Report(subject, (Finding(CRITICAL, "storage", "its volume cannot be made: "
                                        f"{first_line(failed.message)}",
                                        (event_evidence(failed, now),)),))
    if named is None and classes is not None and not any(
            mapping(mapping(c.get("metadata")).get("annotations")).get(a) == "true"
            for c in classes for a in DEFAULT_CLASS) and not spec.get("volumeName"):
        return Report(subject, (Finding(CRITICAL, "storage", "it names no StorageClass and the "
                                        "cluster has no default one: nothing will provision it"),))
    waiting = latest(own, "WaitForFirstConsumer")
    if waiting is not None:
        return Report(subject, (Finding(INFO, "storage", "it waits for a pod that uses it to be "
                                        "scheduled (WaitForFirstConsumer)",
                                        (event_evidence(waiting, now),)),))
    external = latest(own, "ExternalProvisioning")
    if external is not None:
        return Report(subject, (Finding(WARNING, "storage", "no provisioner has made its volume "
                                        f"yet: {first_line(external.message)}",
                                        (event_evidence(external, now),)),))
    return Report(subject, (Finding(WARNING, "storage", f"it is {phase or 'Pending'}"),))


def triage_node(node: dict, now: float) -> Report:
    meta, spec, status = (mapping(node.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"node {text(meta.get('name'))}"
    cordoned = spec.get("unschedulable") is True
    # a sick node: no new pods on it, then its pods moved elsewhere (a drain cordons first)
    away = ((Step(DRAIN, "drain it (evict its pods)"),) if cordoned else
            (Step(CORDON, "cordon it (no new pods)"), Step(DRAIN, "drain it (evict its pods)")))
    findings = []
    for c in status.get("conditions") or ():
        c = mapping(c)
        kind, value = text(c.get("type")), text(c.get("status"))
        if kind == "Ready" and value != "True":
            findings.append(Finding(CRITICAL, "nodes", f"it is not Ready "
                                    f"({text(c.get('reason')) or value}): "
                                    f"{text(c.get('message'))}",
                                    (Evidence("condition Ready", value),), away))
        elif kind.endswith("Pressure") and value == "True":
            findings.append(Finding(CRITICAL, "nodes", f"it is under {kind[:-8].lower()} "
                                    f"pressure: {text(c.get('message'))}", steps=away))
        elif kind == "NetworkUnavailable" and value == "True":
            findings.append(Finding(CRITICAL, "nodes", "its network is not set up: "
                                    f"{text(c.get('message'))}", steps=away))
    if not any(text(mapping(c).get("type")) == "Ready" for c in status.get("conditions") or ()):
        findings.insert(0, Finding(CRITICAL, "nodes", "its kubelet has never reported its "
                                   "status (it has no Ready condition)", steps=away))
    if cordoned:  # uncordon offered once nothing else is wrong with it
        findings.append(Finding(WARNING, "nodes", "it is cordoned: no new pods are scheduled "
                                "on it", steps=() if findings else (
                                    Step(CORDON, "uncordon it"),)))
    checked = ("conditions", "schedulable")
    if findings:
        return Report(subject, tuple(findings), checked=checked)
    return Report(subject, healthy="Ready, no pressure, schedulable", checked=checked)
