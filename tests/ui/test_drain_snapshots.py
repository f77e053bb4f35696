"""SVG snapshots of a drain in progress at 80x24 and 120x40: one pod evicted and gone, one held
by its PodDisruptionBudget (refused, its next try counted down), on a Node object of the test's
own (no kubelet: the real node is never touched) with the clock stopped."""

from __future__ import annotations

import time

import pytest

from kubetui.screens.confirm import ConfirmScreen
from kubetui.screens.drain import DrainScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import assert_theme, ensure_namespace, frozen_app, until
from tests.ui.test_drain import node, on_node, pods_on_node

NAME = "kt-snapshot-drain"


@pytest.fixture
def draining_node(local_cluster: LocalCluster):
    """The node, a pod with scratch data and a pod a budget keeps; all removed afterwards (the
    nodes view's snapshot counts one node)."""
    c = local_cluster
    ensure_namespace(c, NAME)
    c.kubectl("create", "-f", "-", input=node(NAME))
    try:
        pods_on_node(c, NAME, NAME, ("cache", "cache"), ("payments", "pay"), "payments")
        yield c.get_json("node", NAME)
    finally:
        c.kubectl("delete", "node", NAME, check=False)
        c.kubectl("-n", NAME, "delete", "pdb,pods", "--all", "--grace-period=0", "--force",
                  check=False)
        c.wait_for(lambda: not c.get_json("-n", NAME, "pods")["items"], timeout=30,
                   what="the pods removed")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_drain_in_progress(snap_compare, local_cluster: LocalCluster, draining_node, size):
    app = frozen_app(local_cluster, NAME, time.time())

    async def run_before(pilot) -> None:
        await on_node(pilot, NAME)
        await pilot.press("X")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), timeout=30,
                    what="the drain's confirm")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(pilot.app.screen, DrainScreen), what="the drain")
        progress = pilot.app.screen.progress
        # the next try is 5 s away: the picture is taken before it
        await until(pilot, lambda: {p.pod.name: (p.state, p.attempts)
                                    for p in progress.pods.values()}
                    == {"cache": ("gone", 1), "payments": ("refused", 1)}, timeout=4,
                    what="cache gone, payments refused once")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, "kubetui-dark")
