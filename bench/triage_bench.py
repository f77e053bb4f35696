"""Triage and the health overview: CPU time per refresh. Prints figures; asserts nothing.

    .venv/bin/python bench/triage_bench.py [--objects 1000] [--refreshes 50]

A namespace of N objects shaped as the apiserver writes them (pods in the states the checks
tell apart: running, crash-looping, image pull failing, pending with FailedScheduling;
ReplicaSets and Deployments owning them; Services; one event per broken pod), built in memory:
the figures are kubetui's own CPU: the overview's first pass (every object named, as when it
opens), then each refresh as it runs while the overview is open: 1 % of the pods changed since
the last one (only those, and what reads them, are named again: ``triage/standing.py``); and
one Deployment's triage as its view holds it (its pods, the ReplicaSets and events indexed).
Compared in the same run with ``kubectl describe`` of one Deployment against the local
cluster, when it is up (what a user runs instead, for one object). The UI's side at 10,000
pods (keypress -> paint with the overview open) is ``health_bench.py``.

Target (the issue's): CPU per refresh p95 <= 50 ms for 1,000 objects.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kubetui.app import YOUNG_GENERATION  # noqa: E402
from kubetui.k8s.core.events import EventRow  # noqa: E402
from kubetui.k8s.triage.run import triage  # noqa: E402
from kubetui.k8s.triage.standing import (  # noqa: E402
    EVENTS,
    NODES,
    Change,
    StandingOverview,
    store_name,
)
from kubetui.k8s.triage.world import World  # noqa: E402

NOW = 1_765_000_000.0
NS = "bench"


def _pod(i: int, owner: dict | None, apps: int) -> dict:
    state = i % 4
    status: dict = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                    "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0,
                                           "state": {"running": {}}}]}
    spec: dict = {"nodeName": "n1", "containers": [{"name": "app", "image": f"shop:{i}",
                                                    "resources": {"requests": {"cpu": "100m"}}}]}
    if state == 1:
        status["containerStatuses"][0] = {
            "name": "app", "ready": False, "restartCount": 9,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}
    elif state == 2:
        status["containerStatuses"][0] = {"name": "app", "ready": False, "state": {"waiting": {
            "reason": "ImagePullBackOff", "message": f'Back-off pulling image "shop:{i}"'}}}
    elif state == 3:
        spec.pop("nodeName")
        status = {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}
    meta = {"name": f"p{i}", "namespace": NS, "uid": f"pod-{i}", "labels": {"app": f"a{i % apps}"}}
    if owner is not None:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner["metadata"]["name"],
                                    "uid": owner["metadata"]["uid"], "controller": True}]
    return {"kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def namespace(n: int) -> tuple[dict, list, list]:
    """About 60 % pods, 15 % ReplicaSets, 10 % Deployments, 15 % Services (each selecting
    four pods); an event per broken pod."""
    deps, sets, pods, svcs, events = [], [], [], [], []
    for d in range(n // 10):
        dep = {"kind": "Deployment", "metadata": {
            "name": f"d{d}", "namespace": NS, "uid": f"dep-{d}", "generation": 2,
            "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 4, "selector": {"matchLabels": {"app": f"a{d % 50}"}}},
            "status": {"observedGeneration": 2, "replicas": 4, "updatedReplicas": 4,
                       "availableReplicas": 2, "conditions": []}}
        deps.append(dep)
    for r in range(n * 15 // 100):
        dep = deps[r % len(deps)]
        sets.append({"kind": "ReplicaSet", "metadata": {
            "name": f"rs{r}", "namespace": NS, "uid": f"rs-{r}",
            "annotations": {"deployment.kubernetes.io/revision": str(1 + r // len(deps))},
            "ownerReferences": [{"kind": "Deployment", "name": dep["metadata"]["name"],
                                 "uid": dep["metadata"]["uid"], "controller": True}]},
            "spec": {"replicas": 4}, "status": {"readyReplicas": 2}})
    for i in range(n * 60 // 100):
        pod = _pod(i, sets[i % len(sets)] if i % 3 else None, max(1, n * 15 // 100))
        pods.append(pod)
        if i % 4 in (2, 3):
            reason, message = (("Failed", f'Failed to pull image "shop:{i}": rpc error: not '
                                          "found") if i % 4 == 2 else
                               ("FailedScheduling", "0/3 nodes are available: 3 Insufficient "
                                                    "cpu."))
            events.append(EventRow(f"e{i}", NS, "Warning", reason, "Pod", f"p{i}", f"pod-{i}",
                                   message, 3, NOW - 30, "kubelet", container="app"))
    for s in range(n * 15 // 100):
        svcs.append({"kind": "Service", "metadata": {"name": f"s{s}", "namespace": NS,
                                                     "uid": f"svc-{s}"},
                     "spec": {"selector": {"app": f"a{s}"}, "ports": [{"port": 80}]}})
    objects = {("apps", "Deployment"): deps, ("apps", "ReplicaSet"): sets, ("", "Pod"): pods,
               ("", "Service"): svcs}
    nodes = [{"metadata": {"name": f"n{k}"}, "status": {"allocatable": {"cpu": "2"}, "conditions": [
        {"type": "Ready", "status": "True"}]}} for k in range(3)]
    return objects, events, nodes


def everything(objects: dict, events: list, nodes: list) -> list[Change]:
    """Each store given whole, as when the overview opens."""
    changes = [Change(store_name(g, k), {o["metadata"]["uid"]: o for o in objs}, whole=True)
               for (g, k), objs in objects.items()]
    return changes + [Change(EVENTS, {e.uid: e for e in events}, whole=True),
                      Change(NODES, {n["metadata"]["name"]: n for n in nodes}, whole=True)]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])  # as the app runs (app.py)
    p = argparse.ArgumentParser(description="triage benchmark (prints figures)")
    p.add_argument("--objects", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--refreshes", type=int, default=30)
    a = p.parse_args()
    for n in a.objects:
        objects, events, nodes = namespace(n)
        pods = objects[("", "Pod")]
        entries = []
        times = []
        warm_up = StandingOverview()  # the checks' first run compiles their patterns
        warm_up.apply(everything(objects, events, nodes))
        warm_up.name(NOW)
        for _ in range(a.refreshes):
            t0 = time.process_time()
            standing = StandingOverview()  # every object named, as when the overview opens
            standing.apply(everything(objects, events, nodes))
            entries, _ = standing.name(NOW)
            times.append(time.process_time() - t0)
        # as the overview refreshes: 1 % of the pods changed since the last refresh (each a
        # new object with a new resourceVersion, as a watch delivers it)
        warm = []
        for r in range(a.refreshes):
            changed = {}
            for i in range(r, len(pods), 100):
                pod = pods[i]
                pods[i] = {**pod, "metadata": {**pod["metadata"], "resourceVersion": str(r + 2)}}
                changed[pod["metadata"]["uid"]] = pods[i]
            t0 = time.process_time()
            standing.apply([Change(store_name("", "Pod"), changed)])
            standing.name(NOW)
            warm.append(time.process_time() - t0)
        # the triage view of one Deployment: what it holds (the pods of its selector, its
        # ReplicaSets, the events) indexed and checked, per refresh
        dep = objects[("apps", "Deployment")][0]
        app = dep["spec"]["selector"]["matchLabels"]["app"]
        its_pods = [p for p in pods if p["metadata"]["labels"]["app"] == app]
        one = []
        for _ in range(a.refreshes):
            t0 = time.process_time()
            world = World(pods=its_pods, replicasets=objects[("apps", "ReplicaSet")],
                          events=events, nodes=nodes)
            triage("apps", "Deployment", dep, world, NOW)
            one.append(time.process_time() - t0)
        print(f"== {n} objects ({len(pods)} pods, {len(events)} events): "
              f"{len(entries)} unhealthy")
        print(f"  overview, first pass           p50 {pct(times, 50) * 1000:7.1f} ms  "
              f"p95 {pct(times, 95) * 1000:7.1f} ms")
        print(f"  a refresh, 1 % of pods changed p50 {pct(warm, 50) * 1000:7.1f} ms  "
              f"p95 {pct(warm, 95) * 1000:7.1f} ms  (only what they change named again)")
        print(f"  one Deployment's triage        p50 {pct(one, 50) * 1000:7.1f} ms  "
              f"p95 {pct(one, 95) * 1000:7.1f} ms")
    kubeconfig = REPO / ".localcluster" / "config" / "admin.kubeconfig"
    kubectl = Path.home() / ".cache" / "kubetui" / "k8s-v1.20.2" / "bin" / "kubectl"
    if kubeconfig.exists() and kubectl.exists():
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([str(kubectl), "--kubeconfig", str(kubeconfig), "-n", "kubetui-demo",
                            "describe", "deployment", "checkout"], capture_output=True,
                           check=False)
            runs.append(time.perf_counter() - t0)
        print(f"== kubectl describe deployment (local cluster, wall) p50 "
              f"{pct(runs, 50) * 1000:.0f} ms: what a user runs instead, and then reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
