"""The health overview stays standing on a real cluster: a change names again what it affects,
and only through what reads it. A pod that stops being ready (its readiness probe fails; neither
its Deployment's spec nor its Service changes) brings in the Service that selects it, and the
Deployment above its ReplicaSet; ready again, both go. A Service that selects nothing names the
labels the pods have instead. Against the real apiserver, kubelet and controllers."""

from __future__ import annotations

import json

import pytest

from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, showing, until

NS = "kt-health-live"
WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                    "terminationGracePeriodSeconds": 0,
                    "containers": [{"name": "app", "image": "busybox:1.35",
                                    "imagePullPolicy": "IfNotPresent",
                                    "command": ["sh", "-c", "touch /tmp/ready; sleep 3600"],
                                    "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]},
                                                       "periodSeconds": 1,
                                                       "failureThreshold": 1}}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
TYPO = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "typo"},
        "spec": {"selector": {"app": "wbe"}, "ports": [{"port": 80}]}}


@pytest.fixture(scope="module")
def web(local_cluster: LocalCluster) -> str:
    """The Deployment and its Service, ready; the pod's name."""
    c = local_cluster
    c.fresh_namespace(NS)
    c.kubectl("-n", NS, "create", "-f", "-", input="\n".join(json.dumps(o) for o in (WEB,
                                                                                    SERVICE)))
    c.kubectl("-n", NS, "rollout", "status", "deployment/web", "--timeout=90s", timeout=100)
    yield c.kubectl("-n", NS, "get", "pods", "-l", "app=web", "-o",
                    "jsonpath={.items[0].metadata.name}").stdout
    c.kubectl("delete", "namespace", NS, "--wait=false", check=False)


async def test_a_pod_that_stops_being_ready_brings_in_its_service_and_deployment(
        web: str, local_cluster: LocalCluster):
    from kubetui.screens.health import HealthScreen

    c = local_cluster
    app = await make_app(c.kubeconfig, namespace=NS)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await pilot.press("0")
        await until(pilot, lambda: showing(app, HealthScreen)
                    and app.screen._shown_settled, what="the overview")
        health = app.screen
        assert health.entries == []  # the healthy control: nothing flagged
        c.kubectl("-n", NS, "exec", web, "--", "rm", "/tmp/ready")
        await until(pilot, lambda: {e.kind for e in health.entries} == {"Deployment",
                                                                           "Service"},
                    timeout=45, what=lambda: f"the service and the deployment: {health.entries}")
        causes = {e.kind: e.cause for e in health.entries}
        assert causes["Service"].startswith("none of its 1 pods is ready"), causes
        assert "readiness probe" in causes["Service"], causes
        c.kubectl("-n", NS, "exec", web, "--", "touch", "/tmp/ready")
        await until(pilot, lambda: health.entries == [], timeout=45,
                    what=lambda: f"ready again: {health.entries}")
        c.kubectl("-n", NS, "create", "-f", "-", input=json.dumps(TYPO))
        try:
            await until(pilot, lambda: [e.name for e in health.entries] == ["typo"],
                        what=lambda: f"the typo: {health.entries}")
            assert health.entries[0].cause == (
                "the Service selects `app=wbe`; no pod in the namespace has that label "
                "(1 pod has app=web)")
        finally:
            c.kubectl("-n", NS, "delete", "service", "typo", check=False)
    await app.cluster.close()
