"""``Cluster.line_batches`` against the real apiserver: the direct reader gives what kubectl
gives, line for line, through a proxy too; it follows a live log without a gap; a refused, a
missing and an expired-credential stream are told as ``_send`` tells them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubetui.k8s.logs.stream import log_path
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from tests.conftest import LocalCluster
from tests.integration.forward_proxy import ForwardProxy
from tests.integration.test_credentials_refresh import minting_kubeconfig, revoke, runs
from tests.integration.test_kubeconfig_options import with_cluster_option

# 3,000 numbered lines with a multibyte character and a CR before the newline, then one
# line every 10 ms
SCRIPT = ("i=0; while [ $i -lt 3000 ]; do i=$((i+1)); printf 'n=%d é\\r\\n' $i; done; "
          "while :; do i=$((i+1)); echo \"n=$i\"; sleep 0.01; done")


def talker(c: LocalCluster, ns: str, name: str = "talker") -> None:
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
            "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
            "command": ["sh", "-c", SCRIPT]}]}}))
    c.wait_for(lambda: "n=3001" in c.kubectl("-n", ns, "logs", name, check=False).stdout,
               timeout=90,
               what=f"{name} writing")


async def lines_of(kubeconfig: Path, ns: str, params: dict[str, str],
                   stop: int | None = None) -> list[str]:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))
    out: list[str] = []
    try:
        async for batch in cluster.line_batches(log_path(ns, "talker"), what="logs of talker",
                                                params=params):
            out.extend(batch)
            if stop is not None and len(out) >= stop:
                break
    finally:
        await cluster.close()
    return out


async def test_the_direct_reader_gives_what_kubectl_gives(local_cluster: LocalCluster,
                                                          namespace: str, tmp_path: Path):
    c = local_cluster
    talker(c, namespace)
    params = {"container": "main", "limitBytes": "25000"}  # a fixed part of a growing log
    direct = await lines_of(c.kubeconfig, namespace, params)
    expected = c.kubectl("-n", namespace, "logs", "talker", "--limit-bytes=25000").stdout
    assert direct[:3] == ["n=1 é", "n=2 é", "n=3 é"]
    assert "\n".join(direct) == expected.replace("\r\n", "\n").rstrip("\n")
    proxy = await ForwardProxy("http").start()
    try:
        proxied = await lines_of(with_cluster_option(c, tmp_path / "k", proxy_url=proxy.url),
                                 namespace, params)
    finally:
        await proxy.stop()
    assert proxy.targets  # the proxy carried it (httpx's path)
    assert proxied == direct


async def test_a_followed_log_comes_without_a_gap(local_cluster: LocalCluster, namespace: str):
    talker(local_cluster, namespace)
    got = await lines_of(local_cluster.kubeconfig, namespace,
                         {"container": "main", "follow": "true", "timestamps": "true"},
                         stop=3300)
    numbers = [int(line.rpartition("n=")[2].split()[0]) for line in got]
    assert numbers[:3300] == list(range(1, 3301))
    assert all(line[:4].isdigit() and line[19] in ".Z" for line in got)  # RFC 3339 first


async def test_refused_and_missing_streams_are_told(local_cluster: LocalCluster, namespace: str):
    talker(local_cluster, namespace)
    viewer = local_cluster.config_dir / "viewer.kubeconfig"
    with pytest.raises(KubeError) as refused:
        await lines_of(viewer, namespace, {"container": "main"})
    assert refused.value.kind == ErrorKind.FORBIDDEN
    assert "pods/log" in str(refused.value)
    with pytest.raises(KubeError) as missing:
        await lines_of(local_cluster.kubeconfig, namespace, {"container": "nope"})
    assert missing.value.kind in (ErrorKind.NOT_FOUND, ErrorKind.INVALID)
    assert "nope" in str(missing.value)


async def test_an_expired_token_is_refreshed_once(local_cluster: LocalCluster, namespace: str,
                                                 tmp_path: Path):
    talker(local_cluster, namespace)
    kubeconfig = minting_kubeconfig(local_cluster, namespace, tmp_path)
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))
    try:
        assert runs(tmp_path) == 1
        revoke(local_cluster, namespace, 1)
        got = []
        async for batch in cluster.line_batches(log_path(namespace, "talker"), what="logs",
                                                params={"container": "main", "tailLines": "5"}):
            got.extend(batch)
    finally:
        await cluster.close()
    assert runs(tmp_path) == 2  # one 401, one plugin run, one retry
    assert len(got) == 5 and all(line.startswith("n=") for line in got)
