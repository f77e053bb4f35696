"""Views on the live stores, in the app against the real apiserver: the pod detail, a terminal
session and the probe runner share the panes' stores of their namespace (no second events
watch), give their own watches back when they close, and all match events to a pod by one rule
(an event written without a uid is the pod's when it names it). A pod opened is followed by the
incident timeline, through the same store of the pod by name."""

from __future__ import annotations

import json

from textual.widgets import Static

from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.screens.probe_runner import ProbeRunnerScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, showing, until
from tests.ui.test_probe_runs import PATIENT, open_runner, start_pod


def scopes(app) -> list[tuple[str, str | None, str]]:
    return sorted((s.scope.plural, s.scope.namespace, s.scope.field_selector)
                  for s in app.stores.stores())


def uidless_event(namespace: str, pod: str, message: str) -> str:
    """An event as a script or ``kubectl create`` writes it: it names the pod, with no uid."""
    return json.dumps({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{pod}.by-hand", "namespace": namespace},
        "involvedObject": {"kind": "Pod", "name": pod, "namespace": namespace,
                           "fieldPath": "spec.containers{app}"},
        "reason": "Unhealthy", "message": message, "type": "Warning", "count": 1,
        "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z",
        "source": {"component": "by-hand"}})


async def test_views_share_the_namespace_stores_and_release_their_own(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    start_pod(c, namespace, PATIENT)
    c.kubectl("-n", namespace, "create", "-f", "-",
              input=uidless_event(namespace, "liveness-timeout", "probe failed, said by hand"))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        await until(pilot, lambda: main.events.synced, what="the events pane listed")
        before = scopes(app)
        assert ("events", namespace, "") in before and ("pods", namespace, "") in before
        # The probe runner: the events store is the pane's; the pod gets a watch of its own.
        runner = await open_runner(pilot, "liveness-timeout")
        pod_watch = ("pods", namespace, "metadata.name=liveness-timeout")
        assert scopes(app) == sorted([*before, pod_watch])
        live = runner.query_one("#probe-live", Static)
        await until(pilot, lambda: "said by hand" in str(live.render()),
                    what="the event written without a uid")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProbeRunnerScreen), what="back")
        await until(pilot, lambda: scopes(app) == before, what="the runner's watch released")
        # The pod detail: the same sharing, and its describe lists the same event.
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, PodDetailScreen), what="describe")
        detail = app.screen
        await until(pilot, lambda: "said by hand" in str(
            detail.query_one("#describe-body", Static).render()), what="the event in describe")
        # Opened, the pod is followed by the timeline: its watch by name is the same store,
        # plus the warnings about it; the timeline keeps both once the detail has closed.
        warnings = ("events", namespace,
                    "involvedObject.kind=Pod,involvedObject.name=liveness-timeout,type=Warning")
        assert scopes(app) == sorted([*before, pod_watch, warnings])
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PodDetailScreen), what="closed")
        await pilot.pause(0.3)
        assert scopes(app) == sorted([*before, pod_watch, warnings])
        assert app.stores.stores()[[s.scope.field_selector for s in app.stores.stores()]
                                   .index(pod_watch[2])].refs == 1  # the detail's given back
    await app.cluster.close()
