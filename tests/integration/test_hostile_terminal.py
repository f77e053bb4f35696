"""The acceptance check of the text rule in a real terminal: tmux, with ``set-clipboard on`` so an
OSC 52 that got through would land in tmux's paste buffer, and a pane title an OSC 0 would change.
kubetui shows a hostile pod's annotation, command, logs and event; the title and the buffers stay
untouched and the app keeps running."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import LocalCluster
from tests.ui.test_hostile_text import HOSTILE, hostile_pod

SESSION = "kubetui-hostile-test"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True,
                          check=False).stdout


def wait_screen(needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = tmux("capture-pane", "-p", "-t", SESSION)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; the screen:\n{text}")


def test_hostile_pod_in_a_real_terminal(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(hostile_pod("hostile-run")))
    uid = c.get_json("-n", namespace, "pod", "hostile-run")["metadata"]["uid"]
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Event", "metadata": {"name": "hostile-ev"},
        "involvedObject": {"kind": "Pod", "name": "hostile-run", "namespace": namespace,
                           "uid": uid},
        "reason": "Hostile", "message": HOSTILE, "type": "Warning", "count": 1}))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "hostile-run", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="hostile-run running")
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    command = (f"{shlex.quote(sys.executable)} -m kubetui --kubeconfig "
               f"{shlex.quote(str(c.kubeconfig))} -n {namespace}")
    tmux("kill-session", "-t", SESSION)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24",
                    "-c", str(Path(__file__).resolve().parents[2]), command], check=True, env=env)
    try:
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("select-pane", "-t", SESSION, "-T", "untouched-title")
        buffers_before = tmux("list-buffers")
        wait_screen("hostile-run")
        for key, needle in (("2", "␛]52"), ("1", "hostile-run"), ("Enter", "Annotations:"),
                            ("l", "␛]0;pwned␇"), ("y", "kind: Pod")):
            tmux("send-keys", "-t", SESSION, key)
            wait_screen(needle)
            time.sleep(0.3)
        tmux("send-keys", "-t", SESSION, "Escape")
        wait_screen("hostile-run")
        time.sleep(0.5)
        assert tmux("display-message", "-p", "-t", SESSION, "#{pane_title}").strip() == \
            "untouched-title"
        assert tmux("list-buffers") == buffers_before  # no OSC 52 reached tmux's clipboard
        assert "pwned" not in tmux("list-buffers")
        tmux("send-keys", "-t", SESSION, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and SESSION in tmux("ls"):
            time.sleep(0.2)
        assert SESSION not in tmux("ls"), "kubetui did not quit"
    finally:
        tmux("kill-session", "-t", SESSION)
