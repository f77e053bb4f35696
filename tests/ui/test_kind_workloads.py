"""Workload rows from objects the local cluster really runs: a Job that fails to its backoff
limit, a StatefulSet whose second replica never gets ready, a DaemonSet on the one node. The
words and colours come from each object's status as the controllers write it."""

from __future__ import annotations

import json
from dataclasses import replace

from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, until
from tests.ui.test_kind_routes import open_kind
from tests.ui.test_kind_views import cell

SLEEPER = {"name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
           "command": ["sh", "-c", "exec sleep 100000"]}


def workloads(namespace: str) -> list[dict]:
    labels = {"matchLabels": {"app": "ledger"}}
    return [
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "report"},
         "spec": {"backoffLimit": 0, "template": {"spec": {
             "restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
             "containers": [{"name": "report", "image": "busybox:1.35",
                             "imagePullPolicy": "IfNotPresent",
                             "command": ["sh", "-c", "exit 3"]}]}}}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ledger"},
         "spec": {"serviceName": "ledger", "replicas": 2, "selector": labels,
                  "template": {"metadata": {"labels": {"app": "ledger"}}, "spec": {
                      "terminationGracePeriodSeconds": 0,
                      "containers": [{**SLEEPER, "readinessProbe": {
                          "exec": {"command": ["sh", "-c", 'test "$(hostname)" != ledger-1']},
                          "periodSeconds": 2}}]}}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
         "spec": {"selector": {"matchLabels": {"app": "agent"}},
                  "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {
                      "terminationGracePeriodSeconds": 0, "tolerations": [
                          {"operator": "Exists"}],
                      "containers": [SLEEPER]}}}},
    ]


async def test_failed_job_unready_statefulset_and_a_daemonset(local_cluster: LocalCluster,
                                                              namespace: str):
    c = local_cluster
    for obj in workloads(namespace):
        c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(obj))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        jobs = await open_kind(pilot, app, "job")

        def job_row():
            return next(iter(jobs.pane.table.rows.values()))
        await until(pilot, lambda: cell(jobs.pane, job_row(), "CONDITION")
                    == "Failed: BackoffLimitExceeded", timeout=90, what="the job failed")
        assert cell(jobs.pane, job_row(), "FAILED") == "1"
        assert cell(jobs.pane, job_row(), "ACTIVE") == "0"
        assert jobs.pane.style_of(job_row()) == "pod-failed"

        sets = await open_kind(pilot, app, "sts")

        def words() -> str:
            return cell(sets.pane, next(iter(sets.pane.table.rows.values())), "ROLLOUT")
        await until(pilot, lambda: words() == "1/2 ready", timeout=120,
                    what="ledger-0 ready, ledger-1 never")
        row = next(iter(sets.pane.table.rows.values()))
        assert cell(sets.pane, row, "UPDATED") == "2/2"
        assert sets.pane.style_of(row) == "pod-pending"

        daemons = await open_kind(pilot, app, "ds")

        def daemon():
            return next(iter(daemons.pane.table.rows.values()))
        await until(pilot, lambda: cell(daemons.pane, daemon(), "ROLLOUT") == "complete",
                    timeout=90, what="the daemon on the node")
        assert cell(daemons.pane, daemon(), "MISSCHEDULED") == "0"
        assert cell(daemons.pane, daemon(), "DESIRED") == "1"
        assert isinstance(app.screen, KindScreen)
    await app.cluster.close()


async def test_enter_on_a_row_drawn_before_its_object_waits_for_it(local_cluster: LocalCluster,
                                                                   namespace: str):
    """A ReplicaSet view draws its rows from the server's cells before the objects arrive
    (``watch/joined.py``): such a row has no uid yet, so enter says so instead of opening the
    pods of an owner it cannot name."""
    c = local_cluster
    c.kubectl("-n", namespace, "create", "deployment", "web", "--image=busybox:1.35",
              "--replicas=0")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.synced, what="the pods listed")
        view = await open_kind(pilot, app, "rs")
        row = next(iter(view.pane.table.rows.values()))
        assert row.uid and row.key == f"{namespace}/{row.name}"  # keyed by name, object read
        early = replace(row, uid="", owners=())
        view.pane.table.apply({early.key: early})
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: any("still being read" in n.message
                                       for n in app._notifications), what="the notice")
        assert app.screen is view  # nothing opened
        view.pane.table.apply({row.key: row})
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not view, what="its pods")
