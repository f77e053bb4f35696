"""A Service's triage: a selector that matches no pod (and the nearest labels that would), the
selected pods that are not ready (and why), a named targetPort no selected container declares."""

from __future__ import annotations

from difflib import SequenceMatcher

from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.findings import (
    CRITICAL,
    INFO,
    PODS,
    WARNING,
    Evidence,
    Finding,
    Report,
    Step,
)
from kubetui.k8s.triage.workloads import is_ready, pods_cause
from kubetui.k8s.triage.world import World


def _labels(pod: dict) -> dict:
    return mapping(mapping(pod.get("metadata")).get("labels"))


def nearest(selector: dict, world: World, namespace: str) -> str:
    """What the namespace's pods have instead, for the selector's keys: "3 pods have
    app=payments" (from the pods' label index: one comparison per distinct value)."""
    seen: dict[str, int] = {}
    likeness: dict[str, float] = {}
    for (k, v), pods in world.label_values(set(selector), namespace).items():
        if v != selector[k]:
            label = f"{k}={v}"
            seen[label] = len(pods)
            likeness[label] = SequenceMatcher(None, selector[k], v).ratio()
    if not seen:
        keys = ", ".join(sorted(selector))
        return f"no pod in the namespace has the label {keys}" if len(selector) == 1 else \
            f"no pod in the namespace has the labels {keys}"
    # the most alike first ("payment" for "payments": a typo), then the most common
    best = sorted(seen, key=lambda label: (-round(likeness[label], 1), -seen[label], label))
    return "; ".join(f"{seen[label]} pod{'s' if seen[label] != 1 else ''} "
                     f"{'have' if seen[label] != 1 else 'has'} {label}" for label in best[:3])


def triage_service(svc: dict, world: World, now: float) -> Report:
    meta, spec = mapping(svc.get("metadata")), mapping(svc.get("spec"))
    subject = f"service {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    checked = ("selector", "endpoints", "ports")
    if text(spec.get("type")) == "ExternalName":
        return Report(subject, healthy=f"an alias for {text(spec.get('externalName'))}",
                      checked=checked)
    selector = {str(k): text(v) for k, v in mapping(spec.get("selector")).items()}
    wanted = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    if not selector:
        return Report(subject, (Finding(INFO, "services", "it has no selector: its endpoints are "
                                        "managed by hand or by a controller"),), checked=checked)
    chosen = world.selected(selector, text(meta.get("namespace")))
    if not chosen:
        return Report(subject, (Finding(
            CRITICAL, "services", f"the Service selects `{wanted}`; no pod in the namespace has "
            f"that label ({nearest(selector, world, text(meta.get('namespace')))})",
            (Evidence("spec.selector", wanted),)),), checked=checked)
    findings = []
    unready = [p for p in chosen if not is_ready(p)]
    if unready:
        cause = pods_cause(unready, world, now, "selected pods", counted=False)
        all_down = len(unready) == len(chosen)
        head = (f"none of its {len(chosen)} pods is ready, it answers nothing" if all_down else
                f"{len(unready)} of its {len(chosen)} pods "
                f"{'is' if len(unready) == 1 else 'are'} not ready")
        findings.append(Finding(CRITICAL if all_down else WARNING, "services",
                                head + (f": {cause.cause}" if cause else ""),
                                cause.evidence if cause else (),
                                cause.steps if cause else (Step(PODS, "the selected pods"),),
                                about=cause.about if cause else ""))
    declared = [mapping(p) for pod in chosen for c in mapping(pod.get("spec")).get("containers")
                or () for p in mapping(c).get("ports") or ()]
    for port in spec.get("ports") or ():
        port = mapping(port)
        target = port.get("targetPort")
        if isinstance(target, str) and target and not target.isdigit() and \
                not any(p.get("name") == target for p in declared):
            findings.append(Finding(CRITICAL, "services", f"its port {text(port.get('port'))} "
                                    f"targets the port name `{target}`, which no selected "
                                    "container declares", (Evidence("spec.ports.targetPort",
                                                                    target),)))
        elif isinstance(target, int) and declared and not any(
                p.get("containerPort") == target for p in declared):
            have = ", ".join(sorted({text(p.get("containerPort")) for p in declared}))
            findings.append(Finding(WARNING, "services", f"its port {text(port.get('port'))} "
                                    f"sends to {target}, which no selected container declares "
                                    f"(they declare {have})",
                                    (Evidence("spec.ports.targetPort", str(target)),)))
    if findings:
        return Report(subject, tuple(findings), checked=checked)
    return Report(subject, healthy=f"{len(chosen)} ready pods behind `{wanted}`",
                  checked=checked)
