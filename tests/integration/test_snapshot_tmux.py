"""Tried as a new user would, in a real terminal (tmux at 80x24): 4 for the claims, t to
snapshot one (the form and the confirm fit), the snapshot ready in the snapshots pane, r to
restore it, the new claim Bound."""

from __future__ import annotations

import time

from tests.conftest import LocalCluster
from tests.integration.tmux import kubetui_in_tmux
from tests.ui.test_volume_snapshots import claim_with_data


def test_snapshot_and_restore_at_80x24(local_cluster: LocalCluster, namespace: str):
    claim_with_data(local_cluster, namespace)
    with kubetui_in_tmux("kubetui-snapshot-test", local_cluster.kubeconfig, namespace) as term:
        term.wait("writer")
        term.keys("4")
        screen = term.wait("Bound")
        assert "data" in screen and "RWO" in screen
        term.keys("t")
        form = term.wait("kubectl equivalent")
        assert "kubetui-local-snapclass" in form and "ctrl+s / enter" in form
        term.keys("C-s")
        confirm = term.wait("Create VolumeSnapshot data-")
        assert "y / enter: yes" in confirm
        term.keys("y")
        term.wait("✓ true", timeout=30)  # the snapshots pane, live
        term.keys("r")
        term.wait("restore snapshot")
        term.keys("C-s")
        term.wait("Create PersistentVolumeClaim")
        term.keys("y")
        term.wait("-restore", timeout=30)
        deadline = time.monotonic() + 30
        # At 80 columns the new claim's long name is cut: two Bound claims is the check.
        while sum(" Bound " in line for line in term.screen().splitlines()) < 2:
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.2)
        assert "claims in" in term.screen()
        term.quit()
