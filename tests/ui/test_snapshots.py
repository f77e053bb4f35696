"""SVG snapshots of the shell at 80x24 and 120x40, connected to the real local apiserver, on the
fixed snapshot namespace with a frozen clock."""

from __future__ import annotations

import json

import pytest

from tests.conftest import LocalCluster
from tests.ui.conftest import (
    THEMED,
    assert_theme,
    container,
    ensure_namespace,
    frozen_app,
    iso,
    set_status,
    settle,
    unscheduled,
    until,
)


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_main_screen(snap_compare, snapshot_ns, local_cluster: LocalCluster, size, theme):
    ns, now = snapshot_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=settle)
    assert_theme(app, theme)


DETAIL_NS = "kt-snapshot-detail"
NOW = 1_800_000_000.0  # every time the describe shows is fixed relative to this


@pytest.fixture(scope="session")
def detail_pod(local_cluster: LocalCluster) -> str:
    """A crash-looping pod whose describe holds no generated name or server time: no token
    volume, its status and its event written with times fixed relative to ``NOW``."""
    c = local_cluster
    ensure_namespace(c, DETAIL_NS)
    pod = json.loads(unscheduled("api-1", tier="web"))
    pod["spec"]["automountServiceAccountToken"] = False
    c.kubectl("-n", DETAIL_NS, "apply", "-f", "-", input=json.dumps(pod))
    set_status(c, DETAIL_NS, "api-1", {
        "phase": "Running", "podIP": "10.214.0.21", "startTime": iso(NOW - 3 * 3600),
        "containerStatuses": [container(
            False, 7, {"waiting": {"reason": "CrashLoopBackOff",
                                   "message": "back-off 5m0s restarting failed container"}},
            {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": iso(NOW - 250),
                            "finishedAt": iso(NOW - 240)}})]})
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "api-1.backoff"},
             "involvedObject": {"kind": "Pod", "name": "api-1", "namespace": DETAIL_NS},
             "reason": "BackOff", "message": "Back-off restarting failed container",
             "type": "Warning", "count": 31, "firstTimestamp": iso(NOW - 3 * 3600 + 60),
             "lastTimestamp": iso(NOW - 40), "source": {"component": "kubelet"}}
    c.kubectl("-n", DETAIL_NS, "apply", "-f", "-", input=json.dumps(event))
    return DETAIL_NS


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_pod_detail(snap_compare, detail_pod, local_cluster: LocalCluster, size, theme):
    """enter on the crash-looping pod: describe, ending with its events (live)."""
    app = frozen_app(local_cluster, detail_pod, NOW, theme=theme)

    async def run_before(pilot) -> None:
        main = pilot.app.screen
        await until(pilot, lambda: len(main.pods.table.rows) == 1
                    and len(main.events.table.rows) == 1, what="the pod and its event")
        await pilot.press("enter")
        await until(pilot, lambda: "Back-off restarting" in str(
            pilot.app.screen.query_one("#describe-body").render()), what="the describe")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_readonly_events_pane(snap_compare, snapshot_ns, local_cluster: LocalCluster, size):
    """The READ-ONLY badge; events rather than flows, whose live numbers move (see test_flows)."""
    ns, now = snapshot_ns
    app = frozen_app(local_cluster, ns, now, readonly=True)
    assert snap_compare(app, terminal_size=size, press=["2"], run_before=settle)


def test_help_screen(snap_compare, snapshot_ns, local_cluster: LocalCluster):
    ns, now = snapshot_ns
    assert snap_compare(frozen_app(local_cluster, ns, now), terminal_size=(120, 40),
                        press=["question_mark"], run_before=settle)


def test_jump_prompt(snap_compare, snapshot_ns, local_cluster: LocalCluster):
    ns, now = snapshot_ns
    assert snap_compare(frozen_app(local_cluster, ns, now), terminal_size=(80, 24),
                        press=["colon", "e", "v"], run_before=settle)
