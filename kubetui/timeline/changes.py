"""What changed on an object the user touched or opened, in words: pure, from two versions.

The timeline follows those objects with watches (``flows/followed.py``) and records what a
postmortem needs to read next to the actions: a pod's status and readiness, each restart with
how the container ended, a rollout's progress and revision, a Job's outcome, a node going
NotReady or cordoned, a claim bound. A version that changes nothing of that (a heartbeat, a
label) says nothing, so the record stays short however busy the object is.

Warning events about the object are told on first sight, and again only when their count has
doubled since last told (2, 4, 8...): a back-off repeating all afternoon is a handful of lines.
"""

from __future__ import annotations

from typing import Any

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pods import pod_status
from kubetui.k8s.kinds.rich import condition, count, revision_of, rich_for
from kubetui.k8s.transport.shapes import SHAPE_ERRORS, mapping, text

# The kinds the timeline follows (plural: group, kind). Others are recorded as looked at
# but not followed: ConfigMaps and Secrets have no status, and a Secret is never held whole.
FOLLOWED: dict[str, tuple[str, str]] = {
    "pods": ("", "Pod"), "deployments": ("apps", "Deployment"),
    "replicasets": ("apps", "ReplicaSet"), "statefulsets": ("apps", "StatefulSet"),
    "daemonsets": ("apps", "DaemonSet"), "jobs": ("batch", "Job"),
    "cronjobs": ("batch", "CronJob"), "nodes": ("", "Node"),
    "persistentvolumeclaims": ("", "PersistentVolumeClaim"),
}
PRESSURE = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")


def changes(kind: str, before: dict, after: dict) -> list[str]:
    """What ``after`` says that ``before`` did not, one phrase each; [] when nothing of note.
    A field of an unexpected shape is read as absent (a change is never worth a traceback)."""
    try:
        return _CHANGES.get(kind, _conditions)(before, after)
    except SHAPE_ERRORS:
        return []


def recreated(kind: str, after: dict) -> str:
    """An object of the same name, created again (a StatefulSet's pod, a pod deleted and
    applied anew): said with what it is now."""
    if kind == "Pod":
        status, ready, total, _restarts, _last = pod_status(after)
        return f"created again: {status}, ready {ready}/{total}"
    return "created again"


def _pod(before: dict, after: dict) -> list[str]:
    out = []
    was, now = pod_status(before), pod_status(after)
    if was[0] != now[0]:
        out.append(f"status {was[0]} → {now[0]}")
    if (was[1], was[2]) != (now[1], now[2]):
        out.append(f"ready {was[1]}/{was[2]} → {now[1]}/{now[2]}")
    node = text(mapping(after.get("spec")).get("nodeName"))
    if node and node != text(mapping(before.get("spec")).get("nodeName")):
        out.append(f"scheduled on node {node}")
    restarts = _restart_counts(before)
    for cs in _container_statuses(after):
        name, restarted = text(cs.get("name")), count(cs.get("restartCount"))
        if restarted > restarts.get(name, restarted):
            out.append(f"container {name} restarted (restart {restarted}): {_ended(cs)}")
    return out


def _container_statuses(pod: dict) -> list[dict]:
    status = mapping(pod.get("status"))
    return [cs for key in ("initContainerStatuses", "containerStatuses")
            for cs in status.get(key) or () if isinstance(cs, dict)]


def _restart_counts(pod: dict) -> dict[str, int]:
    return {text(cs.get("name")): count(cs.get("restartCount"))
            for cs in _container_statuses(pod)}


def _ended(cs: dict) -> str:
    """How the instance before this one ended: the reason and exit code (or signal)."""
    term = mapping(mapping(cs.get("lastState")).get("terminated"))
    if not term:
        return "how it ended is not known"
    code = f"signal {term['signal']}" if term.get("signal") else \
        f"exit code {count(term.get('exitCode'))}"
    reason = text(term.get("reason"))
    return f"{reason}, {code}" if reason else code


def _facts_kind(kind: str, group: str):
    """A workload's: the replicas asked for, a Deployment's revision, and the rollout's (or
    the Job's) state in the words of its view's column (``k8s/kinds/workloads.py``)."""
    words = 0 if kind == "Deployment" else -1  # where the words are among the facts' cells

    def compare(before: dict, after: dict) -> list[str]:
        found = rich_for(group, kind)
        assert found is not None
        was, now = found.facts(before), found.facts(after)
        out = []
        desired = _desired(before), _desired(after)
        if desired[0] != desired[1] and None not in desired:
            out.append(f"replicas {desired[0]} → {desired[1]}")
        old_rev, new_rev = revision_of(mapping(before.get("metadata"))), \
            revision_of(mapping(after.get("metadata")))
        if kind == "Deployment" and new_rev and old_rev != new_rev:
            out.append(f"revision {old_rev or '?'} → {new_rev}")
        if kind == "ReplicaSet":
            out += _ready_counts(before, after)
        elif was.cells[words] != now.cells[words]:
            out.append(f"{'rollout' if kind != 'Job' else 'job'}: {now.cells[words]}")
        return out
    return compare


def _desired(obj: dict) -> int | None:
    spec = mapping(obj.get("spec"))
    if "replicas" not in spec:
        return None
    return count(spec.get("replicas"))


def _ready_counts(before: dict, after: dict) -> list[str]:
    def ready(obj: dict) -> tuple[int, int]:
        return count(mapping(obj.get("status")).get("readyReplicas")), _desired(obj) or 0
    was, now = ready(before), ready(after)
    return [f"ready {was[0]}/{was[1]} → {now[0]}/{now[1]}"] if was != now else []


def _cron_job(before: dict, after: dict) -> list[str]:
    out = []
    spec_was, spec_now = mapping(before.get("spec")), mapping(after.get("spec"))
    if bool(spec_was.get("suspend")) != bool(spec_now.get("suspend")):
        out.append("suspended" if spec_now.get("suspend") else "resumed")
    was, now = mapping(before.get("status")), mapping(after.get("status"))
    if now.get("lastScheduleTime") and now.get("lastScheduleTime") != was.get(
            "lastScheduleTime"):
        out.append(f"scheduled a job ({text(now.get('lastScheduleTime'))})")
    return out


def _node(before: dict, after: dict) -> list[str]:
    out = []
    if bool(mapping(before.get("spec")).get("unschedulable")) != \
            bool(mapping(after.get("spec")).get("unschedulable")):
        out.append("cordoned" if mapping(after.get("spec")).get("unschedulable")
                   else "uncordoned")
    return out + _conditions(before, after, ("Ready", *PRESSURE))


def _claim(before: dict, after: dict) -> list[str]:
    out = []
    was, now = mapping(before.get("status")), mapping(after.get("status"))
    if text(was.get("phase")) != text(now.get("phase")):
        out.append(f"phase {text(was.get('phase')) or '?'} → {text(now.get('phase'))}")
    size_was = text(mapping(was.get("capacity")).get("storage"))
    size_now = text(mapping(now.get("capacity")).get("storage"))
    if size_was and size_now and size_was != size_now:
        out.append(f"capacity {size_was} → {size_now}")
    return out + _conditions(before, after)


def _conditions(before: dict, after: dict, types: tuple[str, ...] = ()) -> list[str]:
    """Each condition whose status changed (or that appeared), with its reason and message."""
    was_status, now_status = mapping(before.get("status")), mapping(after.get("status"))
    out = []
    for c in now_status.get("conditions") or ():
        if not isinstance(c, dict) or (types and c.get("type") not in types):
            continue
        old = condition(was_status, text(c.get("type")))
        if old.get("status") == c.get("status"):
            continue
        why = ": ".join(p for p in (text(c.get("reason")), text(c.get("message"))) if p)
        out.append(f"{text(c.get('type'))} {text(old.get('status')) or 'unset'} → "
                   f"{text(c.get('status'))}" + (f" ({why})" if why else ""))
    return out


_CHANGES: dict[str, Any] = {
    "Pod": _pod, "Deployment": _facts_kind("Deployment", "apps"),
    "ReplicaSet": _facts_kind("ReplicaSet", "apps"),
    "StatefulSet": _facts_kind("StatefulSet", "apps"),
    "DaemonSet": _facts_kind("DaemonSet", "apps"), "Job": _facts_kind("Job", "batch"),
    "CronJob": _cron_job, "Node": _node, "PersistentVolumeClaim": _claim,
}


def warning_news(event: EventRow, told: int) -> str:
    """A warning about a followed object, if it is news: its first sight (``told`` 0), or a
    count at least twice the one last told. "" when it is not."""
    if not event.is_warning or event.count <= 0:
        return ""
    if told == 0:
        times = f" (×{event.count})" if event.count > 1 else ""
        return f"warning {event.reason}{times}: {event.full_message or event.message}"
    if event.count >= 2 * told:
        return f"warning {event.reason} again: ×{event.count}"
    return ""
