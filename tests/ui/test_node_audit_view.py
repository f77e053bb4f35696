"""The node audit from the UI against the local 1.20 node (Pilot): the runtime and the kubelet's
real configz values, a pod that starts many processes at the top of the PID list, RuntimeClasses
with the pods using them, a viewer without nodes/proxy, and pods ended by a node in the pods pane
(RUNTIME column, the ended-by-node filter). SVGs of the nodes view at 80x24 and 120x40."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.core.pods import parse_time
from kubetui.screens.node_audit import NodeAuditScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import (
    THEMED,
    assert_theme,
    ensure_namespace,
    frozen_app,
    make_app,
    set_status,
    showing,
    until,
)

FORKY = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "forky"},
         "spec": {"terminationGracePeriodSeconds": 0, "runtimeClassName": "runc",
                  "containers": [{"name": "app", "image": "busybox:1.35",
                                  "imagePullPolicy": "IfNotPresent",
                                  "command": ["sh", "-c", "for i in $(seq 150); do sleep 3600 & "
                                              "done; wait"]}]}}
RUNC = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "runc"},
        "handler": "runc"}


def body(app) -> str:
    return str(app.screen.query_one("#node-body").render())


def first_pod(text: str) -> str:
    """The first line of the PID list (most processes first)."""
    pids = text.split("── Processes")[-1].split("── RuntimeClasses")[0].splitlines()
    return next((x for x in pids if " of podPidsLimit" in x), "")


async def open_audit(pilot) -> NodeAuditScreen:
    app = pilot.app
    await pilot.press("5")
    await until(pilot, lambda: len(app.screen.nodes.table.rows) >= 1, what="the node")
    await pilot.press("enter")
    await until(pilot, lambda: showing(app, NodeAuditScreen), what="the audit")
    return app.screen


async def test_node_audit_from_the_kubelet(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("apply", "-f", "-", input=json.dumps(RUNC))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(FORKY))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "forky", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="the pod with many processes")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await open_audit(pilot)
        await until(pilot, lambda: "containerd://1.6.20" in body(app)
                    and "podPidsLimit" in body(app) and "handler runc" in body(app),
                    what="every part")
        # cAdvisor counts a new container's processes within its housekeeping interval; the
        # audit reads them again every 10 s while shown.
        await until(pilot, lambda: f"{namespace}/forky of" in first_pod(body(app)), timeout=45,
                    what="the pod with many processes at the top")
        text = body(app)
        assert "← status.nodeInfo.containerRuntimeVersion" in text
        assert "v1.20.2 (same minor as the apiserver" in text
        # The local kubelet's real configuration (hack/lib/procs.sh writes it).
        for label, value in (("podPidsLimit", "1024"), ("maxPods", "200"),
                             ("cgroup driver", "cgroupfs")):
            line = next(x for x in text.splitlines() if x.startswith(label + " "))
            assert line[32:].split()[0] == value, line
        assert "← configz kubeletconfig.podPidsLimit" in text
        # Graceful node shutdown is an alpha gate on 1.20 that needs systemd-logind over D-Bus;
        # this machine runs neither, so the local kubelet runs with it off (0s), and the 1.30
        # fixture (tests/unit/test_node_audit.py) covers a kubelet with it on.
        assert "graceful node shutdown is off" in text
        # The pod that starts 150 processes is the first in the PID list.
        top = first_pod(text)
        assert f"{namespace}/forky of podPidsLimit 1024" in top
        assert int(top.split()[0]) >= 150
        assert f"used by 1 pod(s) in view: {namespace}/forky" in text
    await app.cluster.close()


async def test_viewer_without_nodes_proxy(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    role = f"{namespace}-nodes"
    c.kubectl("create", "clusterrole", role, "--verb=get,list,watch", "--resource=nodes")
    c.kubectl("create", "clusterrolebinding", role, f"--clusterrole={role}",
              "--group=kubetui-viewers")
    try:
        app = await make_app(c.config_dir / "viewer.kubeconfig", namespace=namespace)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_audit(pilot)
            await until(pilot, lambda: "needs get on nodes/proxy" in body(app)
                        and "containerd://" in body(app), what="the explanation")
            text = body(app)
            assert text.count("needs get on nodes/proxy") == 2  # configz and the summary
        await app.cluster.close()
    finally:
        c.kubectl("delete", "clusterrolebinding", role, check=False)
        c.kubectl("delete", "clusterrole", role, check=False)


async def test_pods_ended_by_a_node_are_flagged(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("apply", "-f", "-", input=json.dumps(RUNC))
    for name in ("evicted", "fine"):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
               "spec": {"nodeName": "nowhere", "runtimeClassName": "runc",
                        "containers": [{"name": "c", "image": "busybox:1.35"}]}}
        c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    set_status(c, namespace, "evicted", {
        "phase": "Failed", "reason": "Evicted",
        "message": "The node was low on resource: pids. Threshold quantity: 1024."})
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(150, 30)) as pilot:
        pods = app.screen.pods
        await until(pilot, lambda: len(pods.table.rows) == 2, what="the pods")
        row = next(r for r in pods.table.rows.values() if r.name == "evicted")
        assert row.status == "Evicted" and "low on resource: pids" in row.ended
        assert "RUNTIME" in pods.table.header_text()
        await pilot.press("slash", *"ended-by-node", "enter")
        await until(pilot, lambda: len(pods.table.order) == 1, what="the filter")
        assert pods.table.rows[pods.table.order[0]].name == "evicted"
    await app.cluster.close()


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_nodes_view(snap_compare, local_cluster: LocalCluster, size, theme):
    node = local_cluster.get_json("node", "localhost")
    now = parse_time(node["metadata"]["creationTimestamp"]) + 3 * 3600

    async def run_before(pilot) -> None:
        await pilot.press("5")
        await until(pilot, lambda: len(pilot.app.screen.nodes.table.rows) == 1
                    and pilot.app.screen.nodes.synced, what="the node")
        await pilot.pause(0.3)

    ensure_namespace(local_cluster, "kt-snapshot-nodes")  # no pods: PODS reads 0/200
    app = frozen_app(local_cluster, "kt-snapshot-nodes", now, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
