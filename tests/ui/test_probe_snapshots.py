"""SVG snapshots of the probe runner (80x24 and 120x40): the recorded liveness-timeout pod, its
probe's runs (two timeouts, then the edited 5 s timeout succeeding) and its kubelet events, all
fixed (no watch, a stopped clock, UTC) so the pictures are stable."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kubetui.k8s.probes.run import ProbeRun
from kubetui.k8s.probes.target import ProbeEvent, probe_target
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.screens.probe_runner import ProbeRan, ProbeRunnerScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import THEMED, assert_theme, frozen_app

NOW = 1_800_000_000.0
POD = json.loads((Path(__file__).parent.parent / "fixtures" / "k8s-1.20" /
                  "pod-liveness-timeout.json").read_text())
TIMED_OUT = ("timed out after 1 s: a failure since 1.20; the process may still be running in "
             "the container")


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_probe_runner(snap_compare, local_cluster: LocalCluster, utc, size, theme):
    app = frozen_app(local_cluster, "default", NOW, theme=theme)
    target = probe_target(POD, ServerVersion(1, 20, "v1.20.2"), None)
    uid = POD["metadata"]["uid"]

    async def run_before(pilot) -> None:
        runner = ProbeRunnerScreen(target, follow=False)
        await pilot.app.push_screen(runner)
        key = ("app", "liveness")
        for i, (result, detail, duration) in enumerate((
                ("timeout", TIMED_OUT, 1.004), ("timeout", TIMED_OUT, 1.012))):
            runner.post_message(ProbeRan(key, ProbeRun(result, detail, duration, 1,
                                                       at=NOW - 20 + 5 * i)))
        runner.show_events([
            ProbeEvent("e1", uid, "app", "Warning", "Unhealthy",
                       "Liveness probe failed: command timed out", 12, NOW - 8),
            ProbeEvent("e2", uid, "app", "Normal", "Killing",
                       "Container app failed liveness probe, will be restarted", 6, NOW - 7)])
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
