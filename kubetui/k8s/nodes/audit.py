"""The node-side facts of the 1.20 era, each with where it comes from: pure functions.

Sources: the Node object (conditions, ``status.nodeInfo``, ``status.allocatable``), the
kubelet's own configuration (``/api/v1/nodes/NAME/proxy/configz``), and the kubelet's summary
API (``/api/v1/nodes/NAME/proxy/stats/summary``: the node's process count against its PID
limit, ``node.rlimit``, and each pod's ``process_stats.process_count``). Both endpoints need
``get nodes/proxy``; they are read on demand, never polled in the background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.shapes import mapping, text

CONFIGZ = "/api/v1/nodes/{node}/proxy/configz"
SUMMARY = "/api/v1/nodes/{node}/proxy/stats/summary"
CADVISOR = "/api/v1/nodes/{node}/proxy/metrics/cadvisor"
CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
ENDED_REASONS = {"Evicted": "evicted by the kubelet", "Shutdown": "graceful node shutdown",
                 "Terminated": "graceful node shutdown", "NodeShutdown": "graceful node shutdown",
                 "NodeLost": "its node was lost", "OutOfpods": "node out of pod slots"}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    source: str  # the field or endpoint it was read from
    flag: str = ""  # why it deserves attention


def version_skew(kubelet: str, server: ServerVersion) -> tuple[str, str]:
    """(a description, a flag) of the kubelet's version against the apiserver's. The kubelet
    may be up to 2 minors older (3 from 1.28) and never newer."""
    parsed = ServerVersion.from_json({"gitVersion": kubelet})
    if not parsed.major:
        return "unknown", ""
    diff = server.minor - parsed.minor if parsed.major == server.major else 99
    allowed = 3 if server.at_least(1, 28) else 2
    if diff == 0:
        return "same minor as the apiserver", ""
    if diff < 0:
        return f"{-diff} minor(s) newer than the apiserver", "a kubelet newer than the " \
            "apiserver is not supported"
    flag = "" if diff <= allowed else f"beyond the supported skew of {allowed} minors"
    return f"{diff} minor(s) older than the apiserver", flag


def node_facts(node: dict, server: ServerVersion) -> list[Fact]:
    status = mapping(node.get("status"))
    info = mapping(status.get("nodeInfo"))
    facts: list[Fact] = []
    conditions = {text(mapping(c).get("type")): mapping(c) for c in
                  status.get("conditions") or ()}
    for name in CONDITIONS:
        c = conditions.get(name, {})
        value = text(c.get("status")) or "unknown"
        bad = (value != "True") if name == "Ready" else (value == "True")
        reason = text(c.get("reason"))
        facts.append(Fact(name, value + (f" ({reason})" if reason else ""),
                          f"status.conditions[{name}]", text(c.get("message")) if bad else ""))
    kubelet = text(info.get("kubeletVersion"))
    skew, flag = version_skew(kubelet, server)
    facts.append(Fact("kubelet", f"{kubelet} ({skew}; apiserver {server})",
                      "status.nodeInfo.kubeletVersion", flag))
    runtime = text(info.get("containerRuntimeVersion"))
    facts.append(Fact("container runtime", runtime, "status.nodeInfo.containerRuntimeVersion",
                      "dockershim: deprecated in 1.20, removed in 1.24; move to containerd or "
                      "CRI-O" if runtime.startswith("docker://") else ""))
    facts.append(Fact("OS image", text(info.get("osImage")), "status.nodeInfo.osImage"))
    facts.append(Fact("kernel", text(info.get("kernelVersion")),
                      "status.nodeInfo.kernelVersion"))
    allocatable = mapping(status.get("allocatable"))
    facts.append(Fact("allocatable pods", text(allocatable.get("pods")) or "?",
                      "status.allocatable.pods"))
    return facts


@dataclass(frozen=True)
class KubeletConfig:
    pod_pids_limit: int | None  # -1 or None: unlimited
    max_pods: int | None
    cgroup_driver: str
    shutdown_grace: str
    shutdown_grace_critical: str
    eviction_hard: tuple[tuple[str, str], ...]
    eviction_soft: tuple[tuple[str, str], ...]
    feature_gates: tuple[tuple[str, bool], ...]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_configz(data: dict) -> KubeletConfig:
    """``/configz``: ``{"kubeletconfig": {...}}`` (the same key from 1.20 to today)."""
    cfg = mapping(mapping(data).get("kubeletconfig"))
    return KubeletConfig(
        pod_pids_limit=_int(cfg.get("podPidsLimit")), max_pods=_int(cfg.get("maxPods")),
        cgroup_driver=text(cfg.get("cgroupDriver")),
        shutdown_grace=text(cfg.get("shutdownGracePeriod")) or "0s",
        shutdown_grace_critical=text(cfg.get("shutdownGracePeriodCriticalPods")) or "0s",
        eviction_hard=tuple(sorted((k, text(v)) for k, v in
                                   mapping(cfg.get("evictionHard")).items())),
        eviction_soft=tuple(sorted((k, text(v)) for k, v in
                                   mapping(cfg.get("evictionSoft")).items())),
        feature_gates=tuple(sorted((k, bool(v)) for k, v in
                                   mapping(cfg.get("featureGates")).items())))


def config_facts(cfg: KubeletConfig) -> list[Fact]:
    src = "configz kubeletconfig."
    pids = cfg.pod_pids_limit
    shutdown_on = cfg.shutdown_grace not in ("", "0s")
    return [
        Fact("podPidsLimit", "unlimited" if pids is None or pids < 0 else str(pids),
             src + "podPidsLimit",
             "no per-pod PID limit: one pod's fork bomb can exhaust the node" if pids is None
             or pids < 0 else ""),
        Fact("maxPods", str(cfg.max_pods) if cfg.max_pods is not None else "?",
             src + "maxPods"),
        Fact("cgroup driver", cfg.cgroup_driver or "?", src + "cgroupDriver"),
        Fact("shutdownGracePeriod", cfg.shutdown_grace, src + "shutdownGracePeriod",
             "" if shutdown_on else "graceful node shutdown is off: pods are killed without "
             "their grace period when the node shuts down"),
        Fact("shutdownGracePeriodCriticalPods", cfg.shutdown_grace_critical,
             src + "shutdownGracePeriodCriticalPods"),
        Fact("evictionHard", ", ".join(f"{k}<{v}" for k, v in cfg.eviction_hard) or "-",
             src + "evictionHard"),
        Fact("evictionSoft", ", ".join(f"{k}<{v}" for k, v in cfg.eviction_soft) or "-",
             src + "evictionSoft"),
    ]


@dataclass(frozen=True)
class PidUsage:
    node_max: int | None  # node.rlimit.maxpid
    node_current: int | None  # node.rlimit.curproc
    pods: tuple[tuple[str, str, int], ...]  # (namespace, name, processes), most first
    source: str = "summary"  # or "cadvisor": where the per-pod counts come from

    @property
    def counted(self) -> bool:
        """Whether the per-pod counts mean anything (1.20's summary reports 0 for every pod)."""
        return any(count for _, _, count in self.pods)

    def top(self, count: int = 10) -> tuple[tuple[str, str, int], ...]:
        return self.pods[:count]


def parse_summary(data: dict) -> PidUsage:
    """``/stats/summary``: ``node.rlimit`` (maxpid, curproc) and each pod's
    ``process_stats.process_count`` (1.20+; absent before, and for pods without processes)."""
    node = mapping(mapping(data).get("node"))
    rlimit = mapping(node.get("rlimit"))
    pods = []
    for pod in mapping(data).get("pods") or ():
        pod = mapping(pod)
        ref = mapping(pod.get("podRef"))
        count = _int(mapping(pod.get("process_stats")).get("process_count"))
        if count is not None:
            pods.append((text(ref.get("namespace")), text(ref.get("name")), count))
    pods.sort(key=lambda p: (-p[2], p[0], p[1]))
    return PidUsage(_int(rlimit.get("maxpid")), _int(rlimit.get("curproc")), tuple(pods))


_SERIES = re.compile(r'^container_processes\{(?P<labels>[^}]*)\} (?P<value>[0-9.e+]+)')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def cadvisor_processes(metrics: str) -> dict[tuple[str, str], int]:
    """Processes per pod from the kubelet's cAdvisor metrics: the sum of ``container_processes``
    of the containers under each pod's cgroup. The 1.20 summary API counts only the pod cgroup's
    own processes (always 0: they live in the containers' cgroups), so this is its fallback."""
    pods: dict[str, tuple[str, str]] = {}
    counts: dict[str, float] = {}
    for line in metrics.splitlines():
        match = _SERIES.match(line)
        if not match:
            continue
        labels = dict(_LABEL.findall(match.group("labels")))
        cgroup = labels.get("id", "")
        if labels.get("pod") and labels.get("namespace"):
            pods[cgroup] = (labels["namespace"], labels["pod"])
        counts[cgroup] = float(match.group("value"))
    totals: dict[tuple[str, str], int] = {}
    for pod_cgroup, ref in pods.items():
        totals[ref] = int(sum(v for cgroup, v in counts.items()
                              if cgroup.startswith(pod_cgroup + "/")))
    return totals


def with_cadvisor(usage: PidUsage, totals: dict[tuple[str, str], int]) -> PidUsage:
    pods = sorted(((ns, name, n) for (ns, name), n in totals.items()),
                  key=lambda p: (-p[2], p[0], p[1]))
    return PidUsage(usage.node_max, usage.node_current, tuple(pods), "cadvisor")


def pid_lines(usage: PidUsage, limit: int | None) -> list[str]:
    """The node's count against its limit, then the pods with the most processes against
    ``podPidsLimit`` (the share that is a fork bomb's signature)."""
    out = []
    if usage.node_max and usage.node_current is not None:
        share = 100 * usage.node_current / usage.node_max
        out.append(f"node: {usage.node_current} processes of {usage.node_max} "
                   f"({share:.1f}%; summary node.rlimit)")
    else:
        out.append("node: no rlimit in the summary (this kubelet does not report it)")
    if not usage.pods:
        out.append("pods: no process counts in the summary (process_stats needs 1.20+)")
    else:
        out.append("pods, most processes first (" + (
            "summary pods[].process_stats" if usage.source == "summary" else
            "metrics/cadvisor container_processes, summed per pod: this kubelet's summary "
            "counts 0 for every pod") + "):")
    for namespace, name, count in usage.top():
        against = ""
        if limit and limit > 0:
            against = f" of podPidsLimit {limit} ({100 * count / limit:.0f}%)" + (
                "  ⚠ near the limit" if count >= 0.8 * limit else "")
        out.append(f"{count:>6} {namespace}/{name}{against}")
    return out


def ended_by_node(pod: dict) -> str:
    """Why a node ended this pod (evicted for pressure, graceful shutdown), or ""."""
    status = mapping(pod.get("status"))
    reason = text(status.get("reason"))
    if reason not in ENDED_REASONS:
        return ""
    message = text(status.get("message"))
    return f"{reason}: {ENDED_REASONS[reason]}" + (f" ({message})" if message else "")


@dataclass(frozen=True)
class RuntimeClassRow:
    uid: str
    name: str
    handler: str
    overhead: str  # "cpu=250m, memory=120Mi"
    scheduling: str  # "nodeSelector k=v; tolerations 1"

    @property
    def key(self) -> str:
        return self.uid


def runtime_class_row(rc: dict) -> RuntimeClassRow:
    meta = mapping(rc.get("metadata"))
    overhead = mapping(mapping(rc.get("overhead")).get("podFixed"))
    sched = mapping(rc.get("scheduling"))
    selector = mapping(sched.get("nodeSelector"))
    parts = [f"nodeSelector {', '.join(f'{k}={v}' for k, v in selector.items())}"] \
        if selector else []
    if sched.get("tolerations"):
        parts.append(f"tolerations {len(sched['tolerations'])}")
    return RuntimeClassRow(text(meta.get("uid")), text(meta.get("name")),
                           text(rc.get("handler")),
                           ", ".join(f"{k}={text(v)}" for k, v in overhead.items()) or "-",
                           "; ".join(parts) or "-")
