"""Reading one container's log from ``pods/NAME/log``: the lines with their kubelet times, in
batches (one repaint per batch, not per line: ``Cluster.line_batches``), starting again after
the last line a reopened stream already had."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from kubetui.k8s.logs.lines import Stamps
from kubetui.k8s.logs.request import LogQuery, log_params
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError

#: the kubelet's answer, with status 200, when the container's log is gone (a dead container
#: removed since): a line without a timestamp, not a log line
GONE = "unable to retrieve container logs for "


def log_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"


async def container_batches(cluster: Cluster, namespace: str, pod: str, container: str,
                            query: LogQuery, *, previous: bool = False,
                            after_ns: int = 0) -> AsyncIterator[list[tuple[int, str]]]:
    """(ns, text) batches of one container; follows unless ``previous``. ``after_ns``: the
    last line's time a former stream of this container gave: lines up to it are dropped (the
    server resumes at its second)."""
    params = log_params(container, query, follow=not previous, previous=previous,
                        after_ns=after_ns)
    stamps = Stamps()
    async for batch in cluster.line_batches(log_path(namespace, pod), params=params,
                                            what=f"logs of {pod}/{container}"):
        out = [stamps.split(raw) for raw in batch]
        if out and not out[0][0] and out[0][1].startswith(GONE):  # a 200 that says no log
            raise KubeError(ErrorKind.NOT_FOUND, "the kubelet no longer has this log (the "
                            "container was removed)", out[0][1])
        if after_ns:
            out = [line for line in out if line[0] > after_ns]
        if out:
            yield out
