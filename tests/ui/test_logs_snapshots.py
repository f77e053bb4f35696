"""The workload log view drawn at 80x24 and 120x40 (and in the ANSI theme): prefixes in their
sources' colours, times, a search's highlights and counts, the filter, a gone pod's mark, and
hostile text kept as data. The lines are put in the view's buffer (the live reading is
``test_workload_logs.py``'s): a snapshot needs text that does not move. The pod detail's Logs
tab reads a pod whose log is fixed."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.logs.lines import NS
from kubetui.k8s.logs.sources import LogTarget
from kubetui.screens.logs import LogsScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.log_view import LogView
from tests.conftest import LocalCluster
from tests.ui.conftest import assert_theme, ensure_namespace, frozen_app, until
from tests.ui.test_kind_snapshots import SIZES

NAMESPACE = "kt-snapshot-logs"
SCENE = 1796593406.0  # 2026-12-06T21:43:26Z
SOURCES = ["web-5d4f8b7c9-x2x7p/app", "web-5d4f8b7c9-q8kfn/app", "web-5d4f8b7c9-x2x7p/proxy"]
LINES = [
    (0, "GET /healthz 200 0.4ms"), (1, "GET /api/cart 200 12ms"),
    (2, "upstream connect 10.0.3.7:8080"), (0, "POST /api/pay 500 error: card service timeout"),
    (1, "GET /api/cart 200 9ms"), (2, "\x1b[31mupstream reset\x1b[0m [bold]not markup[/bold]"),
    (0, "retrying payment id=7781 (attempt 2)"), (1, "POST /api/pay 500 error: timeout"),
    (0, "error budget low: a long line " + "that wraps when wrap is on " * 6),
    (1, "GET /healthz 200 0.3ms"),
]


async def press_slowly(pilot, keys) -> None:
    """Each key handled (a prompt opened, a search run) before the next, then a repaint."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0.05)
    await pilot.pause(0.3)


def fill(screen: LogsScreen) -> None:
    for name in SOURCES:
        screen.source(name, name)
    for i, (source, text) in enumerate(LINES):
        screen.buffer.add(source, [(int(SCENE) * NS + i * 250_000_000, text)])
    screen.buffer.mark(int(SCENE) * NS + 2_600_000_000, "── pod web-5d4f8b7c9-q8kfn is gone")
    screen.lines_arrived()


@pytest.mark.parametrize("keys", [(), ("t", "slash", *"error", "enter"),
                                  ("w", "slash", *"error", "enter", "f")],
                         ids=["plain", "times-search", "wrap-filter"])
@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_logs_snapshots(snap_compare, local_cluster: LocalCluster, size, theme, keys):
    ensure_namespace(local_cluster, NAMESPACE)
    app = frozen_app(local_cluster, NAMESPACE, SCENE, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        screen = LogsScreen(LogTarget(NAMESPACE, "deployment web", selector="app=none"))
        await pilot.app.push_screen(screen)
        await until(pilot, lambda: screen.synced(), what="its pods listed (none)")
        fill(screen)
        await press_slowly(pilot, keys)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


TALKER = ("echo 'GET /healthz 200'; echo 'POST /api/pay 500 error: card service timeout'; "
          "printf 'hostile \\033[31mred\\033[0m [bold]not markup[/bold]\\n'; "
          "echo 'GET /api/cart 200'; echo 'retry 2: error again'; exec sleep 86400")


def talker(c: LocalCluster) -> None:
    """A pod whose log never changes (its name and lines are in the SVG)."""
    if c.kubectl("-n", NAMESPACE, "get", "pod", "talker", check=False).returncode != 0:
        c.kubectl("-n", NAMESPACE, "apply", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "talker"},
            "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
                "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
                "command": ["sh", "-c", TALKER]}]}}))
    c.wait_for(lambda: "error again" in c.kubectl("-n", NAMESPACE, "logs", "talker",
                                                   check=False).stdout,
               timeout=60, what="the talker's lines")


@pytest.mark.parametrize("keys", [(), ("slash", *"error", "enter", "f")],
                         ids=["plain", "filter"])
@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_pod_logs_tab_snapshots(snap_compare, local_cluster: LocalCluster, size, theme, keys):
    """The pod detail's Logs tab: the same panel on one container, no prefix."""
    ensure_namespace(local_cluster, NAMESPACE)
    talker(local_cluster)
    app = frozen_app(local_cluster, NAMESPACE, SCENE, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        screen = PodDetailScreen(NAMESPACE, "talker", tab="logs")
        await pilot.app.push_screen(screen)
        await until(pilot, lambda: len(screen.query_one(LogView).drawn()) == 5,
                    what="the five lines")
        await press_slowly(pilot, keys)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
