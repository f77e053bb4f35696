"""Volume snapshots from the UI against the real local 1.20 apiserver and its dev storage
controller (Pilot): a pod writes a file to a claim; ``t`` snapshots it, it becomes ready; ``r``
restores it to a new claim, Bound; ``i`` opens a read-only pod on the copy and ``cat`` reads the
same file. Then the errors, for real: an invalid name, a class of another driver, a snapshot the
controller fails, no controller at all, a restore smaller than restoreSize, missing CRDs, and a
viewer's rights."""

from __future__ import annotations

import dataclasses
import json

from textual.widgets import Input, Select

from kubetui.k8s.storage.snapshots import NO_CRDS
from kubetui.screens.confirm import ConfirmScreen
from kubetui.screens.debug_session import DebugSession
from kubetui.screens.snapshot_forms import RestoreForm, SnapshotForm
from kubetui.screens.text_view import TextView
from tests.conftest import LocalCluster
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_terminal import prompt_ready, type_line

CLAIM = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
         "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "kubetui-local",
                  "resources": {"requests": {"storage": "1Gi"}}}}
WRITER = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "writer"},
          "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
              "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
              "command": ["sh", "-c", "echo 'orders v1' > /data/orders.db; exec sleep 3600"],
              "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
              "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}}
OTHER_DRIVER = "other.csi.example.com"


def apply(c: LocalCluster, namespace: str | None, obj: dict) -> None:
    args = ("-n", namespace) if namespace else ()
    c.kubectl(*args, "apply", "-f", "-", input=json.dumps(obj))


def claim_with_data(c: LocalCluster, namespace: str) -> None:
    apply(c, namespace, CLAIM)
    apply(c, namespace, WRITER)
    c.wait_for(lambda: c.kubectl("-n", namespace, "exec", "writer", "--", "cat",
                                 "/data/orders.db", check=False).stdout == "orders v1\n",
               timeout=60, what="the file written to the claim")


def rows(pane) -> dict:
    return {r.name: r for r in pane.table.rows.values()}


async def select(pilot, pane, name: str) -> None:
    await until(pilot, lambda: name in rows(pane), what=f"{name} listed")
    pane.table.select_key(rows(pane)[name].key)
    await pilot.pause()


async def confirm(pilot) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the confirm")
    await pilot.press("y")


def form_text(form) -> str:
    return "\n".join(str(form.query_one(f"#plan-{p}").render())
                     for p in ("problem", "warning", "preview"))


async def test_snapshot_restore_and_read_the_copy(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    claim_with_data(c, namespace)
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        await pilot.press("4")
        await until(pilot, lambda: rows(main.pvcs).get("data") is not None
                    and rows(main.pvcs)["data"].phase == "Bound"
                    and main.joins.used_by(rows(main.pvcs)["data"]) == ["writer"], what="the claim")
        data = rows(main.pvcs)["data"]
        assert main.joins.driver_of(data) == "hostpath.csi.kubetui.local"
        await select(pilot, main.pvcs, "data")
        await pilot.press("t")
        await until(pilot, lambda: showing(app, SnapshotForm), what="the form")
        form = app.screen
        assert form.value("#class") == "kubetui-local-snapclass"  # the default, preselected
        assert form.value("#name").startswith("data-2")  # data-<yyyymmdd-hhmmss>
        form.query_one("#name", Input).value = "data-snap"
        await pilot.pause()
        text = form_text(form)
        assert "POST /apis/snapshot.storage.k8s.io/v1/namespaces/" + namespace in text
        assert "kubectl create -f - <<'EOF'" in text and "persistentVolumeClaimName: data" in text
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await until(pilot, lambda: main.active_pane == "snapshots", what="the snapshots pane")
        await until(pilot, lambda: rows(main.snapshots).get("data-snap") is not None
                    and rows(main.snapshots)["data-snap"].ready is True, timeout=30,
                    what="the snapshot ready")
        snap = rows(main.snapshots)["data-snap"]
        assert snap.restore_size == "1Gi" and snap.bound_content
        await select(pilot, main.snapshots, "data-snap")
        await pilot.press("enter")  # details: the content is checked both ways
        await until(pilot, lambda: showing(app, TextView), what="the details")
        assert "bound both ways to VolumeSnapshotContent snapcontent-" in app.screen.text
        assert "creationTime: 20" in app.screen.text
        await pilot.press("escape")
        # Restore: smaller than restoreSize is refused in the form, 1Gi is created.
        await pilot.press("r")
        await until(pilot, lambda: showing(app, RestoreForm), what="the restore form")
        form = app.screen
        form.query_one("#name", Input).value = "data-copy"
        form.query_one("#size", Input).value = "512Mi"
        await pilot.pause()
        assert "smaller than the snapshot's restoreSize 1Gi" in form_text(form)
        await pilot.press("ctrl+s")
        assert app.screen is form  # refused: nothing sent
        form.query_one("#size", Input).value = "1073741824"  # the same size, in bytes
        await pilot.pause()
        assert "dataSource" in form_text(form) and form.result is not None
        await pilot.press("ctrl+s")
        await confirm(pilot)
        await until(pilot, lambda: main.active_pane == "pvc", what="the PVC pane")
        await until(pilot, lambda: rows(main.pvcs).get("data-copy") is not None
                    and rows(main.pvcs)["data-copy"].phase == "Bound", timeout=30,
                    what="the restored claim Bound")
        assert rows(main.pvcs)["data-copy"].data_source == "VolumeSnapshot/data-snap"
        await until(pilot, lambda: any("is Bound" in n.message for n in app._notifications),
                    what="the Bound notice")
        # Inspect the copy: a read-only pod with a shell; the same file is there.
        await select(pilot, main.pvcs, "data-copy")
        await pilot.press("i")
        await until(pilot, lambda: confirming(app), what="the confirm")
        assert '"readOnly": true' in str(app.screen.query_one("#confirm-request").render())
        await pilot.press("y")
        await until(pilot, lambda: showing(app, DebugSession), what="the session")
        session = app.screen
        await until(pilot, lambda: session.running, timeout=60, what="the shell")
        await until(pilot, lambda: prompt_ready(session), what="the prompt")
        await type_line(pilot, "cat /data/orders.db; touch /data/x")
        await until(pilot, lambda: "orders v1" in session.view.text()
                    and "Read-only file system" in session.view.text(), what="the copy's file")
    await app.cluster.close()
    pod = session.plan.pod
    assert c.get_json("-n", namespace, "pod", pod)["spec"]["volumes"][0][
        "persistentVolumeClaim"] == {"claimName": "data-copy", "readOnly": True}


async def test_snapshot_errors_said_plainly(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    claim_with_data(c, namespace)
    other_class = {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                   "metadata": {"name": f"{namespace}-other"}, "driver": OTHER_DRIVER,
                   "deletionPolicy": "Retain"}
    apply(c, None, other_class)
    other_sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": f"{namespace}-other"}, "provisioner": OTHER_DRIVER}
    apply(c, None, other_sc)
    apply(c, namespace, {**CLAIM, "metadata": {"name": "elsewhere"},
                         "spec": {**CLAIM["spec"], "storageClassName": f"{namespace}-other"}})
    # A snapshot the controller fails: its claim does not exist.
    apply(c, namespace, {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
                         "metadata": {"name": "orphan"},
                         "spec": {"volumeSnapshotClassName": "kubetui-local-snapclass",
                                  "source": {"persistentVolumeClaimName": "gone"}}})
    try:
        app = await make_app(c.kubeconfig, namespace=namespace)
        async with app.run_test(size=(120, 40)) as pilot:
            main = app.screen
            await pilot.press("6")
            await until(pilot, lambda: rows(main.snapshots).get("orphan") is not None
                        and rows(main.snapshots)["orphan"].error, timeout=30,
                        what="the controller's error")
            assert "PersistentVolumeClaim gone not found" in rows(main.snapshots)["orphan"].error
            await select(pilot, main.snapshots, "orphan")
            await pilot.press("r")
            await pilot.pause()
            assert any("not ready to use: PersistentVolumeClaim gone not found" in n.message
                       for n in app._notifications)
            # The class of another driver is not offered for our claim; an invalid name is
            # refused in the form.
            await pilot.press("4")
            await select(pilot, main.pvcs, "data")
            await until(pilot, lambda: len(main.stores["snapclasses"].rows) >= 2, what="classes")
            await pilot.press("t")
            await until(pilot, lambda: showing(app, SnapshotForm), what="the form")
            form = app.screen
            offered = [c.name for c in form.choice.classes]
            assert offered == ["kubetui-local-snapclass"]
            form.query_one("#name", Input).value = "Not_Valid"
            await pilot.pause()
            assert "is not a valid name" in form_text(form)
            await pilot.press("ctrl+s")
            assert app.screen is form
            await pilot.press("escape")
            # A claim of the other driver: only that driver's class; no controller answers,
            # and after 10 s kubetui says so.
            await select(pilot, main.pvcs, "elsewhere")
            await pilot.press("t")
            await until(pilot, lambda: showing(app, SnapshotForm), what="the form")
            form = app.screen
            assert [c.name for c in form.choice.classes] == [f"{namespace}-other"]
            assert "the claim is Pending" in form_text(form)
            form.query_one("#class", Select).value = f"{namespace}-other"
            form.query_one("#name", Input).value = "never"
            await pilot.pause()
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await until(pilot, lambda: "no snapshot controller seems to run" in
                        main.snapshots.note, timeout=20, what="the no-status explanation")
    finally:
        c.kubectl("delete", "volumesnapshotclass", f"{namespace}-other", check=False)
        c.kubectl("delete", "storageclass", f"{namespace}-other", check=False)


async def test_missing_crds_and_a_viewer(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    apply(c, namespace, CLAIM)
    app = await make_app(c.kubeconfig, namespace=namespace)
    # A cluster without the snapshot CRDs: discovery has no snapshot.storage.k8s.io.
    info = app.cluster.info
    app.cluster.info = dataclasses.replace(info, capabilities=dataclasses.replace(
        info.capabilities, snapshot_version=None))
    app.info = app.cluster.info
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        await pilot.press("6")
        await until(pilot, lambda: "VolumeSnapshot CRDs are not installed" in
                    main.snapshots.status_text()[0], what="the explanation")
        assert "external-snapshotter" in main.snapshots.status_text()[0]
        await pilot.press("4")
        await select(pilot, main.pvcs, "data")
        await pilot.press("t")
        await pilot.pause()
        assert any(n.message == NO_CRDS for n in app._notifications)
    await app.cluster.close()
    # A viewer: may list claims, not snapshots (the view role has no snapshot.storage.k8s.io).
    c.kubectl("-n", namespace, "create", "rolebinding", "viewers", "--clusterrole=view",
              "--group=kubetui-viewers")
    app = await make_app(c.config_dir / "viewer.kubeconfig", namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        await pilot.press("4")
        await select(pilot, main.pvcs, "data")
        await until(pilot, lambda: app.access.get(namespace) is not None, what="the rules")
        await pilot.press("t")
        await pilot.pause()
        assert any("you may not create volumesnapshots.snapshot.storage.k8s.io" in n.message
                   for n in app._notifications)
        await pilot.press("6")
        await until(pilot, lambda: main.snapshots.status.state == "failed", what="the 403")
        assert "forbidden" in main.snapshots.status_text()[0].lower()
    await app.cluster.close()
