"""SVG snapshots of kind views (Deployments, Services, a CRD) at 80x24 and 120x40 and in the
16-colour theme, on a namespace of fixed objects with a frozen clock."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.core.pods import parse_time
from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import assert_theme, frozen_app, until
from tests.ui.test_kind_views import CRD, deployment, service, widget

KINDS_NS = "kt-snapshot-kinds"
SIZES = [pytest.param((80, 24), "kubetui-dark", id="80x24"),
         pytest.param((120, 40), "kubetui-dark", id="120x40"),
         pytest.param((80, 24), "kubetui-ansi", id="80x24-ansi-standard")]


@pytest.fixture(scope="session")
def kinds_ns(local_cluster: LocalCluster) -> tuple[str, float]:
    """Two Deployments (one rolled to a new revision), Services with fixed cluster IPs (one
    selecting nothing), two widgets; the frozen 'now' three hours after they were made."""
    c = local_cluster
    c.fresh_namespace(KINDS_NS)
    c.free_cluster_ips("10.213.0.201", "10.213.0.202")
    c.kubectl("apply", "-f", "-", input=json.dumps(CRD))
    c.wait_for(lambda: c.kubectl("get", "crd", "widgets.kt.example.com", "-o",
                                 "jsonpath={.status.conditions[?(@.type=='Established')]"
                                 ".status}").stdout == "True", timeout=30, what="the CRD")
    for name, replicas in (("api", 2), ("worker", 1)):
        body = json.loads(deployment(name, "busybox:1.35", replicas))
        body["spec"]["progressDeadlineSeconds"] = 7200  # rolling out, never stalled here
        c.kubectl("-n", KINDS_NS, "create", "-f", "-", input=json.dumps(body))
    c.wait_for(lambda: c.kubectl("-n", KINDS_NS, "get", "rs", "-o", "name").stdout.count("\n")
               == 2, timeout=30, what="the first ReplicaSets")
    c.kubectl("-n", KINDS_NS, "set", "image", "deployment/api", "app=busybox:no-such-tag")
    for name, selector, ip in (("api", {"app": "api"}, "10.213.0.201"),
                               ("billing", {"app": "billing"}, "10.213.0.202")):
        body = json.loads(service(name, selector))
        body["spec"]["clusterIP"] = ip
        c.kubectl("-n", KINDS_NS, "create", "-f", "-", input=json.dumps(body))
    for name, color, size in (("alpha", "red", 3), ("beta", "blue", 12)):
        body = widget(name, color, size)
        c.wait_for(lambda body=body: c.kubectl("-n", KINDS_NS, "apply", "-f", "-", check=False,
                                               input=body).returncode == 0,
                   timeout=30, what=f"widget {name}")
    # settled: api's two revisions, three pods for it and one for worker
    c.wait_for(lambda: len(c.get_json("-n", KINDS_NS, "pods")["items"]) == 4
               and json.loads(c.kubectl("-n", KINDS_NS, "get", "deployment", "api", "-o",
                                        "json").stdout)["status"].get("updatedReplicas") == 1,
               timeout=60, what="the rollout settled")
    stamps = [parse_time(o["metadata"]["creationTimestamp"]) for kind in (
        "deployments", "services", "widgets.kt.example.com", "replicasets")
        for o in c.get_json("-n", KINDS_NS, kind)["items"]]
    return KINDS_NS, max(s for s in stamps if s) + 3 * 3600


@pytest.mark.parametrize("kind", ["deploy", "svc", "widgets"])
@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_kind_view(snap_compare, kinds_ns, local_cluster: LocalCluster, kind, size, theme):
    ns, now = kinds_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        await pilot.press("colon", *kind, "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, KindScreen)
                    and pilot.app.screen.pane.synced and len(pilot.app.screen.pane.table.rows)
                    == 2, what="the view listed")
        view = pilot.app.screen
        await until(pilot, lambda: all(view.pane.joined(r)[0] != ("…",)
                                       for r in view.pane.table.rows.values()),
                    what="the joined columns")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


@pytest.mark.parametrize(("size", "theme"), SIZES[:2])
def test_undo_form(snap_compare, kinds_ns, local_cluster: LocalCluster, size, theme):
    """``U`` on a Deployment rolled to a bad image: its revisions, the previous one chosen,
    the pod-template diff and the request with its kubectl equivalent."""
    from kubetui.screens.fix_forms import UndoForm

    ns, now = kinds_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        await pilot.press("colon", *"deploy", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, KindScreen)
                    and pilot.app.screen.pane.synced and len(pilot.app.screen.pane.table.rows)
                    == 2, what="the view listed")
        table = pilot.app.screen.pane.table
        table.select_key(next(k for k, r in table.rows.items() if r.name == "api"))
        await pilot.press("U")
        await until(pilot, lambda: isinstance(pilot.app.screen, UndoForm), what="the undo form")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
