"""What kubetui adds to the workload kinds' and Services' rows, from objects recorded on the
local 1.20 cluster (the seeded workloads) and a 1.30 dual-stack EndpointSlice list."""

import json
from pathlib import Path

from kubetui.k8s.kinds.endpoints import (
    endpoint_scope,
    endpoints_set,
    endpoints_text,
    readiness,
    selector_labels,
    slice_set,
)
from kubetui.k8s.kinds.rich import rich_for
from kubetui.k8s.kinds.workloads import (
    daemon_set_facts,
    deployment_facts,
    job_facts,
    replica_set_facts,
    stateful_set_facts,
)
from kubetui.k8s.transport.discovery import Discovery
from kubetui.k8s.watch.pruned import ItemDecoder

OLD = Path(__file__).parent.parent / "fixtures" / "k8s-1.20"
NEW = Path(__file__).parent.parent / "fixtures" / "k8s-1.30"


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_a_stalled_rollout_says_so_with_its_revision():
    facts = deployment_facts(load(OLD / "deployment-stalled.json"))
    assert facts.cells[0] == "stalled: 1/2 updated, 2 available (ProgressDeadlineExceeded)"
    assert facts.cells[1] == "2" and facts.revision == 2 and facts.health == "failed"


def test_rollout_words_follow_kubectl_rollout_status():
    base = {"metadata": {"generation": 3, "annotations": {
        "deployment.kubernetes.io/revision": "5"}}, "spec": {"replicas": 3},
        "status": {"observedGeneration": 3, "replicas": 3, "updatedReplicas": 3,
                   "availableReplicas": 3}}

    def words(**status) -> str:
        obj = json.loads(json.dumps(base))
        obj["status"].update(status)
        return deployment_facts(obj).cells[0]

    assert words() == "complete"
    assert words(updatedReplicas=1) == "rolling: 1/3 updated"
    assert words(replicas=4) == "rolling: 1 old terminating"
    assert words(availableReplicas=2) == "rolling: 2/3 available"
    assert words(observedGeneration=2).startswith("waiting for the controller")
    paused = json.loads(json.dumps(base))
    paused["spec"]["paused"] = True
    assert deployment_facts(paused).cells[0].startswith("paused")
    assert deployment_facts({}).cells[0].startswith("rolling")  # nothing known yet


def test_replica_sets_carry_their_revision():
    sets = load(OLD / "replicasets-checkout.json")["items"]
    facts = sorted((replica_set_facts(rs) for rs in sets), key=lambda f: f.revision)
    assert [f.revision for f in facts] == [1, 2]
    assert {f.health for f in facts} == {"running", "pending"}  # old ready, new not


def test_statefulset_daemonset_and_job_words():
    ledger = stateful_set_facts(load(OLD / "statefulset-one-unready.json"))
    assert ledger.cells == ("2/2", "1/2 ready") and ledger.health == "pending"
    job = job_facts(load(OLD / "job-failed.json"))
    assert job.cells == ("0", "2", "Failed: BackoffLimitExceeded") and job.health == "failed"
    ds = daemon_set_facts({"metadata": {"generation": 1}, "status": {
        "observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2,
        "numberAvailable": 2, "numberMisscheduled": 1}})
    assert ds.cells[0] == "1" and "should not run" in ds.cells[1] and ds.health == "failed"


def test_rich_rows_read_only_what_their_facts_need():
    rich = rich_for("apps", "Deployment")
    row = {"cells": ["checkout", "2/2", 1, 2, "5m"], "object": load(OLD /
                                                                    "deployment-stalled.json")}
    whole = rich.transform(row)
    decoder = ItemDecoder(rich.transform)
    assert decoder.prunes
    pruned = rich.transform(decoder.items(json.dumps([row]))[0])
    assert whole == pruned  # the pruned object reads to the same row
    assert whole.cells[:5] == ("checkout", "2/2", 1, 2, "5m")
    assert whole.cells[5].startswith("stalled") and whole.revision == 2
    odd = rich.transform({"cells": ["x"], "object": {"metadata": {"uid": "u", "annotations": []},
                                                      "spec": "weird", "status": {
                                                          "conditions": "weird",
                                                          "updatedReplicas": "two"}}})
    assert odd.cells[0] == "x" and len(odd.cells) == 3  # odd shapes: a row all the same


def test_endpoint_readiness_from_slices_and_endpoints():
    slices = [slice_set(s) for s in load(OLD / "endpointslices.json")["items"]]
    checkout = readiness(s for s in slices if s.service == "checkout")
    assert (checkout.ready, checkout.not_ready) == (2, 1)
    assert sum(1 for ready in checkout.pods.values() if not ready) == 1
    payments = readiness(s for s in slices if s.service == "payments")
    assert (payments.ready, payments.not_ready) == (0, 0)
    core = [endpoints_set(e) for e in load(OLD / "endpoints.json")["items"]]
    same = readiness(e for e in core if e.service == "checkout")
    assert (same.ready, same.not_ready) == (2, 1) and same.pods == checkout.pods


def test_dual_stack_slices_count_each_pod_once():
    slices = [slice_set(s) for s in load(NEW / "endpointslices-dual-stack.json")["items"]]
    found = readiness(slices)
    assert (found.ready, found.not_ready) == (2, 1)  # cart-3: no conditions, so ready
    assert found.pods == {"cart-1": True, "cart-2": False, "cart-3": True}


def test_a_service_that_answers_nothing_stands_out():
    assert endpoints_text(readiness([]), True, False, 0) == ("none: selects no pod", "failed")
    assert endpoints_text(readiness([]), True, False, 2) == ("none (2 pods, no IP)", "failed")
    assert endpoints_text(readiness([]), True, False) == ("none", "failed")  # pods not known
    assert selector_labels("app=web, tier=fe,bad") == {"app": "web", "tier": "fe"}
    unready = readiness([slice_set({"endpoints": [{"conditions": {"ready": False},
                                                   "targetRef": {"name": "p"}}]})])
    assert endpoints_text(unready, True, False) == ("none ready (1 not)", "failed")
    assert endpoints_text(readiness([]), False, False)[1] == "pending"
    assert endpoints_text(readiness([]), True, True)[0].endswith("(ExternalName)")


def test_the_endpoint_api_is_chosen_by_discovery():
    def discovery(*versions: str) -> Discovery:
        return Discovery.from_json({"versions": ["v1"]}, {"groups": [{
            "name": "discovery.k8s.io", "versions": [{"version": v} for v in versions],
            "preferredVersion": {"version": versions[0]}}]} if versions else {})

    assert endpoint_scope(discovery("v1", "v1beta1"), "ns")[0].path == \
        "/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices"
    assert endpoint_scope(discovery("v1beta1"), "ns")[0].group_version == \
        "discovery.k8s.io/v1beta1"
    scope, transform = endpoint_scope(discovery(), None)
    assert scope.path == "/api/v1/endpoints" and transform is endpoints_set


def test_config_keys_and_sizes_and_a_secret_read_without_its_values():
    from kubetui.k8s.kinds.config import revealed_value, secret_keys

    secret = rich_for("", "Secret")
    item = {"cells": ["db", "Opaque", 2, "1m"], "object": {
        "metadata": {"uid": "u", "name": "db"}, "type": "Opaque",
        "data": {"password": "aHVudGVyMg==", "blob": "AAECAwQ="}}}
    whole = secret.transform(item)
    decoded = ItemDecoder(secret.transform).items(json.dumps([item]))[0]
    assert not isinstance(decoded["object"]["data"]["password"], str)  # raw, never a str
    assert secret.transform(decoded) == whole
    assert whole.cells[-1] == "blob (5 B), password (7 B)"
    assert secret_keys(whole.cells[-1]) == ["blob", "password"]
    config = rich_for("", "ConfigMap").transform({"cells": ["c", 2, "1m"], "object": {
        "metadata": {"uid": "c"}, "data": {"app.yaml": "é" * 600}, "binaryData": {"b": "AAEC"}}})
    assert config.cells[-1] == "app.yaml (1.2 KiB), b (3 B)"
    assert revealed_value({"data": {"k": "aHVudGVyMg=="}}, "k") == "hunter2"
    assert "binary" in revealed_value({"data": {"k": "//79"}}, "k")
    assert "no key" in revealed_value({"data": {}}, "k")
