"""The fixes a triage offers, taken from it against the local apiserver: a stalled rollout rolled
back (``U``, the undo form at the revision before), a crash-looping Deployment restarted (``R``),
a suspended CronJob resumed (``s``), a node whose kubelet never reported cordoned (``C``), then
its drain run (``X``). Each goes through the kind views' flow: the form or the server's dry
run, the confirm, one write; the triage follows what the server holds and says so."""

from __future__ import annotations

import json

from kubetui.config import Settings
from kubetui.k8s.rbac.access import Need
from kubetui.screens.drain import DrainScreen
from kubetui.screens.fix_forms import UndoForm
from kubetui.screens.kind_view import KindScreen
from kubetui.screens.triage import TriageScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, showing, until
from tests.ui.test_drain import node, on_node, unschedulable
from tests.ui.test_fix_actions import restarted_at
from tests.ui.test_fix_more import confirm_yes, holds, texts
from tests.ui.test_kind_views import open_kind


def deployment(name: str, command: str, deadline: int = 600) -> str:
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": 1, "progressDeadlineSeconds": deadline,
                 "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {
                     "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "app", "image": "busybox:1.35",
                                     "imagePullPolicy": "IfNotPresent",
                                     "command": ["sh", "-c", command]}]}}}})


def body(triage: TriageScreen) -> str:
    return str(triage.query_one("#triage-body").render())


async def open_triage(pilot, jump: str, rows: int, name: str) -> TriageScreen:
    """From the main screen, or from the kind's view already open."""
    app = pilot.app
    if not showing(app, KindScreen):
        await open_kind(pilot, jump, rows=rows)
    table = app.screen.pane.table
    table.select_key(next(k for k, r in table.rows.items() if r.name == name))
    await pilot.press("exclamation_mark")
    await until(pilot, lambda: showing(app, TriageScreen) and app.screen.report is not None
                and "reading" not in body(app.screen), what=f"the triage of {name}")
    return app.screen


async def test_a_stalled_rollout_rolled_back_a_crash_loop_restarted_a_cronjob_resumed(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-",
              input=deployment("api", "exec sleep 3600", deadline=2))
    c.wait_for(lambda: c.get_json("-n", namespace, "deployment/api")["status"].get(
        "availableReplicas") == 1, timeout=60, what="revision 1 available")
    c.kubectl("-n", namespace, "set", "image", "deployment/api", "app=busybox:no-such-tag")
    c.wait_for(lambda: any(x.get("reason") == "ProgressDeadlineExceeded" for x in c.get_json(
        "-n", namespace, "deployment/api")["status"].get("conditions") or ()), timeout=60,
        what="the rollout stalled")
    c.kubectl("-n", namespace, "create", "-f", "-", input=deployment("loop", "exit 1"))
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": {
            "template": {"spec": {"restartPolicy": "Never", "containers": [
                {"name": "job", "image": "busybox:1.35", "command": ["true"]}]}}}}}}))
    # read-only: the cause, no fix offered; a step's key as the config's [keymap] binds it
    readonly = await make_app(c.kubeconfig, namespace=namespace, readonly=True,
                              settings=Settings(keymap={"triage.pods": "N"}))
    async with readonly.run_test(size=(120, 40)) as pilot:
        triage = await open_triage(pilot, "deploy", 2, "api")
        assert triage.report.cause.startswith("the rollout to revision 2 is stalled")
        assert "roll back" not in body(triage) and "N  the new pods" in body(triage)
        await pilot.press("U")
        await pilot.pause(0.3)
        assert readonly.screen is triage
    await readonly.cluster.close()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        triage = await open_triage(pilot, "deploy", 2, "api")
        assert triage.report.cause.startswith("the rollout to revision 2 is stalled")
        assert "U  roll back to revision 1\n" in body(triage)
        assert "R  " not in body(triage)  # a restart would make the same failing pods
        assert triage.needs("triage.undo") == (Need("patch", "deployments", "apps"),)
        await pilot.press("U")
        await until(pilot, lambda: showing(app, UndoForm)
                    and "undo-preview" in texts(app.screen), what="the undo form")
        assert "Pod template, current → revision 1:" in texts(app.screen)["undo-preview"]
        await pilot.press("ctrl+s")
        await confirm_yes(pilot, f"Roll back deployment {namespace}/api?")
        await until(pilot, lambda: app.screen is triage and not triage.report.findings
                    and triage.report.healthy == "complete: 1/1 available at revision 3",
                    timeout=60, what=lambda: f"healthy again ({triage.report.cause})")
        assert "U  " not in body(triage)
        await pilot.press("escape")

        # the crash loop at its first revision: nothing to go back to, a restart offered
        triage = await open_triage(pilot, "deploy", 2, "loop")
        await until(pilot, lambda: "crashes" in triage.report.cause, timeout=60,
                    what=lambda: f"the crash named ({triage.report.cause})")
        assert "R  restart it (new pods, no back-off)\n" in body(triage)
        assert "U  " not in body(triage)
        await pilot.press("R")
        await confirm_yes(pilot, "Restart deployment loop?")
        assert await holds(pilot, lambda: restarted_at(c, namespace, "loop"),
                           what="restartedAt")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: not isinstance(app.screen, (TriageScreen, KindScreen)),
                    what="back to the pods")

        triage = await open_triage(pilot, "cj", 1, "nightly")
        assert triage.report.cause.startswith("it is suspended")
        assert "s  resume it\n" in body(triage)
        await pilot.press("s")
        await confirm_yes(pilot, "Resume cronjob nightly?")
        await until(pilot, lambda: app.screen is triage and triage.report.healthy.startswith(
            "schedule 0 3 * * *"), what=lambda: f"resumed ({triage.report.cause})")
        assert c.get_json("-n", namespace, "cronjob/nightly")["spec"]["suspend"] is False
        assert not app.unexpected_errors
    await app.cluster.close()


async def test_a_silent_node_cordoned_from_its_triage_then_its_drain(
        local_cluster: LocalCluster, namespace: str):
    """A Node object of the test's own, no kubelet behind it: it has no Ready condition."""
    c = local_cluster
    name = f"kubetui-silent-{namespace}"[:63]
    c.kubectl("create", "-f", "-", input=node(name))
    try:
        app = await make_app(c.kubeconfig, namespace=namespace)
        async with app.run_test(size=(120, 40)) as pilot:
            await on_node(pilot, name)
            await pilot.press("exclamation_mark")
            await until(pilot, lambda: showing(app, TriageScreen)
                        and app.screen.report is not None, what="the node's triage")
            triage = app.screen
            assert triage.report.cause.startswith("its kubelet has never reported its status")
            assert "C  cordon it (no new pods)\nX  drain it (evict its pods)\n" in \
                body(triage).replace("  C", "C").replace("  X", "X")
            await pilot.press("C")
            await confirm_yes(pilot, f"Cordon node {name}?")
            assert await holds(pilot, lambda: unschedulable(c, name), what="cordoned")
            # live: cordoned now, only the drain is left to offer
            await until(pilot, lambda: "C  cordon" not in body(triage)
                        and "X  drain it" in body(triage), what="the cordon seen")
            assert any("cordoned" in f.cause for f in triage.report.findings)
            await pilot.press("X")  # no pod on it: the confirm, then nothing to evict
            await confirm_yes(pilot, f"Drain node {name}?")
            await until(pilot, lambda: showing(app, DrainScreen)
                        and app.screen.progress.done, what="drained")
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is triage, what="back to the triage")
            assert not app.unexpected_errors
        await app.cluster.close()
    finally:
        c.kubectl("delete", "node", name, check=False)
