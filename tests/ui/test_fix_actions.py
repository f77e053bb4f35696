"""Fix actions against the local apiserver: the server's dry run shown before the confirm (an
admission webhook refusing the change is seen there, and nothing is sent), then the one write
path. The audit log shows what reached the server."""

from __future__ import annotations

import datetime as dt
import json

from kubetui.screens.confirm import ConfirmScreen
from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_kind_views import open_kind

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def web(replicas: int = 0) -> str:
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                     "containers": [{"name": "app", "image": "busybox:1.35"}]}}}})


def refusing_webhook(name: str, namespace: str) -> str:
    """A validating webhook whose service does not exist, failing closed, for deployments of
    ``namespace`` only: every write there is refused by admission (dry runs too: it declares
    no side effects)."""
    return json.dumps({
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": name},
        "webhooks": [{"name": "deny.kubetui.test", "failurePolicy": "Fail",
                      "sideEffects": "None", "admissionReviewVersions": ["v1"],
                      "clientConfig": {"service": {"name": "nobody", "namespace": namespace}},
                      "namespaceSelector": {"matchLabels": {"kubetui-test": namespace}},
                      "rules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                                 "operations": ["UPDATE"], "resources": ["deployments"]}]}]})


def restarted_at(c: LocalCluster, namespace: str, name: str = "web") -> str:
    obj = c.get_json("-n", namespace, f"deployment/{name}")
    return ((obj["spec"]["template"].get("metadata") or {}).get("annotations") or {}).get(
        RESTARTED_AT, "")


async def test_rollout_restart_dry_run_confirm_and_a_webhook_refusing_it(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=web())
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "deploy")
        await pilot.press("R")
        await until(pilot, lambda: confirming(app), what="the confirm")
        confirm = app.screen
        text = {w.id: str(w.render()) for w in confirm.query("Static")}
        assert text["confirm-title"] == "Restart deployment web?"
        assert f"PATCH /apis/apps/v1/namespaces/{namespace}/deployments/web\n" \
               "Content-Type: application/strategic-merge-patch+json" in text["confirm-request"]
        assert f"kubectl rollout restart deployment/web -n {namespace}" in text["confirm-kubectl"]
        assert f"restart deployment {namespace}/web: accepted" in \
            text["confirm-dry-run"]
        assert restarted_at(c, namespace) == ""  # the dry run stored nothing
        await pilot.press("y")
        c.wait_for(lambda: restarted_at(c, namespace), timeout=20, what="the restart")
        first = restarted_at(c, namespace)

        # An admission webhook refusing every change of the namespace's Deployments.
        c.kubectl("label", "namespace", namespace, f"kubetui-test={namespace}")
        hook = f"kubetui-deny-{namespace}"
        c.kubectl("create", "-f", "-", input=refusing_webhook(hook, namespace))
        try:
            await pilot.pause(1.1)  # a restart stamp of another second
            await pilot.press("R")
            await until(pilot, lambda: confirming(app),
                        what="the second confirm")
            text = {w.id: str(w.render()) for w in app.screen.query("Static")}
            assert text["confirm-title"] == ("Restart deployment web? The server refuses it.")
            assert "REFUSED" in text["confirm-dry-run"]
            assert "deny.kubetui.test" in text["confirm-dry-run"]
            await pilot.press("n")
            await until(pilot, lambda: showing(app, KindScreen), what="back")
        finally:
            c.kubectl("delete", "validatingwebhookconfiguration", hook, check=False)
        assert restarted_at(c, namespace) == first
        assert not app.unexpected_errors
    await app.cluster.close()
    patches = [e["requestURI"] for e in audit_events(c, since=since, namespace=namespace)
               if e["verb"] == "patch" and e["objectRef"].get("resource") == "deployments"]
    assert [("dryRun=All" in uri) for uri in patches] == [True, False, True], patches


def said(app, title: str, words: str):
    return next((n for n in app._notifications if n.title == title and words in n.message),
                None)


async def test_a_restart_is_followed_until_complete_or_stalled(local_cluster: LocalCluster,
                                                              namespace: str):
    """``web`` (no replicas) completes at once; ``bad`` (an image that does not exist, a
    deadline of 4 s) was stalled before and stalls again: each said once, by a notification
    from a watch of that one Deployment."""
    from tests.ui.test_fix_more import holds  # it imports this module

    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=web())
    bad = json.loads(web(1))
    bad["metadata"]["name"] = "bad"
    bad["spec"]["progressDeadlineSeconds"] = 4
    bad["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:no-such-tag"
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(bad))

    def stalled() -> bool:
        conditions = c.get_json("-n", namespace, "deployment/bad")["status"].get("conditions")
        return any(x.get("reason") == "ProgressDeadlineExceeded" for x in conditions or ())
    c.wait_for(stalled, timeout=60, what="bad stalled before the restart")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "deploy", rows=2)
        table = app.screen.pane.table
        for name in ("web", "bad"):
            table.select_key(next(k for k, r in table.rows.items() if r.name == name))
            await pilot.press("R")
            await until(pilot, lambda: confirming(app), what="confirm")
            await pilot.press("y")
            await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="sent")
        done = await holds(pilot, lambda: said(app, "Deployment web", "rollout complete"),
                           timeout=30, what="web complete")
        assert done.message == "restart: rollout complete" and done.severity == "information"
        stuck = await holds(pilot, lambda: said(app, "Deployment bad", "rollout stalled"),
                            timeout=60, what="bad stalled again")
        assert stuck.severity == "error"
        assert "(ProgressDeadlineExceeded)" in stuck.message
        assert not said(app, "Deployment bad", "complete")
        follows = app.flows.fixes.rollouts.following
        await pilot.pause(0.3)
        assert all(f.over and f.held is None for f in follows.values())  # the watches let go
        assert not app.unexpected_errors
    await app.cluster.close()


async def test_a_rollout_out_of_time_is_said_and_a_paused_one_is_not_restarted(
        local_cluster: LocalCluster, namespace: str, monkeypatch):
    """A StatefulSet whose pod never gets ready (an image that does not exist) is followed for
    3 s here (10 minutes in use): then a warning with where it stands. A paused Deployment is
    not restarted: kubectl refuses it too; nothing is sent."""
    from kubetui.k8s.fixes import rollout_watch
    from tests.ui.test_fix_more import holds, writes

    monkeypatch.setattr(rollout_watch, "DEFAULT_FOLLOW_SECONDS", 3)
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ledger"},
        "spec": {"serviceName": "ledger", "replicas": 1,
                 "selector": {"matchLabels": {"app": "ledger"}},
                 "template": {"metadata": {"labels": {"app": "ledger"}}, "spec": {
                     "terminationGracePeriodSeconds": 0, "containers": [
                         {"name": "app", "image": "busybox:no-such-tag"}]}}}}))
    paused = json.loads(web())
    paused["spec"]["paused"] = True
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(paused))
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "sts")
        await pilot.press("R")
        await until(pilot, lambda: confirming(app), what="confirm")
        await pilot.press("y")
        late = await holds(pilot, lambda: said(app, "StatefulSet ledger", "rollout not done"),
                           timeout=30, what="the follow out of time")
        assert late.severity == "warning"
        assert late.message.startswith("restart: rollout not done after the deadline: ")
        # where it stands: its new pod created or not, never ready
        assert late.message.endswith(("rolling: 0/1 updated", "0/1 ready")), late.message
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, KindScreen), what="back")
        await open_kind(pilot, "deploy")
        await pilot.press("R")
        refusal = await holds(pilot, lambda: said(app, "Deployment web", "paused"),
                              what="the paused Deployment refused")
        assert refusal.message == (f"deployment web is paused: resume it first (kubectl "
                                   f"rollout resume deployment/web -n {namespace})")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ConfirmScreen)
        assert not app.unexpected_errors
    await app.cluster.close()
    assert writes(c, since, namespace, "deployments") == []
    assert writes(c, since, namespace, "statefulsets") == [("patch", True), ("patch", False)]
