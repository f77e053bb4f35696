"""Cordon, uncordon and drain against the local apiserver, on a Node object of the test's own
(no kubelet behind it: the real node's pods are never touched). Its pods are bound to it by
name and have a grace period of 0, so an accepted eviction removes them at once.

A PodDisruptionBudget (minAvailable 1 over its one running pod) refuses one pod's
eviction: the drain screen shows the 429 and tries again every 5 s; once the budget is deleted
the next try evicts it. The audit log shows each pod evicted once, the refused one retried."""

from __future__ import annotations

import json

from kubetui.screens.drain import DrainScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_fix_more import confirm_yes, holds, now, texts


def node(name: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Node",
                       "metadata": {"name": name, "labels": {"kubetui-test": "drain"}}})


def bound_pod(name: str, node_name: str, app: str, scratch: bool = False) -> str:
    spec: dict = {"nodeName": node_name, "terminationGracePeriodSeconds": 0,
                  "containers": [{"name": "main", "image": "busybox:1.35"}]}
    if scratch:
        spec["volumes"] = [{"name": "cache", "emptyDir": {}}]
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": name, "labels": {"app": app}}, "spec": spec})


def running(c: LocalCluster, namespace: str, pod: str) -> None:
    """Report the pod Running and ready, as its kubelet would: a Pending pod is evicted
    whatever its budget says (the eviction API ignores budgets for pods not running yet)."""
    obj = c.get_json("-n", namespace, f"pod/{pod}")
    obj["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}]}
    c.kubectl("replace", "--raw", f"/api/v1/namespaces/{namespace}/pods/{pod}/status", "-f",
              "-", input=json.dumps(obj))


def pods_on_node(c: LocalCluster, namespace: str, node_name: str, scratch: tuple[str, str],
                 guarded: tuple[str, str], budget: str) -> None:
    """Two pods bound to the node, (name, app label) each: one with emptyDir data, one running
    and kept by a PodDisruptionBudget (minAvailable 1) named ``budget``."""
    c.kubectl("-n", namespace, "create", "-f", "-",
              input=bound_pod(scratch[0], node_name, scratch[1], scratch=True))
    c.kubectl("-n", namespace, "create", "-f", "-",
              input=bound_pod(guarded[0], node_name, guarded[1]))
    running(c, namespace, guarded[0])
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget",
        "metadata": {"name": budget},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": guarded[1]}}}}))
    c.wait_for(lambda: c.get_json("-n", namespace, f"pdb/{budget}").get("status", {}).get(
        "currentHealthy") == 1, timeout=30, what="the budget's status")


async def on_node(pilot, name: str):
    """The nodes pane, its cursor on ``name`` once listed, focused; its key."""
    await pilot.press("5")
    nodes = pilot.app.screen.query_one("#nodes-pane")
    await until(pilot, lambda: any(r.name == name for r in nodes.table.rows.values()),
                what="the node listed")
    key = next(k for k, r in nodes.table.rows.items() if r.name == name)
    nodes.table.select_key(key)
    nodes.table.focus()
    return nodes, key


def unschedulable(c: LocalCluster, name: str) -> bool:
    return bool(c.get_json("node", name)["spec"].get("unschedulable"))


async def test_drain_with_a_budget_refusing_one_pod_then_uncordon(local_cluster: LocalCluster,
                                                                  namespace: str):
    c = local_cluster
    name = f"kubetui-drain-{namespace}"[:63]
    c.kubectl("create", "-f", "-", input=node(name))
    try:
        pods_on_node(c, namespace, name, ("plain", "plain"), ("guarded", "g"), "keep-one")
        since = now()
        app = await make_app(c.kubeconfig, namespace=namespace)
        async with app.run_test(size=(120, 40)) as pilot:
            nodes, key = await on_node(pilot, name)
            await pilot.press("X")
            await until(pilot, lambda: confirming(app), timeout=30,
                        what="the drain's confirm")
            shown = texts(app.screen)
            assert shown["confirm-title"] == f"Drain node {name}? The server refuses 1."
            assert f"{namespace}/plain: emptyDir data lost: cache" in shown["confirm-body"]
            assert f"evict pod {namespace}/guarded (dry run): REFUSED" not in \
                shown["confirm-dry-run"]  # the dry run's own what is the write's
            assert (f"evict pod {namespace}/guarded: REFUSED: refused by a PodDisruptionBudget "
                    "(The disruption budget keep-one needs 1 healthy pods") in \
                shown["confirm-dry-run"]
            assert f"evict pod {namespace}/plain: accepted" in shown["confirm-dry-run"]
            assert f"kubectl drain {name} --ignore-daemonsets --delete-emptydir-data --force" \
                in shown["confirm-kubectl"]
            assert not unschedulable(c, name)  # the dry run stored nothing
            assert len(c.get_json("-n", namespace, "pods")["items"]) == 2  # nor evicted any
            await pilot.press("y")
            await until(pilot, lambda: showing(app, DrainScreen), what="the drain")
            drain = app.screen
            await until(pilot, lambda: drain.progress.pods and all(
                p.state in ("gone", "refused") for p in drain.progress.pods.values())
                and any(p.state == "refused" and p.attempts >= 2
                        for p in drain.progress.pods.values()), timeout=30,
                what="plain gone, guarded refused twice")
            assert unschedulable(c, name)
            assert "1/2 pods gone" in texts(drain)["drain-summary"]
            assert "refused · attempt" in texts(drain)["drain-pods"]
            assert "The disruption budget keep-one needs 1 healthy pods" in \
                texts(drain)["drain-pods"]  # the budget's own words, not "throttled"
            c.kubectl("-n", namespace, "delete", "pdb", "keep-one")
            await until(pilot, lambda: drain.progress.done, timeout=30, what="drained")
            assert texts(drain)["drain-summary"].startswith(
                f"node {name} cordoned · 2/2 pods gone")
            assert "drained" in texts(drain)["drain-summary"]
            # the incident timeline: the drain confirmed, the cordon, each eviction's answer
            # (the budget's first refusal once), each pod gone, the end; the pods not followed
            entries = [e for e in app.timeline.entries
                       if e.object in (f"nodes/{name}", "pods/plain", "pods/guarded")]
            # the node is followed from the confirm on: its watch may list before the cordon
            # lands and then tell it as a change; nothing else may change on it
            followed = [e.summary for e in entries
                        if e.kind == "change" and e.object == f"nodes/{name}"]
            assert followed in ([], ["cordoned"]), followed
            drained = [(e.kind, e.object, e.outcome.split(";")[0].split(" (")[0])
                       for e in entries
                       if not (e.kind == "change" and e.object == f"nodes/{name}")]
            assert drained[:2] == [("action", f"nodes/{name}",
                                    "confirmed: sent from its own screen"),
                                   ("action", f"nodes/{name}", "done")]
            for pod in ("plain", "guarded"):
                mine = [(k, o) for k, obj, o in drained if obj == f"pods/{pod}"]
                refused = [("action", "refused: The disruption budget keep-one needs 1 "
                            "healthy pods and has 1 currently")] if pod == "guarded" else []
                # the eviction's answer and the watch's deletion come on two connections:
                # either may be seen first (the grace period is 0)
                assert mine[:len(refused)] == refused, mine
                assert sorted(mine[len(refused):]) == [("action", "evicted"),
                                                       ("change", "gone from the node")], mine
            assert drained[-1] == ("action", f"nodes/{name}", drain.progress.summary(
                drain.progress.finished_at))
            assert (namespace, "pods", "plain") not in app.followed.follows
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, DrainScreen), what="back")

            # uncordon: the row says cordoned, C offers to undo it
            await until(pilot, lambda: not nodes.table.rows[key].schedulable,
                        what="the row cordoned (watch)")
            nodes.table.select_key(key)
            await pilot.press("C")
            shown = await confirm_yes(pilot, f"Uncordon node {name}?")
            assert "unschedulable would be False" in shown["confirm-dry-run"]
            await holds(pilot, lambda: not unschedulable(c, name), what="uncordoned")
            assert not app.unexpected_errors
        await app.cluster.close()
        evictions = [e["objectRef"]["name"] for e in audit_events(c, since=since,
                                                                 namespace=namespace)
                     if e["objectRef"].get("subresource") == "eviction"
                     and "dryRun=All" not in e["requestURI"]]
        assert evictions.count("plain") == 1  # never evicted twice
        assert evictions.count("guarded") >= 3  # refused at least twice, then evicted
    finally:
        c.kubectl("delete", "node", name, check=False)
