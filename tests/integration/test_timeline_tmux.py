"""The incident timeline of a whole session, in a real terminal (tmux): a crash-looping pod
opened and triaged, a probe run by hand, a debug container attached and left, a port-forward,
a volume snapshot, the crash-looping pod deleted (its form, the server's dry run, the confirm),
then kubetui killed with SIGKILL.

The session's file holds every entry whole and in order, with the kubectl equivalents and
outcomes, and what the followed pods did meanwhile; ``kubetui timeline export`` makes Markdown
of it, compared with ``golden/timeline-session.md`` with the times, the namespace and the
generated names masked. The followed objects' changes (``change`` rows) depend on the kubelet's
back-off timing: they are checked here, and left out of the golden comparison."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from kubetui.timeline.entries import CHANGE
from kubetui.timeline.journal import read, sessions
from tests.conftest import LocalCluster
from tests.integration.test_forward_tunnel import web_pod
from tests.integration.tmux import kubetui_in_tmux, tmux
from tests.ui.test_probe_runs import PATIENT, start_pod
from tests.ui.test_volume_snapshots import claim_with_data

GOLDEN = Path(__file__).parent / "golden" / "timeline-session.md"
CRASHER = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crasher"},
           "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
               "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
               "command": ["sh", "-c", "echo 'db: connection refused'; exit 3"]}]}}


MASKS = ((r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "TIME"),
         (r"\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z", "STAMP"),
         (r"debugger-[a-z0-9]{5}", "debugger-ID"), (r"data-\d{8}-\d{6}", "data-ID"),
         (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"), (r"pod/web \d+(:\d+)?", "pod/web PORTS"),
         (r"\b\d+(\.\d+)? s\b", "DURATION"))


def masked(text: str, namespace: str) -> str:
    """The export with what differs between runs masked, and without the ``change`` rows."""
    text = text.replace(namespace, "NS")
    for pattern, mask in MASKS:
        text = re.sub(pattern, mask, text)
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(f"| TIME | {CHANGE} |"))


def entry_file(folder: Path) -> Path:
    [path] = sessions(folder)
    return path


def wait_for_entry(folder: Path, predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sessions(folder) and any(predicate(e) for e in read(entry_file(folder))):
            return
        time.sleep(0.3)
    raise AssertionError(f"never recorded: {what}")


def find(term, name: str) -> None:
    """``/``: the pods whose name holds ``name``, the cursor on the first."""
    term.keys("/")
    term.keys("C-u", name, "Enter")


def test_a_scripted_session_is_recorded_whole_through_a_kill(
        local_cluster: LocalCluster, namespace: str, tmp_path, monkeypatch):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(CRASHER))
    start_pod(c, namespace, PATIENT)
    web_pod(c, namespace)
    claim_with_data(c, namespace)
    c.wait_for(lambda: "CrashLoopBackOff" in c.kubectl("-n", namespace, "get", "pod",
                                                       "crasher").stdout,
               timeout=60, what="the crash loop")
    folder = tmp_path / "incidents"
    monkeypatch.setenv("KUBETUI_TIMELINE_DIR", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with kubetui_in_tmux("kubetui-timeline-test", c.kubeconfig, namespace, 100, 30) as term:
        term.wait("CrashLoopBackOff")
        # the crash-looping pod: opened, then its triage
        find(term, "crasher")
        term.keys("Enter")
        term.wait("Describe")
        term.keys("Escape")
        term.keys("!")
        term.wait("exits with code 3", timeout=30)
        term.keys("Escape")
        # a probe run by hand
        find(term, "liveness")
        term.keys("P")
        term.wait("Run now")
        term.keys("r")
        term.wait("Timeout", timeout=20)
        term.keys("Escape")
        # a debug container, attached, then left
        term.keys("D")
        term.wait("kubectl equivalent")
        term.keys("C-s")
        term.wait("Add debug container")
        term.keys("y")
        term.wait("attached", timeout=60)
        term.keys("Enter")
        term.keys("exit", "Enter")
        term.wait("[process exited with code 0]", timeout=30)
        term.keys("C-]")
        term.keys("Escape")
        term.wait("pods in")
        # a port-forward
        find(term, "web")
        term.keys("F")
        term.wait("port-forward")
        term.keys("Enter")
        term.wait("Forwarding")
        # a volume snapshot of the claim
        term.keys("4")
        term.wait("Bound")
        term.keys("t")
        term.wait("kubectl equivalent")
        term.keys("C-s")
        term.wait("Create VolumeSnapshot data-")
        term.keys("y")
        wait_for_entry(folder, lambda e: e.summary.startswith("create volumesnapshot")
                       or "VolumeSnapshot" in e.summary, "the snapshot")
        # the crash-looping pod deleted
        term.keys("1")
        term.wait("pods in")
        find(term, "crasher")
        term.keys("C-d")
        term.wait("delete")
        term.keys("C-s")
        term.wait("dry run", timeout=20)
        term.keys("y")
        wait_for_entry(folder, lambda e: e.kind == CHANGE and e.object == "pods/crasher"
                       and e.summary == "deleted", "the deletion, seen by the watch")
        pid = int(tmux("list-panes", "-t", "kubetui-timeline-test", "-F",
                       "#{pane_pid}").split()[0])
        os.kill(pid, signal.SIGKILL)
    path = entry_file(folder)
    lines = path.read_text().splitlines()
    assert all(json.loads(line) for line in lines)  # whole: no line cut by the kill
    entries = read(path)
    kubectl = {e.summary.split(" ")[0]: e.kubectl for e in entries if e.kubectl}
    said = [(e.kind, e.object, e.summary.replace(namespace, "NS"), e.outcome)
            for e in entries if e.kind != CHANGE]
    debugger = re.search(r"debugger-[a-z0-9]{5}", kubectl["add"]).group(0)
    assert [s[:3] for s in said] == [
        ("start", "", "session started: context kubetui-local"),
        ("look", "pods/crasher", "opened pod NS/crasher (describe)"),
        ("look", "pods/crasher", "triage of pod NS/crasher: container `app` crashes: it exits "
                                 "with code 3; 1 restarts, in back-off"),
        ("probe", "pods/liveness-timeout", "liveness probe of liveness-timeout/app: timed out "
         "after 1 s: a failure since 1.20; the process may still be running in the container"),
        ("action", "pods/liveness-timeout",
         f"add debug container {debugger} to NS/liveness-timeout"),
        ("exec", "pods/liveness-timeout", f"attach to NS/liveness-timeout ({debugger}): opened"),
        ("exec", "pods/liveness-timeout", f"attach to NS/liveness-timeout ({debugger}): ended"),
        ("forward", "pods/web", "port-forward pod/web"),
        ("action", f"volumesnapshots/{said[8][2].split()[-1]}", said[8][2]),
        ("action", "pods/crasher", "delete pod NS/crasher")], said
    assert [s[3] for s in said] == ["", "", "", "timeout", "done", "", said[6][3], said[7][3],
                                    "done", "done"]
    assert said[6][3].startswith("exit 0 after ") and said[7][3].startswith("listening: ")
    assert re.fullmatch(r"create VolumeSnapshot data-\d{8}-\d{6}", said[8][2])
    assert kubectl["add"].startswith(f"kubectl debug -n {namespace} liveness-timeout "
                                     "--image=busybox:1.35 --profile=general")
    assert kubectl["delete"] == f"kubectl delete pod crasher -n {namespace}"
    assert kubectl["port-forward"].startswith(f"kubectl port-forward -n {namespace} pod/web ")
    assert "kind: VolumeSnapshot" in kubectl["create"]
    # the last action is in the file, whole; only what the watches saw may come after it
    last = max(i for i, e in enumerate(entries) if e.kind != CHANGE)
    assert entries[last].summary == f"delete pod {namespace}/crasher"
    # What the followed pods did: the crasher's back-off and its end, the probe's warnings.
    changed = [(e.object, e.summary) for e in entries if e.kind == CHANGE]
    assert ("pods/crasher", "deleted") in changed
    assert any(o == "pods/crasher" and s.startswith("warning BackOff") for o, s in changed)
    assert any(o == "pods/liveness-timeout" and s.startswith("warning Unhealthy")
               for o, s in changed)
    assert {o for o, _ in changed} <= {"pods/crasher", "pods/liveness-timeout", "pods/web"}
    export = subprocess.run([sys.executable, "-m", "kubetui", "timeline", "export"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "KUBETUI_TIMELINE_DIR": str(folder)})
    assert export.returncode == 0, export.stderr
    assert masked(export.stdout, namespace) == GOLDEN.read_text()
