"""SVG snapshots of the PVC pane and the snapshots view (80x24 and 120x40): a fixed namespace
with a claim, its ready snapshot, a restored copy and a snapshot the controller failed, created
once and kept; the clock is stopped three hours after the newest of them."""

from __future__ import annotations

import pytest

from kubetui.k8s.core.pods import parse_time
from tests.conftest import LocalCluster
from tests.ui.conftest import THEMED, assert_theme, ensure_namespace, frozen_app, until
from tests.ui.test_volume_snapshots import CLAIM, apply

NS = "kt-snapshot-storage"


def _snapshot(name: str, pvc: str) -> dict:
    return {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
            "metadata": {"name": name},
            "spec": {"volumeSnapshotClassName": "kubetui-local-snapclass",
                     "source": {"persistentVolumeClaimName": pvc}}}


@pytest.fixture(scope="module")
def storage_ns(local_cluster: LocalCluster) -> tuple[str, float]:
    c = local_cluster
    ensure_namespace(c, NS)
    apply(c, NS, CLAIM)
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "pvc", "data", "-o",
                                 "jsonpath={.status.phase}").stdout == "Bound",
               timeout=30, what="the claim")
    apply(c, NS, _snapshot("data-20261125-101500", "data"))
    apply(c, NS, _snapshot("orders-before-migration", "orders"))  # no such claim: fails
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "volumesnapshot", "data-20261125-101500",
                                 "-o", "jsonpath={.status.readyToUse}").stdout == "true",
               timeout=30, what="the snapshot")
    apply(c, NS, {**CLAIM, "metadata": {"name": "data-restore"},
                  "spec": {**CLAIM["spec"], "dataSource": {
                      "apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot",
                      "name": "data-20261125-101500"}}})
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "pvc", "data-restore", "-o",
                                 "jsonpath={.status.phase}").stdout == "Bound",
               timeout=30, what="the restored claim")
    created = [parse_time(o["metadata"]["creationTimestamp"]) for kind in (
        "pvc", "volumesnapshots") for o in c.get_json("-n", NS, kind)["items"]]
    return NS, max(created) + 3 * 3600


async def _settled(pilot, pane: str, count: int) -> None:
    main = pilot.app.screen
    await pilot.press({"pvc": "4", "snapshots": "6"}[pane])
    target = main.pvcs if pane == "pvc" else main.snapshots
    await until(pilot, lambda: len(target.table.rows) == count and target.synced
                and all(r.ready is not None or r.error for r in target.table.rows.values()
                        if pane == "snapshots")
                and len(main.stores["storageclasses"].rows) > 0, what=f"the {pane} pane")
    await pilot.pause(0.3)


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_pvc_pane(snap_compare, storage_ns, local_cluster: LocalCluster, size, theme):
    ns, now = storage_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)
    assert snap_compare(app, terminal_size=size,
                        run_before=lambda pilot: _settled(pilot, "pvc", 2))
    assert_theme(app, theme)


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_snapshots_view(snap_compare, storage_ns, local_cluster: LocalCluster, size, theme):
    ns, now = storage_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)
    assert snap_compare(app, terminal_size=size,
                        run_before=lambda pilot: _settled(pilot, "snapshots", 2))
    assert_theme(app, theme)
