"""SVG snapshots of the shell at 80x24 and 120x40, connected to the real local apiserver, on the
fixed snapshot namespace with a frozen clock."""

from __future__ import annotations

import pytest

from tests.conftest import LocalCluster
from tests.ui.conftest import frozen_app, settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen(snap_compare, snapshot_ns, local_cluster: LocalCluster, size):
    ns, now = snapshot_ns
    assert snap_compare(frozen_app(local_cluster, ns, now), terminal_size=size,
                        run_before=settle)


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
