"""CPU and memory per pod and container, as one sample of a source gives them: pure.

Two sources serve the same figures. ``metrics.k8s.io`` (metrics-server) gives each container's
CPU as a rate and its memory working set. The kubelet's summary API
(``/api/v1/nodes/NODE/proxy/stats/summary``), there without metrics-server, gives each
container's cumulative CPU time and working set: the CPU in cores is the counter's growth
between two samples over the time between them (``with_rates``); a container's first sample
shows the kubelet's own rate. A counter that went down (the container restarted) starts over.

``Limits`` reads a pod's requests and limits, and ``share`` makes the k9s-named percentages of
them (%CPU/R, %CPU/L, %MEM/R, %MEM/L); a container using 90 % or more of its memory limit is
``near_limit``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kubetui.k8s.storage.claims import quantity

NEAR_LIMIT = 0.9  # a container's memory at this share of its limit or above stands out
# The kubelet stamps each counter reading to the whole second (a metav1.Time), and reads more
# often while a container is young: a rate over 2 s can be 50 % off. Over 10 s or more the
# stamps cost a tenth at most; the kubelet reads every 10-15 s once settled.
RATE_SPAN = 10.0


@dataclass(frozen=True, slots=True)
class ContainerUsage:
    name: str
    memory: int | None  # working set, bytes
    cpu: float | None = None  # cores (a rate); None until two samples of a counter
    cpu_seconds: float | None = None  # cumulative CPU time (the kubelet's counter), seconds
    at: float | None = None  # when the source took it (epoch seconds)


@dataclass(frozen=True, slots=True)
class PodUsage:
    namespace: str
    name: str
    uid: str
    containers: tuple[ContainerUsage, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.namespace, self.name

    @property
    def cpu(self) -> float | None:
        """The pod's cores: the sum of its containers', once each has a rate."""
        rates = [c.cpu for c in self.containers]
        return sum(r for r in rates if r is not None) if rates and None not in rates else None

    @property
    def memory(self) -> int | None:
        sizes = [c.memory for c in self.containers]
        return sum(s for s in sizes if s is not None) if sizes and None not in sizes else None

    def container(self, name: str) -> ContainerUsage | None:
        return next((c for c in self.containers if c.name == name), None)


Sample = dict[tuple[str, str], PodUsage]  # (namespace, pod) -> its usage
NodeSample = dict[str, ContainerUsage]  # node -> its whole usage (named as the node)


def with_rates(previous: Sample, current: Sample) -> Sample:
    """``current`` with each container's CPU in cores from its counter's growth since
    ``previous``, over ``RATE_SPAN`` seconds at least: a reading nearer than that (the same
    one again, or a young container's) keeps the earlier one as the base and the rate made
    last time. Until a container has two readings far enough apart, the source's own rate
    (the kubelet's ``usageNanoCores``, metrics-server's) is shown."""
    out: Sample = {}
    for key, pod in current.items():
        before = previous.get(key)
        if before is None or before.uid != pod.uid:
            out[key] = pod
            continue
        out[key] = replace(pod, containers=tuple(
            _rated(c, before.container(c.name)) for c in pod.containers))
    return out


def node_rates(previous: NodeSample, current: NodeSample) -> NodeSample:
    """``with_rates`` for the nodes' totals."""
    return {name: _rated(usage, previous.get(name)) for name, usage in current.items()}


def _rated(now: ContainerUsage, old: ContainerUsage | None) -> ContainerUsage:
    if old is None or None in (now.cpu_seconds, old.cpu_seconds, now.at, old.at):
        return now
    spent = now.cpu_seconds - old.cpu_seconds  # type: ignore[operator]
    took = now.at - old.at  # type: ignore[operator]
    if spent < 0 or took < 0:
        return now  # the counter went down: the container restarted
    if took >= RATE_SPAN:
        return replace(now, cpu=spent / took)
    # Too near the last base reading (or the same one again): the base stays, so the next rate
    # spans RATE_SPAN at least, and the last rate (else the source's own) stands meanwhile.
    return replace(now, cpu=old.cpu if old.cpu is not None else now.cpu,
                   cpu_seconds=old.cpu_seconds, at=old.at)


@dataclass(frozen=True, slots=True)
class Limits:
    """A container's requests and limits (cores and bytes; None: not set)."""

    cpu_request: float | None = None
    cpu_limit: float | None = None
    memory_request: int | None = None
    memory_limit: int | None = None


def limits_of(resources: tuple[tuple[str, str, str, str, str], ...]) -> dict[str, Limits]:
    """Each container's requests and limits, from a pod row's ``resources`` (init containers
    too: a sidecar runs as one)."""
    return {name: Limits(_number(cpu_req), _number(cpu_lim), _whole(mem_req), _whole(mem_lim))
            for name, cpu_req, cpu_lim, mem_req, mem_lim in resources}


def cores(value: object) -> float | None:
    """A CPU quantity (``3800m``, ``4``) in cores."""
    return _number(value)


def size(value: object) -> int | None:
    """A memory quantity (``16310172Ki``) in bytes."""
    return _whole(value)


def _number(value: object) -> float | None:
    q = quantity(value)
    return float(q) if q is not None else None


def _whole(value: object) -> int | None:
    q = quantity(value)
    return int(q) if q is not None else None


@dataclass(frozen=True, slots=True)
class Share:
    """Usage as a share of requests and limits (0.5 = 50 %); None where either is unknown."""

    cpu_request: float | None
    cpu_limit: float | None
    memory_request: float | None
    memory_limit: float | None

    @property
    def near_limit(self) -> bool:
        return self.memory_limit is not None and self.memory_limit >= NEAR_LIMIT


def share(cpu: float | None, memory: int | None, limits: Limits) -> Share:
    def of(used: float | None, of_what: float | None) -> float | None:
        return used / of_what if used is not None and of_what else None
    return Share(of(cpu, limits.cpu_request), of(cpu, limits.cpu_limit),
                 of(memory, limits.memory_request), of(memory, limits.memory_limit))


def pod_limits(limits: dict[str, Limits], containers: tuple[str, ...]) -> Limits:
    """A pod's totals over ``containers``; a total is unknown when one of them sets none
    (a container without a limit may use the whole node: the pod has no limit)."""
    chosen = [limits.get(name, Limits()) for name in containers]

    def total(values: list) -> float | None:
        return sum(values) if values and None not in values else None
    return Limits(total([c.cpu_request for c in chosen]), total([c.cpu_limit for c in chosen]),
                  total([c.memory_request for c in chosen]),
                  total([c.memory_limit for c in chosen]))  # type: ignore[arg-type]


def cores_text(cores: float | None) -> str:
    """As kubectl top writes CPU: millicores (``250m``), or ``n/a``."""
    return "n/a" if cores is None else f"{round(cores * 1000)}m"


def bytes_text(size: int | None) -> str:
    """As kubectl top writes memory, in mebibytes (``24Mi``); under one, in kibibytes
    (``228Ki``: kubectl's ``0Mi`` tells a small sidecar from an empty one no better); or
    ``n/a``."""
    if size is None:
        return "n/a"
    return f"{round(size / 2**20)}Mi" if size >= 2**20 else f"{round(size / 2**10)}Ki"


def percent_text(part: float | None) -> str:
    return "n/a" if part is None else f"{round(part * 100)}"


BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], top: float | None = None) -> str:
    """The figures as bars, scaled to ``top`` (a limit) or to their own highest; a figure
    not measured is a space."""
    known = [v for v in values if v is not None]
    high = top or max(known, default=0.0)
    if not high:
        return "".join(" " if v is None else BARS[0] for v in values)
    return "".join(" " if v is None else BARS[min(len(BARS) - 1, int(v / high * len(BARS)))]
                   for v in values)
