"""One pod in full: a describe-like summary, its YAML, and its logs.

The summary is built from the pod JSON by pure functions (unit-tested); the YAML drops
``managedFields`` (noise) and never prints a Secret's data; logs stream from ``pods/log``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace

from kubetui.formatting import human_duration
from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pods import parse_time, pod_status
from kubetui.k8s.debug.follow import EphemeralRow, ephemeral_rows
from kubetui.k8s.kinds.objects import object_yaml
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.shapes import SHAPE_ERRORS, mapping, text, tolerant


@dataclass(frozen=True)
class PodDetail:
    namespace: str
    name: str
    init_containers: tuple[str, ...]
    containers: tuple[str, ...]
    describe: str
    yaml: str

    @property
    def all_containers(self) -> tuple[str, ...]:
        return self.init_containers + self.containers


@dataclass(frozen=True)
class StreamTarget:
    """A container a shell or attach can go to."""

    name: str
    state: str  # running | waiting | terminated | unknown
    stdin: bool
    tty: bool
    ephemeral: bool = False


def stream_targets(pod: dict) -> tuple[StreamTarget, ...]:
    """Containers, running ones first (then ephemeral ones), from a pod."""
    spec, status = mapping(pod.get("spec")), mapping(pod.get("status"))
    states: dict[str, str] = {}
    for key in ("containerStatuses", "ephemeralContainerStatuses", "initContainerStatuses"):
        for cs in status.get(key) or ():
            cs = mapping(cs)
            state = mapping(cs.get("state"))
            states[text(cs.get("name"))] = next(iter(state), "unknown")
    targets = []
    for key in ("containers", "ephemeralContainers"):
        for c in spec.get(key) or ():
            c = mapping(c)
            name = text(c.get("name"))
            targets.append(StreamTarget(name, states.get(name, "unknown"), bool(c.get("stdin")),
                                        bool(c.get("tty")), key == "ephemeralContainers"))
    return tuple(sorted(targets, key=lambda t: (t.state != "running", t.ephemeral)))


async def fetch_pod(cluster: Cluster, namespace: str, name: str) -> dict:
    return await cluster.get_json(f"/api/v1/namespaces/{namespace}/pods/{name}",
                                  what=f"get pod {namespace}/{name}")


def _undescribable(pod: dict, error: Exception) -> PodDetail:
    meta = mapping(pod.get("metadata"))
    return PodDetail(text(meta.get("namespace")), text(meta.get("name")), (), (),
                     f"This pod cannot be described: a field has an unexpected type "
                     f"({type(error).__name__}: {error}).\nThe YAML tab shows it as the server "
                     "sent it.", to_yaml(pod))


@tolerant(_undescribable)
def pod_detail(pod: dict, now: float, events: Sequence[EventRow] | None = None,
               chain: str = "") -> PodDetail:
    """``events``: the pod's events (any order), listed at the end as kubectl's describe does;
    None when they are not known (the section is left out rather than shown empty).
    ``chain``: its controllers up to the top one, once read (``kinds/owners.py``)."""
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    return PodDetail(meta.get("namespace", ""), meta.get("name", ""),
                     tuple(c.get("name", "") for c in spec.get("initContainers") or ()),
                     tuple(c.get("name", "") for c in spec.get("containers") or ()),
                     describe_pod(pod, now, events, chain), to_yaml(pod))


def redescribe(detail: PodDetail, pod: dict, now: float,
               events: Sequence[EventRow] | None, chain: str = "") -> PodDetail:
    """``detail`` with only its describe rebuilt, for the clock or new events: the YAML does
    not change with them, and dumping it every second would be work for nothing."""
    try:
        return replace(detail, describe=describe_pod(pod, now, events, chain))
    except SHAPE_ERRORS:  # an undescribable pod stays as pod_detail explained it
        return detail


def events_section(events: Sequence[EventRow], now: float) -> list[str]:
    """kubectl describe's Events table, oldest first: Type, Reason, Age ("40s (x3 over 5m)"
    when the event repeated), From, Message."""
    if not events:
        return ["Events:\t<none>"]

    def age(e: EventRow) -> str:
        last = human_duration(now - e.last_seen) if e.last_seen else "<unknown>"
        if e.count > 1 and e.first_seen:
            return f"{last} (x{e.count} over {human_duration(now - e.first_seen)})"
        return last

    rows = [("Type", "Reason", "Age", "From", "Message"),
            ("----", "------", "----", "----", "-------")]
    rows += [(e.type, e.reason, age(e), e.source or "?", e.message)
             for e in sorted(events, key=lambda e: (e.last_seen or 0, e.uid))]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["Events:"] + ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False))
                          + "  " + r[4] for r in rows]


def to_yaml(obj: dict) -> str:
    return object_yaml(obj)


def qos_class(pod: dict) -> str:
    status_qos = (pod.get("status") or {}).get("qosClass")
    if status_qos:
        return status_qos
    containers = (pod.get("spec") or {}).get("containers") or ()
    requests_any = limits_all = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            requests_any = True
        for r in ("cpu", "memory"):
            if r not in lim or (r in req and req[r] != lim[r]):
                guaranteed = False
        limits_all = limits_all or bool(lim)
    if requests_any and guaranteed:
        return "Guaranteed"
    return "Burstable" if requests_any else "BestEffort"


def probe_text(probe: dict | None) -> str:
    if not probe:
        return ""
    if "exec" in probe:
        how = "exec " + " ".join((probe["exec"] or {}).get("command") or [])
    elif "httpGet" in probe:
        h = probe["httpGet"] or {}
        how = f"http-get {h.get('scheme', 'HTTP').lower()}://:{h.get('port')}{h.get('path', '/')}"
    elif "tcpSocket" in probe:
        how = f"tcp-socket :{(probe['tcpSocket'] or {}).get('port')}"
    elif "grpc" in probe:
        how = f"grpc :{(probe['grpc'] or {}).get('port')}"
    else:
        how = "?"
    return (f"{how} delay={probe.get('initialDelaySeconds', 0)}s "
            f"timeout={probe.get('timeoutSeconds', 1)}s period={probe.get('periodSeconds', 10)}s "
            f"#success={probe.get('successThreshold', 1)} "
            f"#failure={probe.get('failureThreshold', 3)}")


def _state_lines(label: str, state: dict, now: float) -> list[str]:
    if not state:
        return []
    (name, detail), = list(state.items())[:1] or [("", {})]
    detail = detail or {}
    lines = [f"    {label}:\t{name.capitalize()}"]
    for key in ("reason", "message", "exitCode", "signal"):
        if detail.get(key) not in (None, ""):
            lines.append(f"      {key[0].upper() + key[1:]}:\t{detail[key]}")
    for key in ("startedAt", "finishedAt"):
        t = parse_time(detail.get(key))
        if t:
            lines.append(f"      {key[0].upper() + key[1:]}:\t{detail[key]} "
                         f"({human_duration(now - t)} ago)")
    return lines


def describe_pod(pod: dict, now: float, events: Sequence[EventRow] | None = None,
                 chain: str = "") -> str:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    text, ready, total, restarts, _ = pod_status(pod)
    lines = [
        f"Name:\t{meta.get('name', '')}",
        f"Namespace:\t{meta.get('namespace', '')}",
        f"Node:\t{spec.get('nodeName') or '<none>'}",
        f"Status:\t{text} ({ready}/{total} ready, {restarts} restarts)",
        f"IP:\t{status.get('podIP') or '<none>'}",
        f"QoS Class:\t{qos_class(pod)}",
    ]
    started = parse_time(status.get("startTime"))
    if started:
        lines.append(f"Start Time:\t{status['startTime']} ({human_duration(now - started)} ago)")
    if status.get("reason") or status.get("message"):
        lines.append(f"Reason:\t{status.get('reason', '')} {status.get('message', '')}".rstrip())
    labels = meta.get("labels") or {}
    lines.append("Labels:\t" + (", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
                                or "<none>"))
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    if annotations:
        lines.append("Annotations:")
        lines += [f"  {k}:\t{v}" for k, v in sorted(annotations.items())]
    controller = next((r for r in meta.get("ownerReferences") or ()
                       if isinstance(r, dict) and r.get("controller") is True), None)
    if controller is not None:
        lines.append(f"Controlled By:\t{controller.get('kind')}/{controller.get('name')}")
    if chain:
        lines.append(f"Owner Chain:\t{chain}  (O opens the top one)")
    if spec.get("serviceAccountName"):
        lines.append(f"Service Account:\t{spec['serviceAccountName']}")
    if spec.get("runtimeClassName"):
        lines.append(f"Runtime Class:\t{spec['runtimeClassName']}")
    statuses = {c.get("name"): c for c in (status.get("initContainerStatuses") or [])
                + (status.get("containerStatuses") or [])
                + (status.get("ephemeralContainerStatuses") or [])}
    for title, key in (("Init Containers", "initContainers"), ("Containers", "containers"),
                       ("Ephemeral Containers", "ephemeralContainers")):
        containers = spec.get(key) or []
        if not containers:
            continue
        lines.append(f"{title}:")
        for c in containers:
            cs = statuses.get(c.get("name"), {})
            lines.append(f"  {c.get('name')}:")
            lines.append(f"    Image:\t{c.get('image', '')}")
            if c.get("command") or c.get("args"):
                argv = (c.get("command") or []) + (c.get("args") or [])
                lines.append(f"    Command:\t{' '.join(argv)}")
            if c.get("targetContainerName"):
                lines.append(f"    Target:\t{c['targetContainerName']}")
            lines += _state_lines("State", cs.get("state") or {}, now)
            lines += _state_lines("Last State", cs.get("lastState") or {}, now)
            if cs:
                lines.append(f"    Ready:\t{cs.get('ready', False)}")
                lines.append(f"    Restart Count:\t{cs.get('restartCount', 0)}")
            res = c.get("resources") or {}
            for kind in ("limits", "requests"):
                if res.get(kind):
                    lines.append(f"    {kind.capitalize()}:\t"
                                 + ", ".join(f"{k}={v}" for k, v in res[kind].items()))
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(probe):
                    name = probe.replace("Probe", "").capitalize()
                    lines.append(f"    {name}:\t{probe_text(c[probe])}")
    conditions = status.get("conditions") or []
    if conditions:
        lines.append("Conditions:")
        for cond in conditions:
            extra = f" ({cond['reason']})" if cond.get("reason") else ""
            lines.append(f"  {cond.get('type')}:\t{cond.get('status')}{extra}")
    volumes = spec.get("volumes") or []
    if volumes:
        lines.append("Volumes:")
        for v in volumes:
            kind = next((k for k in v if k != "name"), "?")
            src = v.get(kind) or {}
            ref = src.get("claimName") or src.get("name") or src.get("secretName") or \
                src.get("path") or ""
            lines.append(f"  {v.get('name')}:\t{kind} {ref}".rstrip())
    if events is not None:
        lines += events_section(events, now)
    return "\n".join(lines)


async def stream_logs(cluster: Cluster, namespace: str, name: str, container: str, *,
                      previous: bool = False, follow: bool = True,
                      tail_lines: int = 500) -> AsyncIterator[str]:
    params = {"container": container, "tailLines": str(tail_lines),
              "follow": "true" if follow and not previous else "false",
              "timestamps": "false"}
    if previous:
        params["previous"] = "true"
    async with cluster.stream(f"/api/v1/namespaces/{namespace}/pods/{name}/log",
                              what=f"logs of {name}/{container}", params=params) as response:
        async for line in response.aiter_lines():
            yield line


@dataclass(frozen=True)
class PodVersion:
    """One version of the pod from its watch: the parsed debug rows and the object the
    describe and YAML are rendered from (never mutated)."""

    pod: dict
    ephemeral: tuple[EphemeralRow, ...]


def pod_version(pod: dict) -> PodVersion:
    # Items of a LIST carry no apiVersion/kind; the YAML tab shows the object as GET has it.
    return PodVersion({"apiVersion": "v1", "kind": "Pod", **pod}, ephemeral_rows(pod))
