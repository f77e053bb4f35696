"""Debug copies (``--copy-to``) and node-debugger pods for every profile, created on the local
1.20 apiserver through the one write path: the server accepts what the builders make, the pods
run and do what the profile promises (process sharing, host namespaces, ``/host``), and they
are deleted again. A ``restricted`` debugger from a root image is refused by the kubelet, as it
would be with kubectl: the reason is what the session shows."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.debug.follow import container_progress
from kubetui.k8s.debug.plans import DebugSpec, delete_pod_write, plan
from kubetui.k8s.debug.profiles import COPY, NODE, PROFILES
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.exec import ExecRequest, run
from kubetui.k8s.transport.writes import send_write
from tests.conftest import LocalCluster

WEB = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"team": "a"}},
       "spec": {"terminationGracePeriodSeconds": 0,
                "initContainers": [{"name": "init", "image": "busybox:1.35",
                                    "imagePullPolicy": "IfNotPresent", "command": ["true"]}],
                "containers": [{"name": "app", "image": "busybox:1.35",
                                "imagePullPolicy": "IfNotPresent",
                                "command": ["sh", "-c", "exec sleep 3601"],
                                "readinessProbe": {"exec": {"command": ["true"]}}}]}}


@pytest.fixture
async def admin(local_cluster: LocalCluster):
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    yield cluster
    await cluster.close()


def start_web(c: LocalCluster, ns: str) -> None:
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps(WEB))
    c.wait_for(lambda: c.kubectl("-n", ns, "get", "pod", "web", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="web running")


async def create(c: LocalCluster, admin: Cluster, ns: str, mode: str, profile: str):
    """Start ``web``, debug it as ``mode``; the plan and the created pod as the server has it."""
    start_web(c, ns)
    pod = await admin.get_json(f"/api/v1/namespaces/{ns}/pods/web", what="pod")
    p = plan(DebugSpec(ns, "web", "busybox:1.35", profile=profile, mode=mode,
                       command=("sleep", "600"), stdin=False, tty=False),
             pod, admin.info.version)
    result = await send_write(admin, p.write)
    assert result.sent == 1
    assert p.creates == (p.pod,)
    return p, c.get_json("-n", ns, "pod", p.pod)


def progress_of(c: LocalCluster, ns: str, pod: str, container: str):
    return container_progress(c.get_json("-n", ns, "pod", pod), container)


async def ps(admin: Cluster, ns: str, pod: str, container: str) -> str:
    result = await run(admin, ExecRequest(ns, pod, container, ("ps", "-o", "args")))
    assert result.status.code == 0
    return result.stdout.decode()


async def delete_and_wait(c: LocalCluster, admin: Cluster, ns: str, pod: str) -> None:
    result = await send_write(admin, delete_pod_write(ns, pod))
    assert result.response.get("metadata", {}).get("deletionTimestamp") or \
        result.response.get("kind") == "Status"  # accepted: being deleted, or gone already
    # How long the kubelet takes to tear the pod down depends on the machine's load (a pod whose
    # container never started took over 60 s on a busy CI run): allow for it.
    c.wait_for(lambda: c.kubectl("-n", ns, "get", "pod", pod, check=False).returncode != 0,
               timeout=180, what=f"{pod} deleted")


def wait_settled(c: LocalCluster, ns: str, pod: str, container: str, profile: str):
    def settled():
        p = progress_of(c, ns, pod, container)
        return p.state == "running" or (profile == "restricted" and p.reason ==
                                         "CreateContainerConfigError")

    c.wait_for(settled, timeout=90, what=f"{pod}/{container} running ({profile})")
    return progress_of(c, ns, pod, container)


@pytest.mark.parametrize("profile", PROFILES)
async def test_copy_for_each_profile(local_cluster, namespace, admin, profile):
    c = local_cluster
    p, copy = await create(c, admin, namespace, COPY, profile)
    spec = copy["spec"]
    # The server kept what the profile asked for.
    assert "labels" not in copy["metadata"]  # never selected by the original's Services
    # kubectl --copy-to shares the process namespace by default, legacy profile included
    assert spec.get("shareProcessNamespace") is True
    assert ("initContainers" in spec) is (profile == "legacy")
    assert ("readinessProbe" in spec["containers"][0]) is (profile == "legacy")
    assert spec["nodeName"]  # scheduled anew (not pinned by us)
    progress = wait_settled(c, namespace, p.pod, p.container, profile)
    if profile == "restricted":
        assert "runAsNonRoot" in progress.message  # busybox runs as root: refused
    else:
        seen = await ps(admin, namespace, p.pod, p.container)
        assert "sleep 3601" in seen  # the app's process, shared by every profile
    await delete_and_wait(c, admin, namespace, p.pod)


@pytest.mark.parametrize("profile", PROFILES)
async def test_node_debugger_for_each_profile(local_cluster, namespace, admin, profile):
    c = local_cluster
    p, pod = await create(c, admin, namespace, NODE, profile)
    host = profile in ("legacy", "general", "netadmin", "sysadmin")
    root = profile in ("legacy", "general", "sysadmin")
    assert pod["spec"].get("hostPID", False) is host
    assert pod["spec"]["tolerations"][0] == {"operator": "Exists"}
    assert pod["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "kubetui-debug"}
    progress = wait_settled(c, namespace, p.pod, p.container, profile)
    if profile == "restricted":
        assert "runAsNonRoot" in progress.message
    else:
        seen = await ps(admin, namespace, p.pod, p.container)
        assert ("kubelet" in seen) is host  # the host's processes, with hostPID
        ls = await run(admin, ExecRequest(namespace, p.pod, p.container,
                                          ("ls", "/host/etc/hostname")))
        assert (ls.status.code == 0) is root
    await delete_and_wait(c, admin, namespace, p.pod)
