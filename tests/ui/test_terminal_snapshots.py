"""SVG snapshots of a terminal session at 80x24 and 120x40: a real shell in a real pod, with a
fixed pod context and a frozen clock so the picture is stable."""

from __future__ import annotations

import pytest

from kubetui.k8s.transport.exec import ExecRequest
from kubetui.screens.terminal_session import TerminalSession
from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod
from tests.ui.conftest import (
    THEMED,
    assert_theme,
    ensure_namespace,
    fixed_context,
    frozen_app,
    until,
)
from tests.ui.test_terminal import type_line

NS = "kt-snapshot-term"
NOW = 1_800_000_000.0


@pytest.fixture(scope="session")
def shell_pod(local_cluster: LocalCluster) -> str:
    c = local_cluster
    ensure_namespace(c, NS)
    running_pod(c, NS, "shell", "ready")
    return NS


CONTEXT = fixed_context(NS, "shell", NOW, (
    ("Started", "Started container main"), ("Created", "Created container main"),
    ("Pulled", 'Container image "busybox:1.35" already present on machine')))


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_terminal_session(snap_compare, shell_pod, local_cluster: LocalCluster, size, theme):
    app = frozen_app(local_cluster, shell_pod, NOW, theme=theme)

    async def run_before(pilot) -> None:
        session = TerminalSession(ExecRequest(shell_pod, "shell", "main", stdin=True, tty=True),
                                  context=CONTEXT)
        app.install_screen(session, "session-snapshot")
        app.sessions.append(session)
        await pilot.app.push_screen(session)
        await until(pilot, lambda: session.view.text().rstrip().endswith("#"), what="prompt")
        await type_line(pilot, "clear; echo hello from kubetui; ls /")
        await until(pilot, lambda: "proc" in session.view.text()
                    and session.view.text().rstrip().endswith("#"), what="the output")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
