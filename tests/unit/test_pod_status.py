"""STATUS, READY and RESTARTS computed as kubectl prints them."""

import pytest

from kubetui.formatting import human_duration, restarts_text
from kubetui.k8s.core.pods import (
    HEALTH_DONE,
    HEALTH_FAILED,
    HEALTH_OK,
    HEALTH_PENDING,
    HEALTH_TERMINATING,
    pod_row,
)


def pod(containers=(), init=(), phase="Running", reason=None, deleting=False, n_init=None,
        conditions=None, n_containers=None):
    spec = {"containers": [{"name": f"c{i}"} for i in range(n_containers or len(containers)
                                                            or 1)],
            "nodeName": "node-1"}
    if init or n_init:
        spec["initContainers"] = [{"name": f"i{i}"} for i in range(n_init or len(init))]
    status = {"phase": phase, "containerStatuses": list(containers), "podIP": "10.0.0.7"}
    if init:
        status["initContainerStatuses"] = list(init)
    if reason:
        status["reason"] = reason
    if conditions:
        status["conditions"] = conditions
    meta = {"uid": "u1", "name": "p", "namespace": "ns",
            "creationTimestamp": "2026-11-24T10:00:00Z", "labels": {"app": "web"}}
    if deleting:
        meta["deletionTimestamp"] = "2026-11-24T11:00:00Z"
    return {"metadata": meta, "spec": spec, "status": status}


def running(ready=True, restarts=0, finished=None):
    cs = {"ready": ready, "restartCount": restarts, "state": {"running": {}}}
    if finished:
        cs["lastState"] = {"terminated": {"finishedAt": finished, "exitCode": 1}}
    return cs


def waiting(reason, restarts=0):
    return {"ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}}


def terminated(reason=None, code=0, signal=None, restarts=0):
    t = {"exitCode": code}
    if reason:
        t["reason"] = reason
    if signal:
        t["signal"] = signal
    return {"ready": False, "restartCount": restarts, "state": {"terminated": t}}


@pytest.mark.parametrize("p,status,ready,health", [
    (pod([running()]), "Running", "1/1", HEALTH_OK),
    (pod([running(ready=False)]), "Running", "0/1", HEALTH_PENDING),
    (pod([waiting("CrashLoopBackOff", 5)]), "CrashLoopBackOff", "0/1", HEALTH_FAILED),
    (pod([waiting("ImagePullBackOff")], phase="Pending"), "ImagePullBackOff", "0/1",
     HEALTH_FAILED),
    (pod([waiting("ContainerCreating")], phase="Pending"), "ContainerCreating", "0/1",
     HEALTH_PENDING),
    (pod([terminated("OOMKilled", 137)], phase="Failed"), "OOMKilled", "0/1", HEALTH_FAILED),
    (pod([terminated("Completed")], phase="Succeeded"), "Completed", "0/1", HEALTH_DONE),
    (pod([terminated(code=2)], phase="Failed"), "ExitCode:2", "0/1", HEALTH_FAILED),
    (pod([terminated(signal=9)], phase="Failed"), "Signal:9", "0/1", HEALTH_FAILED),
    (pod([], phase="Failed", reason="Evicted"), "Evicted", "0/1", HEALTH_FAILED),
    (pod([running()], deleting=True), "Terminating", "1/1", HEALTH_TERMINATING),
    (pod([], phase="Unknown", reason="NodeLost", deleting=True), "Unknown", "0/1",
     HEALTH_FAILED),
    (pod([], phase="Pending"), "Pending", "0/1", HEALTH_PENDING),
    # Init containers: done ones are skipped, the first unfinished one decides.
    (pod([waiting("PodInitializing")], init=[terminated("Completed"), running()], n_init=3,
         phase="Pending"), "Init:1/3", "0/1", HEALTH_PENDING),
    (pod([waiting("PodInitializing")], init=[waiting("CrashLoopBackOff")], phase="Pending"),
     "Init:CrashLoopBackOff", "0/1", HEALTH_FAILED),
    (pod([waiting("PodInitializing")], init=[terminated("Error", 1)], phase="Pending"),
     "Init:Error", "0/1", HEALTH_FAILED),
    (pod([waiting("PodInitializing")], init=[terminated(code=3)], phase="Pending"),
     "Init:ExitCode:3", "0/1", HEALTH_FAILED),
    # A sidecar still running after the main container completed.
    (pod([terminated("Completed"), running()], conditions=[{"type": "Ready", "status": "False"}]),
     "NotReady", "1/2", HEALTH_FAILED),
    (pod([terminated("Completed"), running()], conditions=[{"type": "Ready", "status": "True"}]),
     "Running", "1/2", HEALTH_PENDING),
])
def test_status_like_kubectl(p, status, ready, health):
    row = pod_row(p)
    assert (row.status, row.ready, row.health) == (status, ready, health)


def test_restarts_count_and_last_restart():
    p = pod([running(restarts=2, finished="2026-11-24T10:50:00Z"),
             running(restarts=3, finished="2026-11-24T10:55:00Z")])
    row = pod_row(p)
    assert row.restarts == 5
    now = row.last_restart + 125
    assert restarts_text(row, now) == "5 (2m5s ago)"


def test_row_fields():
    row = pod_row(pod([running()]))
    assert (row.uid, row.namespace, row.name, row.node, row.ip) == (
        "u1", "ns", "p", "node-1", "10.0.0.7")
    assert row.labels == (("app", "web"),)
    assert row.created is not None


def test_empty_and_garbage_objects_do_not_raise():
    assert pod_row({}).status == "Unknown"
    assert pod_row({"metadata": {"creationTimestamp": "not a time"}}).created is None


@pytest.mark.parametrize("seconds,text", [
    (5, "5s"), (119, "119s"), (125, "2m5s"), (600, "10m"), (179 * 60, "179m"),
    (3 * 3600 + 20 * 60, "3h20m"), (5 * 3600, "5h"), (30 * 3600, "30h"),
    (2 * 86400 + 5 * 3600, "2d5h"), (45 * 86400, "45d"), (3 * 365 * 86400, "3y"),
    (-0.5, "0s"), (-5, "<invalid>"),
])
def test_human_duration_matches_kubectl(seconds, text):
    assert human_duration(seconds) == text
