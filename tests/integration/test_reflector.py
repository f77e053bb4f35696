"""The list+watch cache against the real apiserver: changes flow, restarts and 410s recover, and
the cache always ends identical to a fresh LIST."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time

import pytest

from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.watch.reflector import Delta, Reflector, ReflectorStatus, ResourceScope
from tests.conftest import SCRIPT, LocalCluster


class Mirror:
    """What a table would hold: applies deltas exactly as the UI does."""

    def __init__(self) -> None:
        self.rows: dict = {}
        self.deltas: list[Delta] = []
        self.statuses: list[ReflectorStatus] = []
        self.changed = asyncio.Event()

    def sink(self, delta: Delta) -> None:
        self.deltas.append(delta)
        if delta.reset:
            self.rows = dict(delta.upserts)
        else:
            for k in delta.deletes:
                self.rows.pop(k, None)
            self.rows.update(delta.upserts)
        self.changed.set()

    async def until(self, predicate, timeout: float = 30.0, what: str = ""):
        deadline = time.monotonic() + timeout
        while not predicate(self.rows):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}; rows: "
                                     f"{sorted(getattr(r, 'name', r) for r in self.rows.values())}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 1.0))
            except TimeoutError:
                pass


def pod_manifest(name: str, **labels: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": name, "labels": labels},
                       "spec": {"schedulerName": "kubetui-none",  # stays Pending, untouched
                                "containers": [{"name": "c", "image": "busybox:1.35"}]}})


def names(rows: dict) -> set[str]:
    return {r.name for r in rows.values()}


async def fresh_list(cluster: Cluster, ns: str) -> dict[str, str]:
    body = await cluster.get_json(f"/api/v1/namespaces/{ns}/pods", what="list")
    return {i["metadata"]["uid"]: i["metadata"]["resourceVersion"] for i in body["items"]}


@pytest.fixture
async def cluster(local_cluster: LocalCluster):
    c = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    yield c
    await c.close()


def start(cluster, ns, mirror, transform=pod_row, plural="pods",
          **kw) -> tuple[Reflector, asyncio.Task]:
    r = Reflector(cluster, ResourceScope("v1", plural, ns, **kw), transform, mirror.sink,
                  on_status=mirror.statuses.append, min_interval=0.05, max_backoff=2.0)
    return r, asyncio.create_task(r.run())


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def test_pods_appear_change_and_disappear(local_cluster, namespace, cluster):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("before"))
    mirror = Mirror()
    reflector, task = start(cluster, namespace, mirror)
    try:
        await mirror.until(lambda rows: names(rows) == {"before"}, what="the initial list")
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("added", app="x"))
        await mirror.until(lambda rows: "added" in names(rows), what="the added pod")
        c.kubectl("-n", namespace, "label", "pod", "added", "app=y", "--overwrite")
        await mirror.until(lambda rows: any(r.labels == (("app", "y"),) for r in rows.values()),
                           what="the label change")
        c.kubectl("-n", namespace, "delete", "pod", "before", "--grace-period=0", "--force")
        await mirror.until(lambda rows: names(rows) == {"added"}, what="the deletion")
        assert reflector.lists == 1  # watches only after the first LIST
        assert reflector.list_sources == ["cache"]
        assert all(d.received_at > 0 for d in mirror.deltas)
    finally:
        await stop(task)


async def test_label_selector_is_server_side(local_cluster, namespace, cluster):
    c = local_cluster
    for name, app in (("a", "web"), ("b", "db"), ("c", "web")):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest(name, app=app))
    mirror = Mirror()
    _, task = start(cluster, namespace, mirror, label_selector="app=web")
    try:
        await mirror.until(lambda rows: names(rows) == {"a", "c"}, what="web pods only")
    finally:
        await stop(task)


async def test_events_appear_and_update(local_cluster, namespace, cluster):
    c = local_cluster
    mirror = Mirror()
    _, task = start(cluster, namespace, mirror, transform=event_row, plural="events")
    try:
        await mirror.until(lambda rows: True)
        ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "kt-test"},
              "involvedObject": {"kind": "Pod", "name": "ghost", "namespace": namespace},
              "reason": "Testing", "message": "first", "type": "Warning", "count": 1,
              "lastTimestamp": "2026-01-01T00:00:00Z", "firstTimestamp": "2026-01-01T00:00:00Z"}
        c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(ev))
        await mirror.until(lambda rows: any(r.reason == "Testing" for r in rows.values()),
                           what="the event")
        c.kubectl("-n", namespace, "patch", "event", "kt-test", "--type=merge", "-p",
                  json.dumps({"count": 5, "message": "fifth"}))
        await mirror.until(lambda rows: any(r.count == 5 and r.message == "fifth"
                                            for r in rows.values()), what="the update")
        c.kubectl("-n", namespace, "delete", "event", "kt-test")
        await mirror.until(lambda rows: not any(r.reason == "Testing" for r in rows.values()),
                           what="the deletion")
    finally:
        await stop(task)


def restart_apiserver(c: LocalCluster, while_down=None) -> None:
    pid = int((c.state_dir / "run" / "kube-apiserver.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(0.1)
    if while_down:
        while_down()
    subprocess.run(["bash", str(SCRIPT), "up"], check=True, capture_output=True, timeout=300)


async def test_apiserver_restart_mid_watch_recovers_to_a_fresh_list(local_cluster, namespace,
                                                                    cluster):
    c = local_cluster
    for i in range(5):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest(f"p{i}"))
    mirror = Mirror()
    reflector, task = start(cluster, namespace, mirror)
    try:
        await mirror.until(lambda rows: len(rows) == 5, what="five pods")
        await asyncio.to_thread(restart_apiserver, c)
        # While it was down the reflector backed off; now it must come back on its own.
        c.kubectl("-n", namespace, "delete", "pod", "p0", "--grace-period=0", "--force")
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("after-restart"))
        await mirror.until(lambda rows: "after-restart" in names(rows) and "p0" not in
                           names(rows), timeout=60, what="recovery after the restart")
        await asyncio.sleep(0.5)
        expected = await fresh_list(cluster, namespace)
        assert {k: r.resource_version for k, r in mirror.rows.items()} == expected
        assert any(s.state == "backoff" and s.error is not None for s in mirror.statuses)
    finally:
        await stop(task)


async def test_stale_resource_version_gets_410_and_a_clean_relist(local_cluster, namespace,
                                                                  cluster):
    """A reflector that was away while the apiserver restarted resumes from a resourceVersion the
    new watch cache no longer has: 410 Gone, relist, and reconcile (deleted pods vanish)."""
    c = local_cluster
    for i in range(3):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest(f"p{i}"))
    mirror = Mirror()
    reflector, task = start(cluster, namespace, mirror)
    await mirror.until(lambda rows: len(rows) == 3, what="three pods")
    await stop(task)
    stale_rv = reflector.resource_version
    c.kubectl("-n", namespace, "delete", "pod", "p1", "--grace-period=0", "--force")
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("new"))
    await asyncio.to_thread(restart_apiserver, c)
    assert reflector.resource_version == stale_rv
    task = asyncio.create_task(reflector.run(resume=True))  # same reflector, same stale RV
    try:
        await mirror.until(lambda rows: names(rows) == {"p0", "p2", "new"}, timeout=60,
                           what="the reconciled relist")
        assert reflector.gone >= 1, "expected the server to answer 410 Gone"
        assert any(s.error and s.error.kind is ErrorKind.GONE for s in mirror.statuses)
        assert reflector.lists == 2
        assert reflector.list_sources == ["cache", "consistent"]
        expected = await fresh_list(cluster, namespace)
        assert {k: r.resource_version for k, r in mirror.rows.items()} == expected
    finally:
        await stop(task)


async def test_first_list_from_the_watch_cache_a_relist_consistent_and_paged(
        local_cluster, namespace, cluster, monkeypatch):
    """The first LIST asks for ``resourceVersion=0`` (the watch cache: one answer, etcd spared);
    a relist after 410 Gone is a consistent read in ``limit`` pages (the relist's bigger size);
    either way the rows end equal to a fresh LIST. The 410 is provoked by resuming from
    resourceVersion 1, far older than the watch cache's window (no apiserver restart needed)."""
    import kubetui.k8s.watch.reflector as reflector_module

    monkeypatch.setattr(reflector_module, "PAGE_SIZE", 2)
    monkeypatch.setattr(reflector_module, "RELIST_PAGE_SIZE", 3)
    c = local_cluster
    for i in range(5):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest(f"p{i}"))
    mirror = Mirror()
    reflector, task = start(cluster, namespace, mirror)
    await mirror.until(lambda rows: len(rows) == 5, what="five pods")
    await stop(task)
    assert reflector.list_sources == ["cache"]
    # 1.20's watch cache ignores limit; a newer one pages: 2 first, then pages of 3
    assert reflector.list_pages[0] in (1, 2)
    c.kubectl("-n", namespace, "delete", "pod", "p3", "--grace-period=0", "--force")
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("p5"))
    reflector.resource_version = "1"
    task = asyncio.create_task(reflector.run(resume=True))
    try:
        await mirror.until(lambda rows: names(rows) == {"p0", "p1", "p2", "p4", "p5"},
                           timeout=30, what="the relist after 410")
        assert reflector.gone == 1
        assert reflector.list_sources == ["cache", "consistent"]
        assert reflector.list_pages[1] == 2  # 5 pods in relist pages of 3
        expected = await fresh_list(cluster, namespace)
        assert {k: r.resource_version for k, r in mirror.rows.items()} == expected
    finally:
        await stop(task)


async def test_forbidden_stops_with_a_status(local_cluster):
    viewer = await Cluster.connect(ConnectOptions(
        kubeconfig=str(local_cluster.config_dir / "viewer.kubeconfig")))
    mirror = Mirror()
    try:
        reflector, task = start(viewer, "kube-system", mirror)
        await asyncio.wait_for(task, 15)
        assert mirror.statuses[-1].state == "failed"
        assert mirror.statuses[-1].error.kind is ErrorKind.FORBIDDEN
        assert "kubetui-viewer" in str(mirror.statuses[-1].error)
    finally:
        await viewer.close()


async def test_a_retired_cluster_does_not_reopen(local_cluster: LocalCluster):
    """A watch still running on a cluster retired by a context switch fails instead of opening
    a connection pool that nobody would close; a cluster merely closed reconnects."""
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    await cluster.get_json("/version", what="version")
    await cluster.close()
    await cluster.get_json("/version", what="version")  # closed: a new connection
    await cluster.retire()
    with pytest.raises(KubeError) as caught:
        await cluster.get_json("/version", what="version")
    assert caught.value.kind is ErrorKind.UNREACHABLE and "was closed" in str(caught.value)
    assert cluster._http is None


async def test_pruned_lists_and_events_give_the_rows_of_whole_objects(local_cluster, namespace,
                                                                      cluster):
    """Pods as the kubelet writes them (statuses, restarts, init containers, managedFields of
    three managers): the rows from the pruned LIST and from pruned watch events equal the rows
    built from a whole LIST."""
    c = local_cluster

    def pod(name: str, command: str, init: str = "") -> str:
        spec = {"terminationGracePeriodSeconds": 0, "containers": [
            {"name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
             "command": ["sh", "-c", command]},
            {"name": "side", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
             "command": ["sleep", "3600"]}]}
        if init:
            spec["initContainers"] = [{"name": "init", "image": "busybox:1.35",
                                       "imagePullPolicy": "IfNotPresent",
                                       "command": ["sh", "-c", init]}]
        return json.dumps({"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": name, "labels": {"app": name}}, "spec": spec})

    for manifest in (pod("ok", "exec sleep 3600"), pod("crash", "exit 3"),
                     pod("initfail", "sleep 3600", init="exit 1"),
                     pod("done", "true", init="true")):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=manifest)
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod_manifest("pending", app="p"))

    async def whole_rows() -> dict:
        body = await cluster.get_json(f"/api/v1/namespaces/{namespace}/pods", what="list")
        return {i["metadata"]["uid"]: pod_row(i) for i in body["items"]}

    async def restarted() -> bool:
        rows = await whole_rows()
        return any(r.restarts and r.name == "crash" for r in rows.values()) and any(
            r.status.startswith("Init:") and r.restarts for r in rows.values())

    deadline = time.monotonic() + 90
    while not await restarted():
        assert time.monotonic() < deadline, "the pods never restarted"
        await asyncio.sleep(1)
    mirror = Mirror()
    reflector, task = start(cluster, namespace, mirror)
    try:
        await mirror.until(lambda rows: len(rows) == 5, what="five pods")
        assert reflector.pruned >= 3  # all but the first item and the last came pruned
        # Watch events from here on: the kubelet goes on restarting, kubectl relabels.
        c.kubectl("-n", namespace, "label", "pod", "--all", "seen=yes")
        await mirror.until(lambda rows: all(("seen", "yes") in r.labels for r in rows.values()),
                           what="the relabel")
        for _ in range(20):  # equal once the watch has caught up with the kubelet's writes
            expected = await whole_rows()
            if mirror.rows == expected:
                break
            await asyncio.sleep(0.5)
        assert mirror.rows == expected
        assert {r.status for r in expected.values()} >= {"Running", "Pending"}
    finally:
        await stop(task)
