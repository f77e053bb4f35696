"""SVG snapshots of the debug form (80x24 and 120x40) and of a running debug session: an
ephemeral container in a fresh shell-less pod, ``ps`` through the attach. The pod, the names and
the clock are fixed so the pictures are stable."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.debug.plans import DebugSpec, plan_ephemeral
from kubetui.k8s.debug.target import debug_target
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.writes import send_write
from kubetui.screens.debug_form import DebugForm
from kubetui.screens.debug_session import DebugSession
from tests.conftest import LocalCluster
from tests.ui.conftest import (
    THEMED,
    assert_theme,
    ensure_namespace,
    fixed_context,
    frozen_app,
    until,
)
from tests.ui.test_debug import DISTROLESS
from tests.ui.test_terminal import prompt_ready, type_line

NS = "kt-snapshot-debug"
NOW = 1_800_000_000.0
POD = {"metadata": {"name": "distroless-app", "namespace": "kubetui-demo"},
       "spec": {"nodeName": "localhost",
                "containers": [{"name": "server", "image": "kubetui.local/static-app:1.0"}]}}


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_debug_form(snap_compare, local_cluster: LocalCluster, size, theme):
    app = frozen_app(local_cluster, "default", NOW, theme=theme)
    target = debug_target(POD, ServerVersion(1, 20, "v1.20.2"))

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(DebugForm(target, "busybox:1.35", lambda mode: (),
                                              suffix="x7k2p"))
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


@pytest.fixture
def fresh_distroless(local_cluster: LocalCluster) -> str:
    """The same pod name every run, recreated: a new pod has no debuggers and the same PIDs."""
    c = local_cluster
    ensure_namespace(c, NS)
    c.kubectl("-n", NS, "delete", "pod", "distroless-app", "--grace-period=0", "--force",
              "--wait=true", check=False)
    c.kubectl("-n", NS, "apply", "-f", "-", input=json.dumps(DISTROLESS))
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "pod", "distroless-app", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="the pod")
    return NS


CONTEXT = fixed_context(NS, "distroless-app", NOW, (
    ("Started", "Started container debugger-snap1"),
    ("Created", "Created container debugger-snap1")), containers=("server: running",),
    event_age=5)


def test_running_debug_session(snap_compare, fresh_distroless, local_cluster: LocalCluster):
    app = frozen_app(local_cluster, fresh_distroless, NOW)

    async def run_before(pilot) -> None:
        cluster = pilot.app.cluster
        pod = await cluster.get_json(f"/api/v1/namespaces/{NS}/pods/distroless-app", what="pod")
        plan = plan_ephemeral(DebugSpec(NS, "distroless-app", "busybox:1.35", target="server",
                                        name="debugger-snap1"), pod, cluster.info.version)
        await send_write(cluster, plan.write)
        session = DebugSession(plan, context=CONTEXT)
        pilot.app.install_screen(session, "debug-snapshot")
        await pilot.app.push_screen(session)
        await until(pilot, lambda: session.running, what="the attach", timeout=60)
        await pilot.pause(0.5)
        await type_line(pilot, "clear; ps -o user,args")
        await until(pilot, lambda: "/server" in session.view.text() and prompt_ready(session),
                    what="the output")

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
