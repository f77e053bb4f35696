"""The standing overview names again only what a change can affect: a pod is checked again only
when it, its events or what the checks read of the nodes changed; its controllers, the Services
that select it and the claims of a changed StorageClass follow; every other line is kept (the
same object). Counted by wrapping the real checks (nothing else is replaced), and checked
against an overview built from scratch after many random changes."""

import random
from dataclasses import replace

import pytest

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.triage import overview as overview_module
from kubetui.k8s.triage import pods as pod_checks
from kubetui.k8s.triage.standing import (
    CLASSES,
    EVENTS,
    NODES,
    Change,
    StandingOverview,
    store_name,
)

NOW = 1_765_000_000.0
PODS, SETS, DEPS, SVCS, CLAIMS = (store_name("", "Pod"), store_name("apps", "ReplicaSet"),
                                  store_name("apps", "Deployment"), store_name("", "Service"),
                                  store_name("", "PersistentVolumeClaim"))


def pending(i: int, version: str = "1", ns: str = "ns", labels: dict | None = None,
            owner: str = "") -> dict:
    meta: dict = {"name": f"p{i}", "namespace": ns, "uid": f"u{i}", "resourceVersion": version,
                  "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner, "uid": owner,
                                    "controller": True}]
    return {"metadata": meta,
            "spec": {"schedulerName": "nobody", "containers": [{"name": "c", "image": "x"}]},
            "status": {"phase": "Pending"}}


def running(i: int, version: str = "1", ns: str = "ns", labels: dict | None = None,
            owner: str = "", ready: bool = True) -> dict:
    pod = pending(i, version, ns, labels, owner)
    pod["spec"] = {"nodeName": "n1", "containers": [{"name": "c", "image": "x"}]}
    pod["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True" if ready else "False"}],
        "containerStatuses": [{"name": "c", "ready": ready, "restartCount": 0 if ready else 4,
                               "state": {"running": {}} if ready else {"waiting": {
                                   "reason": "CrashLoopBackOff"}},
                               "lastState": {} if ready else {"terminated": {
                                   "exitCode": 1, "reason": "Error"}}}]}
    return pod


def node(heartbeat: str, ready: str = "True") -> dict:
    return {"metadata": {"name": "n1", "labels": {"a": "b"}},
            "spec": {}, "status": {"allocatable": {"cpu": "2"}, "conditions": [
                {"type": "Ready", "status": ready, "reason": "KubeletReady",
                 "lastHeartbeatTime": heartbeat}]}}


def service(name: str, selector: dict, ns: str = "ns") -> dict:
    return {"metadata": {"name": name, "namespace": ns, "uid": f"svc-{ns}-{name}"},
            "spec": {"selector": selector, "ports": [{"port": 80}]}}


def replicaset(name: str, deployment: str, ns: str = "ns") -> dict:
    return {"metadata": {"name": name, "namespace": ns, "uid": name,
                         "annotations": {"deployment.kubernetes.io/revision": "1"},
                         "ownerReferences": [{"kind": "Deployment", "name": deployment,
                                              "uid": deployment, "controller": True}]},
            "spec": {"replicas": 2}, "status": {"replicas": 2, "readyReplicas": 0}}


def deployment(name: str, app: str, ns: str = "ns") -> dict:
    return {"metadata": {"name": name, "namespace": ns, "uid": name, "generation": 1},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": app}}},
            "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                       "availableReplicas": 0, "conditions": []}}


def keyed(objects: list) -> dict:
    return {o["metadata"].get("uid") or o["metadata"]["name"]: o for o in objects}


def whole(store: str, objects) -> Change:
    return Change(store, keyed(objects) if store != EVENTS else {e.uid: e for e in objects},
                  whole=True)


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The names of the objects checked, in order (pods by the pod checks, the rest by the
    dispatch)."""
    names: list[str] = []
    real_pod, real_triage = pod_checks.triage_pod, overview_module.triage

    def counting_pod(pod, *args, **kwargs):
        names.append(pod["metadata"]["name"])
        return real_pod(pod, *args, **kwargs)

    def counting(group, kind, obj, *args, **kwargs):
        if kind != "Pod":
            names.append(obj["metadata"]["name"])
        return real_triage(group, kind, obj, *args, **kwargs)

    monkeypatch.setattr(pod_checks, "triage_pod", counting_pod)
    monkeypatch.setattr(overview_module, "triage", counting)
    return names


def test_only_the_changed_pods_are_checked_again(checked):
    standing = StandingOverview()
    pods = [pending(i) for i in range(5)]
    standing.apply([whole(PODS, pods), whole(NODES, [node("t0")])])
    first, changed = standing.name(NOW)
    assert changed and sorted(checked) == ["p0", "p1", "p2", "p3", "p4"]
    checked.clear()
    fixed = {**pending(2, "2"), "spec": {"containers": [{"name": "c", "image": "x"}]}}
    standing.apply([Change(PODS, {"u2": fixed}), whole(NODES, [node("t1")])])  # a heartbeat
    second, changed = standing.name(NOW)
    assert checked == ["p2"] and changed
    assert [e.name for e in second] == ["p0", "p1", "p2", "p3", "p4"]
    assert second[0] is first[0]  # an unchanged line keeps its entry object
    assert "scheduler" in first[2].cause and "scheduler" not in second[2].cause
    checked.clear()
    standing.apply([Change(PODS, {"u3": pending(3, "2")})])  # changed, with the same cause
    third, changed = standing.name(NOW)
    assert checked == ["p3"] and not changed and third is second
    checked.clear()
    standing.apply([whole(NODES, [node("t2", ready="False")])])  # what the checks read
    standing.name(NOW)
    assert sorted(checked) == ["p0", "p1", "p2", "p3", "p4"]


def test_a_new_event_checks_its_pod_again_and_gone_pods_are_not_carried(checked):
    standing = StandingOverview()
    standing.apply([whole(PODS, [pending(i) for i in range(3)]), whole(EVENTS, [])])
    standing.name(NOW)
    checked.clear()
    seen = EventRow("e1", "ns", "Warning", "FailedScheduling", "Pod", "p1", "u1",
                    "0/1 nodes are available: 1 Insufficient cpu.", 1, NOW - 5, "scheduler")
    standing.apply([Change(PODS, {"u2": None}), Change(EVENTS, {"e1": seen})])
    entries, changed = standing.name(NOW)
    assert checked == ["p1"] and changed
    assert "CPU" in next(e.cause for e in entries if e.name == "p1")
    assert [e.name for e in entries] == ["p1", "p0"] or {e.name for e in entries} == {"p0", "p1"}
    assert "u2" not in standing.world._carried  # p2 is gone: nothing of it is kept
    checked.clear()
    standing.apply([Change(EVENTS, {"e1": replace(seen, count=2)})])
    standing.name(NOW)
    assert checked == ["p1"]  # the event counted again: its pod's evidence changed
    checked.clear()
    standing.apply([whole(EVENTS, [])])  # a relist without it
    standing.name(NOW)
    assert checked == ["p1"]


def test_a_pod_without_a_resource_version_is_never_carried(checked):
    pod = pending(0)
    del pod["metadata"]["resourceVersion"]
    standing = StandingOverview()
    standing.apply([whole(PODS, [pod])])
    standing.name(NOW)
    standing.apply([Change(PODS, {"u0": {**pod}})])
    standing.name(NOW)
    assert checked == ["p0", "p0"]


def test_breathe_is_called_while_checking_many_objects():
    standing = StandingOverview()
    standing.apply([whole(PODS, [pending(i) for i in range(120)])])
    calls: list[int] = []
    standing.name(NOW, breathe=lambda: calls.append(1))
    assert len(calls) == 2


def test_a_pod_change_names_its_controllers_and_services_again_and_nothing_else(checked):
    standing = StandingOverview()
    standing.apply([
        whole(DEPS, [deployment("web", "web"), deployment("api", "api")]),
        whole(SETS, [replicaset("web-1", "web"), replicaset("api-1", "api")]),
        whole(PODS, [running(1, labels={"app": "web"}, owner="web-1", ready=False),
                     running(2, labels={"app": "api"}, owner="api-1", ready=False)]),
        whole(SVCS, [service("web", {"app": "web"}), service("api", {"app": "api"}),
                     service("typo", {"app": "wbe"})]),
        whole(NODES, [node("t0")])])
    entries, _ = standing.name(NOW)
    assert {e.name for e in entries} == {"web", "api", "typo"}  # pods and sets named through
    checked.clear()
    standing.apply([Change(PODS, {"u1": running(1, "2", labels={"app": "web"}, owner="web-1",
                                                ready=False)})])
    standing.name(NOW)
    # the Deployment and the Service (its ReplicaSet is named through the Deployment)
    assert sorted(checked) == ["p1", "web", "web"]
    checked.clear()
    # the labels changed: the Service that selects nothing names what the pods have again
    standing.apply([Change(PODS, {"u1": running(1, "3", labels={"app": "wbe"}, owner="web-1",
                                                ready=False)})])
    entries, _ = standing.name(NOW)
    assert sorted(checked) == ["p1", "typo", "web", "web"]
    by_name = {e.name: e for e in entries}
    assert "selects `app=web`" in by_name["web"].cause
    assert by_name["typo"].kind == "Service" and "selects" not in by_name["typo"].cause


def test_a_service_selects_in_its_own_namespace_only():
    standing = StandingOverview()
    standing.apply([whole(PODS, [running(1, ns="a", labels={"app": "web"}),
                                 running(2, ns="b", labels={"app": "web"}, ready=False)]),
                    whole(SVCS, [service("web", {"app": "web"}, ns="a"),
                                 service("web", {"app": "web"}, ns="b")])])
    entries, _ = standing.name(NOW)
    assert [(e.namespace, e.kind) for e in entries if e.kind == "Service"] == [("b", "Service")]
    seen = EventRow("e1", "a", "Warning", "FailedScheduling", "Pod", "p2", "",
                    "0/1 nodes are available: 1 Insufficient cpu.", 1, NOW - 5, "scheduler")
    standing.apply([Change(EVENTS, {"e1": seen})])  # about a pod p2 of namespace a: none
    after, _ = standing.name(NOW)
    assert not any("CPU" in e.cause for e in after)


def test_a_new_storage_class_names_the_claims_again(checked):
    claim = {"metadata": {"name": "data", "namespace": "ns", "uid": "c1"},
             "spec": {}, "status": {"phase": "Pending"}}
    standing = StandingOverview()
    standing.apply([whole(CLAIMS, [claim]), Change(CLASSES, {}, whole=True)])
    entries, _ = standing.name(NOW)
    assert "no default one" in entries[0].cause
    checked.clear()
    default = {"metadata": {"name": "fast", "uid": "sc1", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "x"}
    standing.apply([Change(CLASSES, {"sc1": default}, whole=True)])
    entries, _ = standing.name(NOW)
    assert checked == ["data"] and "no default one" not in (entries[0].cause if entries else "")


def _cluster(rng: random.Random) -> dict[str, list]:
    deps = [deployment(f"d{d}", f"a{d}") for d in range(4)]
    sets = [replicaset(f"d{d}-{r}", f"d{d}") for d in range(4) for r in range(2)]
    pods = [_random_pod(rng, i, sets) for i in range(40)]
    svcs = [service(f"s{s}", {"app": f"a{s}"}) for s in range(6)]
    return {DEPS: deps, SETS: sets, PODS: pods, SVCS: svcs}


def _random_pod(rng: random.Random, i: int, sets: list, version: int = 1) -> dict:
    owner = rng.choice([""] + [s["metadata"]["name"] for s in sets])
    labels = {"app": rng.choice(["a0", "a1", "a2", "a3", "a5", "a7"])}
    make = rng.choice([pending, running, lambda *a, **k: running(*a, **k, ready=False)])
    return make(i, str(version), labels=labels, owner=owner)


def _random_changes(rng: random.Random, objects: dict, events: dict, step: int) -> list:
    """One to four changes of any kind the overview reads, made to ``objects``/``events``."""
    changes = []
    for _ in range(rng.randint(1, 4)):
        what = rng.random()
        if what < 0.45:  # a pod changes, comes or goes
            i = rng.randrange(50)
            pods = {p["metadata"]["uid"]: p for p in objects[PODS]}
            new = None if rng.random() < 0.2 else _random_pod(rng, i, objects[SETS], step + 2)
            pods.pop(f"u{i}", None) if new is None else pods.update({f"u{i}": new})
            objects[PODS] = list(pods.values())
            changes.append(Change(PODS, {f"u{i}": new}))
        elif what < 0.65:  # an event about a pod or a ReplicaSet, by uid or by name
            i = rng.randrange(50)
            kind, name, uid, reason, message = rng.choice([
                ("Pod", f"p{i}", f"u{i}", "FailedScheduling", "0/1 nodes are available: 1 "
                 "Insufficient cpu."),
                ("Pod", f"p{i}", "", "FailedScheduling", "0/1 nodes are available: 1 node(s) "
                 "had taint {a: b}, that the pod didn't tolerate."),
                ("ReplicaSet", f"d{i % 4}-{i % 2}", rng.choice([f"d{i % 4}-{i % 2}", ""]),
                 "FailedCreate", 'pods "x" is forbidden: exceeded quota: q')])
            event = EventRow(f"e{rng.randrange(12)}", "ns", "Warning", reason, kind, name, uid,
                             message, step, NOW - 5, "controller")
            events[event.uid] = event
            changes.append(Change(EVENTS, {event.uid: event}))
        elif what < 0.75:  # a Service's selector
            s = rng.randrange(6)
            svc = service(f"s{s}", {"app": rng.choice(["a0", "a4", "a5"])})
            objects[SVCS][s] = svc
            changes.append(Change(SVCS, {svc["metadata"]["uid"]: svc}))
        elif what < 0.9:  # a ReplicaSet's revision (which one is new) or a Deployment's status
            r = rng.randrange(8)
            rs = replicaset(f"d{r // 2}-{r % 2}", f"d{r // 2}")
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(
                rng.randint(1, 3))
            objects[SETS][r] = rs
            changes.append(Change(SETS, {rs["metadata"]["uid"]: rs}))
            dep = deployment(f"d{r // 2}", f"a{r // 2}")
            dep["status"]["conditions"] = rng.choice([[], [{
                "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]])
            objects[DEPS][r // 2] = dep
            changes.append(Change(DEPS, {dep["metadata"]["uid"]: dep}))
        else:  # a node goes NotReady or comes back
            objects[NODES] = [node(f"t{step}", ready=rng.choice(["True", "False"]))]
            changes.append(whole(NODES, objects[NODES]))
    return changes


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_after_many_random_changes_it_equals_an_overview_built_from_scratch(seed):
    rng = random.Random(seed)
    objects = {**_cluster(rng), NODES: [node("t0")]}
    events: dict = {}
    standing = StandingOverview()
    standing.apply([whole(k, v) for k, v in objects.items()] + [whole(EVENTS, [])])
    standing.name(NOW)
    for step in range(80):
        changes = _random_changes(rng, objects, events, step)
        standing.apply(changes)
        entries, _ = standing.name(NOW)
        fresh = StandingOverview()
        fresh.apply([whole(k, v) for k, v in objects.items()] +
                    [whole(EVENTS, list(events.values()))])
        expected, _ = fresh.name(NOW)
        assert entries == expected, f"step {step}: {changes}"


def test_the_overview_keeps_objects_without_what_no_check_reads():
    from kubetui.k8s.triage.run import LAST_APPLIED, lean

    pod = running(1, labels={"app": "web"})
    pod["metadata"]["managedFields"] = [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}]
    pod["metadata"]["annotations"] = {LAST_APPLIED: "{...}", "team": "payments"}
    row = lean(pod)
    assert row.uid == "u1"
    assert "managedFields" not in row.obj["metadata"]
    assert row.obj["metadata"]["annotations"] == {"team": "payments"}
    assert row.obj["spec"] is pod["spec"] and row.obj["status"] is pod["status"]
    assert "managedFields" in pod["metadata"]  # the object it was given is left as it was
    plain = running(2)
    assert lean(plain).obj is plain  # nothing to leave out: no copy
