"""What the timeline says changed on a followed object (``timeline/changes.py``): a pod's
status, readiness and restarts with how the container ended; a rollout's words, revision and
replicas; a Job's outcome; a node cordoned or NotReady; a claim bound; warnings on first sight
and when their count doubles. Objects from the local cluster's recorded fixtures (1.20) and
written in the shapes 1.28-1.35 serve (the same fields)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from kubetui.k8s.core.events import event_row
from kubetui.timeline.changes import changes, recreated, warning_news

FIXTURES = Path(__file__).parent.parent / "fixtures" / "k8s-1.20"


def pod(status: str = "running", restarts: int = 0, ready: bool = True, node: str = "n1",
        last: dict | None = None) -> dict:
    state = {"running": {"startedAt": "2026-12-07T10:00:00Z"}} if status == "running" else {
        "waiting": {"reason": status, "message": "back-off 10s restarting failed container"}}
    cs = {"name": "app", "ready": ready, "restartCount": restarts, "state": state,
          "image": "busybox", "imageID": "", "containerID": "containerd://1"}
    if last:
        cs["lastState"] = {"terminated": last}
    return {"metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": "busybox"}]},
            "status": {"phase": "Running", "containerStatuses": [cs],
                       "conditions": [{"type": "Ready", "status": str(ready)}]}}


def test_a_pod_crashing_says_its_status_its_readiness_and_how_it_ended():
    before = pod()
    after = pod("CrashLoopBackOff", restarts=3, ready=False,
                last={"exitCode": 137, "reason": "OOMKilled"})
    assert changes("Pod", before, after) == [
        "status Running → CrashLoopBackOff", "ready 1/1 → 0/1",
        "container app restarted (restart 3): OOMKilled, exit code 137"]


def test_a_restart_by_signal_and_a_version_that_changes_nothing():
    before = pod(restarts=1, last={"exitCode": 1, "reason": "Error"})
    after = pod(restarts=2, last={"exitCode": 0, "signal": 9})
    assert changes("Pod", before, after) == ["container app restarted (restart 2): signal 9"]
    relabelled = copy.deepcopy(after)
    relabelled["metadata"]["labels"] = {"tier": "web"}
    assert changes("Pod", after, relabelled) == []


def test_a_pod_scheduled_and_terminating():
    pending = pod(node="")
    pending["spec"].pop("nodeName")
    pending["status"] = {"phase": "Pending"}
    assert changes("Pod", pending, pod())[-1] == "scheduled on node n1"
    going = copy.deepcopy(pod())
    going["metadata"]["deletionTimestamp"] = "2026-12-07T10:05:00Z"
    assert changes("Pod", pod(), going) == ["status Running → Terminating"]
    assert recreated("Pod", pod()) == "created again: Running, ready 1/1"


def deployment(updated: int, available: int, revision: str, replicas: int = 3,
               stalled: bool = False) -> dict:
    conditions = [{"type": "Progressing", "status": "False" if stalled else "True",
                   "reason": "ProgressDeadlineExceeded" if stalled else "ReplicaSetUpdated"}]
    return {"metadata": {"name": "checkout", "generation": 2,
                         "annotations": {"deployment.kubernetes.io/revision": revision}},
            "spec": {"replicas": replicas},
            "status": {"observedGeneration": 2, "replicas": replicas, "updatedReplicas": updated,
                       "availableReplicas": available, "readyReplicas": available,
                       "conditions": conditions}}


def test_a_rollout_says_its_revision_then_its_progress_then_stalls():
    assert changes("Deployment", deployment(3, 3, "1"), deployment(1, 3, "2")) == [
        "revision 1 → 2", "rollout: rolling: 1/3 updated"]
    assert changes("Deployment", deployment(1, 3, "2"), deployment(3, 2, "2")) == [
        "rollout: rolling: 2/3 available"]
    assert changes("Deployment", deployment(3, 2, "2"), deployment(3, 3, "2")) == [
        "rollout: complete"]
    assert changes("Deployment", deployment(3, 3, "2"), deployment(3, 3, "2", replicas=5))[0] \
        == "replicas 3 → 5"
    stalled = changes("Deployment", deployment(1, 3, "2"), deployment(1, 3, "2", stalled=True))
    assert stalled == ["rollout: stalled: 1/3 updated, 3 available (ProgressDeadlineExceeded)"]


def test_the_recorded_stalled_deployment_against_itself_healthy():
    stalled = json.loads((FIXTURES / "deployment-stalled.json").read_text())
    healthy = copy.deepcopy(stalled)
    healthy["status"]["conditions"] = [c for c in stalled["status"]["conditions"]
                                       if c["type"] != "Progressing"]
    healthy["status"]["updatedReplicas"] = healthy["status"]["availableReplicas"] = \
        healthy["spec"]["replicas"]
    healthy["status"]["replicas"] = healthy["spec"]["replicas"]
    said = changes("Deployment", healthy, stalled)
    assert len(said) == 1 and said[0].startswith("rollout: stalled: ")


def test_a_replica_set_and_a_job():
    rs = {"metadata": {}, "spec": {"replicas": 3}, "status": {"readyReplicas": 1}}
    more = copy.deepcopy(rs)
    more["status"]["readyReplicas"] = 2
    assert changes("ReplicaSet", rs, more) == ["ready 1/3 → 2/3"]
    failed = json.loads((FIXTURES / "job-failed.json").read_text())
    running = copy.deepcopy(failed)
    running["status"] = {"active": 1}
    assert changes("Job", running, failed) == ["job: Failed: BackoffLimitExceeded"]


def node(unschedulable: bool = False, ready: str = "True") -> dict:
    return {"metadata": {"name": "n1"}, "spec": {"unschedulable": unschedulable},
            "status": {"conditions": [
                {"type": "MemoryPressure", "status": "False",
                 "reason": "KubeletHasSufficientMemory"},
                {"type": "Ready", "status": ready,
                 "reason": "KubeletReady" if ready == "True" else "NodeStatusUnknown",
                 "message": "" if ready == "True" else "Kubelet stopped posting node status."}]}}


def test_a_node_cordoned_then_not_ready():
    assert changes("Node", node(), node(unschedulable=True)) == ["cordoned"]
    assert changes("Node", node(unschedulable=True), node(ready="Unknown")) == [
        "uncordoned", "Ready True → Unknown (NodeStatusUnknown: Kubelet stopped posting node "
        "status.)"]


def test_a_claim_bound_and_resized_and_a_cron_job_scheduling():
    pending = {"status": {"phase": "Pending"}}
    bound = {"status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}}
    grown = {"status": {"phase": "Bound", "capacity": {"storage": "2Gi"}}}
    assert changes("PersistentVolumeClaim", pending, bound) == ["phase Pending → Bound"]
    assert changes("PersistentVolumeClaim", bound, grown) == ["capacity 1Gi → 2Gi"]
    cron = {"spec": {"schedule": "*/5 * * * *"}, "status": {}}
    ran = {"spec": {"schedule": "*/5 * * * *", "suspend": True},
           "status": {"lastScheduleTime": "2026-12-07T10:05:00Z"}}
    assert changes("CronJob", cron, ran) == ["suspended",
                                             "scheduled a job (2026-12-07T10:05:00Z)"]


def test_an_unknown_kind_says_its_conditions_and_a_strange_shape_says_nothing():
    before = {"status": {"conditions": [{"type": "Synced", "status": "True"}]}}
    after = {"status": {"conditions": [{"type": "Synced", "status": "False",
                                        "reason": "ApplyFailed", "message": "no such field"}]}}
    assert changes("Certificate", before, after) == [
        "Synced True → False (ApplyFailed: no such field)"]
    assert changes("Pod", pod(), {"status": "not a mapping", "spec": ["x"]}) == []


def warning(count: int, kind: str = "Warning") -> object:
    return event_row({"metadata": {"uid": "e1", "namespace": "shop"}, "type": kind,
                      "reason": "BackOff", "count": count,
                      "message": "Back-off restarting failed container",
                      "involvedObject": {"kind": "Pod", "name": "web-1", "uid": "u1"}})


def test_warnings_on_first_sight_then_only_when_their_count_doubles():
    assert warning_news(warning(1), 0) == "warning BackOff: Back-off restarting failed container"
    assert warning_news(warning(5), 0) == \
        "warning BackOff (×5): Back-off restarting failed container"
    assert warning_news(warning(9), 5) == ""
    assert warning_news(warning(10), 5) == "warning BackOff again: ×10"
    assert warning_news(warning(3, kind="Normal"), 0) == ""
