"""Tried as a new user would, in a real terminal (tmux at 80x24): P on a pod whose liveness
probe outlives its 1 s timeout, r (a Timeout at about 1 s), e to give it 5 s, r again (a
Success), o to read the run whole, back to the panes."""

from __future__ import annotations

from tests.conftest import LocalCluster
from tests.integration.tmux import kubetui_in_tmux
from tests.ui.test_probe_runs import PATIENT, start_pod


def test_probe_runner_at_80x24(local_cluster: LocalCluster, namespace: str):
    start_pod(local_cluster, namespace, PATIENT)
    with kubetui_in_tmux("kubetui-probe-test", local_cluster.kubeconfig, namespace) as term:
        term.wait("liveness-timeout")
        term.keys("P")
        term.wait("liveness probe (exec)")
        screen = term.wait("Run now")  # the footer, once drawn
        assert "timeoutSeconds 1" in screen
        term.keys("r")
        screen = term.wait("Timeout 1.0", timeout=15)
        assert "verdict (1 runs): failing" in screen  # under failureThreshold
        term.keys("e")
        term.wait("runs here only")
        term.keys("BSpace")  # the form opens in Timeout, its value selected
        term.keys("5")
        term.wait("+  timeoutSeconds: 5")
        term.keys("C-s")
        term.wait("liveness *")
        term.keys("r")
        screen = term.wait("Success", timeout=15)
        assert "exit code 0" in screen
        term.keys("o")
        term.wait("output:")
        term.keys("Escape", "Escape")
        term.wait("pods in")
        term.quit()
