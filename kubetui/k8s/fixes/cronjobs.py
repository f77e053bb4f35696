"""CronJob: trigger now (a Job from its template, as ``kubectl create job --from=cronjob/``
builds it), suspend and resume; Job: delete with its pods."""

from __future__ import annotations

import copy
import shlex
import time

from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import MERGE_PATCH, Write

NAME_LIMIT = 52  # a Job's name: its pods carry it in the job-name label (63) with a suffix


def manual_name(cron: str, now: float) -> str:
    """``<cronjob>-manual-<HHMMSS>``: readable, explicit (no generateName: a lost answer is
    checked by name) and within a Job name's length."""
    suffix = "-manual-" + time.strftime("%H%M%S", time.gmtime(now))
    return cron[:NAME_LIMIT - len(suffix)].rstrip("-.") + suffix


def plan_trigger(cron: dict, api: str, now: float, name: str = "") -> Fix:
    """``api``: the CronJob's group version as served ("batch/v1" on 1.21+, else
    "batch/v1beta1"); the Job is batch/v1 on both."""
    meta = mapping(cron.get("metadata"))
    namespace, cron_name = text(meta.get("namespace")), text(meta.get("name"))
    name = name or manual_name(cron_name, now)
    template = copy.deepcopy(mapping(mapping(cron.get("spec")).get("jobTemplate")))
    job_meta = mapping(template.get("metadata"))
    body = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {
        "name": name, "namespace": namespace,
        "labels": dict(mapping(job_meta.get("labels"))),
        "annotations": {**mapping(job_meta.get("annotations")),
                        "cronjob.kubernetes.io/instantiate": "manual"},
        "ownerReferences": [{"apiVersion": api, "kind": "CronJob", "name": cron_name,
                             "uid": text(meta.get("uid")), "controller": True}]},
        "spec": mapping(template.get("spec"))}
    path = namespaced("batch/v1", namespace, "jobs")
    write = Write("POST", path, body, f"create job {namespace}/{name} from cronjob {cron_name}",
                  f"{path}/{name}", lambda obj: obj is not None)
    kubectl = shlex.join(["kubectl", "create", "job", name, f"--from=cronjob/{cron_name}",
                          "-n", namespace])
    return Fix((write,), kubectl, f"run cronjob {cron_name} now, as Job {name}")


def plan_suspend(cron: dict, api: str, suspend: bool) -> Fix:
    meta = mapping(cron.get("metadata"))
    namespace, name = text(meta.get("namespace")), text(meta.get("name"))
    if (mapping(cron.get("spec")).get("suspend") is True) == suspend:
        raise ValueError(f"it is already {'suspended' if suspend else 'running'}")
    body = {"spec": {"suspend": suspend}}
    path = namespaced(api, namespace, "cronjobs", name)
    verb = "suspend" if suspend else "resume"
    write = Write("PATCH", path, body, f"{verb} cronjob {namespace}/{name}", path,
                  lambda obj: (mapping(mapping(obj).get("spec")).get("suspend") is True)
                  == suspend, content_type=MERGE_PATCH)
    kubectl = shlex.join(["kubectl", "patch", "cronjob", name, "-n", namespace, "-p",
                          f'{{"spec":{{"suspend":{str(suspend).lower()}}}}}'])
    what = ("no new Jobs until resumed; running ones go on" if suspend else
            "Jobs start again at the next scheduled time")
    return Fix((write,), kubectl, f"{verb} cronjob {name}: {what}")


def plan_delete_job(job: dict) -> Fix:
    meta = mapping(job.get("metadata"))
    namespace, name, uid = (text(meta.get(k)) for k in ("namespace", "name", "uid"))
    body = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background",
            "preconditions": {"uid": uid}}
    path = namespaced("batch/v1", namespace, "jobs", name)
    write = Write("DELETE", path, body, f"delete job {namespace}/{name} and its pods", path,
                  lambda obj: obj is None or bool(mapping(mapping(obj).get("metadata"))
                                                  .get("deletionTimestamp")))
    kubectl = shlex.join(["kubectl", "delete", "job", name, "-n", namespace,
                          "--cascade=background"])
    return Fix((write,), kubectl, f"delete job {name}; the garbage collector deletes its pods")
