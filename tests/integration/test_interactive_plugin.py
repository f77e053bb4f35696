"""A credential plugin that must talk to the person (``interactiveMode: Always``) gets the real
terminal: before the UI starts, and mid-session after a 401, with the UI suspended
(``App.suspend``) and restored afterwards. Driven in tmux, as a person would."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import (
    minting_kubeconfig,
    revoke,
    running_pod,
    runs,
)

SESSION = "kubetui-interactive-test"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_screen(needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen()
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; the screen:\n{text}")


def test_interactive_plugin_prompts_on_the_terminal(local_cluster: LocalCluster, namespace: str,
                                                    tmp_path: Path):
    c = local_cluster
    kubeconfig = minting_kubeconfig(c, namespace, tmp_path)
    cfg = yaml.safe_load(kubeconfig.read_text())
    script = Path(cfg["users"][0]["user"]["exec"]["command"])
    body = script.read_text().split("\n", 1)[1]
    script.write_text("#!/bin/sh\nprintf 'kubetui-test password: ' >&2\nread pw\n"
                      '[ "$pw" = "s3cret" ] || { echo "wrong password" >&2; exit 1; }\n' + body)
    cfg["users"][0]["user"]["exec"]["interactiveMode"] = "Always"
    kubeconfig.write_text(yaml.safe_dump(cfg))
    running_pod(c, namespace, "talker", "hello")
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    command = (f"{shlex.quote(sys.executable)} -m kubetui "
               f"--kubeconfig {shlex.quote(str(kubeconfig))}")
    tmux("kill-session", "-t", SESSION)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "100", "-y", "30",
                    "-c", str(Path(__file__).resolve().parents[2]), command],
                   check=True, env=env)
    try:
        wait_screen("kubetui-test password:")  # before the UI: the terminal is simply inherited
        tmux("send-keys", "-t", SESSION, "s3cret", "Enter")
        wait_screen("talker")
        wait_screen("live")
        assert runs(tmp_path) == 1
        revoke(c, namespace, 1)
        tmux("send-keys", "-t", SESSION, "Enter")  # describe: a 401, then the plugin again
        wait_screen("kubetui-test password:")  # the UI is suspended, the prompt is on screen
        tmux("send-keys", "-t", SESSION, "s3cret", "Enter")
        text = wait_screen("Namespace:")  # the UI is back, with the describe loaded
        assert "talker" in text
        assert runs(tmp_path) == 2
        tmux("send-keys", "-t", SESSION, "Escape")
        time.sleep(0.3)
        tmux("send-keys", "-t", SESSION, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and SESSION in tmux("ls"):
            time.sleep(0.2)
        assert SESSION not in tmux("ls"), "kubetui did not quit"
    finally:
        tmux("kill-session", "-t", SESSION)
