"""SVG snapshots of the forwards view (80x24, 120x40, the 16-colour theme) and of the forward
form: a pod forward, a Service forward served by its pod, and a forward whose pod is not there
(waiting), on fixed local ports; the first row marked."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.forward.plan import POD, SERVICE, Target, plan_forward
from kubetui.k8s.forward.resolve import Resolved, read_pod_target, read_service_target
from kubetui.k8s.forward.tunnel import port_free
from kubetui.screens.forward_form import ForwardForm
from kubetui.screens.forwards_view import ForwardsView
from tests.conftest import LocalCluster
from tests.integration.test_forward_tunnel import web_pod
from tests.ui.conftest import assert_theme, ensure_namespace, frozen_app, until

NS = "kt-snapshot-forwards"
PORTS = (38461, 38462, 38463)  # fixed local ports: the view shows them
SIZES = [pytest.param((80, 24), "kubetui-dark", id="80x24"),
         pytest.param((120, 40), "kubetui-dark", id="120x40"),
         pytest.param((80, 24), "kubetui-ansi", id="80x24-ansi-standard")]


@pytest.fixture(scope="session")
def forwards_ns(local_cluster: LocalCluster) -> str:
    c = local_cluster
    ensure_namespace(c, NS)
    if c.kubectl("-n", NS, "get", "pod", "web", check=False).returncode != 0:
        web_pod(c, NS)
    c.free_cluster_ips("10.213.0.231", keep_in=NS)
    c.kubectl("-n", NS, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"clusterIP": "10.213.0.231", "selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}))
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "endpoints", "web", "-o",
                                 "jsonpath={.subsets[0].addresses[0].targetRef.name}"
                                 ).stdout == "web", timeout=60, what="the endpoint")
    return NS


async def open_forwards(app) -> None:
    """Three forwards through the flow, as the form's plans would start them."""
    cluster, flow = app.cluster, app.flows.forwards
    pod = await read_pod_target(cluster, NS, "web")
    flow.start(plan_forward(Target(NS, POD, "web"), f"{PORTS[0]}:http", "", pod.pod), pod)
    service = await read_service_target(cluster, app.info.discovery, NS, "web")
    flow.start(plan_forward(Target(NS, SERVICE, "web"), f"{PORTS[1]}:http", "",
                            service.pod, service.service), service)
    absent = {"metadata": {"name": "cache", "namespace": NS}}
    flow.start(plan_forward(Target(NS, POD, "cache"), f"{PORTS[2]}:6379", "", absent),
               Resolved(absent))


@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_forwards_view(snap_compare, forwards_ns, local_cluster: LocalCluster, size, theme):
    app = frozen_app(local_cluster, forwards_ns, 1_800_000_000.0, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        # the previous size's app let its ports go on unmount; wait until the kernel agrees
        await until(pilot, lambda: all(port_free("127.0.0.1", p) for p in PORTS),
                    what="the fixed local ports free")
        await open_forwards(pilot.app)
        told = lambda: [n.message for n in pilot.app._notifications]  # noqa: E731
        await until(pilot, lambda: len(pilot.app.forwards) == 3,
                    what=lambda: f"three forwards (notified: {told()})")
        await until(pilot, lambda: any(f.state == "waiting"
                                       for f in pilot.app.forwards.forwards.values()),
                    what="the absent pod seen")
        await pilot.press("W")
        await until(pilot, lambda: isinstance(pilot.app.screen, ForwardsView), what="the view")
        await pilot.press("space", "down")  # mark the first, the waiting one in full below
        pilot.app.clear_notifications()
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


def test_forward_form(snap_compare, forwards_ns, local_cluster: LocalCluster):
    app = frozen_app(local_cluster, forwards_ns, 1_800_000_000.0)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced
                    and len(pilot.app.screen.pods.table.rows) == 1, what="the pod")
        await pilot.press("F")
        await until(pilot, lambda: isinstance(pilot.app.screen, ForwardForm), what="the form")
        pilot.app.screen.query_one("#ports").value = f"{PORTS[0]}:http"
        pilot.app.screen.query_one("#address").value = "0.0.0.0"
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
