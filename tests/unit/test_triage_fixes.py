"""The fixes a triage offers as next steps: a rollback where a rollout fails, a restart where
pods crash at a settled revision, a CronJob's Job now or its resume, a sick node's cordon and
drain (an uncordon once it is well). Objects as the 1.20 apiserver writes them (the stalled
Deployment and its ReplicaSets recorded from the local cluster); the fields read here have not
changed up to 1.35."""

import copy
import json
from pathlib import Path

from kubetui.k8s.triage.findings import CORDON, DRAIN, RESTART, RESUME, TRIGGER, UNDO
from kubetui.k8s.triage.run import World, triage
from kubetui.k8s.triage.storage import triage_node
from tests.unit.test_triage_pods import NOW, event

OLD = Path(__file__).parent.parent / "fixtures" / "k8s-1.20"


def fixes(report) -> list[tuple[str, str]]:
    return [(s.action, s.label) for f in report.findings for s in f.steps
            if s.action in (UNDO, RESTART, TRIGGER, RESUME, CORDON, DRAIN)]


def checkout() -> tuple[dict, list[dict]]:
    dep = json.loads((OLD / "deployment-stalled.json").read_text())
    sets = json.loads((OLD / "replicasets-checkout.json").read_text())["items"]
    return dep, sets


def pod_of(rs: dict, name: str, state: dict, last: dict | None = None) -> dict:
    meta = rs["metadata"]
    return {"kind": "Pod", "metadata": {
        "name": name, "namespace": meta["namespace"], "uid": f"uid-{name}",
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                             "name": meta["name"], "uid": meta["uid"], "controller": True}]},
        "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "busybox:1.35"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                   "containerStatuses": [{"name": "app", "ready": False, "restartCount": 6,
                                          "state": state, "lastState": last or {}}]}}


CRASHING = ({"waiting": {"reason": "CrashLoopBackOff"}},
            {"terminated": {"reason": "Error", "exitCode": 1}})
PULLING = ({"waiting": {"reason": "ImagePullBackOff",
                        "message": 'Back-off pulling image "busybox:no-such-tag"'}},)


def by_revision(sets: list[dict], revision: str) -> dict:
    return next(rs for rs in sets if rs["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"] == revision)


def test_a_stalled_rollout_offers_the_rollback_to_the_revision_before():
    dep, sets = checkout()
    report = triage("apps", "Deployment", dep, World(replicasets=sets), NOW)
    assert report.cause.startswith("the rollout to revision 2 is stalled")
    assert fixes(report) == [(UNDO, "roll back to revision 1")]
    # at its first revision there is nothing to go back to
    first = copy.deepcopy(dep)
    first["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "1"
    alone = [by_revision(sets, "1")]
    assert fixes(triage("apps", "Deployment", first, World(replicasets=alone), NOW)) == []


def test_new_pods_failing_while_the_old_ones_serve_offer_the_rollback():
    dep, sets = checkout()
    dep["status"]["conditions"][1]["reason"] = "ReplicaSetUpdated"  # not stalled yet
    new = by_revision(sets, "2")
    world = World(replicasets=sets, pods=[pod_of(new, "checkout-new-1", *PULLING)])
    report = triage("apps", "Deployment", dep, world, NOW)
    assert report.cause.startswith("1 of 1 new pods:")
    assert fixes(report) == [(UNDO, "roll back to revision 1")]


def test_pods_crashing_at_a_settled_revision_offer_a_restart_and_a_bad_image_does_not():
    dep, sets = checkout()
    dep["status"]["conditions"][1]["reason"] = "NewReplicaSetAvailable"
    dep["status"]["availableReplicas"] = 0
    old = by_revision(sets, "1")
    old["status"] = {"replicas": 0}  # the rollout is over: the old ReplicaSet holds nothing
    new = by_revision(sets, "2")
    crashing = World(replicasets=sets, pods=[pod_of(new, "checkout-new-1", *CRASHING)])
    report = triage("apps", "Deployment", dep, crashing, NOW)
    assert "crashes: it exits with code 1" in report.cause
    assert fixes(report) == [(RESTART, "restart it (new pods, no back-off)")]
    # a restart makes the same pods again: for an image that does not pull it is no fix
    pulling = World(replicasets=sets, pods=[pod_of(new, "checkout-new-1", *PULLING)])
    assert fixes(triage("apps", "Deployment", dep, pulling, NOW)) == []


def statefulset(current: str, update: str) -> tuple[dict, dict]:
    sts = {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "ns", "uid": "s1",
                                                "generation": 2},
           "spec": {"replicas": 1}, "status": {"replicas": 1, "readyReplicas": 0,
                                               "currentRevision": current,
                                               "updateRevision": update}}
    rs_like = {"metadata": {"name": "db", "namespace": "ns", "uid": "s1"}}
    pod = pod_of(rs_like, "db-0", *CRASHING)
    pod["metadata"]["ownerReferences"][0]["kind"] = "StatefulSet"
    return sts, pod


def test_a_statefulset_mid_update_offers_its_rollback_and_a_settled_one_a_restart():
    sts, pod = statefulset("db-5d8b9c7f6", "db-77c6d9b7f4")
    report = triage("apps", "StatefulSet", sts, World(pods=[pod]), NOW)
    assert report.cause.startswith("replica db-0 is stuck:")
    assert fixes(report) == [(UNDO, "roll back to db-5d8b9c7f6 (the revision before "
                                    "db-77c6d9b7f4)")]
    sts, pod = statefulset("db-77c6d9b7f4", "db-77c6d9b7f4")
    assert fixes(triage("apps", "StatefulSet", sts, World(pods=[pod]), NOW)) == [
        (RESTART, "restart it (new pods, no back-off)")]


def test_a_cronjob_missing_its_schedule_offers_a_job_now_and_a_suspended_one_its_resume():
    cron = {"kind": "CronJob", "metadata": {"name": "nightly", "namespace": "ns", "uid": "c1"},
            "spec": {"schedule": "*/1 * * * *"}, "status": {}}
    missed = event("FailedNeedsStart", "Cannot determine if job needs to be started: too many "
                   "missed start time (> 100).", kind="CronJob", name="nightly", uid="c1")
    assert fixes(triage("batch", "CronJob", cron, World(events=[missed]), NOW)) == [
        (TRIGGER, "run a Job now")]
    suspended = {**cron, "spec": {**cron["spec"], "suspend": True}}
    assert fixes(triage("batch", "CronJob", suspended, World(), NOW)) == [
        (RESUME, "resume it")]


def node(cordoned: bool, ready: bool = False) -> dict:
    return {"metadata": {"name": "n1"}, "spec": {"unschedulable": True} if cordoned else {},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else
                                       "Unknown", "reason": "NodeStatusUnknown",
                                       "message": "Kubelet stopped posting node status."}]}}


def test_a_sick_node_offers_its_cordon_and_drain_and_a_well_cordoned_one_its_uncordon():
    assert fixes(triage_node(node(cordoned=False), NOW)) == [
        (CORDON, "cordon it (no new pods)"), (DRAIN, "drain it (evict its pods)")]
    assert fixes(triage_node(node(cordoned=True), NOW)) == [
        (DRAIN, "drain it (evict its pods)")]
    well = triage_node(node(cordoned=True, ready=True), NOW)
    assert well.cause == "it is cordoned: no new pods are scheduled on it"
    assert fixes(well) == [(CORDON, "uncordon it")]
    assert fixes(triage_node(node(cordoned=False, ready=True), NOW)) == []


def test_a_node_whose_kubelet_never_reported_is_not_called_well():
    silent = {"metadata": {"name": "n9"}, "spec": {}, "status": {}}
    report = triage_node(silent, NOW)
    assert report.cause == "its kubelet has never reported its status (it has no Ready " \
                           "condition)"
    assert [a for a, _ in fixes(report)] == [CORDON, DRAIN]
    assert report.checked == ("conditions", "schedulable")


def test_a_liveness_loop_offers_a_restart_and_an_unready_replica_does_not():
    sts, pod = statefulset("db-77c6d9b7f4", "db-77c6d9b7f4")
    status = pod["status"]["containerStatuses"][0]
    status.update(state={"running": {}}, lastState={"terminated": {"exitCode": 137,
                                                                   "reason": "Error"}})
    liveness = event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: "
                     "500", name="db-0", uid="uid-db-0", container="app")
    report = triage("apps", "StatefulSet", sts, World(pods=[pod], events=[liveness]), NOW)
    assert "the liveness probe of `app` fails" in report.cause
    assert fixes(report) == [(RESTART, "restart it (new pods, no back-off)")]
    status.update(restartCount=0, lastState={})
    readiness = event("Unhealthy", "Readiness probe failed: ", name="db-0", uid="uid-db-0",
                      container="app")
    report = triage("apps", "StatefulSet", sts, World(pods=[pod], events=[readiness]), NOW)
    assert "its readiness probe fails" in report.cause
    assert fixes(report) == []
