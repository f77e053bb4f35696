"""Copy inside tmux with ``set-clipboard on``: kubetui's OSC 52 becomes tmux's paste buffer."""

from __future__ import annotations

import json
import time

from tests.conftest import LocalCluster
from tests.integration.tmux import kubetui_in_tmux, tmux


def test_copy_reaches_tmux_paste_buffer(seeded: LocalCluster):
    c = seeded
    pods = json.loads(c.kubectl("-n", "kubetui-demo", "get", "pods", "-o", "json").stdout)
    first = sorted(p["metadata"]["name"] for p in pods["items"])[0]
    with kubetui_in_tmux("kt-clipboard", c.kubeconfig, "kubetui-demo", 120, 30) as term:
        previous = tmux("show-options", "-sv", "set-clipboard").strip() or "external"
        tmux("set-option", "-s", "set-clipboard", "on")
        try:
            tmux("delete-buffer")
            term.wait(first, timeout=30)
            term.keys("Y", pause=1.0)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and tmux("show-buffer") != first:
                time.sleep(0.2)
            assert tmux("show-buffer") == first
            screen = term.wait("Copied", timeout=10)  # the toast wraps: check its words
            assert f"'{first}'" in screen and "OSC 52" in screen and "bytes" in screen
        finally:
            tmux("set-option", "-s", "set-clipboard", previous)
