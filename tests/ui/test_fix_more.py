"""Scale, rollout undo, CronJob trigger/suspend, Job delete and pod deletes against the local
apiserver: the form, the server's dry run in the confirm, the one write, and what the server
holds afterwards. The audit log shows each dry run before its write."""

from __future__ import annotations

import datetime as dt
import json
import time

from kubetui.screens.confirm import ConfirmScreen
from kubetui.screens.fix_forms import DeletePodsForm, ScaleForm, UndoForm
from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_fix_actions import web
from tests.ui.test_kind_views import jump, open_kind


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def holds(pilot, predicate, timeout: float = 20, what: str = ""):
    """What the server holds, asked while the app goes on (a blocking wait would stall the
    app's own writes: they run on the same loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def texts(screen) -> dict[str, str]:
    return {w.id: str(w.render()) for w in screen.query("Static") if w.id}


async def confirm_yes(pilot, title: str, untouched=None) -> dict[str, str]:
    """``untouched``: asserts, before yes, that the dry run stored nothing."""
    app = pilot.app
    await until(pilot, lambda: confirming(app), what=f"confirm {title}")
    shown = texts(app.screen)
    assert shown["confirm-title"] == title, shown["confirm-title"]
    if untouched is not None:
        untouched()
    await pilot.press("y")
    await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="confirmed")
    return shown


def writes(c: LocalCluster, since: str, namespace: str, resource: str) -> list[tuple[str, bool]]:
    return [(e["verb"], "dryRun=All" in e["requestURI"])
            for e in audit_events(c, since=since, namespace=namespace)
            if e["verb"] in ("create", "patch", "delete")
            and "/".join(filter(None, (e["objectRef"].get("resource"),
                                       e["objectRef"].get("subresource")))) == resource]


async def test_scale_names_the_autoscaler_then_the_scale_subresource_takes_it(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=web())
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web-hpa"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                    "name": "web"}, "minReplicas": 1, "maxReplicas": 4}}))
    since = now()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "deploy")
        await pilot.press("S")
        await until(pilot, lambda: showing(app, ScaleForm), what="the scale form")
        form = app.screen
        shown = texts(form)
        assert "HorizontalPodAutoscaler web-hpa owns its replicas (1–4)" in shown["scale-warning"]
        assert "now 0 replicas" in shown["scale-title"] or "now 1 replicas" in \
            shown["scale-title"]  # the HPA may have set 1 already
        form.query_one("#replicas").value = "x"
        await pilot.pause(0.1)
        assert "whole number" in texts(form)["scale-problem"]
        form.query_one("#replicas").value = "3"
        await pilot.pause(0.1)
        assert f"kubectl scale deployment/web --replicas=3 -n {namespace}" in \
            texts(form)["scale-preview"]
        await pilot.press("ctrl+s")
        shown = await confirm_yes(pilot, f"Scale deployment {namespace}/web (now "
                                  f"{form.current} replicas)?")
        assert "replicas would be 3" in shown["confirm-dry-run"]
        await holds(pilot, lambda: c.get_json("-n", namespace, "deployment/web")["spec"]["replicas"]
                   == 3 or None, timeout=20, what="the scale")
        assert not app.unexpected_errors
    await app.cluster.close()
    assert writes(c, since, namespace, "deployments/scale") == [("patch", True),
                                                                ("patch", False)]


def image_of(c: LocalCluster, namespace: str) -> str:
    return c.get_json("-n", namespace, "deployment/web")["spec"]["template"]["spec"][
        "containers"][0]["image"]


async def test_undo_to_the_previous_revision_shows_the_diff_and_restores_the_template(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=web())
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "rs", "-o", "name").stdout.strip(),
               timeout=30, what="revision 1")
    c.kubectl("-n", namespace, "set", "image", "deployment/web", "app=busybox:no-such-tag")
    c.wait_for(lambda: len(c.kubectl("-n", namespace, "get", "rs", "-o", "name")
                           .stdout.split()) == 2 or None, timeout=30, what="revision 2")
    since = now()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "deploy")
        await pilot.press("U")
        await until(pilot, lambda: showing(app, UndoForm)
                    and "undo-preview" in texts(app.screen), what="the undo form")
        shown = texts(app.screen)
        assert "Pod template, current → revision 1:" in shown["undo-preview"]
        assert "-  - image: busybox:no-such-tag\n+  - image: busybox:1.35" in \
            shown["undo-preview"]
        assert f"kubectl rollout undo deployment/web --to-revision=1 -n {namespace}" in \
            shown["undo-preview"]
        await pilot.press("ctrl+s")
        shown = await confirm_yes(pilot, f"Roll back deployment {namespace}/web?")
        assert "as it would be stored" in shown["confirm-dry-run"]
        await holds(pilot, lambda: image_of(c, namespace) == "busybox:1.35" or None, timeout=20,
                   what="the template of revision 1")
        # the Deployment's revision moves on (1 becomes 3), as kubectl's undo does
        await holds(pilot, lambda: c.get_json("-n", namespace, "deployment/web")["metadata"][
            "annotations"].get("deployment.kubernetes.io/revision") == "3" or None,
            timeout=20, what="revision 3")
        done = await holds(pilot, lambda: next((
            n for n in app._notifications if n.title == "Deployment web"
            and "rollout" in n.message), None), timeout=30, what="the rollout followed")
        assert done.message == "roll back: rollout complete"
        assert not app.unexpected_errors
    await app.cluster.close()
    assert writes(c, since, namespace, "deployments") == [("patch", True), ("patch", False)]


def cronjob(name: str) -> str:
    return json.dumps({
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": name},
        "spec": {"schedule": "0 0 1 1 *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
            "containers": [{"name": "job", "image": "busybox:1.35",
                            "command": ["true"]}]}}}}}})


async def test_cronjob_trigger_suspend_resume_and_the_job_deleted_with_its_pods(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=cronjob("nightly"))
    since = now()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "cj")
        await pilot.press("t")
        shown = await confirm_yes(pilot, "Run cronjob nightly now?")
        assert "would be created" in shown["confirm-dry-run"]
        assert "kubectl create job nightly-manual-" in shown["confirm-kubectl"]
        jobs = await holds(pilot, lambda: c.get_json("-n", namespace, "jobs")["items"] or None,
                          timeout=20, what="the Job")
        job = jobs[0]
        assert job["metadata"]["name"].startswith("nightly-manual-")
        assert job["metadata"]["ownerReferences"][0]["name"] == "nightly"
        await pilot.press("s")
        await confirm_yes(pilot, "Suspend cronjob nightly?")
        await holds(pilot, lambda: c.get_json("-n", namespace, "cronjob/nightly")["spec"]["suspend"]
                   is True or None, timeout=20, what="suspended")
        await pilot.pause(0.5)
        await pilot.press("s")
        await confirm_yes(pilot, "Resume cronjob nightly?")
        await holds(pilot, lambda: c.get_json("-n", namespace, "cronjob/nightly")["spec"]["suspend"]
                   is False or None, timeout=20, what="resumed")

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, KindScreen), what="back")
        await jump(pilot, "job")
        await until(pilot, lambda: showing(app, KindScreen)
                    and len(app.screen.pane.table.rows) == 1, what=":job")
        await pilot.press("ctrl+d")
        def job_kept():
            kept = c.get_json("-n", namespace, "jobs")["items"]
            assert len(kept) == 1 and "deletionTimestamp" not in kept[0]["metadata"]
        shown = await confirm_yes(pilot, f"Delete job {job['metadata']['name']} and its pods?",
                                  job_kept)
        assert "--cascade=background" in shown["confirm-kubectl"]
        await holds(pilot, lambda: not c.get_json("-n", namespace, "jobs")["items"], timeout=30,
                   what="the Job gone")
        assert not app.unexpected_errors
    await app.cluster.close()
    assert writes(c, since, namespace, "jobs") == [("create", True), ("create", False),
                                                   ("delete", True), ("delete", False)]
    assert writes(c, since, namespace, "cronjobs") == [("patch", True), ("patch", False)] * 2


def sleeper(name: str, owned: bool = False) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                       "spec": {"terminationGracePeriodSeconds": 30, "containers": [{
                           "name": "main", "image": "busybox:1.35",
                           "imagePullPolicy": "IfNotPresent",
                           "command": ["sleep", "3600"]}]}})


async def test_two_marked_pods_deleted_at_once_forced(local_cluster: LocalCluster,
                                                      namespace: str):
    c = local_cluster
    for name in ("one", "two", "three"):
        c.kubectl("-n", namespace, "create", "-f", "-", input=sleeper(name))
    since = now()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        await until(pilot, lambda: len(pods.table.rows) == 3, what="the pods")
        pods.table.focus()
        names = [pods.table.rows[k].name for k in pods.table.order]
        assert names == ["one", "three", "two"]
        await pilot.press("space", "down", "space")  # one and two marked, three not
        assert {r.name for r in pods.marked_rows()} == {"one", "two"}
        assert "2 marked" in pods.status_text()[0]
        await pilot.press("ctrl+d")
        await until(pilot, lambda: showing(app, DeletePodsForm), what="the form")
        form = app.screen
        shown = texts(form)
        assert shown["delete-title"] == f"delete 2 pods: {namespace}/one, {namespace}/two"
        assert "2 of them have no controller: gone for good" in shown["delete-warning"]
        form.query_one("#force").value = True
        await pilot.pause(0.1)
        shown = texts(form)
        assert "Immediate deletion does not wait" in shown["delete-warning"]
        assert f"kubectl delete pod one two -n {namespace} --grace-period=0 --force" in \
            shown["delete-preview"]
        await pilot.press("ctrl+s")
        def pods_kept():
            kept = c.get_json("-n", namespace, "pods")["items"]
            assert len(kept) == 3 and not any("deletionTimestamp" in p["metadata"]
                                              for p in kept)
        shown = await confirm_yes(pilot, f"Delete 2 pods: {namespace}/one, {namespace}/two?",
                                  pods_kept)
        assert shown["confirm-dry-run"].count("accepted: it would be deleted") == 2
        await until(pilot, lambda: [r.name for r in pods.table.rows.values()] == ["three"],
                    timeout=30, what="the two pods gone from the pane (the watch)")
        assert not pods.marked_rows()
        assert not app.unexpected_errors
    await app.cluster.close()
    assert writes(c, since, namespace, "pods") == [("delete", True)] * 2 + [("delete", False)] * 2
