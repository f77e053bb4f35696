"""One sample of usage, read: the metrics.k8s.io list of the scope, or each node's kubelet
summary (at most one request per node, a few at once). A node whose kubelet does not answer
leaves its pods n/a and is named; the others' figures stand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from kubetui.k8s.metrics.sources import (
    KUBELET,
    Choice,
    metrics_path,
    parse_node_metrics,
    parse_pod_metrics,
    parse_summary,
    parse_summary_node,
)
from kubetui.k8s.metrics.usage import Sample
from kubetui.k8s.nodes.audit import SUMMARY
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError

NODES_AT_ONCE = 8


@dataclass
class Read:
    sample: dict  # a pods ``Sample``, or a ``NodeSample``
    requests: int
    failed: dict[str, KubeError] = field(default_factory=dict)  # node (or the API) -> why


async def read_sample(cluster: Cluster, choice: Choice, namespace: str | None,
                      nodes: Iterable[str]) -> Read:
    """The pods in scope (``namespace`` None: every namespace) on ``nodes``."""
    if choice.source != KUBELET:
        return await _metrics(cluster, metrics_path(choice.version, namespace),
                              parse_pod_metrics)

    def pods(data: dict) -> Sample:
        found = parse_summary(data)
        return found if namespace is None else {k: v for k, v in found.items()
                                                if k[0] == namespace}
    return await _summaries(cluster, nodes, pods)


async def read_nodes(cluster: Cluster, choice: Choice, nodes: Iterable[str]) -> Read:
    """Each node's totals."""
    if choice.source != KUBELET:
        return await _metrics(cluster, metrics_path(choice.version, None, "nodes"),
                              parse_node_metrics)
    return await _summaries(cluster, nodes, parse_summary_node)


async def _read(cluster: Cluster, path: str, what: str, parse):
    """GET ``path``, decoded and parsed in a thread: a summary of 110 pods is ~200 KB of
    JSON, a list of 10,000 pods' metrics several MB, and the UI loop must not wait on it."""
    response = await cluster.request("GET", path, what=what)

    def decoded():
        try:
            data = json.loads(response.content)
        except ValueError:
            raise KubeError(ErrorKind.SERVER, f"{what}: the server answered with non-JSON",
                            response.text[:200]) from None
        return parse(data if isinstance(data, dict) else {})
    return await asyncio.to_thread(decoded)


async def _metrics(cluster: Cluster, path: str, parse) -> Read:
    try:
        return Read(await _read(cluster, path, "read metrics.k8s.io", parse), 1)
    except KubeError as error:
        return Read({}, 1, {"metrics.k8s.io": error})


async def _summaries(cluster: Cluster, nodes: Iterable[str], parse) -> Read:
    limit = asyncio.Semaphore(NODES_AT_ONCE)
    chosen = sorted(set(n for n in nodes if n))
    out = Read({}, len(chosen))

    async def one(node: str) -> None:
        async with limit:
            try:
                found = await _read(cluster, SUMMARY.format(node=node),
                                    f"read the kubelet summary of {node}", parse)
            except KubeError as error:
                out.failed[node] = error
                return
        out.sample.update(found)

    await asyncio.gather(*(one(node) for node in chosen))
    return out
