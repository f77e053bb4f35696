"""The timeline follows what the user opened or touched, from watches: a pod opened and closed
goes on being followed (its crash, readiness, restart with how it ended, the warnings about it
on first sight and when their count doubles, its deletion); warnings about an earlier pod of the
same name and Normal events are not its own; a Deployment described then rolled says its new
revision. The entries reach the session's file in order. Pod statuses are written through the
status subresource (the pods are never scheduled), so each change is the test's own."""

from __future__ import annotations

import json

from kubetui.screens.object_describe import ObjectDescribeScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.timeline.entries import CHANGE
from kubetui.timeline.journal import read
from tests.conftest import LocalCluster
from tests.ui.conftest import container, make_app, set_status, showing, unscheduled, until
from tests.ui.test_kind_views import jump

RUNNING = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
           "containerStatuses": [container(True, 0, {"running": {
               "startedAt": "2026-12-07T10:00:00Z"}})]}
CRASHING = {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [container(False, 1, {"waiting": {"reason": "CrashLoopBackOff"}},
                                            {"terminated": {"exitCode": 137,
                                                            "reason": "OOMKilled"}})]}


def event(ns: str, name: str, pod: str, uid: str, kind: str, count: int) -> str:
    return json.dumps({
        "apiVersion": "v1", "kind": "Event", "metadata": {"name": name},
        "involvedObject": {"kind": "Pod", "name": pod, "uid": uid, "apiVersion": "v1",
                           "namespace": ns},
        "type": kind, "reason": "BackOff" if kind == "Warning" else "Pulled", "count": count,
        "message": "Back-off restarting failed container" if kind == "Warning" else "pulled",
        "firstTimestamp": "2026-12-07T10:00:00Z", "lastTimestamp": "2026-12-07T10:01:00Z",
        "source": {"component": "kubelet"}})


def changes(app, obj: str) -> list[str]:
    return [e.summary for e in app.timeline.entries if e.kind == CHANGE and e.object == obj]


async def open_then_close(pilot, key: str, screen: type, followed: tuple[str, str, str]) -> None:
    """``key`` opens ``screen`` on the object; once the timeline follows it, escape closes it."""
    app = pilot.app
    await pilot.press(key)
    await until(pilot, lambda: showing(app, screen), what=screen.__name__)
    await until(pilot, lambda: followed in app.followed.follows
                and app.followed.follows[followed].based, what=f"{followed} followed")
    await pilot.press("escape")


def deployment(name: str) -> str:
    labels = {"app": name}
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": name},
                       "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                                "template": {"metadata": {"labels": labels}, "spec": {
                                    "schedulerName": "kubetui-none",
                                    "terminationGracePeriodSeconds": 0,
                                    "containers": [{"name": "app", "image": "busybox:1.35"}]}}}})


async def test_a_pod_opened_then_closed_is_followed_until_deleted(local_cluster: LocalCluster,
                                                                  namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("flaky"))
    set_status(c, namespace, "flaky", RUNNING)
    uid = c.get_json("-n", namespace, "pod", "flaky")["metadata"]["uid"]
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await open_then_close(pilot, "enter", PodDetailScreen, (namespace, "pods", "flaky"))
        await until(pilot, lambda: not isinstance(app.screen, PodDetailScreen), what="closed")
        set_status(c, namespace, "flaky", CRASHING)
        await until(pilot, lambda: len(changes(app, "pods/flaky")) == 3, what="the crash")
        assert changes(app, "pods/flaky") == [
            "status Running → CrashLoopBackOff", "ready 1/1 → 0/1",
            "container c restarted (restart 1): OOMKilled, exit code 137"]
        # Not its own: a Normal event, and a warning about an earlier pod of the same name.
        c.kubectl("-n", namespace, "create", "-f", "-",
                  input=event(namespace, "pulled", "flaky", uid, "Normal", 1))
        c.kubectl("-n", namespace, "create", "-f", "-",
                  input=event(namespace, "earlier", "flaky", "0000-earlier", "Warning", 7))
        c.kubectl("-n", namespace, "create", "-f", "-",
                  input=event(namespace, "backoff", "flaky", uid, "Warning", 1))
        await until(pilot, lambda: len(changes(app, "pods/flaky")) == 4, what="the warning")
        assert changes(app, "pods/flaky")[3] == \
            "warning BackOff: Back-off restarting failed container"
        c.kubectl("-n", namespace, "patch", "event", "backoff", "--type", "merge",
                  "-p", '{"count": 3}')
        await until(pilot, lambda: len(changes(app, "pods/flaky")) == 5, what="×3")
        assert changes(app, "pods/flaky")[4] == "warning BackOff again: ×3"
        c.kubectl("-n", namespace, "delete", "pod", "flaky", "--wait=false")
        await until(pilot, lambda: changes(app, "pods/flaky")[-1:] == ["deleted"],
                    what="the deletion", timeout=40)
        assert len(changes(app, "pods/flaky")) in (6, 7)  # status → Terminating, maybe
        in_file = [(e.kind, e.object, e.summary) for e in read(app.timeline.path)]
        looked = in_file.index(("look", "pods/flaky", f"opened pod {namespace}/flaky (describe)"))
        followed = [s for k, o, s in in_file[looked:] if k == CHANGE and o == "pods/flaky"]
        assert followed == changes(app, "pods/flaky")
    await app.cluster.close()


async def test_a_deployment_described_then_rolled_says_its_new_revision(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=deployment("shop"))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "rs", "-o", "name").stdout.strip(),
               timeout=30, what="the first ReplicaSet")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        await jump(pilot, "deploy")
        await until(pilot, lambda: getattr(app.screen, "pane", None) is not None
                    and len(app.screen.pane.table.rows) == 1, what="the deployment")
        await open_then_close(pilot, "d", ObjectDescribeScreen, (namespace, "deployments", "shop"))
        c.kubectl("-n", namespace, "set", "image", "deployment/shop", "app=busybox:1.36")
        await until(pilot, lambda: "revision 1 → 2" in changes(app, "deployments/shop"),
                    what="the new revision")
        await until(pilot, lambda: any(s.startswith("rollout: ")
                                       for s in changes(app, "deployments/shop")),
                    what="the rollout's progress")
    await app.cluster.close()
