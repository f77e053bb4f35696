"""One sample of usage, read: the metrics.k8s.io list of the scope, or each node's kubelet
summary (at most one request per node, a few at once). A node whose kubelet does not answer
leaves its pods n/a and is named; the others' figures stand."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from kubetui.k8s.metrics.sources import (
    KUBELET,
    Choice,
    metrics_path,
    parse_pod_metrics,
    parse_summary,
)
from kubetui.k8s.metrics.usage import Sample
from kubetui.k8s.nodes.audit import SUMMARY
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import KubeError

NODES_AT_ONCE = 8


@dataclass
class Read:
    sample: Sample
    requests: int
    failed: dict[str, KubeError] = field(default_factory=dict)  # node (or the API) -> why


async def read_sample(cluster: Cluster, choice: Choice, namespace: str | None,
                      nodes: Iterable[str]) -> Read:
    if choice.source != KUBELET:
        path = metrics_path(choice.version, namespace)
        try:
            data = await cluster.get_json(path, what="read pod metrics")
        except KubeError as error:
            return Read({}, 1, {"metrics.k8s.io": error})
        return Read(parse_pod_metrics(data), 1)
    limit = asyncio.Semaphore(NODES_AT_ONCE)
    chosen = sorted(set(n for n in nodes if n))
    out = Read({}, len(chosen))

    async def one(node: str) -> None:
        async with limit:
            try:
                data = await cluster.get_json(SUMMARY.format(node=node),
                                              what=f"read the kubelet summary of {node}")
            except KubeError as error:
                out.failed[node] = error
                return
        found = parse_summary(data)
        out.sample.update(found if namespace is None else
                          {k: v for k, v in found.items() if k[0] == namespace})

    await asyncio.gather(*(one(node) for node in chosen))
    return out
