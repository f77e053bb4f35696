"""Whose logs a workload view reads, and when a container's stream is opened again."""

from kubetui.k8s.logs.plan import ended, plan
from kubetui.k8s.logs.sources import (
    COLOURS,
    colour,
    containers_of,
    selector_string,
    target_of,
)


def pod(name, *containers, restarts=0, running=True, init=(), deleting=False, backoff=False):
    state = {"running": {}} if running else {"waiting": {"reason": "ContainerCreating"}}
    last = {"terminated": {"exitCode": 1}} if backoff else {}
    if backoff:
        state = {"waiting": {"reason": "CrashLoopBackOff"}}
    meta = {"name": name, "namespace": "shop", "uid": f"uid-{name}"}
    if deleting:
        meta["deletionTimestamp"] = "2026-12-06T19:00:00Z"
    return {"metadata": meta,
            "spec": {"containers": [{"name": c} for c in containers],
                     "initContainers": [{"name": c} for c in init]},
            "status": {"containerStatuses": [
                {"name": c, "state": state, "lastState": last, "restartCount": restarts}
                for c in containers],
                "initContainerStatuses": [
                {"name": c, "state": {"terminated": {"exitCode": 0}}} for c in init]}}


def test_selectors_as_kubectl_writes_them():
    assert selector_string({"matchLabels": {"app": "web", "tier": "fe"}, "matchExpressions": [
        {"key": "env", "operator": "In", "values": ["a", "b"]},
        {"key": "canary", "operator": "DoesNotExist"},
        {"key": "x", "operator": "Exists"},
        {"key": "y", "operator": "NotIn", "values": ["z"]}]}) == \
        "app=web,tier=fe,env in (a,b),!canary,x,y notin (z)"


def test_targets():
    deploy = {"metadata": {"name": "web", "namespace": "shop"},
              "spec": {"selector": {"matchLabels": {"app": "web"}}}}
    assert target_of("apps", "Deployment", deploy).selector == "app=web"
    svc = {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": {"app": "w"}}}
    assert target_of("", "Service", svc).selector == "app=w"
    bare = {"metadata": {"name": "ext", "namespace": "shop"}, "spec": {}}
    assert "managed by hand" in target_of("", "Service", bare).problem
    cron = {"metadata": {"name": "nightly", "namespace": "shop", "uid": "u1"}, "spec": {}}
    assert target_of("batch", "CronJob", cron).cronjob_uid == "u1"
    assert target_of("", "ConfigMap", bare).problem


def test_containers_and_colours():
    got = containers_of(pod("w-1", "app", "sidecar", init=("setup",)))
    assert [(c.name, c.init, c.readable) for c in got] == [
        ("w-1/setup", True, True), ("w-1/app", False, True), ("w-1/sidecar", False, True)]
    assert not containers_of(pod("w-2", "app", running=False))[0].readable
    assert colour("w-1/app") == colour("w-1/app") in COLOURS


def test_a_pod_joins_restarts_and_goes():
    readings = {}
    first = plan([pod("w-1", "app"), pod("w-2", "app", running=False)], readings)
    assert [c.name for c in first.open] == ["w-1/app"]
    # nothing new: nothing opened twice
    assert not plan([pod("w-1", "app"), pod("w-2", "app", running=False)], readings).open
    # w-2 starts: it joins
    joined = plan([pod("w-1", "app"), pod("w-2", "app")], readings)
    assert [c.name for c in joined.open] == ["w-2/app"]
    # w-1's stream ended (its container stopped); it runs again with one restart: read again
    ended(readings, "w-1/app")
    assert not plan([pod("w-1", "app"), pod("w-2", "app")], readings).open
    again = plan([pod("w-1", "app", restarts=1), pod("w-2", "app")], readings, previous=True)
    assert [c.name for c in again.open] == ["w-1/app"]
    assert [c.name for c in again.previous] == ["w-1/app"]  # its previous instance, once
    assert not plan([pod("w-1", "app", restarts=1), pod("w-2", "app")], readings,
                    previous=True).previous
    # w-2 is deleted (first marked as going, then gone from the list): marked once
    going = plan([pod("w-1", "app", restarts=1), pod("w-2", "app", deleting=True)], readings)
    assert going.gone == ["w-2"]
    assert plan([pod("w-1", "app", restarts=1)], readings).gone == []


def test_in_back_off_the_previous_instance_is_read_once_not_twice():
    """Waiting in back-off, a container's log (as the kubelet serves it) is its last instance:
    that stream alone, not a second one for ``previous`` with the same lines."""
    readings = {}
    crashed = plan([pod("c-1", "app", restarts=3, backoff=True)], readings, previous=True)
    assert [c.name for c in crashed.open] == ["c-1/app"] and crashed.previous == []
    ended(readings, "c-1/app")
    # it runs again: the new instance is read from where the last one ended, no previous
    running = plan([pod("c-1", "app", restarts=4)], readings, previous=True)
    assert [c.name for c in running.open] == ["c-1/app"] and running.previous == []


def test_chosen_containers_only():
    readings = {}
    got = plan([pod("w-1", "app", "sidecar")], readings, chosen=("sidecar",))
    assert [c.name for c in got.open] == ["w-1/sidecar"]
