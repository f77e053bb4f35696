"""A workload's triage: its own conditions first (a stalled rollout, a ReplicaSet that cannot
create pods, a Job past its backoff limit), then what its pods say, grouped by cause: "2 of 2
new pods: the image `shop:2.0` does not exist in the registry docker.io".

The pods are the workload's own (by controller uid, a Deployment's through its ReplicaSets,
``World.owned``), each triaged as ``pods.triage_pod`` does, with its own events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from kubetui.k8s.kinds.rich import condition, count, revision_of
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.evidence import event_evidence, first_line, latest
from kubetui.k8s.triage.findings import (
    CRITICAL,
    INFO,
    OWNER,
    PODS,
    PROBES,
    RANK,
    RESTART,
    RESUME,
    TRIGGER,
    UNDO,
    WARNING,
    Evidence,
    Finding,
    Report,
    Step,
    ordered,
)
from kubetui.k8s.triage.messages import exit_meaning
from kubetui.k8s.triage.pods import pod_report
from kubetui.k8s.triage.world import World


def pods_cause(pods: Sequence[dict], world: World, now: float, which: str = "pods",
               counted: bool = True) -> Finding | None:
    """The worst cause among ``pods``, with how many of them share it (``counted``)."""
    causes: list[Finding] = []
    for pod in pods:
        report = pod_report(pod, world, now)
        if report.findings:
            first = report.findings[0]
            causes.append(Finding(first.severity, first.check, first.cause, first.evidence,
                                  first.steps, about=report.subject))
    if not causes:
        return None
    # the worst; among equals the cause most of them share, then the first pod by name (not
    # the order the pods were listed in: the overview must say the same after any history)
    shared = Counter(f.cause for f in causes)
    worst = min(causes, key=lambda f: (RANK.get(f.severity, 3), -shared[f.cause], f.about))
    same = shared[worst.cause]
    steps = tuple(s for s in worst.steps if s.action != OWNER)  # the owner is the subject
    said = f"{same} of {len(pods)} {which}: {worst.cause}" if counted else worst.cause
    return Finding(worst.severity, worst.check, said, worst.evidence,
                   (*steps, Step(PODS, f"the {which}")), about=worst.about)


#: the probes whose failure restarts a container: a rollout restart clears their back-off too
RESTARTING_PROBES = ("liveness", "startup")


def _with(finding: Finding, *steps: Step | None) -> Finding:
    """The finding with the fixes it offers besides its own steps."""
    more = tuple(s for s in steps if s is not None)
    return replace(finding, steps=(*finding.steps, *more)) if more else finding


def _restart(cause: Finding | None) -> Step | None:
    """A rollout restart, for pods in a restart loop (a crash, a liveness or startup probe
    that fails): new pods start at once, not after the back-off, once what they waited for is
    back. Not for a pod that is only unready (its readiness probe): a restart would take the
    ready replicas down as well, and the kubelet keeps probing the unready one anyway."""
    if cause is None:
        return None
    looping = cause.check == "crashes" or (cause.check == "probes" and any(
        s.action == PROBES and s.probe in RESTARTING_PROBES for s in cause.steps))
    return Step(RESTART, "restart it (new pods, no back-off)") if looping else None


def _set_undo(kind: str, meta: dict, status: dict) -> Step | None:
    """A StatefulSet's or DaemonSet's rollback, while an update is under way (its pods run two
    revisions): the one before is what the pods still running well have."""
    if kind == "StatefulSet":
        current, update = text(status.get("currentRevision")), text(status.get("updateRevision"))
        if current and update and current != update:
            return Step(UNDO, f"roll back to {current} (the revision before {update})")
    elif kind == "DaemonSet" and count(meta.get("generation")) > 1 and count(
            status.get("updatedNumberScheduled")) < count(status.get("desiredNumberScheduled")):
        return Step(UNDO, "roll back to the previous revision")
    return None


def _failed_create(obj: dict, world: World, now: float, kind: str = "") -> Finding | None:
    """``kind``: the object's (a ReplicaSet in a list has no ``kind`` field of its own)."""
    status = mapping(obj.get("status"))
    failure = condition(status, "ReplicaFailure")
    event = latest(world.events_of(obj, kind), "FailedCreate")
    if text(failure.get("status")) != "True" and event is None:
        return None
    message = text(failure.get("message")) or (event.message if event else "")
    what = "quota" if "exceeded quota" in message else "admission" if (
        "admission webhook" in message or "denied the request" in message) else ""
    cause = f"it cannot create pods ({what}): {message}" if what else \
        f"it cannot create pods: {message}"
    return Finding(CRITICAL, "workloads", cause,
                   (event_evidence(event, now),) if event else
                   (Evidence("condition ReplicaFailure", message),))


def triage_deployment(dep: dict, world: World, now: float) -> Report:
    meta, spec, status = (mapping(dep.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"deployment {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    own = world.owned(text(meta.get("uid")))
    # the highest revision (two with one revision, by hand: the newest, then by name)
    newest = max(own, key=lambda rs: (revision_of(mapping(rs.get("metadata"))), text(mapping(
        rs.get("metadata")).get("creationTimestamp")), text(mapping(rs.get("metadata")).get(
            "name"))), default=None)
    new_pods = world.owned(text(mapping(newest.get("metadata")).get("uid"))) if newest else []
    all_pods = [p for rs in own for p in world.owned(text(mapping(rs.get("metadata"))
                                                          .get("uid")))]
    desired = count(spec.get("replicas")) if "replicas" in spec else 1
    available = count(status.get("availableReplicas"))
    revision = revision_of(meta)
    # kubectl rollout undo's default: the highest revision below the current one
    previous = max((r for r in (revision_of(mapping(rs.get("metadata"))) for rs in own)
                    if 0 < r < revision), default=0)
    progressing = condition(status, "Progressing")
    rolling = text(progressing.get("reason")) != "NewReplicaSetAvailable" or any(
        count(mapping(rs.get("status")).get("replicas")) for rs in own if rs is not newest)
    findings: list[Finding] = []
    for rs in [newest] if newest else []:
        failed = _failed_create(rs, world, now, "ReplicaSet")
        if failed is not None:
            findings.append(failed)
    new_cause = pods_cause(new_pods, world, now, "new pods")
    stalled = progressing.get("reason") == "ProgressDeadlineExceeded"
    # a rollout that fails goes back; pods that fail at a settled revision start again
    undo = Step(UNDO, f"roll back to revision {previous}") if previous and (
        stalled or (new_cause is not None and rolling)) else None
    if stalled:
        why = f": {new_cause.cause}" if new_cause else ""
        findings.append(Finding(
            CRITICAL, "workloads", f"the rollout to revision {revision} is stalled "
            f"(ProgressDeadlineExceeded){why}",
            (Evidence("condition Progressing", text(progressing.get("message"))),
             *(new_cause.evidence if new_cause else ())),
            (*(new_cause.steps if new_cause else ()), *((undo,) if undo else ())),
            about=new_cause.about if new_cause else ""))
    elif new_cause is not None:
        findings.append(_with(new_cause, undo or _restart(new_cause)))
    if spec.get("paused") is True:
        findings.append(Finding(INFO, "workloads", "its rollout is paused (kubectl rollout "
                                "resume goes on)"))
    if available < desired and not findings:
        cause = pods_cause(all_pods, world, now)
        findings.append(_with(cause, _restart(cause)) if cause else Finding(
            WARNING, "workloads", f"{desired - available} of {desired} replicas are unavailable"))
    if findings:
        return Report(subject, ordered(findings), checked=("rollout", "replicasets", "pods"))
    return Report(subject, healthy=f"complete: {available}/{desired} available at revision "
                  f"{revision}", checked=("rollout", "replicasets", "pods"))


def triage_pod_owner(obj: dict, world: World, now: float) -> Report:
    """A ReplicaSet, StatefulSet or DaemonSet: its own failures, then its pods'."""
    meta, spec, status = (mapping(obj.get(k)) for k in ("metadata", "spec", "status"))
    kind = text(obj.get("kind")) or "object"
    subject = f"{kind.lower()} {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    own = world.owned(text(meta.get("uid")))
    findings: list[Finding] = []
    failed = _failed_create(obj, world, now)
    if failed is not None:
        findings.append(failed)
    misscheduled = count(status.get("numberMisscheduled"))
    if misscheduled:
        findings.append(Finding(WARNING, "workloads", f"{misscheduled} of its pods run on nodes "
                                "its selector or tolerations no longer allow"))
    if kind == "StatefulSet":  # the lowest unready replica: the next ones wait on it
        stuck = [p for p in sorted(own, key=lambda p: text(mapping(p.get("metadata"))
                                                            .get("name"))) if not is_ready(p)]
        cause = pods_cause(stuck[:1], world, now, counted=False)
        if cause is not None:
            name = text(mapping(stuck[0].get("metadata")).get("name"))
            cause = Finding(cause.severity, cause.check, f"replica {name} is stuck: "
                            f"{cause.cause}", cause.evidence, cause.steps, about=cause.about)
    else:
        cause = pods_cause(own, world, now)
    if cause is not None and kind in ("StatefulSet", "DaemonSet"):
        cause = _with(cause, _set_undo(kind, meta, status) or _restart(cause))
    if cause is not None:
        findings.append(cause)
    if findings:
        return Report(subject, ordered(findings), checked=("controller", "pods"))
    ready = count(status.get("readyReplicas")) or count(status.get("numberReady"))
    wanted = count(spec.get("replicas")) if "replicas" in spec else \
        count(status.get("desiredNumberScheduled"))
    if ready < wanted:
        return Report(subject, (Finding(WARNING, "workloads", f"{ready}/{wanted} ready, and its "
                                        "pods name no cause yet"),))
    return Report(subject, healthy=f"{ready}/{wanted} ready", checked=("controller", "pods"))


def is_ready(pod: dict) -> bool:
    return any(mapping(c).get("type") == "Ready" and mapping(c).get("status") == "True"
               for c in mapping(pod.get("status")).get("conditions") or ())


def triage_job(job: dict, world: World, now: float) -> Report:
    meta, spec, status = (mapping(job.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"job {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    own = world.owned(text(meta.get("uid")))
    failed = condition(status, "Failed")
    if text(failed.get("status")) == "True":
        reason = text(failed.get("reason"))
        codes = Counter(_exit_code(p) for p in own if _exit_code(p) is not None)
        said = ""
        if codes:
            code, n = codes.most_common(1)[0]
            said = f"; {n} of its pods: {exit_meaning(code)}"
        if reason == "DeadlineExceeded":
            cause = (f"it ran past its activeDeadlineSeconds "
                     f"({text(spec.get('activeDeadlineSeconds'))}s) and was stopped{said}")
        else:
            cause = (f"it failed ({reason or 'Failed'}): {count(status.get('failed'))} pods "
                     f"failed, its backoffLimit is {count(spec.get('backoffLimit'))}{said}")
        steps = ()
        worst = next((p for p in own if _exit_code(p) not in (None, 0)), None)
        if worst is not None:
            name = text(mapping(worst.get("metadata")).get("name"))
            steps = (Step(PODS, f"its pods ({name} failed)"),)
        return Report(subject, (Finding(CRITICAL, "workloads", cause,
                                        (Evidence("condition Failed",
                                                  text(failed.get("message"))),), steps),))
    if text(condition(status, "Complete").get("status")) == "True":
        return Report(subject, healthy=f"complete: {count(status.get('succeeded'))} succeeded")
    if spec.get("suspend") is True:
        return Report(subject, (Finding(INFO, "workloads", "it is suspended"),))
    cause = pods_cause(own, world, now)
    if cause is not None:
        return Report(subject, (cause,))
    return Report(subject, healthy=f"running: {count(status.get('active'))} active")


def _exit_code(pod: dict) -> int | None:
    for cs in mapping(pod.get("status")).get("containerStatuses") or ():
        term = mapping(mapping(mapping(cs).get("state")).get("terminated"))
        if isinstance(term.get("exitCode"), int):
            return term["exitCode"]
    return None


#: the CronJob controller's events when it gives up on start times: 1.20's (FailedNeedsStart,
#: "Cannot determine if job needs to be started: too many missed start time (> 100)...") and
#: the batch/v1 controller's of 1.21+ (TooManyMissedTimes, "too many missed start times: N...")
MISSED_START = ("FailedNeedsStart", "TooManyMissedTimes")


def triage_cronjob(cron: dict, world: World, now: float) -> Report:
    meta, spec, status = (mapping(cron.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"cronjob {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    findings = []
    if spec.get("suspend") is True:
        findings.append(Finding(WARNING, "workloads", "it is suspended: no new Jobs are made "
                                f"(schedule {text(spec.get('schedule'))})",
                                steps=(Step(RESUME, "resume it"),)))
    missed = latest(world.events_of(cron, "CronJob"), *MISSED_START)
    if missed is not None:
        deadline = spec.get("startingDeadlineSeconds")
        findings.append(Finding(
            CRITICAL, "workloads", "it misses its schedule: the controller will not start "
            f"Jobs ({first_line(missed.message)})" + (
                "" if deadline is not None else "; it has no startingDeadlineSeconds"),
            (event_evidence(missed, now),), (Step(TRIGGER, "run a Job now"),)))
    own = world.owned(text(meta.get("uid")))
    last = max(own, key=lambda j: text(mapping(j.get("metadata")).get("creationTimestamp")),
               default=None)
    if last is not None and text(condition(mapping(last.get("status")), "Failed")
                                 .get("status")) == "True":
        name = text(mapping(last.get("metadata")).get("name"))
        reason = text(condition(mapping(last.get("status")), "Failed").get("reason"))
        findings.append(Finding(CRITICAL, "workloads", f"its latest Job {name} failed "
                                f"({reason or 'Failed'})", steps=(Step(PODS, "its Jobs"),)))
    if findings:
        return Report(subject, ordered(findings))
    when = text(status.get("lastScheduleTime")) or "never yet"
    return Report(subject, healthy=f"schedule {text(spec.get('schedule'))}, last run {when}")
