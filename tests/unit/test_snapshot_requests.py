"""Volume snapshots' pure parts: rows, the driver join, quantities, class choice, and the request
builders (snapshot, delete, restore, the read-only inspection pod), with their refusals."""

from __future__ import annotations

import pytest

from kubetui.k8s.debug.volume_inspect import plan_inspect
from kubetui.k8s.storage.claims import (
    csi_driver,
    pv_driver,
    pvc_row,
    quantity,
    storage_class_driver,
)
from kubetui.k8s.storage.snapshots import (
    SnapshotInputError,
    SnapshotRow,
    check_name,
    choose_classes,
    content_check,
    default_name,
    deletion_meaning,
    plan_delete,
    plan_restore,
    plan_snapshot,
    snapshot_class_row,
    snapshot_row,
)

PVC = {"metadata": {"uid": "u1", "namespace": "shop", "name": "data",
                    "creationTimestamp": "2026-11-25T10:00:00Z"},
       "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                "volumeName": "pvc-u1", "resources": {"requests": {"storage": "1Gi"}}},
       "status": {"phase": "Bound", "capacity": {"storage": "1073741824"}}}


def test_pvc_rows_drivers_and_quantities():
    row = pvc_row(PVC)
    assert (row.phase, row.access_text, row.capacity) == ("Bound", "RWO", "1073741824")
    assert row.size == quantity("1Gi")  # 1Gi and 1073741824 are the same size
    assert quantity("500Mi") < quantity("1G") < quantity("1Gi")
    assert quantity("lots") is None and quantity(None) is None
    pv = pv_driver({"metadata": {"uid": "p", "name": "pvc-u1"},
                    "spec": {"csi": {"driver": "ebs.csi.aws.com"}}})
    sc = storage_class_driver({"metadata": {"uid": "s", "name": "fast", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "other.csi"})
    assert sc.default
    # The bound PV's driver wins; an unbound claim falls back to its class's provisioner.
    assert csi_driver(row, {pv.name: pv.driver}, {sc.name: sc.driver}) == "ebs.csi.aws.com"
    assert csi_driver(row, {}, {sc.name: sc.driver}) == "other.csi"
    restored = pvc_row({**PVC, "spec": {**PVC["spec"], "dataSource": {
        "apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "name": "s1"}}})
    assert restored.data_source == "VolumeSnapshot/s1"


def klass(name: str, driver: str, default: bool = False, policy: str = "Delete"):
    annotations = {"snapshot.storage.kubernetes.io/is-default-class": "true"} if default else {}
    return snapshot_class_row({"metadata": {"uid": name, "name": name,
                                            "annotations": annotations},
                               "driver": driver, "deletionPolicy": policy})


def test_class_choice_by_driver_and_default():
    classes = [klass("a", "d1"), klass("b", "d1", default=True), klass("c", "d2", True)]
    choice = choose_classes(classes, "d1")
    assert [c.name for c in choice.classes] == ["a", "b"] and choice.preselected == "b"
    assert not choice.warning
    two = choose_classes(classes + [klass("z", "d1", default=True)], "d1")
    assert "2 classes for d1 are marked default" in two.warning
    none = choose_classes(classes, "d3")
    assert none.classes == () and none.preselected is None and "no VolumeSnapshotClass" in \
        none.warning
    assert choose_classes([klass("only", "d1")], "d1").preselected == "only"


def test_snapshot_request_and_names():
    assert default_name("data", 1_795_600_000) == "data-20261125-094640"  # UTC
    plan = plan_snapshot("shop", "data", "data-1", "b", "v1")
    assert plan.write.method == "POST"
    assert plan.write.path == "/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots"
    assert plan.write.body["spec"] == {"volumeSnapshotClassName": "b",
                                       "source": {"persistentVolumeClaimName": "data"}}
    assert plan.kubectl.startswith("kubectl create -f - <<'EOF'\napiVersion: "
                                   "snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\n")
    assert plan_snapshot("shop", "data", "d", "b", "v1beta1").write.body["apiVersion"] == \
        "snapshot.storage.k8s.io/v1beta1"
    for bad in ("Data", "data_1", "-x", "", "a" * 254):
        with pytest.raises(SnapshotInputError, match="not a valid name"):
            plan_snapshot("shop", "data", bad, "b", "v1")
    with pytest.raises(SnapshotInputError, match="choose a VolumeSnapshotClass"):
        plan_snapshot("shop", "data", "ok", "", "v1")
    assert check_name(" ok.name ") == "ok.name"


def snap(**status) -> SnapshotRow:
    return snapshot_row({"metadata": {"uid": "s1", "namespace": "shop", "name": "snap"},
                         "spec": {"source": {"persistentVolumeClaimName": "data"},
                                  "volumeSnapshotClassName": "b"}, "status": status})


def test_snapshot_rows_and_restore():
    none = snap()
    assert none.ready is None and none.source == "data"
    failed = snap(readyToUse=False, error={"message": "copying volume data failed"})
    assert failed.error == "copying volume data failed"
    ready = snap(readyToUse=True, restoreSize="1Gi", boundVolumeSnapshotContentName="c1")
    plan = plan_restore(ready, "data-copy", "fast", "1073741824", ("ReadWriteOnce",))
    assert plan.write.body["spec"]["dataSource"] == {
        "apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "name": "snap"}
    assert plan.write.path == "/api/v1/namespaces/shop/persistentvolumeclaims"
    assert plan_restore(ready, "c", "", "2Gi", ("ReadWriteOnce",)).write.body["spec"].get(
        "storageClassName") is None  # the cluster's default class
    with pytest.raises(SnapshotInputError, match="smaller than the snapshot's restoreSize 1Gi"):
        plan_restore(ready, "c", "", "1000Mi", ("ReadWriteOnce",))
    with pytest.raises(SnapshotInputError, match="not a quantity"):
        plan_restore(ready, "c", "", "big", ("ReadWriteOnce",))
    with pytest.raises(SnapshotInputError, match="access mode"):
        plan_restore(ready, "c", "", "1Gi", ())
    with pytest.raises(SnapshotInputError, match="not ready"):
        plan_restore(none, "c", "", "1Gi", ("ReadWriteOnce",))


def test_delete_and_content_check():
    ready = snap(readyToUse=True, boundVolumeSnapshotContentName="c1")
    plan = plan_delete(ready, "v1")
    assert (plan.write.method, plan.kubectl) == ("DELETE",
                                                 "kubectl delete volumesnapshot snap -n shop")
    assert "stay" in deletion_meaning("Retain") and "deleted with it" in deletion_meaning(
        "Delete")
    good = {"spec": {"volumeSnapshotRef": {"name": "snap", "namespace": "shop", "uid": "s1"},
                     "deletionPolicy": "Delete"}, "status": {"snapshotHandle": "h"}}
    assert content_check(ready, good).startswith("bound both ways")
    wrong = {"spec": {"volumeSnapshotRef": {"name": "other", "namespace": "shop"}}}
    assert "not at this snapshot" in content_check(ready, wrong)
    assert "does not exist" in content_check(ready, None)
    assert content_check(snap(), None) == "no VolumeSnapshotContent bound yet"


def test_inspection_pod_mounts_read_only():
    plan = plan_inspect("shop", "data-copy", "busybox:1.35", token=lambda: "abcde")
    pod = plan.write.body
    assert plan.pod == "inspect-data-copy-abcde" and plan.creates == (plan.pod,)
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"] == {"claimName": "data-copy",
                                                                  "readOnly": True}
    assert pod["spec"]["containers"][0]["volumeMounts"][0]["readOnly"] is True
    assert pod["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "kubetui-debug"}
    assert "kubectl attach -it -n shop inspect-data-copy-abcde -c inspect" in plan.kubectl
