"""Pod detail (describe, YAML, logs) and the nodes view, against the real local cluster."""

from __future__ import annotations

import json
import time

from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Static

from kubetui.config import Settings
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.screens.text_view import TextView
from kubetui.widgets.log_view import LogView
from tests.conftest import LocalCluster
from tests.ui.conftest import iso, make_app, showing, until


def log_text(screen) -> str:
    """The Logs tab's rows as drawn."""
    return "\n".join(screen.query_one(LogView).drawn())


async def test_pod_detail_describe_yaml_and_logs(local_cluster: LocalCluster, namespace: str,
                                                 monkeypatch):
    c = local_cluster
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "talker"},
           "spec": {"terminationGracePeriodSeconds": 1, "containers": [{
               "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
               "command": ["sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done; "
                                       "sleep 2; echo late-line; exec sleep 3600"],
               "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 2}}]}}
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "talker", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="talker running")
    # Copies go as a plain OSC 52 (no tmux or screen around the test) and land in _clipboard.
    for name in ("TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = await make_app(c.kubeconfig, namespace=namespace,
                         settings=Settings(clipboard="osc52"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod row")
        await pilot.press("enter")
        assert isinstance(app.screen, PodDetailScreen)
        screen = app.screen
        await until(pilot, lambda: screen.detail is not None, what="the pod detail")
        describe = str(screen.query_one("#describe-body", Static).render())
        assert "talker" in describe and "Readiness:" in describe and "exec true" in describe
        assert "kind: Pod" in screen.detail.yaml
        # The describe text has the keyboard at once: pgdn scrolls without a tab first.
        await until(pilot, lambda: app.focused is not None and
                    app.focused.parent is not None and
                    app.focused.query("#describe-body"), what="describe focused")
        await pilot.press("l")
        await until(pilot, lambda: app.focused is screen.query_one(LogView),
                    what="the log focused")
        await until(pilot, lambda: "line-5" in log_text(screen), what="the log lines")
        await until(pilot, lambda: "late-line" in log_text(screen), what="a followed line")
        assert [r.open for r in screen.readings.values()] == [True]  # still following
        # A mouse selection in the log: Y copies just that, and so does ctrl+c (Textual's own
        # copy), both through kubetui's clipboard road, each saying what was copied.
        log = screen.query_one(LogView)
        first = log.drawn().index("line-2")
        screen.selections = {log: Selection.from_offsets(Offset(0, first), Offset(6, first + 1))}
        await pilot.pause()
        await pilot.press("Y")
        assert app._clipboard == "line-2\nline-3"
        assert any("the selected" in n.message for n in app._notifications)
        app._clipboard = ""
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._clipboard == "line-2\nline-3"
        assert sum("Copied" in (n.title or "") for n in app._notifications) == 2
        # search and filter in the tab, as in the workload view
        for key in ("slash", *"line-3", "enter", "f"):
            await pilot.press(key)
        await until(pilot, lambda: log_text(screen) == "line-3", what="only the matching line")
        assert "/line-3 1 of 1 lines" in str(screen.query_one("#logs-status").render())
        await pilot.press("f")
        await pilot.press("p")  # never restarted: no previous instance is asked for
        await until(pilot, lambda: "+ previous instance" in
                    str(screen.query_one("#logs-title").render()), what="the title")
        await until(pilot, lambda: "late-line" in log_text(screen), what="read again")
        await pilot.press("escape")
        assert not isinstance(app.screen, PodDetailScreen)
    await app.cluster.close()


def describe_text(screen) -> str:
    return str(screen.query_one("#describe-body", Static).render())


async def test_describe_is_live_with_events_and_moving_ages(local_cluster: LocalCluster,
                                                           namespace: str):
    """kubectl describe ends with the pod's events: here they arrive as they happen, a label
    added to the pod shows up, and the relative times advance with the clock."""
    c = local_cluster
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "quiet"},
           "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
               "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
               "command": ["sleep", "3600"]}]}}
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "quiet", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="the pod running")
    uid = c.kubectl("-n", namespace, "get", "pod", "quiet", "-o",
                    "jsonpath={.metadata.uid}").stdout
    app = await make_app(c.kubeconfig, namespace=namespace)
    now = [time.time()]
    app.clock = lambda: now[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod row")
        await pilot.press("enter")
        screen = app.screen
        await until(pilot, lambda: "Events:" in describe_text(screen)
                    and "Started" in describe_text(screen), what="the kubelet's events")
        event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "quiet.manual"},
                 "involvedObject": {"kind": "Pod", "name": "quiet", "namespace": namespace,
                                    "uid": uid},
                 "reason": "Paged", "message": "on-call looked at it", "type": "Warning",
                 "count": 3, "firstTimestamp": iso(now[0] - 300),
                 "lastTimestamp": iso(now[0] - 5), "source": {"component": "sre"}}
        c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(event))
        c.kubectl("-n", namespace, "label", "pod", "quiet", "incident=INC-42")
        await until(pilot, lambda: "on-call looked at it" in describe_text(screen)
                    and "incident=INC-42" in describe_text(screen), timeout=15,
                    what="the new event and label, live")
        line = next(x for x in describe_text(screen).splitlines() if "Paged" in x)
        assert "(x3 over 5m)" in line and "sre" in line
        before = describe_text(screen)
        now[0] += 2  # ages alone moved, painted moments ago: not repainted yet (quiet on SSH)
        await pilot.pause(1.5)
        assert describe_text(screen) == before
        now[0] += 600  # ten minutes later, nothing else changed
        await until(pilot, lambda: describe_text(screen) != before, what="the ages to move")
        line = next(x for x in describe_text(screen).splitlines() if "Paged" in x)
        assert "(x3 over 15m)" in line
        # A second detail of a pod may open while one is below it in the stack (a session
        # opened from the first, then enter from the panes): no clash of widget ids.
        await app.push_screen(PodDetailScreen(namespace, "quiet"))
        await until(pilot, lambda: app.screen is not screen
                    and app.screen.detail is not None, what="the second detail")
        await pilot.press("escape")
        # The events pane shows the same event whole on enter.
        await pilot.press("escape", "2")
        events = app.screen.events
        await until(pilot, lambda: any(r.reason == "Paged" for r in events.table.rows.values()),
                    what="the event row")
        assert events.table.select_key(next(k for k, r in events.table.rows.items()
                                            if r.reason == "Paged"))
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, TextView), what="the whole event")
        body = str(app.screen.query_one("#text-view-body", Static).render())
        assert "Reason:      Paged" in body and "Count:       3" in body
        assert body.rstrip().endswith("on-call looked at it")
    await app.cluster.close()


async def test_nodes_view(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig, namespace="kubetui-demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        nodes = app.screen.nodes
        await until(pilot, lambda: len(nodes.table.rows) == 1, what="the node row")
        row = next(iter(nodes.table.rows.values()))
        assert row.name == "localhost" and row.status == "Ready"
        assert row.runtime.startswith("containerd://") and row.kubelet == "v1.20.2"
        cells = nodes.cells(row, app.clock())
        assert cells["pressure"] == "-"
        assert cells["pods"].endswith("/200")
    await app.cluster.close()


async def test_nodes_forbidden_for_a_namespaced_viewer(local_cluster: LocalCluster):
    app = await make_app(local_cluster.config_dir / "viewer.kubeconfig")
    async with app.run_test(size=(120, 40)) as pilot:
        nodes = app.screen.nodes
        await until(pilot, lambda: nodes.status.state == "failed", what="the 403")
        text = str(nodes.query_one(".pane-status").render())
        assert "forbidden" in text.lower() and "nodes" in text
        assert app.is_running
    await app.cluster.close()
