"""The acceptance check of the text rule in a real terminal: tmux, with ``set-clipboard on`` so an
OSC 52 that got through would land in tmux's paste buffer, and a pane title an OSC 0 would change.
kubetui shows a hostile pod's annotation, command, logs and event; the title and the buffers stay
untouched and the app keeps running."""

from __future__ import annotations

import json
import time

from tests.conftest import LocalCluster
from tests.integration.tmux import Tmux, tmux
from tests.ui.test_hostile_text import HOSTILE, hostile_pod


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
    term = Tmux("kubetui-hostile-test")
    term.start_kubetui("--kubeconfig", str(c.kubeconfig), "-n", namespace, width=80, height=24)
    try:
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("select-pane", "-t", term.session, "-T", "untouched-title")
        buffers_before = tmux("list-buffers")
        term.wait("hostile-run")
        for key, needle in (("2", "␛]52"), ("1", "hostile-run"), ("Enter", "Annotations:"),
                            ("l", "␛]0;pwned␇"), ("y", "kind: Pod")):
            term.keys(key, pause=0)
            term.wait(needle)
            time.sleep(0.3)
        term.keys("Escape", pause=0)
        term.wait("hostile-run")
        time.sleep(0.5)
        assert tmux("display-message", "-p", "-t", term.session, "#{pane_title}").strip() == \
            "untouched-title"
        assert tmux("list-buffers") == buffers_before  # no OSC 52 reached tmux's clipboard
        assert "pwned" not in tmux("list-buffers")
        term.quit()
    finally:
        term.kill()
