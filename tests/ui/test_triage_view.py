"""``!`` in the app against the real apiserver: a failed pod, a stalled Deployment and a Service
selecting nothing, each named in one sentence on its triage screen, live, with the keys for the
next step; and SVG snapshots of the three at 80x24 and 120x40 (and 80x24 in the ANSI theme).

The scenes are chosen to hold still for snapshots: the pod ran once and failed (restartPolicy
Never: no restart count that moves), the Deployment's pods ask for a scheduler that does not
exist (no events that count up), and the clock is frozen three hours after the pod ended.
"""

from __future__ import annotations

import json
import re

import pytest

from kubetui.k8s.core.pods import parse_time
from kubetui.screens.kind_view import KindScreen
from kubetui.screens.owned_pods import OwnedPodsScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.screens.triage import TriageScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import assert_theme, frozen_app, make_app, showing, until
from tests.ui.test_kind_snapshots import SIZES

NS = "kt-snapshot-triage"
REPORT = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "report",
                                                          "labels": {"app": "report"}},
          "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
                   "containers": [{"name": "app", "image": "busybox:1.35",
                                   "imagePullPolicy": "IfNotPresent",
                                   "command": ["sh", "-c", "echo cannot open /data/report.csv; "
                                                           "exit 3"]}]}}
SHOP = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop"},
        "spec": {"replicas": 1, "progressDeadlineSeconds": 1,
                 "selector": {"matchLabels": {"app": "shop"}},
                 "template": {"metadata": {"labels": {"app": "shop"}}, "spec": {
                     "schedulerName": "kubetui-none", "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "app", "image": "busybox:1.35"}]}}}}
BILLING = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "billing"},
           "spec": {"selector": {"app": "shop-billing"}, "clusterIP": "10.213.0.211",
                    "ports": [{"port": 80}]}}


@pytest.fixture(scope="module")
def scene(local_cluster: LocalCluster) -> float:
    """The three objects, settled; the frozen 'now' three hours after the last of them."""
    c = local_cluster
    c.fresh_namespace(NS)
    c.free_cluster_ips(BILLING["spec"]["clusterIP"])
    c.kubectl("-n", NS, "create", "-f", "-",
              input="\n".join(json.dumps(o) for o in (REPORT, SHOP, BILLING)))
    c.wait_for(lambda: c.kubectl("-n", NS, "get", "pod", "report", "-o", "jsonpath={.status."
                                 "containerStatuses[0].state.terminated.exitCode}").stdout == "3",
               timeout=60, what="the pod failed")
    c.wait_for(lambda: "ProgressDeadlineExceeded" in c.kubectl(
        "-n", NS, "get", "deployment", "shop", "-o",
        "jsonpath={.status.conditions[*].reason}").stdout, timeout=60, what="the rollout stalled")
    pod = c.get_json("-n", NS, "pod/report")
    ended = pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"]
    stamps = [parse_time(ended)] + [parse_time(o["metadata"]["creationTimestamp"]) for kind in
                                    ("deployments", "services", "pods", "replicasets")
                                    for o in c.get_json("-n", NS, kind)["items"]]
    return max(s for s in stamps if s) + 3 * 3600


async def open_triage(pilot, kind: str) -> TriageScreen:
    app = pilot.app
    await until(pilot, lambda: app.screen.pods.synced and len(app.screen.pods.table.rows) == 2,
                what="the pods listed")
    if kind == "pod":
        pods = app.screen.pods
        row = next(r for r in pods.table.rows.values() if r.name == "report")
        pods.table.select_key(row.key)
        await pilot.press("exclamation_mark")
    else:
        await pilot.press("colon", *kind, "enter")
        await until(pilot, lambda: showing(app, KindScreen)
                    and len(app.screen.pane.table.rows) == 1, what=f":{kind}")
        await pilot.press("exclamation_mark")
    await until(pilot, lambda: showing(app, TriageScreen)
                and app.screen.report is not None and "checked" in str(
                    app.screen.query_one("#triage-body").render()), what="the triage")
    return app.screen


CAUSES = {
    "pod": "container `app` crashes: it exits with code 3",
    "deploy": "the rollout to revision 1 is stalled (ProgressDeadlineExceeded): 1 of 1 new "
              "pods: no scheduler has taken it: it asks for the scheduler `kubetui-none`",
    "svc": "the Service selects `app=shop-billing`; no pod in the namespace has that label "
           "(1 pod has app=shop; 1 pod has app=report)",
}


async def test_the_cause_and_the_next_keys(scene: float, local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig, namespace=NS)
    app.clock = lambda: scene
    async with app.run_test(size=(100, 30)) as pilot:
        triage = await open_triage(pilot, "pod")
        assert triage.report.cause == CAUSES["pod"]
        body = str(triage.query_one("#triage-body").render())
        assert "last termination: Error, exit code 3, 3h ago" in body
        assert "l  logs of app\n" in body
        await until(pilot, lambda: "cannot open /data/report.csv" in str(
            triage.query_one("#triage-body").render()), what="its last log lines")
        await pilot.press("l")
        await until(pilot, lambda: showing(app, PodDetailScreen), what="the logs")
        assert (app.screen.container, app.screen.previous) == ("app", False)  # the failed one
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is triage, what="back")
        await pilot.press("escape")
        triage = await open_triage(pilot, "deploy")
        assert triage.report.cause == CAUSES["deploy"]
        assert triage.report.findings[0].about.startswith(f"pod {NS}/shop-")
        failing = triage.report.findings[0].about.split("/", 1)[1]
        await pilot.press("p")  # the new pods: those of the failing pod's ReplicaSet
        await until(pilot, lambda: showing(app, OwnedPodsScreen)
                    and len(app.screen.pane.table.rows) >= 1, what="the new pods")
        title = str(app.screen.query_one("#owned-title").render())
        assert f"pods of replicaset {failing.rsplit('-', 1)[0]}" in title
        await pilot.press("escape", "escape", "escape")
        triage = await open_triage(pilot, "svc")
        assert triage.report.cause == CAUSES["svc"]
        # live: a pod with the label arrives, the cause moves on to it
        local_cluster.kubectl("-n", NS, "run", "billing-1", "--image=busybox:1.35",
                              "--labels=app=shop-billing", "--overrides",
                              '{"spec":{"schedulerName":"kubetui-none"}}')
        try:
            await until(pilot, lambda: triage.report.cause.startswith(
                "none of its 1 pods is ready, it answers nothing"), what="the new cause")
            await pilot.press("p")
            await until(pilot, lambda: showing(app, OwnedPodsScreen)
                        and len(app.screen.pane.table.rows) == 1, what="the selected pod")
        finally:
            local_cluster.kubectl("-n", NS, "delete", "pod", "billing-1")
    await app.cluster.close()


@pytest.fixture
def fixed_pod_names(monkeypatch):
    """A Deployment's pod ends in five random characters: masked (same length, so the styles
    stay where they were) so that the picture holds still from run to run."""
    from kubetui.screens import triage

    def masked(report, key_of, tail=None):
        out = original(report, key_of, tail)
        out.plain = re.sub(r"(shop-[a-z0-9]+-)[a-z0-9]{5}\b", r"\1xxxxx", out.plain)
        return out

    original = triage.report_text
    monkeypatch.setattr(triage, "report_text", masked)


@pytest.mark.parametrize("kind", ["pod", "deploy", "svc"])
@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_triage_snapshots(snap_compare, scene: float, local_cluster: LocalCluster, kind, size,
                          theme, fixed_pod_names):
    app = frozen_app(local_cluster, NS, scene, theme=theme)

    async def run_before(pilot) -> None:
        triage = await open_triage(pilot, kind)
        assert triage.report.cause == CAUSES[kind]
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


async def open_overview(pilot):
    """``0`` once the pods listed; the overview once it names the scene's three objects."""
    from kubetui.screens.health import HealthScreen

    app = pilot.app
    await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
    await pilot.press("0")
    await until(pilot, lambda: showing(app, HealthScreen)
                and len(app.screen.entries) == 3, what="the overview")
    return app.screen


async def test_the_health_overview(scene: float, local_cluster: LocalCluster):
    """``0``: the three broken objects, grouped, worst first; the Deployment's pod is named
    through its Deployment, not listed again; enter opens a triage; it follows the cluster."""

    app = await make_app(local_cluster.kubeconfig, namespace=NS)
    app.clock = lambda: scene
    async with app.run_test(size=(120, 40)) as pilot:
        health = await open_overview(pilot)
        assert {(e.kind, e.name, e.cause) for e in health.entries} == {
            ("Pod", "report", CAUSES["pod"]), ("Deployment", "shop", CAUSES["deploy"]),
            ("Service", "billing", CAUSES["svc"])}
        assert "3 unhealthy" in str(health.query_one("#health-title").render())
        await pilot.press("enter")  # the first entry
        await until(pilot, lambda: showing(app, TriageScreen)
                    and app.screen.report is not None, what="its triage")
        assert app.screen.report.cause == health.entries[0].cause
        await pilot.press("escape")
        local_cluster.kubectl("-n", NS, "delete", "service", "billing")
        try:
            await until(pilot, lambda: len(health.entries) == 2, what="billing gone")
        finally:
            local_cluster.kubectl("-n", NS, "create", "-f", "-", input=json.dumps(BILLING))
        await until(pilot, lambda: len(health.entries) == 3, what="billing back")
    await app.cluster.close()


async def test_the_first_complete_overview_puts_the_worst_entry_under_the_cursor(
        scene: float, local_cluster: LocalCluster, monkeypatch):
    """While the stores still list, the first line is whatever arrived first; the first
    complete list must put its own first line under the cursor, not keep the early one (enter
    would then open a lesser object). Once complete, the user's line stays put."""
    from textual.widgets import OptionList

    from kubetui.k8s.triage.findings import CRITICAL, WARNING
    from kubetui.k8s.triage.overview import Entry

    app = await make_app(local_cluster.kubeconfig, namespace=NS)
    app.clock = lambda: scene
    async with app.run_test(size=(120, 40)) as pilot:
        health = await open_overview(pilot)
        await until(pilot, lambda: not (health._pending or health._computing),
                    what="the overview named")
        monkeypatch.setattr(health, "_schedule", lambda: None)  # the scene's refreshes stop
        early = Entry(WARNING, "rollout", "apps", "Deployment", NS, "early", "a warning")
        worst = Entry(CRITICAL, "crash", "", "Pod", NS, "worst", "a crash")
        listing = health.query_one(OptionList)

        def under_cursor() -> str:
            return listing.get_option_at_index(listing.highlighted).id

        monkeypatch.setattr(health, "_settled", lambda: False)
        health.apply_overview([early])
        assert under_cursor() == early.key
        monkeypatch.setattr(health, "_settled", lambda: True)
        health.apply_overview([worst, early])
        assert under_cursor() == worst.key
        listing.highlighted = listing.highlighted + 2  # the user moves to the other line
        assert under_cursor() == early.key
        health.apply_overview([worst, early, Entry(CRITICAL, "crash", "", "Pod", NS, "also",
                                                   "a crash")])
        assert under_cursor() == early.key
        health.apply_overview([worst])  # the user's object is healthy now: the next line
        assert under_cursor() == worst.key
    await app.cluster.close()


@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_health_snapshots(snap_compare, scene: float, local_cluster: LocalCluster, size, theme):
    from kubetui.screens.health import HealthScreen

    app = frozen_app(local_cluster, NS, scene, theme=theme)

    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.screen.pods.synced, what="the pods listed")
        await pilot.press("0")
        await until(pilot, lambda: isinstance(pilot.app.screen, HealthScreen)
                    and len(pilot.app.screen.entries) == 3, what="the overview")
        await pilot.pause(0.5)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)


@pytest.mark.injects_errors
async def test_the_overview_counts_what_it_does_not_list_and_reports_a_failure_once(
        scene: float, local_cluster: LocalCluster, monkeypatch):
    """A group longer than ``SHOWN_PER_GROUP`` is cut with a count (10,000 lines help nobody);
    checks that fail are reported once, however often the overview refreshes, and it keeps
    running."""
    from textual.widgets import OptionList

    from kubetui.screens import health as health_module

    app = await make_app(local_cluster.kubeconfig, namespace=NS)
    app.clock = lambda: scene
    async with app.run_test(size=(120, 40)) as pilot:
        health = await open_overview(pilot)
        monkeypatch.setattr(health_module, "SHOWN_PER_GROUP", 0)
        health._show()
        listing = health.query_one(OptionList)
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert sum("… and 1 more" in line for line in lines) == 3, lines
        assert not any("billing" in line for line in lines)

        def failing(*args, **kwargs):
            raise ValueError("a check failed")

        monkeypatch.setattr(health_module.StandingOverview, "name", failing)
        for _ in range(3):
            health.refresh_overview()
            await until(pilot, lambda: not health._computing, what="the refresh ended")
        told = [n for n in app._notifications if "a check failed" in n.message]
        assert len(told) == 1 and "health overview" in told[0].title
        assert len(health.entries) == 3  # what it showed stays
    await app.cluster.close()
