"""What the workload kinds' Tables leave out: the rollout in words, revisions, failures.

The rollout words follow ``kubectl rollout status`` (``polymorphichelpers/rollout_status.go``):
a Deployment is stalled once its Progressing condition says ``ProgressDeadlineExceeded``, rolling
out while new replicas are not all updated and available, complete after; the controller has not
seen the latest spec while ``observedGeneration < generation``. A paused Deployment says so first.
"""

from __future__ import annotations

from typing import Any, TypedDict

from kubetui.k8s.kinds.rich import Facts, condition, count, revision_of, rich
from kubetui.k8s.kinds.table import ColumnDef
from kubetui.k8s.transport.shapes import mapping, text

RUNNING, PENDING, FAILED, SUCCEEDED = "running", "pending", "failed", "succeeded"
WAITING = "waiting for the controller"
ROLLOUT = ColumnDef("Rollout", width=len("rolling: 10/10 updated"),
                    description="the rollout, as kubectl rollout status says it")
REV = ColumnDef("Rev", type="integer",
                description="deployment.kubernetes.io/revision: the rollout's revision")
# A ReplicaSet's: "3 current" on the newest of its Deployment's sets (``kind_pane.py``).
SET_REV = ColumnDef("Rev", type="integer", width=len("10 current"),
                    description="its revision; current: the newest of its Deployment's sets")


class _Spec(TypedDict, total=False):
    replicas: int
    paused: bool
    suspend: bool
    updateStrategy: dict[str, Any]


class _Status(TypedDict, total=False):
    observedGeneration: int
    replicas: int
    updatedReplicas: int
    readyReplicas: int
    availableReplicas: int
    currentReplicas: int
    currentRevision: str
    updateRevision: str
    conditions: list[dict[str, Any]]
    desiredNumberScheduled: int
    updatedNumberScheduled: int
    numberAvailable: int
    numberMisscheduled: int
    active: int
    failed: int
    succeeded: int


class WorkloadFields(TypedDict, total=False):
    spec: _Spec
    status: _Status


def _parts(obj: dict) -> tuple[dict, dict, dict]:
    return mapping(obj.get("metadata")), mapping(obj.get("spec")), mapping(obj.get("status"))


def _unobserved(meta: dict, status: dict) -> bool:
    return count(status.get("observedGeneration")) < count(meta.get("generation"))


@rich("apps", "Deployment", (ROLLOUT, REV), WorkloadFields)
def deployment_facts(obj: dict) -> Facts:
    meta, spec, status = _parts(obj)
    revision = revision_of(meta)
    desired = count(spec.get("replicas")) if "replicas" in spec else 1
    updated, total = count(status.get("updatedReplicas")), count(status.get("replicas"))
    available = count(status.get("availableReplicas"))
    progressing = condition(status, "Progressing")
    if spec.get("paused") is True:
        words, health = f"paused: {updated}/{desired} updated", PENDING
    elif _unobserved(meta, status):
        words, health = WAITING, PENDING
    elif progressing.get("reason") == "ProgressDeadlineExceeded":
        words, health = (f"stalled: {updated}/{desired} updated, {available} available "
                         "(ProgressDeadlineExceeded)"), FAILED
    elif updated < desired:
        words, health = f"rolling: {updated}/{desired} updated", PENDING
    elif total > updated:
        words, health = f"rolling: {total - updated} old terminating", PENDING
    elif available < updated:
        words, health = f"rolling: {available}/{updated} available", PENDING
    else:
        words, health = "complete", RUNNING
    return Facts((words, str(revision or "")), health, revision)


@rich("apps", "ReplicaSet", (SET_REV,), WorkloadFields)
def replica_set_facts(obj: dict) -> Facts:
    meta, spec, status = _parts(obj)
    revision = revision_of(meta)
    desired = count(spec.get("replicas")) if "replicas" in spec else 1
    ready = count(status.get("readyReplicas"))
    health = SUCCEEDED if desired == 0 else RUNNING if ready >= desired else PENDING
    return Facts((str(revision or ""),), health, revision)


@rich("apps", "StatefulSet", (ColumnDef("Updated"), ROLLOUT), WorkloadFields)
def stateful_set_facts(obj: dict) -> Facts:
    meta, spec, status = _parts(obj)
    desired = count(spec.get("replicas")) if "replicas" in spec else 1
    updated, ready = count(status.get("updatedReplicas")), count(status.get("readyReplicas"))
    strategy = text(mapping(spec.get("updateStrategy")).get("type")) or "RollingUpdate"
    current, update = status.get("currentRevision"), status.get("updateRevision")
    if _unobserved(meta, status):
        words, health = WAITING, PENDING
    elif updated < desired and strategy == "OnDelete":
        words, health = f"OnDelete: {updated}/{desired} updated (delete pods to go on)", PENDING
    elif updated < desired:
        words, health = f"rolling: {updated}/{desired} updated", PENDING
    elif ready < desired:
        words, health = f"{ready}/{desired} ready", PENDING
    elif current and update and current != update:
        words, health = "rolling: finishing", PENDING
    else:
        words, health = "complete", RUNNING
    return Facts((f"{updated}/{desired}", words), health)


@rich("apps", "DaemonSet", (ColumnDef("Misscheduled", type="integer"), ROLLOUT),
      WorkloadFields)
def daemon_set_facts(obj: dict) -> Facts:
    meta, _spec, status = _parts(obj)
    desired = count(status.get("desiredNumberScheduled"))
    updated = count(status.get("updatedNumberScheduled"))
    available = count(status.get("numberAvailable"))
    misscheduled = count(status.get("numberMisscheduled"))
    if _unobserved(meta, status):
        words, health = WAITING, PENDING
    elif updated < desired:
        words, health = f"rolling: {updated}/{desired} updated", PENDING
    elif available < desired:
        words, health = f"{available}/{desired} available", PENDING
    elif misscheduled:
        words, health = f"{misscheduled} on nodes it should not run on", FAILED
    else:
        words, health = "complete", RUNNING
    return Facts((str(misscheduled), words), health)


@rich("batch", "Job", (ColumnDef("Active", type="integer"), ColumnDef("Failed", type="integer"),
                       ColumnDef("Condition", width=20)), WorkloadFields)
def job_facts(obj: dict) -> Facts:
    _meta, spec, status = _parts(obj)
    active, failed = count(status.get("active")), count(status.get("failed"))
    done, broken = condition(status, "Complete"), condition(status, "Failed")
    if done.get("status") == "True":
        words, health = "Complete", SUCCEEDED
    elif broken.get("status") == "True":
        reason = text(broken.get("reason"))
        words, health = f"Failed: {reason}" if reason else "Failed", FAILED
    elif spec.get("suspend") is True:
        words, health = "Suspended", PENDING
    elif active:
        words = f"Running ({failed} failed)" if failed else "Running"
        health = PENDING if failed else RUNNING
    else:
        words, health = "Pending", PENDING
    return Facts((str(active), str(failed), words), health)
