"""A kind kubetui reads more of, read as two streams against the real apiserver: the rows are
the ones a single Table with whole objects gives, in one namespace and in every namespace; the
server's cells come first under the same keys; changes of either side and deletions follow."""

from __future__ import annotations

import asyncio
import json

import pytest

from kubetui.k8s.kinds.rich import rich_for
from kubetui.k8s.kinds.table import table_row
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.watch.joined import JoinedReflector
from kubetui.k8s.watch.reflector import Reflector, ResourceScope
from tests.conftest import LocalCluster
from tests.integration.test_reflector import Mirror, stop
from tests.ui.test_kind_views import CRD, service, widget

RS = rich_for("apps", "ReplicaSet")


def replica_set(name: str, replicas: int = 0, revision: str = "") -> str:
    meta: dict = {"name": name, "labels": {"app": name}}
    if revision:
        meta["annotations"] = {"deployment.kubernetes.io/revision": revision}
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"schedulerName": "kubetui-none",  # never runs
                                       "containers": [{"name": "c", "image": "busybox:1.35"}]}}}})


def deployment(name: str) -> str:
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "c", "image": "busybox:1.35"}]}}}})


@pytest.fixture
async def cluster(local_cluster: LocalCluster):
    c = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    yield c
    await c.close()


def scope(namespace: str | None, group_version: str = "apps/v1", plural: str = "replicasets",
          rich: bool = True) -> ResourceScope:
    return ResourceScope(group_version, plural, namespace, table=True, include_object=rich)


def comparable(row, columns: list | None) -> tuple:
    """What a view draws of a row; the server's Age cells left out (each LIST prints them at
    its own second: kubetui draws ages from the creation time anyway)."""
    ages = {i for i, d in enumerate(columns or ()) if d["name"] == "Age" or d["type"] == "date"}
    cells = tuple(cell for i, cell in enumerate(row.cells) if i not in ages)
    return (row.uid, row.name, row.namespace, cells, row.created, row.labels, row.owners,
            row.deleting, row.health, row.revision)


async def both(cluster: Cluster, namespace: str | None, where: str) -> tuple[dict, dict]:
    """The rows of the two streams and of one Table with objects, of ``where``'s objects."""
    joined, single = Mirror(), Mirror()
    j = JoinedReflector(cluster, scope(namespace), RS.transform, joined.sink, min_interval=0.05)
    s = Reflector(cluster, scope(namespace), RS.transform, single.sink, min_interval=0.05)
    tasks = [asyncio.create_task(j.run()), asyncio.create_task(s.run())]
    try:
        for mirror in (joined, single):
            await mirror.until(lambda rows, m=mirror: any(d.synced for d in m.deltas),
                               timeout=60, what="the list")
    finally:
        for task in tasks:
            await stop(task)
    assert j.cells.scope.params()["includeObject"] == ("None" if namespace else "Metadata")
    assert "includeObject" not in j.objects.scope.params()
    assert j.objects.decoder.prunes  # the JSON objects are pruned to what the row reads
    return ({r.uid: comparable(r, j.cells.columns) for r in joined.rows.values()
             if r.namespace == where},
            {r.uid: comparable(r, s.columns) for r in single.rows.values()
             if r.namespace == where})


async def test_the_rows_are_those_of_one_table_with_objects(local_cluster, namespace, cluster):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=deployment("web"))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=replica_set("bare", revision="7"))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "rs", "-o", "name").stdout.count("/") == 2,
               timeout=60, what="the Deployment's ReplicaSet")
    for ns in (namespace, None):  # one namespace (cells alone) and every one (with metadata)
        joined, single = await both(cluster, ns, namespace)
        assert len(joined) == 2
        assert joined == single
    web = next(row for row in joined.values() if row[1].startswith("web-"))
    assert web[6][0].kind == "Deployment" and web[6][0].controller  # its owner, for enter


async def test_a_kind_without_cells_of_its_own_and_a_crd_give_the_rows_of_one_table(
        local_cluster, namespace, cluster):
    """Any other kind's objects come as the Table with their metadata (the request a single
    stream makes): the cells alone only draw the rows first."""
    c = local_cluster
    c.kubectl("apply", "-f", "-", input=json.dumps(CRD))
    c.wait_for(lambda: c.kubectl("get", "crd", "widgets.kt.example.com", "-o",
                                 "jsonpath={.status.conditions[?(@.type=='Established')].status}"
                                 ).stdout == "True", timeout=60, what="the CRD established")
    c.kubectl("-n", namespace, "apply", "-f", "-", input=widget("w1", "red", 3))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=service("web", {"app": "web"}))
    for group_version, plural in (("kt.example.com/v1", "widgets"), ("v1", "services")):
        joined, single = Mirror(), Mirror()
        where = scope(namespace, group_version, plural, rich=False)
        j = JoinedReflector(cluster, where, table_row, joined.sink, min_interval=0.05)
        s = Reflector(cluster, where, table_row, single.sink, min_interval=0.05)
        tasks = [asyncio.create_task(j.run()), asyncio.create_task(s.run())]
        try:
            for mirror in (joined, single):
                await mirror.until(lambda rows, m=mirror: any(d.synced for d in m.deltas),
                                   timeout=60, what=f"the {plural}")
        finally:
            for task in tasks:
                await stop(task)
        assert j.objects.scope.table and "includeObject" not in j.objects.scope.params()
        assert j.cells.scope.params()["includeObject"] == "None"
        rows = {r.uid: comparable(r, j.cells.columns) for r in joined.rows.values()}
        assert len(rows) == 1
        assert rows == {r.uid: comparable(r, s.columns) for r in single.rows.values()}
        assert j.cells.columns == s.columns


async def test_cells_first_then_objects_under_the_same_keys_then_the_watch(
        local_cluster, namespace, cluster):
    c = local_cluster
    for name in ("a", "b"):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=replica_set(name, revision="1"))
    mirror = Mirror()
    reflector = JoinedReflector(cluster, scope(namespace), RS.transform, mirror.sink,
                                on_status=mirror.statuses.append, min_interval=0.05)
    task = asyncio.create_task(reflector.run())
    try:
        await mirror.until(lambda rows: any(d.synced for d in mirror.deltas), timeout=60,
                           what="the list")
        first, full = mirror.deltas[0], next(d for d in mirror.deltas if d.synced)
        # the objects are asked once the cells are in: every row first from the cells alone
        assert first.reset and not first.synced
        assert set(first.upserts) == {f"{namespace}/a", f"{namespace}/b"}
        assert all(r.uid == "" and r.cells[-1] == "…" and r.cells[1] == 0
                   for r in first.upserts.values())
        assert set(full.upserts) == set(first.upserts)
        assert all(r.uid and r.key == f"{namespace}/{r.name}" for r in full.upserts.values())
        assert full.columns and full.columns[0]["name"] == "Name"

        # the object changes (kubetui's own column), then the server's cells (Desired)
        c.kubectl("-n", namespace, "annotate", "rs", "a",
                  "deployment.kubernetes.io/revision=5", "--overwrite")
        await mirror.until(lambda rows: rows[f"{namespace}/a"].revision == 5,
                           what="the new revision")
        c.kubectl("-n", namespace, "scale", "rs", "a", "--replicas=2")
        await mirror.until(lambda rows: rows[f"{namespace}/a"].cells[1] == 2,
                           what="Desired 2 from the server's cells")
        a = mirror.rows[f"{namespace}/a"]
        assert a.cells[-1] == "5" and a.health == "pending"  # its own cells kept, two not ready
        c.kubectl("-n", namespace, "delete", "rs", "b")
        await mirror.until(lambda rows: set(rows) == {f"{namespace}/a"}, what="b deleted")
        c.kubectl("-n", namespace, "apply", "-f", "-", input=replica_set("c"))
        await mirror.until(lambda rows: f"{namespace}/c" in rows and
                           rows[f"{namespace}/c"].cells[1] == 0, what="c created")
        assert mirror.statuses[-1].state == "watching"
        assert reflector.objects.lists == 1 and reflector.cells.lists == 1
    finally:
        await stop(task)


async def test_a_forbidden_list_stops_both_with_the_status(local_cluster: LocalCluster):
    viewer = await Cluster.connect(ConnectOptions(
        kubeconfig=str(local_cluster.config_dir / "viewer.kubeconfig")))
    mirror = Mirror()
    reflector = JoinedReflector(viewer, scope("kube-system"), RS.transform, mirror.sink,
                                on_status=mirror.statuses.append)
    try:
        await asyncio.wait_for(reflector.run(), 30)  # both stop: nothing is retried
    finally:
        await viewer.close()
    assert mirror.statuses[-1].state == "failed"
    assert mirror.statuses[-1].error is not None and mirror.statuses[-1].error.status == 403
    assert mirror.rows == {}
