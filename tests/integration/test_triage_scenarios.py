"""Triage against what the local 1.20 cluster really does: broken pods, workloads, a Service and
a claim made here, the kubelet, scheduler and controllers left to fail them, then each cause
sentence checked for the decisive value (the tag, the key, the label, the CPU amount, the exit
code). Two healthy controls must not be flagged.

Not here: mount failures. The local kubelet mounts a missing ConfigMap or Secret volume (and a
missing hostPath directory) without a FailedMount event, so those checks are unit-tested on the
kubelet's message formats (``tests/unit/test_triage_pods.py``).

All scenarios share one namespace, made once (the kubelet fails them in parallel): a module
fixture, so the file costs one wait for the slowest, not one per scenario.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from kubetui.k8s.core.events import event_row
from kubetui.k8s.triage.run import triage
from kubetui.k8s.triage.world import World
from tests.conftest import LocalCluster

BUSYBOX = {"image": "busybox:1.35", "imagePullPolicy": "IfNotPresent"}
SLEEP = {**BUSYBOX, "command": ["sh", "-c", "exec sleep 100000"]}


def pod(name: str, container: dict, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name,
                                                            "labels": {"app": name}},
            "spec": {"terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "app", **container}], **spec}}


SCENARIOS = [
    pod("unreachable-image", {"image": "kubetui.local/shop:2.0-typo"}),
    pod("invalid-image", {"image": "Busybox:UPPER"}),
    pod("missing-key", {**SLEEP, "env": [{"name": "DB", "valueFrom": {"configMapKeyRef": {
        "name": "settings", "key": "db_url"}}}]}),
    pod("missing-secret", {**SLEEP, "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {
        "name": "db-credentials", "key": "password"}}}]}),
    pod("crashing", {**BUSYBOX, "command": ["sh", "-c", "echo starting; exit 3"]}),
    pod("no-command", {**BUSYBOX, "command": ["serve-forever"]}),
    pod("liveness", {**SLEEP, "livenessProbe": {"exec": {"command": ["sh", "-c", "exit 1"]},
                                                "periodSeconds": 1, "failureThreshold": 1}}),
    pod("readiness", {**SLEEP, "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]},
                                                  "periodSeconds": 1}}),
    pod("too-big", {**SLEEP, "resources": {"requests": {"cpu": "64"}}}),
    pod("wrong-node", SLEEP, nodeSelector={"disktype": "ssd"}),
    pod("healthy", SLEEP),
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"},
     "data": {"log_level": "debug"}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "payment"},
     "spec": {"selector": {"app": "payment"}, "ports": [{"port": 80}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "healthy"},
     "spec": {"selector": {"app": "healthy"}, "ports": [{"port": 80}]}},
    pod("payments", SLEEP),
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "report"},
     "spec": {"backoffLimit": 0, "template": {"spec": {
         "restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
         "containers": [{"name": "report", **BUSYBOX, "command": ["sh", "-c", "exit 4"]}]}}}},
    {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
     "spec": {"storageClassName": "no-such-class", "accessModes": ["ReadWriteOnce"],
              "resources": {"requests": {"storage": "1Gi"}}}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop"},
     "spec": {"replicas": 1, "progressDeadlineSeconds": 3,
              "selector": {"matchLabels": {"app": "shop"}},
              "template": {"metadata": {"labels": {"app": "shop"}}, "spec": {
                  "terminationGracePeriodSeconds": 0,
                  "containers": [{"name": "app", "image": "kubetui.local/shop:9.9"}]}}}},
    {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "nightly"},
     "spec": {"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": {"template": {
         "spec": {"restartPolicy": "Never",
                  "containers": [{"name": "backup", **BUSYBOX, "command": ["true"]}]}}}}}},
]


class Scene:
    def __init__(self, c: LocalCluster, ns: str) -> None:
        self.c, self.ns = c, ns

    def items(self, kind: str) -> list[dict]:
        return self.c.get_json("-n", self.ns, kind)["items"]

    def world(self) -> World:
        events = [event_row(e) for e in self.items("events")]
        return World(pods=self.items("pods"), replicasets=self.items("replicasets"),
                     jobs=self.items("jobs"), events=events,
                     nodes=self.c.get_json("nodes")["items"],
                     storageclasses=self.c.get_json("storageclasses")["items"])

    def cause(self, group: str, kind: str, plural: str, name: str) -> str:
        obj = self.c.get_json("-n", self.ns, f"{plural}/{name}")
        return triage(group, kind, obj, self.world(), time.time()).cause

    def until(self, group: str, kind: str, plural: str, name: str, *needles: str,
              timeout: float = 90) -> str:
        """The cause, once it says all of ``needles`` (the kubelet takes its time)."""
        deadline = time.monotonic() + timeout
        cause = ""
        while time.monotonic() < deadline:
            cause = self.cause(group, kind, plural, name)
            if all(n in cause for n in needles):
                return cause
            time.sleep(1)
        raise AssertionError(f"{kind} {name}: {cause!r} never said {needles}")


@pytest.fixture(scope="module")
def scene(local_cluster: LocalCluster):
    c = local_cluster
    ns = f"kt-triage-{uuid.uuid4().hex[:5]}"
    c.kubectl("create", "namespace", ns)
    c.wait_for(lambda: c.kubectl("-n", ns, "get", "serviceaccount", "default",
                                 check=False).returncode == 0, timeout=30, what="the SA")
    c.kubectl("-n", ns, "create", "-f", "-", input="\n".join(json.dumps(o) for o in SCENARIOS))
    yield Scene(c, ns)
    c.kubectl("delete", "namespace", ns, "--wait=false", check=False)


def pod_cause(scene: Scene, name: str, *needles: str, timeout: float = 90) -> str:
    return scene.until("", "Pod", "pods", name, *needles, timeout=timeout)


def test_images(scene: Scene):
    cause = pod_cause(scene, "unreachable-image", "cannot reach the registry kubetui.local")
    assert "`kubetui.local/shop:2.0-typo`" in cause and "its name does not resolve" in cause
    assert pod_cause(scene, "invalid-image", "not a valid image name").startswith(
        "`Busybox:UPPER` is not a valid image name")


def test_configuration(scene: Scene):
    assert pod_cause(scene, "missing-key", "db_url") == \
        "ConfigMap `settings` has no key `db_url` (container `app` needs it)"
    assert pod_cause(scene, "missing-secret", "db-credentials") == \
        "Secret `db-credentials` does not exist (container `app` needs it)"


def test_crashes_and_commands(scene: Scene):
    cause = pod_cause(scene, "crashing", "exits with code 3", timeout=120)
    assert cause.startswith("container `app` crashes: it exits with code 3")
    assert pod_cause(scene, "no-command", "serve-forever") == \
        "the command `serve-forever` of container `app` is not in the image"


def test_probes(scene: Scene):
    cause = pod_cause(scene, "liveness", "liveness probe", timeout=120)
    assert cause.startswith("the liveness probe of `app` fails") and "restarts" in cause
    cause = pod_cause(scene, "readiness", "readiness probe")
    assert cause.startswith("`app` is not ready: its readiness probe fails")
    assert "/tmp/ready" in cause  # the probe's own output, as the kubelet reported it


def test_scheduling(scene: Scene):
    cause = pod_cause(scene, "too-big", "CPU")
    assert "1 node has too little CPU free for its request of 64 CPU" in cause
    assert "(the largest allocates" in cause
    cause = pod_cause(scene, "wrong-node", "disktype=ssd")
    assert "1 node does not match its node selector disktype=ssd" in cause


def test_service_job_claim_and_stalled_rollout(scene: Scene):
    cause = scene.until("", "Service", "services", "payment", "payments")
    assert cause.startswith("the Service selects `app=payment`; no pod in the namespace has")
    assert "1 pod has app=payments" in cause.split("(", 1)[1].split(";")[0]  # the nearest first
    cause = scene.until("batch", "Job", "jobs", "report", "BackoffLimitExceeded")
    assert "its backoffLimit is 0" in cause and "exits with code 4" in cause
    cause = scene.until("", "PersistentVolumeClaim", "persistentvolumeclaims", "data",
                        "no-such-class")
    assert "the StorageClass `no-such-class`, which does not exist" in cause
    cause = scene.until("apps", "Deployment", "deployments", "shop",
                        "ProgressDeadlineExceeded", "kubetui.local/shop:9.9", timeout=120)
    assert cause.startswith("the rollout to revision 1 is stalled")


def test_a_suspended_cronjob_and_a_cordoned_node(scene: Scene):
    """The CronJob is batch/v1beta1 here (batch/v1 from 1.21; its triage reads the same
    fields). The node is the cluster's one node, cordoned for the time of one triage."""
    cause = scene.cause("batch", "CronJob", "cronjobs", "nightly")
    assert cause == "it is suspended: no new Jobs are made (schedule 0 3 * * *)"
    c = scene.c
    name = c.get_json("nodes")["items"][0]["metadata"]["name"]
    assert triage("", "Node", c.get_json(f"node/{name}"), World(), time.time()).healthy == \
        "Ready, no pressure, schedulable"
    c.kubectl("cordon", name)
    try:
        report = triage("", "Node", c.get_json(f"node/{name}"), World(), time.time())
    finally:
        c.kubectl("uncordon", name)
    assert report.cause == "it is cordoned: no new pods are scheduled on it"


def test_a_cronjob_that_missed_too_many_start_times(scene: Scene):
    """Its last schedule set a year back through the status subresource: the 1.20 controller
    gives up (FailedNeedsStart, within its 10 s sync) and the triage says so."""
    c, ns = scene.c, scene.ns
    c.kubectl("-n", ns, "create", "-f", "-", input=json.dumps({
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "every-minute"},
        "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "c", **BUSYBOX, "command": ["true"]}]}}}}}}))
    cron = c.get_json("-n", ns, "cronjob/every-minute")
    cron["status"] = {"lastScheduleTime": "2020-01-01T00:00:00Z"}
    c.kubectl("replace", "--raw", f"/apis/batch/v1beta1/namespaces/{ns}/cronjobs/every-minute/"
              "status", "-f", "-", input=json.dumps(cron))
    cause = scene.until("batch", "CronJob", "cronjobs", "every-minute", "misses its schedule",
                        timeout=60)
    assert "too many missed start time (> 100)" in cause
    assert cause.endswith("; it has no startingDeadlineSeconds")


def test_healthy_controls_are_not_flagged(scene: Scene):
    scene.c.wait_for(lambda: scene.c.kubectl("-n", scene.ns, "get", "pod", "healthy", "-o",
                                             "jsonpath={.status.containerStatuses[0].ready}")
                     .stdout == "true", timeout=60, what="the healthy pod ready")
    obj = scene.c.get_json("-n", scene.ns, "pod/healthy")
    report = triage("", "Pod", obj, scene.world(), time.time())
    assert not report.findings and report.healthy.startswith("Running, 1/1 containers ready")
    svc = scene.c.get_json("-n", scene.ns, "service/healthy")
    report = triage("", "Service", svc, scene.world(), time.time())
    assert not report.findings and report.healthy == "1 ready pods behind `app=healthy`"


def test_a_quota_refusing_pods_is_named(local_cluster: LocalCluster, namespace: str):
    """Its own namespace: a ResourceQuota of zero pods would refuse the others' pods too."""
    c = local_cluster
    c.kubectl("-n", namespace, "create", "quota", "no-pods", "--hard=pods=0")
    c.kubectl("-n", namespace, "create", "deployment", "api", "--image=busybox:1.35")
    scene = Scene(c, namespace)
    cause = scene.until("apps", "Deployment", "deployments", "api", "exceeded quota")
    assert cause.startswith("it cannot create pods (quota): pods \"api-")
    assert "no-pods" in cause
