"""The live stores against the real apiserver: two views of one scope share one LIST and one
WATCH (the apiserver's audit log says so), an index follows the watch, and the last release
closes the watch."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live import queries
from kubetui.live.registry import LiveStores
from tests.conftest import LocalCluster, audit_events
from tests.integration.test_reflector import cluster, pod_manifest  # noqa: F401 - fixture


async def until(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def spawn(work, name):
    return asyncio.get_running_loop().create_task(work, name=name)


def verbs(c: LocalCluster, namespace: str, since: str) -> list[str]:
    """The verbs of kubetui's finished pod requests in ``namespace`` since ``since``."""
    return [ev["verb"] for ev in audit_events(c, since=since, namespace=namespace)
            if (ev.get("objectRef") or {}).get("resource") == "pods"]


async def test_shared_scope_one_list_one_watch_closed_by_the_last_release(
        local_cluster: LocalCluster, namespace: str, cluster):  # noqa: F811
    c = local_cluster
    since = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("one"))
    stores = LiveStores(cluster, spawn, min_interval=0.05)
    scope = ResourceScope("v1", "pods", namespace)
    first = stores.acquire(scope, pod_row)
    second = stores.acquire(ResourceScope("v1", "pods", namespace), pod_row)
    assert first is second
    await until(lambda: first.synced and {r.name for r in first.rows.values()} == {"one"},
                "the list")
    # An index follows the watch: a new pod lands in it without any other request.
    assert queries.named(first, namespace, "two") is None
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("two"))
    await until(lambda: queries.named(first, namespace, "two") is not None, "the new pod")
    stores.release(first)
    assert not first.stopped
    stores.release(second)
    assert first.stopped
    # The watch ends when its task is cancelled: its ResponseComplete is in the audit log.
    await until(lambda: verbs(c, namespace, since).count("watch") == 1, "the watch to close",
                timeout=20)
    sent = verbs(c, namespace, since)
    assert sent.count("list") == 1 and sent.count("watch") == 1, sent
    # Nothing is sent afterwards: a third pod reaches no store.
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("three"))
    await asyncio.sleep(1.0)
    assert queries.named(first, namespace, "three") is None
    assert verbs(c, namespace, since).count("watch") == 1
