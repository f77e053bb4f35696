"""SVG snapshots of a terminal session at 80x24 and 120x40: a real shell in a real pod, with a
fixed pod context and a frozen clock so the picture is stable."""

from __future__ import annotations

import asyncio

import pytest

from kubetui.k8s.events import EventRow
from kubetui.k8s.exec import ExecRequest
from kubetui.k8s.pods import PodRow
from kubetui.screens.terminal_session import TerminalSession
from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod
from tests.ui.conftest import make_app, until

NS = "kt-snapshot-term"
NOW = 1_800_000_000.0


@pytest.fixture(scope="session")
def shell_pod(local_cluster: LocalCluster) -> str:
    c = local_cluster
    if c.kubectl("get", "namespace", NS, check=False).returncode != 0:
        c.kubectl("create", "namespace", NS)
        c.wait_for(lambda: c.kubectl("-n", NS, "get", "sa", "default",
                                     check=False).returncode == 0, timeout=30, what="the SA")
    running_pod(c, NS, "shell", "ready")
    return NS


def context():
    row = PodRow(uid="u", namespace=NS, name="shell", ready="1/1", status="Running",
                 health="running", restarts=0, last_restart=None, created=NOW - 600,
                 node="localhost", ip="10.214.0.42", labels=(), resource_version="1")
    events = [EventRow(uid=f"e{i}", namespace=NS, type="Normal", reason=reason,
                       object_kind="Pod", object_name="shell", object_uid="u", message=msg,
                       count=1, last_seen=NOW - 600, source="kubelet")
              for i, (reason, msg) in enumerate((
                  ("Started", "Started container main"), ("Created", "Created container main"),
                  ("Pulled", 'Container image "busybox:1.35" already present on machine')))]
    return row, events


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_terminal_session(snap_compare, shell_pod, local_cluster: LocalCluster, size):
    async def build():
        app = await make_app(local_cluster.kubeconfig, namespace=shell_pod)
        app.clock = lambda: NOW
        return app

    app = asyncio.run(build())

    async def run_before(pilot) -> None:
        session = TerminalSession(ExecRequest(shell_pod, "shell", "main", stdin=True, tty=True),
                                  context)
        app.install_screen(session, "session-snapshot")
        app.sessions.append(session)
        await pilot.app.push_screen(session)
        await until(pilot, lambda: session.view.text().rstrip().endswith("#"), what="prompt")
        for ch in "clear; echo hello from kubetui; ls /":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await until(pilot, lambda: "proc" in session.view.text()
                    and session.view.text().rstrip().endswith("#"), what="the output")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
