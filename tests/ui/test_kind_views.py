"""Any kind, in the app against the real apiserver: ``:`` resolves kubectl's names on the
server's catalog, the views list and watch in the Table form with the server's columns (a CRD's
printer columns included), enter walks the owner chain down to the live pods view, a view
closed gives its watch back, a Secret's values never reach the screen or the log, and a kind
the user may not list says which rule is missing."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import Static

from kubetui.screens.kind_view import KindScreen
from kubetui.screens.object_describe import ObjectDescribeScreen
from kubetui.screens.owned_pods import OwnedPodsScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.screens.revealed import RevealedValue
from kubetui.screens.text_view import TextView
from tests.conftest import LocalCluster
from tests.ui.conftest import confirming, make_app, showing, until


def deployment(name: str, image: str, replicas: int = 2) -> str:
    """Pods no scheduler serves: they stay Pending, the controllers still create them."""
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {
                     "schedulerName": "kubetui-none", "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "app", "image": image}]}}}})


def service(name: str, selector: dict) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                       "spec": {"selector": selector, "ports": [{"port": 80}]}})


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.kt.example.com"},
    "spec": {"group": "kt.example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                       "shortNames": ["wdg"]},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "properties": {
                                   "color": {"type": "string"}, "size": {"type": "integer"},
                                   "owner": {"type": "string"}}}}}},
                           "additionalPrinterColumns": [
                               {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
                               {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                               {"name": "Owner", "type": "string", "jsonPath": ".spec.owner",
                                "priority": 1},
                               {"name": "Age", "type": "date",
                                "jsonPath": ".metadata.creationTimestamp"}]}]}}


def widget(name: str, color: str, size: int) -> str:
    return json.dumps({"apiVersion": "kt.example.com/v1", "kind": "Widget",
                       "metadata": {"name": name},
                       "spec": {"color": color, "size": size, "owner": "team-a"}})


def table_scopes(app) -> list[tuple[str, str | None]]:
    return sorted((s.scope.plural, s.scope.namespace) for s in app.stores.stores()
                  if s.scope.table)


def lines(screen) -> list[str]:
    """What the kind view's table shows, a line per row (header first)."""
    pane = screen.pane
    table = pane.table
    now = table.clock()
    return [table.header_text()] + [table.line_text(table.rows[k], now) for k in table.order]


def cell(pane, row, title: str) -> str:
    """The text the view draws for ``row`` under the column titled ``title``."""
    key = next(c.key for c in pane.table.columns if c.title == title)
    return pane.cells(row, pane.table.clock())[key]


async def jump(pilot, text: str) -> None:
    await pilot.press("colon")
    await pilot.press(*text)
    await pilot.press("enter")


async def open_kind(pilot, text: str, rows: int = 1) -> None:
    """Once the pods listed: ``:text``, until its view shows ``rows`` rows."""
    app = pilot.app
    await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
    await jump(pilot, text)
    await until(pilot, lambda: showing(app, KindScreen)
                and len(app.screen.pane.table.rows) == rows, what=f":{text}")


async def test_deployment_to_replicasets_to_pods_and_a_service_to_its_pods(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=deployment("web", "busybox:1.35"))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "rs", "-o", "name").stdout.strip(),
               timeout=30, what="the first ReplicaSet")
    # The rollout to a bad image: a second ReplicaSet, owned by the same Deployment.
    c.kubectl("-n", namespace, "set", "image", "deployment/web", "app=busybox:no-such-tag")
    c.kubectl("-n", namespace, "create", "-f", "-", input=deployment("other", "busybox:1.35", 1))
    c.kubectl("-n", namespace, "create", "-f", "-", input=service("web", {"app": "web"}))
    c.kubectl("-n", namespace, "create", "-f", "-", input=service("nothing", {"app": "gone"}))
    c.wait_for(lambda: len(c.kubectl("-n", namespace, "get", "rs", "-o", "name")
                           .stdout.split()) == 3, timeout=30, what="three ReplicaSets")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        base = table_scopes(app)
        await jump(pilot, "deploy")
        await until(pilot, lambda: showing(app, KindScreen), what="the deployments")
        deploys = app.screen
        await until(pilot, lambda: len(deploys.pane.table.rows) == 2, what="two deployments")
        shown = lines(deploys)
        # the server's columns, then kubetui's (ROLLOUT, REV), AGE last of the narrow ones
        assert shown[0].split()[:7] == ["NAME↑", "READY", "UP-TO-DATE", "AVAILABLE", "ROLLOUT",
                                        "REV", "AGE"]
        assert [line.split()[0] for line in shown[1:]] == ["other", "web"]
        rows = {r.name: r for r in deploys.pane.table.rows.values()}
        assert cell(deploys.pane, rows["web"], "ROLLOUT") == "rolling: 1/2 updated"
        assert cell(deploys.pane, rows["web"], "REV") == "2"
        assert rows["web"].revision == 2 and deploys.pane.style_of(rows["web"]) == "pod-pending"
        assert table_scopes(app) == sorted([*base, ("deployments", namespace)])
        # d on web: described as kubectl lays it out, its events (the two scale-ups) last
        await pilot.press("down", "d")
        await until(pilot, lambda: showing(app, ObjectDescribeScreen), what="describe")
        described = app.screen
        await until(pilot, lambda: "ScalingReplicaSet" in described.text, what="its events")
        assert "Name:\tweb" in described.text and "desired |" in described.text
        assert described.text.count("Scaled up replica set web-") == 2
        assert "other" not in described.text  # the other Deployment's events are not its own
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is deploys, what="back to the deployments")
        # enter on web: its two ReplicaSets, not other's
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not deploys, what="the replicasets")
        sets = app.screen
        assert isinstance(sets, KindScreen) and "replicasets of deployment web" in str(
            sets.query_one("#kind-title", Static).render())
        await until(pilot, lambda: len(sets.pane.table.rows) == 2, what="web's two sets")
        assert all(r.name.startswith("web-") for r in sets.pane.table.rows.values())
        # the current set (the newest revision) first, and said so
        newest, oldest = (sets.pane.table.rows[k] for k in sets.pane.table.order)
        assert (newest.revision, oldest.revision) == (2, 1)
        assert cell(sets.pane, newest, "REV") == "2 current"
        assert cell(sets.pane, oldest, "REV") == "1"
        # enter on a set: the live pods view of its pods, with the pod keys
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, OwnedPodsScreen), what="its pods")
        pods = app.screen
        rs = sets.pane.table.cursor_row
        await until(pilot, lambda: len(pods.pane.table.rows) >= 1, what="the set's pods")
        assert all(p.owner_uid == rs.uid and p.name.startswith(rs.name)
                   for p in pods.pane.table.rows.values())
        assert {b.id for b in pods.pane.BINDINGS} >= {"pods.shell", "pods.debug", "pods.logs"}
        # a pod's describe names its owner chain; O opens the top controller, selected
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, PodDetailScreen), what="describe")
        detail = app.screen
        await until(pilot, lambda: "Deployment/web" in str(
            detail.query_one("#describe-body", Static).render()), what="the owner chain")
        describe = str(detail.query_one("#describe-body", Static).render())
        assert f"Controlled By:        ReplicaSet/{rs.name}" in describe
        assert f"ReplicaSet/{rs.name} ← Deployment/web" in describe
        await pilot.press("O")
        await until(pilot, lambda: showing(app, KindScreen)
                    and app.screen.pane.table.cursor_row is not None
                    and app.screen.pane.table.cursor_row.name == "web",
                    what="the Deployment web, selected")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is detail, what="back to the describe")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is pods, what="back to the pods")
        # back up the chain: each view's watch is given back
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is sets, what="back to the sets")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is deploys, what="back to the deployments")
        await until(pilot, lambda: table_scopes(app) == sorted([*base, ("deployments",
                                                                          namespace)]),
                    what="the replicasets' watch released")
        # the events pane follows the object selected last (f): the Deployment web
        assert deploys.pane.table.cursor_row.name == "web"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, what="the main screen")
        await pilot.press("2", "f")
        events = app.main.events
        await until(pilot, lambda: events.synced and len(events.table.order) == 2,
                    what="web's two events")
        assert "following deployment/web" in events.status_text()[0]
        assert all(events.table.rows[k].object_name == "web" for k in events.table.order)
        await pilot.press("f", "1")
        await jump(pilot, "deploy")
        await until(pilot, lambda: showing(app, KindScreen), what="the deployments")
        deploys = app.screen
        # :svc replaces the deployments view; enter on web: the pods its selector matches
        await jump(pilot, "svc")
        await until(pilot, lambda: showing(app, KindScreen)
                    and app.screen.view.kind.plural == "services", what="the services")
        services = app.screen
        assert services is not deploys and deploys not in app.screen_stack
        await until(pilot, lambda: len(services.pane.table.rows) == 2, what="two services")
        names = [services.pane.table.rows[k].name for k in services.pane.table.order]
        # ENDPOINTS: none for either (web's pods are never scheduled: no IP), and why
        by_name = {r.name: r for r in services.pane.table.rows.values()}
        assert "ENDPOINTS" in lines(services)[0].split()
        await until(pilot, lambda: cell(services.pane, by_name["nothing"], "ENDPOINTS")
                    == "none: selects no pod", what="nothing selects no pod")
        assert cell(services.pane, by_name["web"], "ENDPOINTS") == "none (3 pods, no IP)"
        assert services.pane.style_of(by_name["nothing"]) == "pod-failed"
        await pilot.press(*["down"] * names.index("web"), "enter")
        await until(pilot, lambda: showing(app, OwnedPodsScreen), what="web's pods")
        selected = app.screen
        await until(pilot, lambda: len(selected.pane.table.rows) == 3,
                    what="the three pods labelled app=web")
        assert all(dict(p.labels)["app"] == "web" for p in selected.pane.table.rows.values())
        assert {selected.pane.endpoint_of(p) for p in selected.pane.table.rows.values()} == \
            {"absent"}  # no address: not an endpoint at all
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is services, what="back to the services")
        await until(pilot, lambda: ("deployments", namespace) not in table_scopes(app),
                    what="the deployments' watch released")
        # an unknown kind is named, with what is near
        await jump(pilot, "deploymnets")
        await until(pilot, lambda: any("no resource type 'deploymnets'" in n.message
                                       for n in app._notifications), what="the notice")
        assert app.screen is services
        await pilot.press("escape")
        await until(pilot, lambda: table_scopes(app) == base, what="every kind view closed")
    await app.cluster.close()


async def test_a_crd_shows_its_printer_columns_live(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("apply", "-f", "-", input=json.dumps(CRD))
    c.wait_for(lambda: c.kubectl("get", "crd", "widgets.kt.example.com", "-o",
                                 "jsonpath={.status.conditions[?(@.type=='Established')]"
                                 ".status}").stdout == "True", timeout=30,
               what="the CRD established")
    c.wait_for(lambda: c.kubectl("-n", namespace, "create", "-f", "-", check=False,
                                 input=widget("alpha", "red", 3)).returncode == 0,
               timeout=30, what="the first widget")
    c.kubectl("-n", namespace, "create", "-f", "-", input=widget("beta", "blue", 12))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await jump(pilot, "wdg")
        await until(pilot, lambda: showing(app, KindScreen), what="the widgets")
        view = app.screen
        await until(pilot, lambda: len(view.pane.table.rows) == 2, what="two widgets")
        header, *rows = lines(view)
        # the priority-0 columns first, the wider one (priority 1) after them
        assert header.split() == ["NAME↑", "COLOR", "SIZE", "AGE", "OWNER"]
        assert rows[0].split()[:3] == ["alpha", "red", "3"] and rows[1].split()[1] == "blue"
        assert rows[0].split()[3].endswith("s")  # an age drawn from the timestamp
        # the watch (Table form too) brings changes and deletions
        c.kubectl("-n", namespace, "patch", "widget", "alpha", "--type=merge", "-p",
                  '{"spec":{"color":"green"}}')
        await until(pilot, lambda: "green" in lines(view)[1], what="alpha turned green")
        c.kubectl("-n", namespace, "delete", "widget", "beta")
        await until(pilot, lambda: len(view.pane.table.rows) == 1, what="beta gone")
        # the view follows the app's scope: every namespace, with a NAMESPACE column
        app.set_scope(None)
        await until(pilot, lambda: view.view.namespace is None and view.pane.synced
                    and lines(view)[0].startswith("NAMESPACE"), what="every namespace")
        assert any(r.namespace == namespace and r.name == "alpha"
                   for r in view.pane.table.rows.values())
        assert "all namespaces" in str(view.query_one("#kind-title", Static).render())
        app.set_scope(namespace)
        await until(pilot, lambda: view.view.namespace == namespace and view.pane.synced
                    and len(view.pane.table.rows) == 1, what="back to the namespace")
        # the same kind by its qualified name
        await jump(pilot, "widgets.kt.example.com")
        await until(pilot, lambda: showing(app, KindScreen) and app.screen is not view,
                    what="the widgets again")
        assert app.screen.view.kind.group == "kt.example.com"
    await app.cluster.close()


async def test_a_secrets_values_never_reach_the_screen_or_the_log(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    value = "kt-s3cr3t-value-4417"
    c.kubectl("-n", namespace, "create", "secret", "generic", "db",
              f"--from-literal=password={value}", "--save-config")
    encoded = json.loads(c.kubectl("-n", namespace, "get", "secret", "db", "-o",
                                   "json").stdout)["data"]["password"]
    app = await make_app(c.kubeconfig, namespace=namespace)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await jump(pilot, "secret")
        await until(pilot, lambda: showing(app, KindScreen), what="the secrets")
        view = app.screen
        await until(pilot, lambda: any(r.name == "db" for r in view.pane.table.rows.values()),
                    what="the secret db")
        seen.append(app.export_screenshot())
        names = [view.pane.table.rows[k].name for k in view.pane.table.order]
        await pilot.press(*["down"] * names.index("db"), "y")
        await until(pilot, lambda: showing(app, TextView), what="its YAML")
        body = str(app.screen.query_one("#text-view-body", Static).render())
        seen.append(body)
        seen.append(app.screen.text)
        seen.append(app.export_screenshot())
        assert f"password: <{len(value)} bytes>" in body
        assert "last-applied-configuration" in body and "hidden" in body
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is view, what="back to the secrets")
        assert cell(view.pane, view.pane.table.cursor_row, "KEYS") == \
            f"password ({len(value)} B)"  # the key and its size, from the list itself
        seen.append(app.export_screenshot())
        # v reveals one key on purpose: a confirm first, then the value once, no copy key
        await pilot.press("v")
        await until(pilot, lambda: confirming(app), what="the confirm")
        confirm = str(app.screen.query_one("#confirm-kubectl", Static).render())
        assert "jsonpath='{.data.password}' | base64 -d" in confirm
        seen.append(app.export_screenshot())
        await pilot.press("y")
        await until(pilot, lambda: showing(app, RevealedValue), what="the value")
        assert str(app.screen.query_one("#revealed-value", Static).render()) == value
        assert not any(b.key == "y" for b in app.screen.BINDINGS)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is view, what="the value closed")
        seen.append(app.export_screenshot())
        # the incident timeline says a key was revealed, never what it holds
        from kubetui.timeline.export import as_json, markdown
        from kubetui.timeline.journal import read

        entries = read(app.timeline.path)
        assert any(e.summary.startswith("revealed key password of secret db")
                   for e in entries), entries
        seen += [app.timeline.path.read_text(), markdown(entries), as_json(entries)]
    await app.cluster.close()
    log = Path(os.environ["XDG_STATE_HOME"]) / "kubetui" / "kubetui.log"
    if log.exists():
        seen.append(log.read_text())
    for text in seen:
        assert value not in text and encoded not in text


async def test_kinds_the_user_may_not_list_name_the_rule(
        seeded: LocalCluster, two_context_kubeconfig: Path):
    app = await make_app(two_context_kubeconfig, context="viewer")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await jump(pilot, "deploy")  # view in kubetui-demo: allowed
        await until(pilot, lambda: showing(app, KindScreen), what="the deployments")
        allowed = app.screen
        await until(pilot, lambda: allowed.pane.synced, what="the deployments listed")
        await jump(pilot, "secrets")  # the view role has no secrets
        await until(pilot, lambda: showing(app, KindScreen)
                    and app.screen is not allowed, what="the secrets view")
        denied = app.screen
        await until(pilot, lambda: denied.pane.status.state == "failed", what="the 403")
        text, problem = denied.pane.status_text()
        assert problem and "you may not list secrets in kubetui-demo" in text
        assert "list+watch on secrets" in text
        await jump(pilot, "deploy -A")
        await until(pilot, lambda: showing(app, KindScreen)
                    and app.screen.view.namespace is None, what="every namespace")
        everywhere = app.screen
        await until(pilot, lambda: everywhere.pane.status.state == "failed", what="the 403")
        assert "in every namespace" in everywhere.pane.status_text()[0]
    await app.cluster.close()


async def test_the_demo_services_endpoints_ready_and_not(seeded: LocalCluster):
    """The seeded checkout: two ready pods of revision 1 and the stuck revision 2's pod that
    cannot pull its image (an endpoint, not ready); payments selects nothing."""
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await jump(pilot, "svc")
        await until(pilot, lambda: showing(app, KindScreen), what="the services")
        view = app.screen

        def endpoints(name: str) -> str:
            row = next((r for r in view.pane.table.rows.values() if r.name == name), None)
            return cell(view.pane, row, "ENDPOINTS") if row is not None else ""

        await until(pilot, lambda: endpoints("checkout") == "2 ready, 1 not", timeout=90,
                    what="checkout's endpoints")
        assert endpoints("payments") == "none: selects no pod"
        names = [view.pane.table.rows[k].name for k in view.pane.table.order]
        await pilot.press(*["down"] * names.index("checkout"), "enter")
        await until(pilot, lambda: showing(app, OwnedPodsScreen), what="its pods")
        pods = app.screen.pane
        await until(pilot, lambda: len(pods.table.rows) == 3, what="checkout's three pods")
        await until(pilot, lambda: sorted(pods.endpoint_of(p) for p in pods.table.rows.values())
                    == ["not ready", "ready", "ready"], what="each pod's endpoint")
        stuck = next(p for p in pods.table.rows.values() if pods.endpoint_of(p) == "not ready")
        assert stuck.status in ("ErrImagePull", "ImagePullBackOff")
    await app.cluster.close()


async def test_a_cronjob_to_its_jobs_to_their_pods(local_cluster: LocalCluster, namespace: str):
    """A CronJob's Jobs are the ones it controls (as its controller makes them); a Job's pods
    the ones the Job controller made for it."""
    c = local_cluster
    version = "batch/v1" if '"cronjobs"' in c.kubectl("get", "--raw", "/apis/batch/v1").stdout \
        else "batch/v1beta1"  # v1beta1 on the local 1.20
    template = {"spec": {"template": {"spec": {
        "restartPolicy": "Never", "schedulerName": "kubetui-none",
        "containers": [{"name": "c", "image": "busybox:1.35"}]}}}}
    cron = json.loads(c.kubectl("-n", namespace, "create", "-o", "json", "-f", "-",
                                input=json.dumps({
                                    "apiVersion": version, "kind": "CronJob",
                                    "metadata": {"name": "nightly"},
                                    "spec": {"schedule": "0 3 * * *", "suspend": True,
                                             "jobTemplate": template}})).stdout)
    for name, owned in (("nightly-1", True), ("adhoc", False)):
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
               **template}
        if owned:
            job["metadata"]["ownerReferences"] = [{
                "apiVersion": version, "kind": "CronJob", "name": "nightly",
                "uid": cron["metadata"]["uid"], "controller": True}]
        c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(job))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "cj")
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, KindScreen)
                    and app.screen.view.kind.plural == "jobs"
                    and len(app.screen.pane.table.rows) == 1, what="its one job")
        jobs = app.screen
        assert jobs.pane.table.cursor_row.name == "nightly-1"
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, OwnedPodsScreen)
                    and len(app.screen.pane.table.rows) == 1, timeout=60,
                    what="the job's pod")
        assert next(iter(app.screen.pane.table.rows.values())).name.startswith("nightly-1-")
    await app.cluster.close()
