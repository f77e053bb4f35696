"""Why a pod has no node: the scheduler's FailedScheduling message, read against the pod's
requests, tolerations and node selector and, when the user may list nodes, the nodes (the
largest allocatable, the labels they carry): "no node has 64 CPUs free (the largest allocates
2)", "it asks for disktype=ssd; no node has that label (1 has disktype=hdd)"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.storage.claims import quantity
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.evidence import event_evidence, latest
from kubetui.k8s.triage.findings import CRITICAL, EVENTS, WARNING, Evidence, Finding, Step
from kubetui.k8s.triage.messages import Unschedulable, scheduling_reasons


def scheduling_finding(spec: dict, scheduled: dict, events: Sequence[EventRow],
                       nodes: Sequence[dict] | None, now: float) -> Finding:
    if text(scheduled.get("reason")) == "SchedulingGated":
        gates = ", ".join(text(mapping(g).get("name")) for g in spec.get("schedulingGates") or ())
        return Finding(WARNING, "scheduling", f"it waits for its scheduling gates to be removed "
                       f"({gates or 'spec.schedulingGates'})",
                       (Evidence("spec.schedulingGates", gates),))
    event = latest(events, "FailedScheduling")
    message = event.message if event is not None else text(scheduled.get("message"))
    if not message:
        scheduler = text(spec.get("schedulerName")) or "default-scheduler"
        cause = ("it is not scheduled yet" if scheduler == "default-scheduler" else
                 f"no scheduler has taken it: it asks for the scheduler `{scheduler}`")
        return Finding(WARNING, "scheduling", cause, (Evidence("spec.schedulerName",
                                                               scheduler),))
    total, reasons = scheduling_reasons(message)
    clauses = [_clause(r, spec, nodes) for r in sorted(reasons, key=lambda r: -r.nodes)]
    head = (f"no node can take it ({total} node{'s' if total != 1 else ''}): " if total else
            "it cannot be scheduled: ")
    evidence = [event_evidence(event, now)] if event is not None else \
        [Evidence("condition PodScheduled", message)]
    evidence += _requests_evidence(spec, reasons)
    return Finding(CRITICAL, "scheduling", head + "; ".join(clauses), tuple(evidence),
                   (Step(EVENTS, "the pod's events"),))


def _clause(r: Unschedulable, spec: dict, nodes: Sequence[dict] | None) -> str:
    one = r.nodes == 1
    count = f"{r.nodes} node{'' if one else 's'}"

    def verb(plural: str, singular: str) -> str:
        return singular if one else plural
    if r.reason == "insufficient":
        asked = requests(spec).get(r.detail)
        largest = _largest_allocatable(nodes, r.detail)
        asked_text = f" for its request of {_amount(r.detail, asked)}" if asked else ""
        most = f" (the largest allocates {_amount(r.detail, largest)})" if largest else ""
        return (f"{count} {verb('have', 'has')} too little {_resource(r.detail)} free"
                f"{asked_text}{most}")
    if r.reason == "taint":
        return f"{count} {verb('carry', 'carries')} the taint {r.detail or '?'} it does not " \
               "tolerate"
    if r.reason in ("selector", "affinity"):  # 1.20 says "node affinity" for a selector too
        return f"{count} {verb('do', 'does')} not match {_selector_text(spec, nodes)}"
    if r.reason == "unbound-pvc":
        return "a PersistentVolumeClaim it mounts is not bound (see the claim)"
    if r.reason == "too-many-pods":
        return f"{count} already {verb('run', 'runs')} as many pods as {verb('they', 'it')} " \
               "may (max-pods)"
    if r.reason == "cordoned":
        return f"{count} {verb('are', 'is')} cordoned (unschedulable)"
    if r.reason == "ports":
        return f"{count} {verb('have', 'has')} its hostPort taken"
    return f"{count}: {r.text}"


def requests(spec: dict) -> dict[str, Decimal]:
    """The pod's effective requests: the sum of its containers', or its largest init
    container's where that is more (as the scheduler counts them)."""
    total: dict[str, Decimal] = {}
    for c in spec.get("containers") or ():
        for k, v in mapping(mapping(mapping(c).get("resources")).get("requests")).items():
            q = quantity(v)
            if q is not None:
                total[k] = total.get(k, Decimal(0)) + q
    for c in spec.get("initContainers") or ():
        for k, v in mapping(mapping(mapping(c).get("resources")).get("requests")).items():
            q = quantity(v)
            if q is not None and q > total.get(k, Decimal(0)):
                total[k] = q
    return total


def _largest_allocatable(nodes: Sequence[dict] | None, resource: str) -> Decimal | None:
    values = [quantity(mapping(mapping(n.get("status")).get("allocatable")).get(resource))
              for n in nodes or ()]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _resource(name: str) -> str:
    return {"cpu": "CPU", "memory": "memory", "ephemeral-storage": "ephemeral storage"}.get(
        name, name)


def _amount(resource: str, value: Decimal | None) -> str:
    if value is None:
        return "?"
    if resource == "cpu":
        cores = value.normalize()
        return f"{cores:f} CPU" if cores >= 1 else f"{int(value * 1000)}m CPU"
    if resource in ("memory", "ephemeral-storage"):
        for unit, size in (("Gi", 2 ** 30), ("Mi", 2 ** 20), ("Ki", 2 ** 10)):
            if value >= size:
                return f"{(value / size).quantize(Decimal('0.1')).normalize():f}{unit}"
        return f"{value:f} bytes"
    return f"{value.normalize():f}"


def _selector_text(spec: dict, nodes: Sequence[dict] | None) -> str:
    selector = {str(k): text(v) for k, v in mapping(spec.get("nodeSelector")).items()}
    if not selector:
        return "its node affinity"
    wanted = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
    if nodes is None:
        return f"its node selector {wanted}"
    have = sorted({f"{k}={text(mapping(mapping(n.get('metadata')).get('labels')).get(k))}"
                   for n in nodes for k in selector
                   if k in mapping(mapping(n.get("metadata")).get("labels"))})
    near = f" (nodes have {', '.join(have)})" if have else " (no node has those label keys)"
    return f"its node selector {wanted}{near}"


def _requests_evidence(spec: dict, reasons: list[Unschedulable]) -> list[Evidence]:
    asked = requests(spec)
    out = []
    for r in reasons:
        if r.reason == "insufficient" and r.detail in asked:
            out.append(Evidence(f"requests.{r.detail} (all containers)",
                                _amount(r.detail, asked[r.detail])))
        if r.reason in ("selector", "affinity") and spec.get("nodeSelector"):
            out.append(Evidence("spec.nodeSelector", ", ".join(
                f"{k}={v}" for k, v in sorted(mapping(spec.get("nodeSelector")).items()))))
    return out
