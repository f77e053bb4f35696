"""The one write path: a create whose answer is lost is checked before it is sent again.

A loopback proxy (``flaky_proxy``) loses, for one connection, either the apiserver's response (the
create happened) or the request itself (it did not). The audit log says what really reached the
server.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.writes import Write, send_write
from tests.conftest import LocalCluster, audit_events
from tests.integration.flaky_proxy import FlakyProxy

MARK = "kubetui.dev/request"


def configmap_create(ns: str, name: str, request_id: str) -> Write:
    return Write(
        "POST", f"/api/v1/namespaces/{ns}/configmaps",
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": name, "annotations": {MARK: request_id}}, "data": {"k": "v"}},
        what=f"create configmap {name}", confirm_path=f"/api/v1/namespaces/{ns}/configmaps/{name}",
        applied=lambda obj: bool(obj) and
        obj["metadata"].get("annotations", {}).get(MARK) == request_id,
        timeout=3)


async def through_proxy(c: LocalCluster, tmp_path: Path) -> tuple[FlakyProxy, Cluster]:
    cfg = yaml.safe_load(c.kubeconfig.read_text())
    port = int(cfg["clusters"][0]["cluster"]["server"].rsplit(":", 1)[1])
    proxy = await FlakyProxy(port).start()
    cfg["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{proxy.port}"
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(path)))
    await cluster.close()  # the next request opens a new connection: the one the proxy loses
    return proxy, cluster


def creates(c: LocalCluster, ns: str, name: str) -> int:
    return sum(1 for ev in audit_events(c, namespace=ns)
               if ev["verb"] == "create" and ev["objectRef"].get("name") == name)


async def test_lost_response_is_confirmed_not_resent(local_cluster: LocalCluster,
                                                     namespace: str, tmp_path: Path):
    proxy, cluster = await through_proxy(local_cluster, tmp_path)
    try:
        proxy.lose = ["response"]
        request_id = uuid.uuid4().hex
        result = await send_write(cluster, configmap_create(namespace, "once", request_id))
        assert result.confirmed_after_unknown and result.sent == 1
        assert result.response["metadata"]["annotations"][MARK] == request_id
        assert creates(local_cluster, namespace, "once") == 1
    finally:
        await cluster.close()
        await proxy.stop()


async def test_lost_request_is_checked_then_sent_once_more(local_cluster: LocalCluster,
                                                           namespace: str, tmp_path: Path):
    proxy, cluster = await through_proxy(local_cluster, tmp_path)
    try:
        proxy.lose = ["request"]
        result = await send_write(cluster, configmap_create(namespace, "twice", "r2"))
        assert not result.confirmed_after_unknown and result.sent == 2
        assert creates(local_cluster, namespace, "twice") == 1  # the first never arrived
        local_cluster.kubectl("-n", namespace, "get", "configmap", "twice")
    finally:
        await cluster.close()
        await proxy.stop()


async def test_a_refused_write_is_never_retried(local_cluster: LocalCluster, namespace: str,
                                                tmp_path: Path):
    proxy, cluster = await through_proxy(local_cluster, tmp_path)
    try:
        bad = configmap_create(namespace, "Not_A_Name", "r3")
        with pytest.raises(KubeError) as err:
            await send_write(cluster, bad)
        assert err.value.kind == ErrorKind.INVALID
        assert creates(local_cluster, namespace, "Not_A_Name") == 1
    finally:
        await cluster.close()
        await proxy.stop()


async def test_readonly_refuses_writes_in_the_request_path(local_cluster: LocalCluster,
                                                           namespace: str):
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig),
                                                   readonly=True))
    try:
        with pytest.raises(KubeError, match="read-only"):
            await send_write(cluster, configmap_create(namespace, "never", "r4"))
        assert creates(local_cluster, namespace, "never") == 0
    finally:
        await cluster.close()
