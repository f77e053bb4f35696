"""Cluster entry options of the kubeconfig that change how kubetui talks to the apiserver,
against the real one: what kubectl honours, kubetui honours."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.exec import ExecRequest, run
from kubetui.k8s.watch.reflector import Delta, Reflector, ResourceScope
from tests.conftest import LocalCluster
from tests.integration.flaky_proxy import FlakyProxy
from tests.integration.forward_proxy import ForwardProxy
from tests.integration.test_cli_errors import run_kubetui
from tests.integration.test_credentials_refresh import running_pod


def with_cluster_option(c: LocalCluster, path: Path, **options: object) -> Path:
    cfg = yaml.safe_load(c.kubeconfig.read_text())
    for entry in cfg["clusters"]:
        entry["cluster"].update({k.replace("_", "-"): v for k, v in options.items()})
    path.write_text(yaml.safe_dump(cfg))
    return path


async def encoding_of(kubeconfig: Path,
                           path: str = "/openapi/v2") -> tuple[str | None, dict]:
    """The Content-Encoding of the answer to GET ``path``, and the answer (decoded)."""
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))
    try:
        async with cluster.stream(path, what=f"read {path}") as response:
            return response.headers.get("content-encoding"), json.loads(await response.aread())
    finally:
        await cluster.close()


async def test_disable_compression_asks_the_apiserver_for_plain_answers(
        local_cluster: LocalCluster, tmp_path: Path):
    """The apiserver gzips answers over 128 KB for a client that accepts it (kubetui, as
    kubectl, by default); ``disable-compression: true`` on the cluster entry asks it not to."""
    default = await encoding_of(with_cluster_option(local_cluster, tmp_path / "a"))
    plain = await encoding_of(with_cluster_option(local_cluster, tmp_path / "b",
                                                       disable_compression=True))
    assert default[0] == "gzip"
    assert plain[0] is None
    assert plain[1]["swagger"] == default[1]["swagger"] == "2.0"
    assert plain[1]["paths"].keys() == default[1]["paths"].keys()


async def listed_rows(kubeconfig: Path, namespace: str) -> dict:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))
    rows: dict = {}
    synced = asyncio.Event()

    def sink(delta: Delta) -> None:
        if delta.reset:
            rows.clear()
        rows.update(delta.upserts)
        if delta.synced:
            synced.set()

    reflector = Reflector(cluster, ResourceScope("v1", "pods", namespace), pod_row, sink)
    task = asyncio.create_task(reflector.run())
    try:
        await asyncio.wait_for(synced.wait(), 30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await cluster.close()
    return rows


async def test_pods_listed_without_compression_are_the_same_rows(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    """A LIST big enough to be compressed (80 pods, about 250 KB) read plain and gzipped:
    the same rows (the streamed LIST parser reads what the HTTP layer decoded)."""
    pods = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": f"p{i:03d}", "labels": {"app": "compression", "i": str(i)},
                      "annotations": {"note": "x" * 2000}},
         "spec": {"nodeSelector": {"kubetui-test": "nowhere"},
                  "containers": [{"name": "c", "image": "busybox"}]}} for i in range(80)]}
    local_cluster.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(pods))
    local_cluster.wait_for(  # the scheduler's "Unschedulable" is their last change
        lambda: all(p.get("status", {}).get("conditions")
                    for p in local_cluster.get_json("pods", "-n", namespace)["items"]),
        what="every pod marked unschedulable")
    plain_config = with_cluster_option(local_cluster, tmp_path / "b", disable_compression=True)
    zipped_config = with_cluster_option(local_cluster, tmp_path / "a")
    pods_path = f"/api/v1/namespaces/{namespace}/pods"
    assert (await encoding_of(zipped_config, pods_path))[0] == "gzip"
    assert (await encoding_of(plain_config, pods_path))[0] is None
    plain = await listed_rows(plain_config, namespace)
    zipped = await listed_rows(zipped_config, namespace)
    assert len(plain) == 80
    assert plain == zipped


def apiserver(c: LocalCluster) -> tuple[str, int]:
    url = urlsplit(yaml.safe_load(c.kubeconfig.read_text())["clusters"][0]["cluster"]["server"])
    return url.hostname or "", url.port or 443


@pytest.mark.parametrize("kind", ["http", "socks5"])
async def test_proxy_url_carries_every_request_the_exec_stream_too(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path, kind: str):
    """``proxy-url`` (``ssh -D`` on a bastion serves socks5): the connection, a LIST, a watch
    and an exec WebSocket all go through the proxy, to the apiserver and nowhere else."""
    running_pod(local_cluster, namespace, "box", "ready")
    proxy = await ForwardProxy(kind).start()
    try:
        config = with_cluster_option(local_cluster, tmp_path / "k", proxy_url=proxy.url)
        rows = await listed_rows(config, namespace)
        cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(config)))
        try:
            result = await run(cluster, ExecRequest(namespace, "box", "main",
                                                    ("sh", "-c", "echo through the proxy")))
        finally:
            await cluster.close()
        check = await asyncio.to_thread(run_kubetui, "--check", "--kubeconfig", str(config))
    finally:
        await proxy.stop()
    assert [row.name for row in rows.values()] == ["box"]
    assert result.status.code == 0 and result.stdout == b"through the proxy\n"
    assert check.returncode == 0, check.stderr
    assert "Kubernetes v1.20.2" in check.stdout
    assert len(proxy.targets) >= 3  # the two connections above, the command line's
    assert set(proxy.targets) == {apiserver(local_cluster)}


async def test_a_proxy_that_does_not_answer_is_named_in_the_error(
        local_cluster: LocalCluster, tmp_path: Path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = with_cluster_option(local_cluster, tmp_path / "k",
                                 proxy_url=f"socks5://127.0.0.1:{port}")
    with pytest.raises(KubeError) as e:
        await Cluster.connect(ConnectOptions(kubeconfig=str(config)))
    assert e.value.kind is ErrorKind.UNREACHABLE
    assert f"through the proxy socks5://127.0.0.1:{port}" in e.value.summary
    assert "is the proxy up" in e.value.hint
    r = await asyncio.to_thread(run_kubetui, "--check", "--kubeconfig", str(config))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"through the proxy socks5://127.0.0.1:{port}" in r.stderr


async def test_tls_server_name_reaches_the_apiserver_through_a_tunnel(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    """A tunnel (``ssh -L``) on an address the apiserver's certificate does not name: the
    name check fails, with the hint, unless ``tls-server-name`` gives one of its names (and
    then only that name is accepted)."""
    running_pod(local_cluster, namespace, "box", "ready")
    tunnel = await FlakyProxy(apiserver(local_cluster)[1], listen_host="127.0.0.2").start()
    server = f"https://127.0.0.2:{tunnel.port}"
    try:
        bare = with_cluster_option(local_cluster, tmp_path / "a", server=server)
        with pytest.raises(KubeError) as e:
            await Cluster.connect(ConnectOptions(kubeconfig=str(bare)))
        assert e.value.kind is ErrorKind.TLS and "mismatch" in e.value.summary.lower()
        assert "tls-server-name" in (e.value.hint or "")
        wrong = with_cluster_option(local_cluster, tmp_path / "b", server=server,
                                    tls_server_name="elsewhere.example")
        with pytest.raises(KubeError) as e:
            await Cluster.connect(ConnectOptions(kubeconfig=str(wrong)))
        assert e.value.kind is ErrorKind.TLS and "as elsewhere.example" in e.value.summary
        named = with_cluster_option(local_cluster, tmp_path / "c", server=server,
                                    tls_server_name="kubernetes")
        rows = await listed_rows(named, namespace)
        cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(named)))
        try:
            result = await run(cluster, ExecRequest(namespace, "box", "main", ("echo", "hi")))
        finally:
            await cluster.close()
    finally:
        await tunnel.stop()
    assert [row.name for row in rows.values()] == ["box"]
    assert result.stdout == b"hi\n"
    assert tunnel.connections >= 4
