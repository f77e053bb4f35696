"""Keys follow RBAC: one SelfSubjectRulesReview per namespace decides which keys are active.

A ServiceAccount that may read pods but not their logs: ``l`` is dimmed in the footer, says what
is missing when pressed (no request is sent), and ``?`` lists the missing rule. The same user on
``-A`` gets the whole 403 and the namespaces it can read.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from rich.console import Console

from kubetui.screens.help import HelpScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import make_app, unscheduled, until


def pods_only_user(c: LocalCluster, ns: str, tmp_path: Path) -> Path:
    c.kubectl("-n", ns, "create", "serviceaccount", "reader")
    c.kubectl("-n", ns, "create", "role", "pods-only", "--verb=get,list,watch",
              "--resource=pods,events")
    c.kubectl("-n", ns, "create", "rolebinding", "reader", "--role=pods-only",
              f"--serviceaccount={ns}:reader")
    secret = c.wait_for(lambda: (c.get_json("-n", ns, "sa", "reader").get("secrets") or
                                 [{}])[0].get("name"), timeout=30, what="the token secret")
    token = base64.b64decode(c.get_json("-n", ns, "secret", secret)["data"]["token"]).decode()
    return c.user_kubeconfig(tmp_path / "kubeconfig", "reader", {"token": token}, ns)


async def explained(pilot, app, key: str):
    """Press a dimmed key: its explanation, as notified."""
    await pilot.press(key)
    await until(pilot, lambda: any(n.title == "Not allowed (RBAC)"
                                   for n in app._notifications), what="the explanation")
    return next(n for n in app._notifications if n.title == "Not allowed (RBAC)")


async def test_a_key_without_the_right_is_dimmed_and_explained(local_cluster: LocalCluster,
                                                               namespace: str, tmp_path: Path):
    c = local_cluster
    kubeconfig = pods_only_user(c, namespace, tmp_path)
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("p"))
    app = await make_app(kubeconfig)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await until(pilot, lambda: namespace in app.access, what="the rights review")
        await pilot.pause(0.2)
        active = {b.binding.id: b.enabled for b in app.screen.active_bindings.values()}
        assert active["pods.logs"] is False  # shown, dimmed
        assert active["pods.describe"] is True
        note = await explained(pilot, app, "l")
        assert "get pods/log" in note.message and namespace in note.message
        assert len(app.screen_stack) == 2  # nothing opened
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(app.screen._table())
        help_text = console.export_text()
        assert "✗ needs get pods/log" in help_text
        await pilot.press("escape")
        # Describe is allowed and works.
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "detail", None) is not None,
                    what="the describe")
    await app.cluster.close()
    logs = [e for e in audit_events(c, namespace=namespace)
            if (e.get("objectRef") or {}).get("subresource") == "log"]
    assert logs == []  # the denied key never sent its request


async def test_forbidden_all_namespaces_list_is_explained_whole(local_cluster: LocalCluster,
                                                                namespace: str, tmp_path: Path):
    c = local_cluster
    kubeconfig = pods_only_user(c, namespace, tmp_path)
    app = await make_app(kubeconfig, all_namespaces=True)
    async with app.run_test(size=(80, 24)) as pilot:
        pods = app.screen.pods
        await until(pilot, lambda: "you may list pods in" in pods.status_text()[0],
                    what="the readable namespaces")
        text, problem = pods.status_text()
        assert problem
        assert "forbidden" in text and 'cannot list resource "pods"' in text
        assert f"you may list pods in: {namespace}" in text
        await pilot.pause(0.2)
        status = app.screen.query_one(".pane-status")
        assert status.size.height > 1  # wrapped, not cut at 80 columns
        assert json.dumps(text)  # plain data
    await app.cluster.close()


async def test_a_kind_views_keys_follow_the_rights_on_that_kind(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    """May list Deployments but not read one, nor list their ReplicaSets: d, y and enter are
    dimmed and say which rule on which kind is missing; ConfigMaps, readable, keep them."""
    c = local_cluster
    c.kubectl("-n", namespace, "create", "serviceaccount", "lister")
    c.kubectl("-n", namespace, "create", "role", "lister", "--verb=list,watch",
              "--resource=deployments.apps,pods,events")
    c.kubectl("-n", namespace, "create", "role", "config-reader", "--verb=get,list,watch",
              "--resource=configmaps")
    for role in ("lister", "config-reader"):
        c.kubectl("-n", namespace, "create", "rolebinding", f"lister-{role}", f"--role={role}",
                  f"--serviceaccount={namespace}:lister")
    secret = c.wait_for(lambda: (c.get_json("-n", namespace, "sa", "lister").get("secrets") or
                                 [{}])[0].get("name"), timeout=30, what="the token secret")
    token = base64.b64decode(c.get_json("-n", namespace, "secret", secret)["data"]["token"])
    kubeconfig = c.user_kubeconfig(tmp_path / "kubeconfig", "lister",
                                   {"token": token.decode()}, namespace)
    c.kubectl("-n", namespace, "create", "deployment", "web", "--image=busybox:1.35")
    c.kubectl("-n", namespace, "create", "configmap", "settings", "--from-literal=a=1")
    app = await make_app(kubeconfig)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await until(pilot, lambda: namespace in app.access, what="the rights review")
        await pilot.press("colon", *"deploy", "enter")
        await until(pilot, lambda: getattr(app.screen, "pane", None) is not None
                    and len(app.screen.pane.table.rows) == 1, what="the deployment")
        await pilot.pause(0.2)
        active = {b.binding.id: b.enabled for b in app.screen.active_bindings.values()}
        assert active["kind.describe"] is False and active["kind.yaml"] is False
        assert active["kind.open"] is False
        note = await explained(pilot, app, "d")
        assert "get deployments.apps" in note.message and namespace in note.message
        app.clear_notifications()
        await pilot.press("enter")
        await until(pilot, lambda: any("list replicasets.apps" in n.message
                                       for n in app._notifications), what="enter explained")
        assert getattr(app.screen, "view", None) is not None
        assert app.screen.view.kind.plural == "deployments"  # nothing opened
        await pilot.press("colon", *"cm", "enter")
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None
                    and app.screen.view.kind.plural == "configmaps"
                    and "settings" in {r.name for r in app.screen.pane.table.rows.values()},
                    what="the configmap")
        await pilot.pause(0.2)
        active = {b.binding.id: b.enabled for b in app.screen.active_bindings.values()}
        assert active["kind.describe"] is True and active["kind.yaml"] is True
    await app.cluster.close()
    reads = [e for e in audit_events(c, namespace=namespace)
             if e.get("verb") == "get" and (e.get("objectRef") or {}).get("resource") in (
                 "deployments", "replicasets")]
    assert reads == []  # the dimmed keys sent nothing
