"""Reading one container's log from ``pods/NAME/log``: the lines with their kubelet times, in
batches (one repaint per batch, not per line), starting again after the last line a reopened
stream already had."""

from __future__ import annotations

import asyncio
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


async def raw_lines(cluster: Cluster, namespace: str, pod: str,
                    params: dict[str, str]) -> AsyncIterator[str]:
    what = f"logs of {pod}/{params.get('container', '')}"
    async with cluster.stream(log_path(namespace, pod), what=what, params=params) as response:
        async for line in response.aiter_lines():
            yield line


async def container_batches(cluster: Cluster, namespace: str, pod: str, container: str,
                            query: LogQuery, *, previous: bool = False,
                            after_ns: int = 0) -> AsyncIterator[list[tuple[int, str]]]:
    """(ns, text) batches of one container; follows unless ``previous``. ``after_ns``: the
    last line's time a former stream of this container gave: lines up to it are dropped (the
    server resumes at its second)."""
    params = log_params(container, query, follow=not previous, previous=previous,
                        after_ns=after_ns)
    stamps = Stamps()
    async for batch in log_batches(raw_lines(cluster, namespace, pod, params)):
        out = [stamps.split(raw) for raw in batch]
        if out and not out[0][0] and out[0][1].startswith(GONE):  # a 200 that says no log
            raise KubeError(ErrorKind.NOT_FOUND, "the kubelet no longer has this log (the "
                            "container was removed)", out[0][1])
        if after_ns:
            out = [line for line in out if line[0] > after_ns]
        if out:
            yield out


async def log_batches(lines: AsyncIterator[str],
                      interval: float = 0.05) -> AsyncIterator[list[str]]:
    """``lines`` gathered into one batch per ``interval``: a chatty container costs the view one
    repaint per batch, not one per line. A failure of the stream is raised after the lines read
    before it were given."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    failure: list[BaseException] = []

    async def read() -> None:
        try:
            async for line in lines:
                queue.put_nowait(line)
        except Exception as exc:  # noqa: BLE001 - handed to the reader below
            failure.append(exc)
        finally:
            queue.put_nowait(None)

    reader = asyncio.create_task(read())
    try:
        done = False
        while not done:
            first = await queue.get()
            batch = [] if first is None else [first]
            done = first is None
            if not done:
                await asyncio.sleep(interval)
            while not done and not queue.empty():
                item = queue.get_nowait()
                if item is None:
                    done = True
                else:
                    batch.append(item)
            if batch:
                yield batch
        if failure:
            raise failure[0]
    finally:
        reader.cancel()
