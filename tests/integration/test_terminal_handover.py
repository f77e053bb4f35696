"""The full-screen handover in a real terminal (tmux): the session's shell gets the whole
terminal, with its real size, and ctrl+] brings kubetui back where it was."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod

SESSION = "kubetui-handover-test"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_screen(needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = tmux("capture-pane", "-p", "-t", SESSION)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; the screen:\n{text}")


def keys(*k: str) -> None:
    tmux("send-keys", "-t", SESSION, *k)
    time.sleep(0.3)


def test_full_screen_handover_and_back(local_cluster: LocalCluster, namespace: str):
    running_pod(local_cluster, namespace, "box", "ready")
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    command = (f"{shlex.quote(sys.executable)} -m kubetui --kubeconfig "
               f"{shlex.quote(str(local_cluster.kubeconfig))} -n {namespace}")
    tmux("kill-session", "-t", SESSION)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "100", "-y", "30",
                    "-c", str(Path(__file__).resolve().parents[2]), command], check=True, env=env)
    try:
        wait_screen("live")
        keys("s")
        wait_screen("/ #")
        keys("C-]")
        keys("f")
        wait_screen("returns to kubetui")
        keys("stty size", "Enter")
        wait_screen("30 100")  # the real terminal's size, not the widget's
        keys("echo $((6*7))", "Enter")
        wait_screen("42")
        keys("C-]")
        text = wait_screen("End session")  # kubetui's footer: back on the session screen
        assert "box" in text and "exec /bin/" in text
        assert "42" in text  # the emulator followed what happened on the whole terminal
        keys("C-]")  # the terminal has the keyboard again; give it back to kubetui first
        keys("Escape")
        wait_screen("pods in")
        keys("q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and SESSION in tmux("ls"):
            time.sleep(0.2)
        assert SESSION not in tmux("ls"), "kubetui did not quit"
    finally:
        tmux("kill-session", "-t", SESSION)
