"""The incident timeline of a real session, in a real terminal: a port-forward opened and a pod
deleted (its form, the server's dry run, the confirm), then kubetui killed with SIGKILL. The
session's file holds every entry in order, whole, with the kubectl equivalents and outcomes,
and ``kubetui timeline export`` makes Markdown of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from kubetui.timeline.journal import read, sessions
from tests.conftest import LocalCluster
from tests.integration.test_forward_tunnel import web_pod
from tests.integration.tmux import kubetui_in_tmux, tmux


def test_a_killed_session_keeps_its_timeline(local_cluster: LocalCluster, namespace: str,
                                             tmp_path, monkeypatch):
    c = local_cluster
    web_pod(c, namespace)
    web_pod(c, namespace, "victim")
    folder = tmp_path / "incidents"
    monkeypatch.setenv("KUBETUI_TIMELINE_DIR", str(folder))
    with kubetui_in_tmux("kubetui-timeline-test", c.kubeconfig, namespace, 100, 30) as term:
        term.wait("victim")
        term.keys("/")
        term.keys("web", "Enter")
        term.keys("F")
        term.wait("port-forward")
        term.keys("Enter")
        term.wait("Forwarding")
        term.keys("/")
        term.keys("C-u", "victim", "Enter")
        term.keys("C-d")
        term.wait("delete")
        term.keys("C-s")
        term.wait("dry run", timeout=20)
        term.keys("y")
        c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "victim",
                                     check=False).returncode != 0, timeout=60,
                   what="the pod deleted")
        pid = int(tmux("list-panes", "-t", "kubetui-timeline-test", "-F",
                       "#{pane_pid}").split()[0])
        os.kill(pid, signal.SIGKILL)
    [path] = sessions(folder)
    lines = path.read_text().splitlines()
    assert all(json.loads(line) for line in lines)  # whole: no line cut by the kill
    entries = read(path)
    assert [e.kind for e in entries] == ["start", "forward", "action"], entries
    start, forward, deleted = entries
    assert start.context == "kubetui-local" and start.namespace == namespace
    assert forward.kubectl.startswith(f"kubectl port-forward -n {namespace} pod/web ")
    assert forward.outcome.startswith("listening: 127.0.0.1:")
    assert deleted.summary == f"delete pod {namespace}/victim" and deleted.outcome == "done"
    assert deleted.kubectl.startswith("kubectl delete pod victim") and deleted.dry_run
    assert deleted.namespace == namespace and deleted.object == "pods/victim"
    assert start.time <= forward.time <= deleted.time
    export = subprocess.run([sys.executable, "-m", "kubetui", "timeline", "export"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "KUBETUI_TIMELINE_DIR": str(folder)})
    assert export.returncode == 0, export.stderr
    assert "### " in export.stdout and "kubectl delete pod victim" in export.stdout
