"""The fix actions' request builders: the exact request, the kubectl equivalent, the warnings,
and how a lost answer is checked (``applied``). Objects shaped as the 1.20 apiserver writes
them; the builders are the same for 1.28+ (only the Eviction and CronJob group versions
differ, passed in from discovery)."""

import pytest

from kubetui.k8s.fixes.cronjobs import manual_name, plan_delete_job, plan_suspend, plan_trigger
from kubetui.k8s.fixes.nodes import EVICT, SKIP, plan_cordon, plan_drain, sort_pods
from kubetui.k8s.fixes.pods import FORCE_WARNING, PodRef, plan_delete_pods
from kubetui.k8s.fixes.rollout import (
    RESTARTED_AT,
    plan_restart,
    plan_undo,
    revisions,
    template_diff,
)
from kubetui.k8s.fixes.scale import autoscaler_of, plan_scale
from kubetui.k8s.transport.writes import (
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    dry_run,
)

NOW = 1_765_000_000.0  # 2025-12-06T05:46:40Z


def pod(name: str, owner: tuple[str, str] | None = ("ReplicaSet", "web-5d9c"), **spec) -> dict:
    meta: dict = {"name": name, "namespace": "shop", "uid": f"uid-{name}"}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0],
                                    "name": owner[1], "uid": "o1", "controller": True}]
    return {"metadata": meta, "spec": {"containers": [{"name": "app"}], **spec},
            "status": {"phase": "Running"}}


def test_delete_pods_graceful_forced_and_several():
    one = plan_delete_pods([PodRef.of(pod("web-1", terminationGracePeriodSeconds=45))])
    write = one.writes[0]
    assert (write.method, write.path) == ("DELETE", "/api/v1/namespaces/shop/pods/web-1")
    assert write.body == {"apiVersion": "v1", "kind": "DeleteOptions",
                          "preconditions": {"uid": "uid-web-1"}}
    assert one.kubectl == "kubectl delete pod web-1 -n shop"
    assert one.summary == "delete pod shop/web-1, each with its own grace period"
    assert one.warnings == ("1 of them will be replaced by their controller "
                            "(ReplicaSet web-5d9c)",)
    assert write.applied(None) and not write.applied(pod("web-1"))
    assert write.applied({"metadata": {"uid": "another"}})  # recreated: ours is gone
    forced = plan_delete_pods([PodRef.of(pod("web-1")), PodRef.of(pod("bare", None))],
                              force=True)
    assert [w.body["gracePeriodSeconds"] for w in forced.writes] == [0, 0]
    assert forced.kubectl == "kubectl delete pod web-1 bare -n shop --grace-period=0 --force"
    assert forced.warnings[0] == FORCE_WARNING
    assert forced.warnings[2] == "1 of them has no controller: gone for good"
    timed = plan_delete_pods([PodRef.of(pod("web-1"))], grace=5)
    assert timed.writes[0].body["gracePeriodSeconds"] == 5
    assert timed.kubectl.endswith("--grace-period=5")
    with pytest.raises(ValueError, match="0 or more"):
        plan_delete_pods([PodRef.of(pod("web-1"))], grace=-1)
    with pytest.raises(ValueError, match="no pod"):
        plan_delete_pods([])


def test_the_dry_run_is_the_same_request_storing_nothing():
    write = plan_delete_pods([PodRef.of(pod("web-1"))]).writes[0]
    assert dry_run(write).path == "/api/v1/namespaces/shop/pods/web-1?dryRun=All"
    # a DELETE with a body takes its options from the body only: dryRun must be there too
    assert dry_run(write).body == {**write.body, "dryRun": ["All"]}
    assert "dryRun" not in write.body  # the real delete is untouched
    eviction = plan_drain("node-1", [pod("web-1")], "policy/v1").writes[1]
    assert dry_run(eviction).body["deleteOptions"] == {"dryRun": ["All"]}
    assert dry_run(eviction).path.endswith("/pods/web-1/eviction?dryRun=All")
    scale = plan_scale("Deployment", "shop", "web", 1, 3).writes[0]
    assert dry_run(scale).path.endswith("/deployments/web/scale?dryRun=All")


def test_rollout_restart_as_kubectl_sends_it():
    fix = plan_restart("StatefulSet", "shop", "ledger", NOW)
    write = fix.writes[0]
    assert write.path == "/apis/apps/v1/namespaces/shop/statefulsets/ledger"
    assert write.content_type == STRATEGIC_MERGE_PATCH
    assert write.body == {"spec": {"template": {"metadata": {"annotations": {
        RESTARTED_AT: "2025-12-06T05:46:40Z"}}}}}
    assert fix.kubectl == "kubectl rollout restart statefulset/ledger -n shop"
    done = {"spec": {"template": {"metadata": {"annotations": {
        RESTARTED_AT: "2025-12-06T05:46:40Z"}}}}}
    assert write.applied(done) and not write.applied({"spec": {}})
    with pytest.raises(ValueError, match="no rollout"):
        plan_restart("Job", "shop", "x", NOW)
    with pytest.raises(ValueError, match=r"deployment web is paused: resume it first \(kubectl "
                                         r"rollout resume deployment/web -n shop\)"):
        plan_restart("Deployment", "shop", "web", NOW, paused=True)


def replicaset(revision: int, image: str, hash_: str, cause: str = "") -> dict:
    annotations = {"deployment.kubernetes.io/revision": str(revision),
                   "deployment.kubernetes.io/desired-replicas": "3"}
    if cause:
        annotations["kubernetes.io/change-cause"] = cause
    return {"metadata": {"name": f"web-{hash_}", "namespace": "shop",
                         "annotations": annotations},
            "spec": {"template": {"metadata": {"labels": {"app": "web",
                                                          "pod-template-hash": hash_}},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}}}


def test_rollout_undo_patches_the_template_as_kubectl_does():
    deployment = {"metadata": {"name": "web", "namespace": "shop", "annotations": {
        "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "v2 typo",
        "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "web:2-typo"}]}}}}
    found = revisions([replicaset(1, "web:1", "aaa", "v1"), replicaset(2, "web:2-typo", "bbb"),
                       {"metadata": {"name": "stray"}}], 2)
    assert [(r.number, r.current) for r in found] == [(2, True), (1, False)]
    diff = template_diff(deployment["spec"]["template"], found[1].template)
    assert "-  - image: web:2-typo\n+  - image: web:1" in diff
    assert "pod-template-hash" not in diff
    fix = plan_undo(deployment, found[1])
    write = fix.writes[0]
    assert write.content_type == JSON_PATCH
    template = {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "web:1"}]}}
    assert write.body == [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": {
            "deployment.kubernetes.io/revision": "2",
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            "kubernetes.io/change-cause": "v1"}}]
    assert fix.kubectl == "kubectl rollout undo deployment/web --to-revision=1 -n shop"
    assert write.applied({"spec": {"template": template}})
    assert not write.applied(deployment)
    with pytest.raises(ValueError, match="already matches revision 2"):
        plan_undo(deployment, found[0])
    paused = {**deployment, "spec": {**deployment["spec"], "paused": True}}
    with pytest.raises(ValueError, match="deployment web is paused: resume it first"):
        plan_undo(paused, found[1])


def test_scale_names_the_autoscaler_that_undoes_it():
    hpas = [{"metadata": {"name": "web"}, "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2, "maxReplicas": 10}}]
    hpa = autoscaler_of(hpas, "Deployment", "web")
    assert autoscaler_of(hpas, "StatefulSet", "web") is None
    fix = plan_scale("Deployment", "shop", "web", 0, 3, hpa)
    write = fix.writes[0]
    assert (write.method, write.path, write.content_type) == (
        "PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale", MERGE_PATCH)
    assert write.body == {"spec": {"replicas": 0}}
    assert fix.kubectl == "kubectl scale deployment/web --replicas=0 -n shop"
    assert fix.warnings[0].startswith("HorizontalPodAutoscaler web owns its replicas (2–10)")
    assert "answers nothing" in fix.warnings[1]
    assert write.applied({"spec": {"replicas": 0}}) and not write.applied({"spec": {}})
    with pytest.raises(ValueError, match="already has 3"):
        plan_scale("Deployment", "shop", "web", 3, 3)


def test_cronjob_trigger_suspend_and_job_delete():
    cron = {"metadata": {"name": "nightly-report", "namespace": "shop", "uid": "c1"},
            "spec": {"schedule": "0 3 * * *", "jobTemplate": {
                "metadata": {"labels": {"team": "data"}},
                "spec": {"backoffLimit": 1, "template": {"spec": {"containers": [
                    {"name": "r", "image": "report:1"}], "restartPolicy": "Never"}}}}}}
    fix = plan_trigger(cron, "batch/v1beta1", NOW)
    write = fix.writes[0]
    assert write.path == "/apis/batch/v1/namespaces/shop/jobs"
    assert write.body["metadata"]["name"] == "nightly-report-manual-054640"
    assert write.body["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert write.body["metadata"]["ownerReferences"][0] == {
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "name": "nightly-report", "uid": "c1",
        "controller": True}
    assert write.body["spec"]["backoffLimit"] == 1
    assert write.confirm_path == "/apis/batch/v1/namespaces/shop/jobs/nightly-report-manual-054640"
    assert fix.kubectl == ("kubectl create job nightly-report-manual-054640 "
                           "--from=cronjob/nightly-report -n shop")
    assert len(manual_name("x" * 80, NOW)) == 52
    suspend = plan_suspend(cron, "batch/v1", True)
    assert suspend.writes[0].body == {"spec": {"suspend": True}}
    assert suspend.writes[0].path == "/apis/batch/v1/namespaces/shop/cronjobs/nightly-report"
    assert suspend.kubectl == ("kubectl patch cronjob nightly-report -n shop -p "
                               "'{\"spec\":{\"suspend\":true}}'")
    with pytest.raises(ValueError, match="already running"):
        plan_suspend(cron, "batch/v1", False)
    job = {"metadata": {"name": "nightly-report-1", "namespace": "shop", "uid": "j1"}}
    delete = plan_delete_job(job)
    assert delete.writes[0].body["propagationPolicy"] == "Background"
    assert delete.kubectl == "kubectl delete job nightly-report-1 -n shop --cascade=background"


def test_cordon_and_drain_sort_the_pods_as_kubectl():
    cordon = plan_cordon("node-1")
    assert cordon.writes[0].body == {"spec": {"unschedulable": True}}
    assert cordon.kubectl == "kubectl cordon node-1"
    assert cordon.writes[0].applied({"spec": {"unschedulable": True}})
    uncordon = plan_cordon("node-1", cordon=False)
    assert uncordon.writes[0].body == {"spec": {"unschedulable": None}}
    assert uncordon.writes[0].applied({"spec": {}})
    static = pod("etcd-node-1", None)
    static["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    cache = pod("web-1", volumes=[{"name": "cache", "emptyDir": {}}])
    done = pod("batch-1", None)
    done["status"]["phase"] = "Succeeded"
    pods = [static, pod("fluentd-x", ("DaemonSet", "fluentd")), cache, pod("bare", None), done]
    sorted_pods = sort_pods(pods)
    assert [(p.name, p.action) for p in sorted_pods] == [
        ("etcd-node-1", SKIP), ("fluentd-x", SKIP), ("web-1", EVICT), ("bare", EVICT),
        ("batch-1", EVICT)]
    assert sorted_pods[1].why == "DaemonSet fluentd pod"
    assert sorted_pods[2].notes == ("emptyDir data lost: cache",)
    assert sorted_pods[3].notes == ("no controller: not recreated anywhere",)
    assert sorted_pods[4].notes == ()  # finished: nothing lost
    fix = plan_drain("node-1", pods, "policy/v1beta1")
    assert fix.writes[0].path == "/api/v1/nodes/node-1"
    evict = fix.writes[1]
    assert (evict.method, evict.path) == ("POST", "/api/v1/namespaces/shop/pods/web-1/eviction")
    assert evict.body == {"apiVersion": "policy/v1beta1", "kind": "Eviction",
                          "metadata": {"name": "web-1", "namespace": "shop"}}
    assert len(fix.writes) == 4
    assert fix.kubectl == ("kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data "
                           "--force")
    assert fix.summary == ("drain node node-1: cordon it, evict 3 pods (2 left: DaemonSet and "
                           "mirror pods)")
    assert evict.applied(None) and not evict.applied(cache)
