"""Where usage comes from, and what one sample of each source says: pure parsers.

* ``metrics.k8s.io`` (``GET /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods``): metrics-server's
  PodMetricsList, CPU as a quantity (``250m``, ``1234567n``) already a rate over its
  ``window``, memory as the working set (``24Mi``, ``123456Ki``).
* The kubelet summary (``GET /api/v1/nodes/NODE/proxy/stats/summary``), one request per node
  that runs pods in scope: each container's ``cpu.usageCoreNanoSeconds`` (cumulative: the rate
  is made between two samples, ``usage.with_rates``) and ``memory.workingSetBytes``.

``choose`` picks the source from discovery and the user's rights, and when neither serves says
in one line which right or component is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.metrics.usage import ContainerUsage, NodeSample, PodUsage, Sample
from kubetui.k8s.storage.claims import quantity
from kubetui.k8s.transport.shapes import mapping, text

METRICS_GROUP = "metrics.k8s.io"
METRICS_API, KUBELET = "metrics.k8s.io", "kubelet summary"


def metrics_path(version: str, namespace: str | None, plural: str = "pods") -> str:
    where = f"/namespaces/{namespace}" if namespace else ""
    return f"/apis/{METRICS_GROUP}/{version}{where}/{plural}"


def _usage(name: str, usage: dict, at: float | None) -> ContainerUsage:
    cpu, memory = quantity(usage.get("cpu")), quantity(usage.get("memory"))
    return ContainerUsage(name, int(memory) if memory is not None else None,
                          float(cpu) if cpu is not None else None, at=at)


def _counted(name: str, cpu: dict, memory: dict) -> ContainerUsage:
    """A summary's figures: the kubelet's own rate, its counter and the working set."""
    counter, rate = cpu.get("usageCoreNanoSeconds"), cpu.get("usageNanoCores")
    working = memory.get("workingSetBytes")
    return ContainerUsage(name, working if isinstance(working, int) else None,
                          cpu=rate / 1e9 if isinstance(rate, int) else None,
                          cpu_seconds=counter / 1e9 if isinstance(counter, int) else None,
                          at=parse_time(text(cpu.get("time")) or None))


def parse_pod_metrics(data: dict) -> Sample:
    """A PodMetricsList; an item of another shape is left out (a sample is never worth an
    error: the row shows n/a)."""
    out: Sample = {}
    for item in data.get("items") or ():
        item = mapping(item)
        meta = mapping(item.get("metadata"))
        at = parse_time(text(item.get("timestamp")) or None)
        containers = [_usage(text(mapping(c).get("name")), mapping(mapping(c).get("usage")), at)
                      for c in item.get("containers") or ()]
        pod = PodUsage(text(meta.get("namespace")), text(meta.get("name")),
                       text(meta.get("uid")), tuple(containers))
        out[pod.key] = pod
    return out


def parse_summary(data: dict) -> Sample:
    """One node's summary: its pods' containers' CPU counters and working sets."""
    out: Sample = {}
    for item in data.get("pods") or ():
        item = mapping(item)
        ref = mapping(item.get("podRef"))
        containers = [_counted(text(mapping(c).get("name")), mapping(mapping(c).get("cpu")),
                               mapping(mapping(c).get("memory")))
                      for c in item.get("containers") or ()]
        pod = PodUsage(text(ref.get("namespace")), text(ref.get("name")), text(ref.get("uid")),
                       tuple(containers))
        out[pod.key] = pod
    return out


def parse_node_metrics(data: dict) -> NodeSample:
    """A NodeMetricsList: each node's CPU and working set."""
    out: NodeSample = {}
    for item in data.get("items") or ():
        item = mapping(item)
        name = text(mapping(item.get("metadata")).get("name"))
        out[name] = _usage(name, mapping(item.get("usage")),
                           parse_time(text(item.get("timestamp")) or None))
    return out


def parse_summary_node(data: dict) -> NodeSample:
    """A summary's node totals (the kubelet's ``node`` section)."""
    node = mapping(data.get("node"))
    name = text(node.get("nodeName"))
    return {name: _counted(name, mapping(node.get("cpu")), mapping(node.get("memory")))}


@dataclass(frozen=True)
class Choice:
    source: str  # METRICS_API, KUBELET, or "" (none: ``why`` says what is missing)
    version: str = ""  # metrics.k8s.io's version
    why: str = ""


def choose(metrics_version: str | None, may_read_metrics: bool,
           may_proxy_nodes: bool, plural: str = "pods") -> Choice:
    """metrics.k8s.io when the server serves it and the user may list its pods; else each
    node's kubelet through the apiserver (``get nodes/proxy``); else neither, said."""
    if metrics_version and may_read_metrics:
        return Choice(METRICS_API, metrics_version)
    if may_proxy_nodes:
        return Choice(KUBELET)
    served = (f"{METRICS_GROUP} is served but you may not list {plural}.{METRICS_GROUP}"
              if metrics_version else f"no metrics-server ({METRICS_GROUP} is not served)")
    return Choice("", why=f"CPU/MEM n/a: {served}, and the kubelet's figures need "
                          "get nodes/proxy, which you lack")
