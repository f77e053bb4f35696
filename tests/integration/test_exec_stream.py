"""The exec/attach stream against the local 1.20 apiserver: exit codes, stdout vs stderr, stdin,
resize, and every way it fails (RBAC, a stopped container, a missing command, read-only, a
dropped connection)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml

from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.exec import STDOUT, ExecRequest, open_stream, run
from tests.conftest import LocalCluster
from tests.integration.flaky_proxy import FlakyProxy
from tests.integration.test_credentials_refresh import running_pod


@pytest.fixture
async def admin(local_cluster: LocalCluster):
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    yield cluster
    await cluster.close()


async def read_until(stream, needle: bytes, seen: bytearray, timeout: float = 10) -> bytes:
    async def pump() -> None:
        async for channel, data in stream._frames:
            if channel == STDOUT:
                seen.extend(data)
                if needle in seen:
                    return

    await asyncio.wait_for(pump(), timeout)
    return bytes(seen)


async def test_exit_codes_and_output_channels(local_cluster, namespace, admin):
    running_pod(local_cluster, namespace, "box", "ready")
    ok = await run(admin, ExecRequest(namespace, "box", "main", ("sh", "-c", "echo fine")))
    assert ok.status.code == 0 and ok.stdout == b"fine\n" and ok.stderr == b""
    bad = await run(admin, ExecRequest(namespace, "box", "main",
                                       ("sh", "-c", "echo out; echo err >&2; exit 3")))
    assert bad.status.code == 3 and bad.stdout == b"out\n" and bad.stderr == b"err\n"
    missing = await run(admin, ExecRequest(namespace, "box", "main", ("no-such-binary",)))
    assert missing.status.code is None and missing.status.command_not_found


async def test_interactive_shell_stdin_and_resize(local_cluster, namespace, admin):
    running_pod(local_cluster, namespace, "box", "ready")
    request = ExecRequest(namespace, "box", "main", ("sh",), stdin=True, tty=True)
    async with open_stream(admin, request) as stream:
        assert stream.protocol in ("v4.channel.k8s.io", "v5.channel.k8s.io")
        stream._frames = stream.frames()
        seen = bytearray()
        await stream.resize(100, 33)
        await stream.send(b"stty size\n")
        await read_until(stream, b"33 100", seen)
        await stream.send(b"echo $((6*7))\n")
        await read_until(stream, b"42\r\n", seen)
        await stream.resize(120, 40)
        await stream.send(b"stty size\n")
        await read_until(stream, b"40 120", seen)
        await stream.send(b"exit 3\n")
        async for _ in stream._frames:
            pass
        assert stream.status is not None and stream.status.code == 3


async def test_forbidden_names_the_missing_rule(local_cluster, namespace):
    """The viewer (view in kubetui-demo only) may not exec anywhere else."""
    running_pod(local_cluster, namespace, "box", "ready")
    viewer = await Cluster.connect(ConnectOptions(
        kubeconfig=str(local_cluster.config_dir / "viewer.kubeconfig")))
    try:
        with pytest.raises(KubeError) as err:
            await run(viewer, ExecRequest(namespace, "box", "main", ("true",)))
        assert err.value.kind == ErrorKind.FORBIDDEN
        assert "pods/exec" in str(err.value)
    finally:
        await viewer.close()


async def test_a_container_that_is_not_running(local_cluster, namespace, admin):
    local_cluster.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "done"},
        "spec": {"restartPolicy": "Never", "containers": [{
            "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
            "command": ["true"]}]}}))
    local_cluster.wait_for(lambda: local_cluster.kubectl(
        "-n", namespace, "get", "pod", "done", "-o", "jsonpath={.status.phase}").stdout
        == "Succeeded", timeout=60, what="the pod to complete")
    with pytest.raises(KubeError) as err:
        await run(admin, ExecRequest(namespace, "done", "main", ("true",)))
    assert "not running" in str(err.value) or "completed pod" in str(err.value)
    with pytest.raises(KubeError, match='no container "nope"'):
        await run(admin, ExecRequest(namespace, "done", "nope", ("true",)))


async def test_readonly_refuses_exec(local_cluster, namespace):
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig),
                                                   readonly=True))
    try:
        with pytest.raises(KubeError, match="read-only"):
            await run(cluster, ExecRequest(namespace, "any", "main", ("true",)))
    finally:
        await cluster.close()


async def test_a_dropped_connection_is_explained(local_cluster, namespace, tmp_path: Path):
    running_pod(local_cluster, namespace, "box", "ready")
    cfg = yaml.safe_load(local_cluster.kubeconfig.read_text())
    port = int(cfg["clusters"][0]["cluster"]["server"].rsplit(":", 1)[1])
    proxy = await FlakyProxy(port).start()
    cfg["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{proxy.port}"
    (tmp_path / "k").write_text(yaml.safe_dump(cfg))
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(tmp_path / "k")))
    try:
        request = ExecRequest(namespace, "box", "main", ("sh", "-c", "echo go; sleep 30"))
        with pytest.raises(KubeError) as err:
            async with open_stream(cluster, request) as stream:
                async for _channel, data in stream.frames():
                    if b"go" in data:
                        proxy.cut()
        assert err.value.kind == ErrorKind.UNREACHABLE
        assert "dropped" in err.value.summary
    finally:
        await cluster.close()
        await proxy.stop()
