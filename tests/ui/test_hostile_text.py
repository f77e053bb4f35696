"""Cluster text is data: hostile strings written into a real cluster go through every view that
shows cluster text, and what the app would write to the terminal holds no control sequence.

The strings: markup that used to end the app (``[/]``), OSC 52 (clipboard), OSC 0 (title),
CSI 2J (clear screen), NUL, a right-to-left override, and 64 KiB lines.
"""

from __future__ import annotations

import json

from textual.widgets import Static

from kubetui.safe_text import is_safe, visible
from kubetui.screens.apf_tools import SchemaRulesScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.log_view import LogView
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, set_status, showing, unscheduled, until

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
TITLE = "\x1b]0;pwned\x07"
HOSTILE = f"[/] [bold]b[/bold] {OSC52} {TITLE} \x1b[2J nul\x00 \u202eevil [@click=app.quit]q"
BIG = "y" * (64 * 1024)


def screen_text(app) -> str:
    """Exactly the characters the compositor would send to the terminal for the screen."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_safe_screen(app, where: str) -> str:
    text = screen_text(app)
    assert is_safe(text), f"{where}: a control character reached the screen"
    return text


def hostile_pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "annotations": {"note": HOSTILE, "big": BIG}},
            "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
                "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
                "command": ["sh", "-c",
                            'printf "%s\\n" "$0"; printf "nul\\000x\\n";'
                            ' head -c 65536 /dev/zero | tr "\\0" z; echo; exec sleep 3600',
                            HOSTILE.replace("\x00", "")]}]}}  # argv cannot hold a NUL


async def test_hostile_text_in_every_view(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(hostile_pod("hostile-run")))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("hostile-status"))
    set_status(c, namespace, "hostile-status", {"phase": "Failed", "reason": HOSTILE,
                                                "message": HOSTILE})
    pod_uid = c.get_json("-n", namespace, "pod", "hostile-run")["metadata"]["uid"]
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "hostile-ev"},
             "involvedObject": {"kind": "Pod", "name": "hostile-run", "namespace": namespace,
                                "uid": pod_uid},
             "reason": HOSTILE, "message": HOSTILE + BIG, "type": "Warning", "count": 1,
             "source": {"component": "kubelet"}}
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(event))
    schema = f"{namespace}-hostile"
    c.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "flowcontrol.apiserver.k8s.io/v1beta1", "kind": "FlowSchema",
        "metadata": {"name": schema},
        "spec": {"matchingPrecedence": 9000, "priorityLevelConfiguration": {"name": "workload-low"},
                 "rules": [{"subjects": [{"kind": "User", "user": {"name": HOSTILE}}],
                            "nonResourceRules": [{"verbs": ["get"],
                                                  "nonResourceURLs": ["/x"]}]}]}}))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "hostile-run", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="hostile-run running")
    try:
        app = await make_app(c.kubeconfig, namespace=namespace)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            main = app.screen
            # Pods pane: STATUS is the hostile reason.
            await until(pilot, lambda: len(main.pods.table.rows) == 2, what="both pods")
            await pilot.pause(0.2)
            text = assert_safe_screen(app, "pods pane")
            assert "[/] [bold]b[/bo" in text
            # Events pane: reason and message.
            await pilot.press("2")
            await until(pilot, lambda: len(main.events.table.rows) >= 1, what="the event")
            await pilot.pause(0.2)
            assert "␛]52;c;" in assert_safe_screen(app, "events pane")
            # Describe: annotations, command, status; YAML; logs.
            await pilot.press("1")
            main.pods.table.select_key(next(k for k, r in main.pods.table.rows.items()
                                            if r.name == "hostile-run"))
            await pilot.press("enter")
            assert isinstance(app.screen, PodDetailScreen)
            detail = app.screen
            await until(pilot, lambda: detail.detail is not None, what="the describe")
            await pilot.pause(0.2)
            body = detail.query_one("#describe-body", Static).render()
            assert visible(HOSTILE) in str(body)
            assert "(+" in str(body)  # the 64 KiB annotation is capped and counted
            assert_safe_screen(app, "describe")
            await pilot.press("y")
            await pilot.pause(0.2)
            assert_safe_screen(app, "yaml")
            await pilot.press("l")
            log = detail.query_one(LogView)  # the rows as drawn
            await until(pilot, lambda: any("␛]0;pwned␇" in line for line in log.drawn()),
                        what="the hostile log line")
            await until(pilot, lambda: any("nul␀x" in line for line in log.drawn()),
                        what="the NUL in the log")
            await until(pilot, lambda: any(line.startswith("zzzz") for line in log.drawn()),
                        what="the 64 KiB log line")
            await pilot.pause(0.2)
            assert_safe_screen(app, "logs")
            await pilot.press("escape")
            # Flows: a FlowSchema whose subject is hostile, in the table and its rules dialog.
            await pilot.press("3")
            schemas = main.flows.schemas
            await until(pilot, lambda: any(r.name == schema for r in schemas.table.rows.values()),
                        what="the hostile flow schema")
            schemas.table.select_key(next(k for k, r in schemas.table.rows.items()
                                          if r.name == schema))
            schemas.table.focus()
            await pilot.press("enter")
            await until(pilot, lambda: showing(app, SchemaRulesScreen),
                        what="the rules dialog")
            await pilot.pause(0.2)
            rules = str(app.screen.query_one("#schema-rules", Static).render())
            assert visible(HOSTILE) in rules
            assert_safe_screen(app, "rules dialog")
            await pilot.press("escape")
            # A notification quoting the user's input: markup stays text.
            await pilot.press("colon", *"[/] [bold]x", "enter")
            await until(pilot, lambda: any("[/] [bold]x" in n.message
                                           for n in app._notifications), what="the notice")
            await pilot.pause(0.2)
            await until(pilot, lambda: "[/] [bold]x" in screen_text(app),
                        what="the notice on screen")
            assert_safe_screen(app, "notification")
            assert app.is_running
            assert app.unexpected_errors == []
        await app.cluster.close()
    finally:
        c.kubectl("delete", "flowschema", schema, check=False)
