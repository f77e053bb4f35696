"""The overview's refreshes carry what did not change: a pod is checked again only when it,
its events or what the checks read of the nodes changed; an unchanged report keeps its entry.
Counted by wrapping the real check (nothing else is replaced)."""

from dataclasses import replace

import pytest

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.triage import pods as pod_checks
from kubetui.k8s.triage.overview import overview
from kubetui.k8s.triage.world import World

NOW = 1_765_000_000.0


def pending(i: int, version: str = "1") -> dict:
    return {"metadata": {"name": f"p{i}", "namespace": "ns", "uid": f"u{i}",
                         "resourceVersion": version},
            "spec": {"schedulerName": "nobody", "containers": [{"name": "c", "image": "x"}]},
            "status": {"phase": "Pending"}}


def node(heartbeat: str, ready: str = "True", version: str = "7") -> dict:
    return {"metadata": {"name": "n1", "resourceVersion": version, "labels": {"a": "b"}},
            "spec": {}, "status": {"allocatable": {"cpu": "2"}, "conditions": [
                {"type": "Ready", "status": ready, "reason": "KubeletReady",
                 "lastHeartbeatTime": heartbeat}]}}


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    names: list[str] = []
    real = pod_checks.triage_pod

    def counting(pod, *args, **kwargs):
        names.append(pod["metadata"]["name"])
        return real(pod, *args, **kwargs)

    monkeypatch.setattr(pod_checks, "triage_pod", counting)
    return names


def refresh(pods: list[dict], carried: dict, nodes=None, events=()) -> tuple[list, World]:
    world = World(pods=pods, nodes=nodes, events=tuple(events), carried=carried)
    return overview({("", "Pod"): pods}, world, NOW), world


def test_only_the_changed_pods_are_checked_again(checked):
    pods = [pending(i) for i in range(5)]
    first, world = refresh(pods, {}, [node("t0")])
    assert sorted(checked) == ["p0", "p1", "p2", "p3", "p4"]
    checked.clear()
    pods[2] = {**pending(2, "2"), "spec": {"containers": [{"name": "c", "image": "x"}]}}
    second, world2 = refresh(pods, world.kept, [node("t1", version="8")])  # a heartbeat
    assert checked == ["p2"]
    assert [e.name for e in second] == ["p0", "p1", "p2", "p3", "p4"]
    assert second[0] is first[0]  # an unchanged report keeps its entry object
    assert second[2] != first[2] and "scheduler" in first[2].cause
    assert "scheduler" not in second[2].cause
    checked.clear()
    refresh(pods, world2.kept, [node("t2", ready="False")])  # what the checks read changed
    assert sorted(checked) == ["p0", "p1", "p2", "p3", "p4"]


def test_a_new_event_checks_its_pod_again_and_gone_pods_are_not_carried(checked):
    pods = [pending(i) for i in range(3)]
    _, world = refresh(pods, {})
    checked.clear()
    seen = EventRow("e1", "ns", "Warning", "FailedScheduling", "Pod", "p1", "u1",
                    "0/1 nodes are available: 1 Insufficient cpu.", 1, NOW - 5, "scheduler")
    entries, world2 = refresh(pods[:2], world.kept, events=[seen])
    assert checked == ["p1"]
    assert "CPU" in next(e.cause for e in entries if e.name == "p1")
    assert "u2" not in world2.kept  # p2 is gone: nothing of it is kept
    checked.clear()
    _, world3 = refresh(pods[:2], world2.kept, events=[replace(seen, count=2)])
    assert checked == ["p1"]  # the event counted again: its pod's evidence changed


def test_a_pod_without_a_resource_version_is_never_carried(checked):
    pods = [{**pending(0), "metadata": {"name": "p0", "namespace": "ns", "uid": "u0"}}]
    _, world = refresh(pods, {})
    refresh(pods, world.kept)
    assert checked == ["p0", "p0"]


def test_breathe_is_called_while_checking_many_objects():
    pods = [pending(i) for i in range(120)]
    calls: list[int] = []
    overview({("", "Pod"): pods}, World(pods=pods), NOW, breathe=lambda: calls.append(1))
    assert len(calls) == 2
