"""The StatefulSet/DaemonSet undo from ControllerRevisions, the dry run's answer in words, and a
drain's progress pod by pod (pure: the drain screen draws what these say). ControllerRevisions
shaped as the 1.20 apiserver stores them (``data`` with ``$patch: replace``), the same on 1.28+.
"""

import pytest

from kubetui.k8s.fixes.drain_state import DrainProgress
from kubetui.k8s.fixes.nodes import EVICT, SKIP, DrainPod
from kubetui.k8s.fixes.plan import dry_run_answer
from kubetui.k8s.fixes.rollout import history, plan_undo, template_diff
from kubetui.k8s.transport.writes import STRATEGIC_MERGE_PATCH


def template(image: str) -> dict:
    return {"metadata": {"labels": {"app": "db"}},
            "spec": {"containers": [{"name": "db", "image": image}]}}


def revision(number: int, image: str, owner: str = "sts-uid") -> dict:
    data = {"spec": {"template": {**template(image), "$patch": "replace"}}}
    return {"metadata": {"name": f"db-{number:04d}", "ownerReferences": [
        {"kind": "StatefulSet", "name": "db", "uid": owner, "controller": True}]},
        "revision": number, "data": data}


def statefulset(image: str) -> dict:
    return {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "shop",
                                                "uid": "sts-uid"},
            "spec": {"template": template(image)}, "status": {"updateRevision": "db-0003"}}


def test_statefulset_undo_sends_the_revision_data_as_kubectl_does():
    found = history([revision(1, "db:1"), revision(3, "db:3"), revision(2, "db:2"),
                     revision(9, "x:9", owner="someone-else")], "sts-uid", "db-0003")
    assert [(r.number, r.current) for r in found] == [(3, True), (2, False), (1, False)]
    assert "$patch" not in found[1].template  # the template as the diff shows it
    fix = plan_undo(statefulset("db:3"), found[1])
    write = fix.writes[0]
    assert (write.method, write.path, write.content_type) == (
        "PATCH", "/apis/apps/v1/namespaces/shop/statefulsets/db", STRATEGIC_MERGE_PATCH)
    assert write.body == revision(2, "db:2")["data"]
    assert fix.kubectl == "kubectl rollout undo statefulset/db --to-revision=2 -n shop"
    assert write.applied(statefulset("db:2")) and not write.applied(statefulset("db:3"))
    diff = template_diff(statefulset("db:3")["spec"]["template"], found[1].template)
    assert "-  - image: db:3\n+  - image: db:2" in diff
    with pytest.raises(ValueError, match="already matches revision 3"):
        plan_undo(statefulset("db:3"), found[0])


def test_daemonset_history_without_an_update_revision_takes_the_newest_as_current():
    found = history([revision(1, "a"), revision(2, "b")], "sts-uid")
    assert [(r.number, r.current) for r in found] == [(2, True), (1, False)]


@pytest.mark.parametrize("method,response,said", [
    ("PATCH", {"kind": "Scale", "spec": {"replicas": 5}}, "accepted: replicas would be 5"),
    ("DELETE", {"kind": "Pod", "metadata": {"name": "p", "deletionTimestamp": "t",
                                            "deletionGracePeriodSeconds": 30}},
     "accepted: it would be deleted, grace 30 s"),
    ("POST", {"kind": "Job", "metadata": {"name": "nightly-manual-1"}},
     "accepted: Job nightly-manual-1 would be created"),
    ("PATCH", {"kind": "Node", "metadata": {"name": "n"}, "spec": {"unschedulable": True}},
     "accepted: unschedulable would be True"),
    ("PATCH", {"kind": "CronJob", "metadata": {"name": "c"}, "spec": {"suspend": False}},
     "accepted: suspend would be False"),
    ("PATCH", {"kind": "Deployment", "metadata": {"name": "web", "generation": 4}},
     "accepted: Deployment web as it would be stored, generation 4"),
    ("POST", {"kind": "Status", "status": "Success"}, "accepted: Success"),
])
def test_the_dry_run_answer_says_what_the_server_would_do(method, response, said):
    assert dry_run_answer(method, response) == said


def test_drain_progress_refusals_retries_and_pods_gone():
    pods = [DrainPod("shop", "web-1", "u1", EVICT, "", ("emptyDir data lost: cache",)),
            DrainPod("shop", "web-2", "u2", EVICT, ""),
            DrainPod("kube-system", "agent-x", "u3", SKIP, "DaemonSet agent pod")]
    progress = DrainProgress("node-1", pods, 100.0)
    progress.cordon = "cordoned"
    assert not progress.done and progress.counts() == {"waiting": 2}
    one, two = progress.pods["u1"], progress.pods["u2"]
    one.state, one.attempts = "evicted", 1
    two.state, two.attempts, two.detail, two.retry_at = "refused", 2, "budget web", 107.0
    assert two.text(104.2) == "refused · attempt 2 · next in 3 s"
    assert two.notes() == ("budget web",)
    assert progress.summary(110.0) == ("node node-1 cordoned · 0/2 pods gone · 1 terminating · "
                                       "1 refused · 10 s")
    lines = {line.name: (line.state, line.notes) for line in progress.lines(110.0)}
    assert list(lines) == ["shop/web-1", "shop/web-2", "kube-system/agent-x"]  # left: last
    assert lines["shop/web-1"] == ("terminating", ("emptyDir data lost: cache",))
    assert lines["kube-system/agent-x"] == ("left", ("DaemonSet agent pod",))
    progress.gone({"u2", "u3"})  # the watch lists web-2 still: web-1 is gone
    assert one.state == "gone" and two.state == "refused"
    two.state = "cancelled"
    progress.cancelled = True
    assert progress.done
    assert progress.summary(120.0).endswith("cancelled: the node stays cordoned")


def test_a_drain_whose_cordon_failed_is_over():
    progress = DrainProgress("node-1", [DrainPod("a", "b", "u", EVICT, "")], 0.0)
    progress.cordon = "failed: forbidden"
    assert progress.done
