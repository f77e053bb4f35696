"""Pod, workload, Service, claim and node checks on objects shaped as the apiserver writes them
(1.20 as recorded here; the newer event and condition formats from the kubelet's and the
controllers' format strings, said where they differ)."""

import json
from dataclasses import replace
from pathlib import Path

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.triage.findings import CRITICAL, PREVIOUS_LOGS, PROBES, WARNING
from kubetui.k8s.triage.pods import triage_pod
from kubetui.k8s.triage.run import World, match_labels, triage
from kubetui.k8s.triage.services import nearest
from kubetui.k8s.triage.storage import triage_claim, triage_node
from kubetui.safe_text import is_safe

OLD = Path(__file__).parent.parent / "fixtures" / "k8s-1.20"
NOW = 1_765_000_000.0


def event(reason: str, message: str, *, kind: str = "Pod", name: str = "p", uid: str = "u1",
          count: int = 1, container: str = "", type_: str = "Warning") -> EventRow:
    return EventRow(uid=f"e-{reason}-{count}", namespace="ns", type=type_, reason=reason,
                    object_kind=kind, object_name=name, object_uid=uid, message=message,
                    count=count, last_seen=NOW - 60, source="kubelet", container=container)


def running_pod(**status_extra) -> dict:
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
            "spec": {"nodeName": "n1", "containers": [
                {"name": "app", "image": "shop:1", "resources": {"limits": {"memory": "24Mi"}}}]},
            "status": {"phase": "Running", "conditions": [
                {"type": "Ready", "status": "False"}], **status_extra}}


def test_oomkilled_names_the_limit_and_offers_the_previous_logs():
    pod = running_pod(containerStatuses=[{
        "name": "app", "ready": False, "restartCount": 7,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                     "finishedAt": "2025-12-06T05:45:00Z"}}}])
    report = triage_pod(pod, [], NOW)
    first = report.findings[0]
    assert first.cause == ("container `app` crashes: it was killed for memory: the container "
                           "used its 24Mi limit; 7 restarts, in back-off")
    assert first.steps[0].action == PREVIOUS_LOGS and first.steps[0].container == "app"


def test_an_init_container_failing_is_the_cause_before_the_app():
    pod = running_pod(
        initContainerStatuses=[{"name": "migrate", "restartCount": 2,
                                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                "lastState": {"terminated": {"exitCode": 1,
                                                             "reason": "Error"}}}],
        containerStatuses=[{"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}}])
    pod["spec"]["initContainers"] = [{"name": "migrate", "image": "shop-migrate:1"}]
    cause = triage_pod(pod, [], NOW).cause
    assert cause.startswith("init container `migrate` crashes: it exits with code 1")


def test_mount_and_sandbox_failures_from_kubelet_events():
    pod = running_pod(containerStatuses=[{"name": "app", "state": {"waiting": {
        "reason": "ContainerCreating"}}}])
    # kubelet 1.20–1.35: "MountVolume.SetUp failed for volume %q : %v"
    mount = event("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap '
                  '"absent-cm" not found', count=6)
    assert triage_pod(pod, [mount], NOW).cause == \
        "a volume cannot be mounted: ConfigMap `absent-cm` does not exist"
    attach = event("FailedAttachVolume", 'AttachVolume.Attach failed for volume "pvc-1" : '
                   "rpc error: code = Internal desc = volume is attached to another node")
    assert "volume is attached to another node" in triage_pod(pod, [attach], NOW).cause
    sandbox = event("FailedCreatePodSandBox", "Failed to create pod sandbox: rpc error: code = "
                    'Unknown desc = failed to setup network for sandbox "abc": plugin '
                    'type="calico" failed (add): error getting ClusterInformation')
    cause = triage_pod(pod, [sandbox], NOW).cause
    assert cause.startswith("the node cannot start the pod's sandbox") and "calico" in cause


def test_a_mount_failure_before_the_containers_started_is_over():
    """The kubelet's transient "failed to sync secret cache" seen at start-up, then the
    container running: the pod is not broken by its volumes."""
    sync = event("FailedMount", 'MountVolume.SetUp failed for volume "default-token-x" : '
                 "failed to sync secret cache: timed out waiting for the condition")
    started = "2025-12-06T05:46:00Z"  # NOW - 40 s: after the event (NOW - 60 s)
    pod = running_pod(containerStatuses=[{"name": "app", "ready": True, "state": {
        "running": {"startedAt": started}}}])
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert not [f for f in triage_pod(pod, [sync], NOW).findings if f.check == "volumes"]
    before = running_pod(containerStatuses=[{"name": "app", "ready": True, "state": {
        "running": {"startedAt": "2025-12-06T05:44:00Z"}}}])  # started before it: a new one
    assert "failed to sync secret cache" in triage_pod(before, [sync], NOW).cause


def test_a_mount_failure_before_the_image_pulls_is_over():
    """The same transient mount failure, then the kubelet pulling (and failing to pull) the
    image: the volumes were mounted, the image is the cause."""
    sync = event("FailedMount", 'MountVolume.SetUp failed for volume "default-token-x" : '
                 "failed to sync secret cache: timed out waiting for the condition")
    pull = event("Failed", 'Failed to pull image "shop:9.9": rpc error: code = NotFound desc = '
                 'failed to pull and unpack image "docker.io/library/shop:9.9": not found')
    pull = replace(pull, last_seen=NOW - 30)
    pod = running_pod(containerStatuses=[{"name": "app", "state": {"waiting": {
        "reason": "ImagePullBackOff"}}}])
    report = triage_pod(pod, [sync, pull], NOW)
    assert not [f for f in report.findings if f.check == "volumes"]
    # a mount failing again after the pull: the volumes are the cause again
    again = replace(sync, last_seen=NOW - 10)
    assert "failed to sync secret cache" in triage_pod(pod, [again, pull], NOW).cause


def test_evicted_and_node_not_ready():
    pod = running_pod()
    pod["status"] = {"phase": "Failed", "reason": "Evicted",
                     "message": "The node was low on resource: memory. Container app was using "
                                "1Gi, which exceeds its request of 128Mi."}
    assert triage_pod(pod, [], NOW).cause.startswith("its node evicted it: The node was low on")
    node = {"metadata": {"name": "n1"}, "spec": {"unschedulable": True}, "status": {
        "conditions": [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                        "message": "Kubelet stopped posting node status."},
                       {"type": "MemoryPressure", "status": "True",
                        "message": "kubelet has insufficient memory available"}]}}
    live = running_pod(containerStatuses=[{"name": "app", "ready": True,
                                           "state": {"running": {}}}])
    assert triage_pod(live, [], NOW, [node]).cause == \
        "its node n1 is not Ready (NodeStatusUnknown)"
    report = triage_node(node, NOW)
    assert [f.severity for f in report.findings] == [CRITICAL, CRITICAL, WARNING]
    assert "cordoned" in report.findings[-1].cause


def test_probe_failures_and_the_liveness_kill_is_not_called_a_crash():
    pod = running_pod(containerStatuses=[{
        "name": "app", "ready": False, "restartCount": 3,
        "state": {"running": {}},
        "lastState": {"terminated": {"reason": "Error", "exitCode": 137}}}])
    liveness = event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500",
                     container="app", count=9)
    report = triage_pod(pod, [liveness], NOW)
    assert report.cause == ("the liveness probe of `app` fails (HTTP probe failed with "
                            "statuscode: 500): the kubelet restarts it (3 restarts)")
    assert report.findings[0].steps[0].action == PROBES
    assert report.findings[0].steps[0].probe == "liveness"
    assert not any("SIGKILL" in f.cause for f in report.findings)
    readiness = event("Unhealthy", 'Readiness probe failed: Get "http://10.0.0.5:8080/ready": '
                      "dial tcp 10.0.0.5:8080: connect: connection refused", container="app")
    cause = triage_pod(running_pod(containerStatuses=[{"name": "app", "ready": False,
                                                       "state": {"running": {}}}]),
                       [readiness], NOW).cause
    assert cause.startswith("`app` is not ready: its readiness probe fails (Get")


def test_scheduling_with_the_nodes_in_view():
    pod = {"kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
           "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "3",
                                                                            "memory": "1Gi"}}},
                                   {"name": "b", "resources": {"requests": {"cpu": "500m"}}}],
                    "nodeSelector": {"disktype": "ssd"}},
           "status": {"phase": "Pending", "conditions": [
               {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}}
    nodes = [{"metadata": {"name": f"n{i}", "labels": {"disktype": "hdd"}},
              "status": {"allocatable": {"cpu": str(i + 1), "memory": "8Gi"}}} for i in range(2)]
    failed = event("FailedScheduling", "0/3 nodes are available: 1 node(s) didn't match node "
                   "selector, 2 Insufficient cpu.", count=12)
    cause = triage_pod(pod, [failed], NOW, nodes).cause
    assert cause == ("no node can take it (3 nodes): 2 nodes have too little CPU free for its "
                     "request of 3.5 CPU (the largest allocates 2 CPU); 1 node does not match its "
                     "node selector disktype=ssd (nodes have disktype=hdd)")
    gated = dict(pod, spec={**pod["spec"], "schedulingGates": [{"name": "quota.example/wait"}]},
                 status={"conditions": [{"type": "PodScheduled", "status": "False",
                                         "reason": "SchedulingGated"}]})
    assert "quota.example/wait" in triage_pod(gated, [], NOW).cause


def test_workload_and_service_and_claim_dispatch():
    dep = json.loads((OLD / "deployment-stalled.json").read_text())
    sets = json.loads((OLD / "replicasets-checkout.json").read_text())["items"]
    assert match_labels(dep) == "app=checkout"
    report = triage("apps", "Deployment", dep, World(replicasets=sets), NOW)
    assert report.cause.startswith("the rollout to revision 2 is stalled "
                                   "(ProgressDeadlineExceeded)")
    svc = {"metadata": {"name": "pay", "namespace": "ns"},
           "spec": {"selector": {"app": "payments"}, "ports": [{"port": 80,
                                                                "targetPort": "http"}]}}
    pods = [{"metadata": {"name": f"x{i}", "namespace": ns, "labels": {"app": app}},
             "spec": {}, "status": {}}
            for i, (ns, app) in enumerate([("ns", "web"), ("ns", "web"), ("ns", "payment"),
                                           ("other", "payment"), ("other", "payments")])]
    assert nearest({"app": "payments"}, World(pods=pods), "ns") == \
        "1 pod has app=payment; 2 pods have app=web"
    # a pod of another namespace with the label is not selected (a Service selects in its own)
    assert "no pod in the namespace has that label" in \
        triage("", "Service", svc, World(pods=pods), NOW).cause
    ready = [{"metadata": {"name": "ok", "namespace": "ns", "labels": {"app": "payments"}},
              "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 8080}]}]},
              "status": {"conditions": [{"type": "Ready", "status": "True"}]}}]
    cause = triage("", "Service", svc, World(pods=ready), NOW).cause
    assert cause == "its port 80 targets the port name `http`, which no selected container " \
                    "declares"
    claim = {"metadata": {"name": "data", "namespace": "ns", "uid": "c1"},
             "spec": {}, "status": {"phase": "Pending"}}
    assert "no default one" in triage_claim(claim, World(storageclasses=[]), NOW).cause
    assert triage("", "ConfigMap", {"metadata": {"name": "x"}}, World(), NOW).healthy


def test_hostile_text_stays_data():
    pod = running_pod(containerStatuses=[{"name": "app", "state": {"waiting": {
        "reason": "CreateContainerConfigError",
        "message": "couldn't find key [bold]x\x1b]52;c;Zm9v\x07 in ConfigMap ns/cfg"}}}])
    cause = triage_pod(pod, [], NOW).cause
    from kubetui.safe_text import visible
    assert is_safe(visible(cause)) and "[bold]" in cause


def test_the_logs_open_on_the_failing_container():
    from kubetui.k8s.triage.pods import failing_container

    looping = {"status": {
        "initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 0}}}],
        "containerStatuses": [
            {"name": "sidecar", "ready": True, "state": {"running": {}}},
            {"name": "app", "ready": False, "restartCount": 4,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 1}}}]}}
    assert failing_container(looping) == ("app", True)  # the crashed instance has the logs
    init_fails = {"status": {
        "initContainerStatuses": [{"name": "migrate", "ready": False,
                                   "state": {"terminated": {"exitCode": 2}}}],
        "containerStatuses": [{"name": "app", "ready": False,
                               "state": {"waiting": {"reason": "PodInitializing"}}}]}}
    assert failing_container(init_fails) == ("migrate", False)
    fine = {"status": {"containerStatuses": [{"name": "app", "ready": True,
                                              "state": {"running": {}}}]}}
    assert failing_container(fine) is None


def test_a_cronjob_missing_its_schedule_is_named_from_either_controllers_event():
    """1.20's controller says FailedNeedsStart (its message from cronjob/utils.go), the
    batch/v1 controller of 1.21+ TooManyMissedTimes (cronjob_controllerv2.go)."""
    cron = {"kind": "CronJob", "metadata": {"name": "nightly", "namespace": "ns", "uid": "c1"},
            "spec": {"schedule": "*/1 * * * *"}, "status": {}}
    for reason, message in (
            ("FailedNeedsStart", "Cannot determine if job needs to be started: too many "
                                 "missed start time (> 100). Set or decrease "
                                 ".spec.startingDeadlineSeconds or check clock skew."),
            ("TooManyMissedTimes", "too many missed start times: 101. Set or decrease "
                                   ".spec.startingDeadlineSeconds or check clock skew")):
        seen = event(reason, message, kind="CronJob", name="nightly", uid="c1")
        report = triage("batch", "CronJob", cron, World(events=[seen]), NOW)
        assert report.cause.startswith("it misses its schedule: the controller will not start "
                                       "Jobs (")
        assert "too many missed start time" in report.cause
        assert report.cause.endswith("; it has no startingDeadlineSeconds")
        assert report.findings[0].severity == CRITICAL
    healthy = triage("batch", "CronJob", cron, World(), NOW)
    assert not healthy.findings and healthy.healthy.startswith("schedule */1 * * * *")
