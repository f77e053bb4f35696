"""The debug-container request as built by ``kubetui.k8s.debug.plans``, sent through the one write
path to the local 1.20 apiserver: the container is added, targets the app container, and runs.
(The form, the follow-up and the attach come with the debug action itself.)"""

from __future__ import annotations

import pytest

from kubetui.k8s.debug.plans import DebugSpec, plan_ephemeral
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.exec import ExecRequest, run
from kubetui.k8s.transport.writes import send_write
from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod


@pytest.fixture
async def admin(local_cluster: LocalCluster):
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(local_cluster.kubeconfig)))
    yield cluster
    await cluster.close()


async def test_ephemeral_container_added_on_1_20(local_cluster, namespace, admin):
    running_pod(local_cluster, namespace, "app", "ready")
    pod = await admin.get_json(f"/api/v1/namespaces/{namespace}/pods/app", what="pod")
    plan = plan_ephemeral(DebugSpec(namespace, "app", "busybox:1.35", target="main",
                                    command=("sleep", "600"), stdin=False, tty=False),
                          pod, admin.info.version)
    assert plan.not_applied  # general's SYS_PTRACE cannot be set on 1.20: said, not sent
    result = await send_write(admin, plan.write)
    assert result.sent == 1 and not result.confirmed_after_unknown
    name = plan.container

    def running() -> bool:
        p = local_cluster.get_json("-n", namespace, "pod", "app")
        return any(s["name"] == name and "running" in s.get("state", {})
                   for s in p["status"].get("ephemeralContainerStatuses") or ())

    local_cluster.wait_for(running, timeout=60, what="the debug container to run")
    # It shares the target's process namespace: the app's "sleep 3600" is visible.
    ps = await run(admin, ExecRequest(namespace, "app", name, ("ps",)))
    assert ps.status.code == 0 and b"sleep 3600" in ps.stdout
