"""A local port carried to a pod's port (``k8s.forward.tunnel``) against the real apiserver
and kubelet: HTTP through it, whole and counted, many connections at once; a port nothing
listens on, a local port already taken and an RBAC refusal told in words."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket

import httpx
import pytest

from kubetui.k8s.forward.ports import PortError
from kubetui.k8s.forward.tunnel import Tunnel
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from tests.conftest import LocalCluster

# busybox httpd serving a small page and a 3 MB file
SERVER = ("mkdir -p /www && echo hello-from-web > /www/index.html && "
          "head -c 3000000 /dev/urandom > /www/big && md5sum /www/big | cut -c1-32 > /www/big.md5 "
          "&& exec httpd -f -p 8080 -h /www")


def web_pod(c: LocalCluster, ns: str, name: str = "web") -> None:
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
            "name": "httpd", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
            "command": ["sh", "-c", SERVER], "ports": [{"containerPort": 8080,
                                                        "name": "http"}]}]}}))
    c.wait_for(lambda: c.kubectl("-n", ns, "exec", name, "--", "wget", "-q", "-O", "-",
                                 "http://127.0.0.1:8080/index.html", check=False).returncode == 0,
               timeout=60, what=f"{name} serving")


async def connected(kubeconfig) -> Cluster:
    return await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))


async def test_http_through_a_forward_whole_counted_and_concurrent(local_cluster: LocalCluster,
                                                                   namespace: str):
    web_pod(local_cluster, namespace)
    expected_md5 = local_cluster.kubectl("-n", namespace, "exec", "web", "--", "cat",
                                         "/www/big.md5").stdout.strip()
    cluster = await connected(local_cluster.kubeconfig)
    tunnel = Tunnel(cluster, namespace, lambda: "web", 8080)
    try:
        port = await tunnel.start()
        assert port > 0
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            page = await http.get("/index.html")
            assert page.status_code == 200 and page.text == "hello-from-web\n"
            big = await http.get("/big")
            assert len(big.content) == 3_000_000
            assert hashlib.md5(big.content).hexdigest() == expected_md5
            answers = await asyncio.gather(*(http.get("/index.html") for _ in range(20)))
            assert all(a.text == "hello-from-web\n" for a in answers)
        # each closes once the server's answer is over (the stream ends a moment after)
        for _ in range(100):
            if tunnel.counters.open == 0:
                break
            await asyncio.sleep(0.1)
        c = tunnel.counters
        assert c.bytes_in > 3_000_000 and c.bytes_out > 0
        assert c.total >= 2 and c.open == 0
        assert tunnel.pod == "web" and tunnel.last_error == ""
    finally:
        await tunnel.stop()
        await cluster.close()


async def test_what_goes_wrong_is_told(local_cluster: LocalCluster, namespace: str):
    web_pod(local_cluster, namespace)
    cluster = await connected(local_cluster.kubeconfig)
    nothing = Tunnel(cluster, namespace, lambda: "web", 81)  # nothing listens there
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = Tunnel(cluster, namespace, lambda: "web", 8080,
                  local_port=taken.getsockname()[1])
    viewer = await connected(local_cluster.config_dir / "viewer.kubeconfig")
    denied = Tunnel(viewer, namespace, lambda: "web", 8080)
    try:
        port = await nothing.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        assert await asyncio.wait_for(reader.read(), 10) == b""  # closed, nothing answered
        assert "connection refused" in nothing.last_error
        with pytest.raises(PortError, match=r"already in use on 127.0.0.1"):
            await busy.start()
        port = await denied.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), 10) == b""
        assert "forbidden" in denied.last_error and "pods/portforward" in denied.last_error
    finally:
        taken.close()
        for t in (nothing, denied):
            await t.stop()
        await cluster.close()
        await viewer.close()


async def test_a_connection_after_the_token_expired_uses_a_fresh_one(
        local_cluster: LocalCluster, namespace: str, tmp_path):
    """Each connection opens its stream with the credentials of the moment: a token revoked
    between two connections is refreshed (the plugin runs again) and the second one carries."""
    from tests.integration.test_credentials_refresh import minting_kubeconfig, revoke, runs

    c = local_cluster
    web_pod(c, namespace)
    kubeconfig = minting_kubeconfig(c, namespace, tmp_path)
    c.kubectl("-n", namespace, "create", "role", "forward", "--verb=get,create",
              "--resource=pods/portforward")
    c.kubectl("-n", namespace, "create", "rolebinding", "minted-forward", "--role=forward",
              f"--serviceaccount={namespace}:minted")
    cluster = await connected(kubeconfig)
    tunnel = Tunnel(cluster, namespace, lambda: "web", 8080)
    try:
        port = await tunnel.start()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            close = {"Connection": "close"}  # each request on its own connection
            assert (await http.get("/index.html", headers=close)).text == "hello-from-web\n"
            assert runs(tmp_path) == 1
            revoke(c, namespace, 1)
            assert (await http.get("/index.html", headers=close)).text == "hello-from-web\n", \
                tunnel.last_error
        assert runs(tmp_path) == 2 and tunnel.last_error == ""
    finally:
        await tunnel.stop()
        await cluster.close()
