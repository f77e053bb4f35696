"""``kubectl describe`` for any kind: the metadata, what matters of the kinds an incident
starts from, the conditions, and the object's events at the end (as the pod's describe has).

Lines are ``Field:\\tvalue`` (the view expands the tabs). A Secret shows each key's size, never
a value; the last-applied annotation is left out as kubectl does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubetui.formatting import human_duration
from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pod_detail import events_section
from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.kinds.autoscaling import hpa_section, pdb_section
from kubetui.k8s.kinds.network import ingress_section
from kubetui.k8s.kinds.objects import LAST_APPLIED, value_size
from kubetui.k8s.transport.shapes import mapping, text

Section = Callable[[dict, dict, dict], list[str]]


def _pairs(values: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(values.items())) or "<none>"


def _template(spec: dict) -> list[str]:
    pod = mapping(mapping(spec.get("template")).get("spec"))
    lines = ["Pod Template:"]
    for c in pod.get("containers") or ():
        c = mapping(c)
        lines.append(f"  {text(c.get('name'))}:\tImage {text(c.get('image'))}")
    return lines if len(lines) > 1 else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _deployment(_meta: dict, spec: dict, status: dict) -> list[str]:
    strategy = mapping(spec.get("strategy"))
    rolling = mapping(strategy.get("rollingUpdate"))
    lines = [f"Selector:\t{_pairs(mapping(mapping(spec.get('selector')).get('matchLabels')))}",
             f"Replicas:\t{_int(spec.get('replicas'))} desired | "
             f"{_int(status.get('updatedReplicas'))} updated | "
             f"{_int(status.get('replicas'))} total | "
             f"{_int(status.get('availableReplicas'))} available | "
             f"{_int(status.get('unavailableReplicas'))} unavailable",
             f"StrategyType:\t{text(strategy.get('type')) or 'RollingUpdate'}"]
    if rolling:
        lines.append(f"RollingUpdateStrategy:\t{text(rolling.get('maxUnavailable'))} max "
                     f"unavailable, {text(rolling.get('maxSurge'))} max surge")
    if spec.get("paused") is True:
        lines.append("Paused:\ttrue")
    if "progressDeadlineSeconds" in spec:
        lines.append(f"Progress Deadline:\t{_int(spec.get('progressDeadlineSeconds'))}s")
    return lines + _template(spec)


def _replicated(_meta: dict, spec: dict, status: dict) -> list[str]:
    lines = [f"Selector:\t{_pairs(mapping(mapping(spec.get('selector')).get('matchLabels')))}",
             f"Replicas:\t{_int(status.get('replicas'))} current / "
             f"{_int(spec.get('replicas'))} desired, {_int(status.get('readyReplicas'))} ready"]
    return lines + _template(spec)


def _daemon_set(_meta: dict, spec: dict, status: dict) -> list[str]:
    return [f"Desired Number of Nodes Scheduled:\t{_int(status.get('desiredNumberScheduled'))}",
            f"Current Number of Nodes Scheduled:\t{_int(status.get('currentNumberScheduled'))}",
            f"Number of Nodes Scheduled with Up-to-date Pods:\t"
            f"{_int(status.get('updatedNumberScheduled'))}",
            f"Number of Nodes Misscheduled:\t{_int(status.get('numberMisscheduled'))}",
            f"Pods Available:\t{_int(status.get('numberAvailable'))}"] + _template(spec)


def _job(_meta: dict, spec: dict, status: dict) -> list[str]:
    lines = [f"Parallelism:\t{_int(spec.get('parallelism')) or 1}",
             f"Completions:\t{_int(spec.get('completions')) or 1}",
             f"Backoff Limit:\t{_int(spec.get('backoffLimit'))}"]
    for field, title in (("startTime", "Start Time"), ("completionTime", "Completed At")):
        if status.get(field):
            lines.append(f"{title}:\t{text(status.get(field))}")
    lines.append(f"Pods Statuses:\t{_int(status.get('active'))} Active / "
                 f"{_int(status.get('succeeded'))} Succeeded / {_int(status.get('failed'))} "
                 "Failed")
    return lines + _template(mapping(spec))


def _cron_job(_meta: dict, spec: dict, status: dict) -> list[str]:
    return [f"Schedule:\t{text(spec.get('schedule'))}",
            f"Concurrency Policy:\t{text(spec.get('concurrencyPolicy')) or 'Allow'}",
            f"Suspend:\t{'True' if spec.get('suspend') is True else 'False'}",
            f"Last Schedule Time:\t{text(status.get('lastScheduleTime')) or '<unset>'}",
            # batch/v1 (1.21+): the last Job that succeeded
            *([f"Last Successful Time:\t{text(status.get('lastSuccessfulTime'))}"]
              if status.get("lastSuccessfulTime") else []),
            *([f"Time Zone:\t{text(spec.get('timeZone'))}"] if spec.get("timeZone") else []),
            f"Active Jobs:\t{', '.join(text(mapping(j).get('name')) for j in status.get('active') or ()) or '<none>'}"]  # noqa: E501


def _service(_meta: dict, spec: dict, _status: dict) -> list[str]:
    lines = [f"Type:\t{text(spec.get('type')) or 'ClusterIP'}",
             f"IP:\t{text(spec.get('clusterIP')) or '<none>'}",
             f"Selector:\t{_pairs(mapping(spec.get('selector')))}"]
    if spec.get("externalName"):
        lines.append(f"External Name:\t{text(spec.get('externalName'))}")
    for port in spec.get("ports") or ():
        port = mapping(port)
        name = text(port.get("name")) or "<unset>"
        lines.append(f"Port:\t{name} {text(port.get('port'))}/"
                     f"{text(port.get('protocol')) or 'TCP'} → "
                     f"{text(port.get('targetPort')) or text(port.get('port'))}")
    return lines


def _data(obj: dict, base64: bool) -> list[str]:
    data = mapping(obj.get("data"))
    lines = ["Data:"]
    for key, value in sorted(data.items()):
        size = value_size(value) if base64 else len(text(value).encode())
        lines.append(f"  {key}:\t{size} bytes")
    return lines if data else ["Data:\t<none>"]


SECTIONS: dict[tuple[str, str], Section] = {
    ("apps", "Deployment"): _deployment, ("apps", "ReplicaSet"): _replicated,
    ("apps", "StatefulSet"): _replicated, ("apps", "DaemonSet"): _daemon_set,
    ("batch", "Job"): _job, ("batch", "CronJob"): _cron_job, ("", "Service"): _service,
    ("networking.k8s.io", "Ingress"): ingress_section, ("extensions", "Ingress"): ingress_section,
    ("autoscaling", "HorizontalPodAutoscaler"): hpa_section,
    ("policy", "PodDisruptionBudget"): pdb_section,
}


def describe_object(obj: dict, group: str, now: float,
                    events: Sequence[EventRow] | None = None) -> str:
    """``events``: the object's events (``live/queries.events_about``); None leaves the
    section out (not known), an empty list says ``<none>``."""
    meta, spec, status = (mapping(obj.get(k)) for k in ("metadata", "spec", "status"))
    kind = text(obj.get("kind"))
    lines = [f"Name:\t{text(meta.get('name'))}"]
    if meta.get("namespace"):
        lines.append(f"Namespace:\t{text(meta.get('namespace'))}")
    created = parse_time(text(meta.get("creationTimestamp")))
    if created:
        lines.append(f"CreationTimestamp:\t{text(meta.get('creationTimestamp'))} "
                     f"({human_duration(now - created)} ago)")
    lines.append(f"Labels:\t{_pairs(mapping(meta.get('labels')))}")
    annotations = {k: v for k, v in mapping(meta.get("annotations")).items() if k != LAST_APPLIED}
    lines.append(f"Annotations:\t{_pairs(annotations)}")
    for ref in meta.get("ownerReferences") or ():
        ref = mapping(ref)
        if ref.get("controller") is True:
            lines.append(f"Controlled By:\t{text(ref.get('kind'))}/{text(ref.get('name'))}")
    section = SECTIONS.get((group, kind))
    if section is not None:
        lines += section(meta, spec, status)
    if kind in ("ConfigMap", "Secret") and group == "":
        if kind == "Secret":
            lines.append(f"Type:\t{text(obj.get('type'))}")
        lines += _data(obj, base64=kind == "Secret")
    conditions = [mapping(c) for c in status.get("conditions") or ()]
    if conditions:
        lines.append("Conditions:")
        lines.append("  Type\tStatus\tReason")
        lines += [f"  {text(c.get('type'))}\t{text(c.get('status'))}\t"
                  f"{text(c.get('reason')) or '-'}" for c in conditions]
    if events is not None:
        lines += events_section(events, now) if events else ["Events:\t<none>"]
    return "\n".join(lines)
