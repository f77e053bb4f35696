"""The full-screen handover in a real terminal (tmux): the session's shell gets the whole
terminal, with its real size, and ctrl+] brings kubetui back where it was."""

from __future__ import annotations

from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod
from tests.integration.tmux import Tmux


def test_full_screen_handover_and_back(local_cluster: LocalCluster, namespace: str):
    running_pod(local_cluster, namespace, "box", "ready")
    term = Tmux("kubetui-handover-test")
    term.start_kubetui("--kubeconfig", str(local_cluster.kubeconfig), "-n", namespace)
    try:
        term.wait("live")
        term.keys("s")
        term.wait("/ #")
        term.keys("C-]")
        term.keys("f")
        term.wait("returns to kubetui")
        term.keys("stty size", "Enter")
        term.wait("30 100")  # the real terminal's size, not the widget's
        term.keys("echo $((6*7))", "Enter")
        term.wait("42")
        term.keys("C-]")
        text = term.wait("Back to kubetui")  # kubetui's footer: back on the session screen
        assert "box" in text and "exec /bin/" in text
        assert "42" in text  # the emulator followed what happened on the whole terminal
        term.keys("C-]")  # the terminal has the keyboard again; give it back to kubetui first
        term.keys("Escape")
        term.wait("pods in")
        term.quit()
    finally:
        term.kill()
