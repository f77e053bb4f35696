"""Ingress, HPA and PDB views against the real apiserver, in the versions its catalog prefers
(networking.k8s.io/v1, autoscaling/v1, policy/v1beta1 on the local 1.20): the routes an Ingress
sends where, an HPA's metrics (unknown: there is no metrics server) and a PDB's allowed
disruptions, in rows and in describe."""

from __future__ import annotations

import json

from kubetui.screens.kind_view import KindScreen
from kubetui.screens.object_describe import ObjectDescribeScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, showing, until
from tests.ui.test_kind_views import cell, deployment, jump, service


def ingress(version: str) -> str:
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    return json.dumps({
        "apiVersion": f"networking.k8s.io/{version}", "kind": "Ingress",
        "metadata": {"name": "shop"},
        "spec": {"defaultBackend": {"service": {"name": "web", "port": {"name": "http"}}},
                 "rules": [{"host": "shop.example.com", "http": {"paths": [
                     {"path": "/api", "pathType": "Prefix", "backend": backend}]}}]}})


async def open_kind(pilot, app, name: str, rows: int = 1) -> KindScreen:
    await jump(pilot, name)
    await until(pilot, lambda: showing(app, KindScreen)
                and app.screen.pane.synced and len(app.screen.pane.table.rows) == rows,
                what=f":{name}")
    return app.screen


async def described(pilot, app, *needles: str) -> str:
    await pilot.press("d")
    await until(pilot, lambda: showing(app, ObjectDescribeScreen)
                and all(n in app.screen.text for n in needles), what="describe")
    text = app.screen.text
    await pilot.press("escape")
    return text


async def test_ingress_hpa_and_pdb_rows_and_describe(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=deployment("web", "busybox:1.35", 1))
    c.kubectl("-n", namespace, "create", "-f", "-", input=service("web", {"app": "web"}))
    c.kubectl("-n", namespace, "create", "-f", "-", input=ingress("v1"))
    c.kubectl("-n", namespace, "autoscale", "deployment", "web", "--min=1", "--max=4",
              "--cpu-percent=50")
    c.kubectl("-n", namespace, "create", "poddisruptionbudget", "web", "--selector=app=web",
              "--min-available=1")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        view = await open_kind(pilot, app, "ing")
        assert view.view.kind.group == "networking.k8s.io"
        row = view.pane.table.cursor_row
        assert cell(view.pane, row, "HOSTS") == "shop.example.com"
        assert cell(view.pane, row, "ROUTES") == "shop.example.com/api→web:80, *→web:http"
        text = await described(pilot, app, "Rules:")
        assert "  shop.example.com\t/api\tweb:80" in text
        assert "Default backend:\tweb:http" in text

        view = await open_kind(pilot, app, "hpa")
        row = view.pane.table.cursor_row
        assert cell(view.pane, row, "REFERENCE") == "Deployment/web"
        assert cell(view.pane, row, "TARGETS") == "<unknown>/50%"
        text = await described(pilot, app, "Reference:")
        assert "  resource cpu on pods (as a percentage of request):\t<unknown> / 50%" in text
        assert "Min replicas:\t1" in text and "Max replicas:\t4" in text

        view = await open_kind(pilot, app, "pdb")
        row = view.pane.table.cursor_row
        assert cell(view.pane, row, "MIN AVAILABLE") == "1"
        # one pod wanted, none ready (no scheduler serves it): nothing may be disrupted
        await until(pilot, lambda: cell(view.pane, view.pane.table.cursor_row,
                                        "ALLOWED DISRUPTIONS") == "0",
                    what="the PDB's status")
        text = await described(pilot, app, "Allowed disruptions:")
        assert "Min available:\t1" in text and "Selector:\tapp=web" in text
    await app.cluster.close()
