"""RBAC evaluation from a SelfSubjectRulesReview, as the apiserver's RBAC authorizer decides."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kubetui.k8s.rbac.access import Need, access_review_body, parse_rules_review

VIEW = {"status": {"resourceRules": [
    {"verbs": ["get", "list", "watch"], "apiGroups": [""],
     "resources": ["pods", "pods/log", "events"]},
    {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
     "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
    {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments/*"]},
    {"verbs": ["patch"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["web-0"]},
], "nonResourceRules": [], "incomplete": False}}


def test_exact_rules():
    rules = parse_rules_review(VIEW, "demo")
    assert rules.allows(Need("get", "pods"))
    assert rules.allows(Need("get", "pods/log"))
    assert not rules.allows(Need("create", "pods/exec"))
    assert not rules.allows(Need("get", "pods", group="apps"))
    assert rules.missing((Need("get", "pods"), Need("create", "pods/exec"))) == (
        Need("create", "pods/exec"),)


def test_subresource_wildcards_and_resource_names():
    rules = parse_rules_review(VIEW, "demo")
    assert rules.allows(Need("get", "deployments/scale", group="apps"))
    assert not rules.allows(Need("get", "deployments", group="apps"))
    assert rules.allows(Need("patch", "pods"), name="web-0")
    assert not rules.allows(Need("patch", "pods"), name="web-1")
    assert not rules.allows(Need("patch", "pods"))


def test_star_rules_allow_everything():
    admin = parse_rules_review({"status": {"resourceRules": [
        {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]}}, "x")
    assert admin.allows(Need("patch", "pods/ephemeralcontainers"))
    assert admin.allows(Need("create", "volumesnapshots", group="snapshot.storage.k8s.io"))
    subs = parse_rules_review({"status": {"resourceRules": [
        {"verbs": ["create"], "apiGroups": [""], "resources": ["*/exec"]}]}}, "x")
    assert subs.allows(Need("create", "pods/exec"))
    assert not subs.allows(Need("create", "pods"))


def test_an_incomplete_review_reports_nothing_missing():
    rules = parse_rules_review({"status": {"resourceRules": [], "incomplete": True}}, "x")
    assert rules.missing((Need("get", "pods"),)) == ()


def test_access_review_body_splits_the_subresource():
    body = access_review_body(Need("create", "pods/exec"), "demo")
    assert body["spec"]["resourceAttributes"] == {
        "verb": "create", "group": "", "resource": "pods", "subresource": "exec",
        "namespace": "demo"}
    cluster = access_review_body(Need("list", "namespaces", cluster_scoped=True), "demo")
    assert "namespace" not in cluster["spec"]["resourceAttributes"]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                           max_leaves=20)


@given(st.dictionaries(st.sampled_from(["status", "spec", "kind"]), json_values)
       | st.fixed_dictionaries({"status": st.dictionaries(
           st.sampled_from(["resourceRules", "incomplete", "evaluationError"]), json_values)}))
def test_any_review_answer_parses(data):
    rules = parse_rules_review(data, "ns")
    rules.allows(Need("get", "pods"))
