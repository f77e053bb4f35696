"""Tried as a new user would, in a real terminal (tmux at 80x24): debug the shell-less
``distroless-app``, type ``ps`` and see its ``/server`` process, give the focus back, return,
exit; the pod detail then lists the ephemeral container as terminated."""

from __future__ import annotations

from tests.conftest import LocalCluster
from tests.integration.tmux import kubetui_in_tmux
from tests.ui.test_debug import distroless


def test_debug_distroless_app_at_80x24(local_cluster: LocalCluster, namespace: str, tmp_path,
                                       monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    distroless(local_cluster, namespace)
    with kubetui_in_tmux("kubetui-debug-test", local_cluster.kubeconfig, namespace) as term:
        # The pod's row (the namespace's own name, on screen from the first frame, contains
        # "distroless-app" too).
        term.wait("1/1 Running")
        term.keys("D")
        form = term.wait("kubectl equivalent")
        assert "ephemeral container in this pod" in form and "never be removed" in form
        assert "ctrl+s / enter" in form  # the keys stay visible at 80x24
        term.keys("C-s")
        confirm = term.wait("Add debug container")
        assert "y / enter: yes" in confirm  # docked: visible however long the request
        term.keys("y")
        term.wait("debugger-", timeout=10)
        term.wait("attached", timeout=60)
        term.keys("Enter")
        term.keys("ps", "Enter")
        screen = term.wait("/server")
        assert "PID" in screen
        term.keys("C-]")
        term.wait("Focus is back with kubetui")
        term.keys("Enter")  # back to the terminal
        term.keys("exit", "Enter")
        term.wait("[process exited with code 0]")
        term.keys("C-]")
        term.keys("Escape")  # the panes
        term.wait("pods in")
        term.keys("Enter")  # the pod detail
        term.wait("Debug (g)")
        term.keys("g")
        detail = term.wait("terminated", timeout=20)
        assert "debugger-" in detail and "busybox:1.35" in detail and "server" in detail
        term.keys("Escape")
        term.quit()
