"""APF shapes: v1beta1 recorded on the local 1.20 cluster, v1 and the newer dump columns written
from the API reference; the matcher against the real default schemas."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubetui.k8s.apf.dump import parse_metrics, parse_priority_levels_dump, per_level, rates
from kubetui.k8s.apf.flowcontrol import (
    RequestAttrs,
    flow_schema_row,
    match_flow_schema,
    priority_level_row,
)

APF = Path(__file__).parent.parent / "fixtures" / "apf"


def schemas():
    data = json.loads((APF / "flowschemas-v1beta1.json").read_text())
    return [flow_schema_row(i) for i in data["items"]]


def test_priority_levels_v1beta1_and_v1():
    data = json.loads((APF / "prioritylevels-v1beta1.json").read_text())
    rows = {r.name: r for r in map(priority_level_row, data["items"])}
    assert rows["exempt"].type == "Exempt" and rows["exempt"].shares is None
    tight = rows["kubetui-demo-tight"]
    assert (tight.type, tight.shares, tight.queuing) == ("Limited", 1, "queues=2 hand=1 len=2")
    assert tight.lendable_percent is None
    v1 = priority_level_row(json.loads((APF / "prioritylevel-v1.json").read_text()))
    assert (v1.shares, v1.lendable_percent, v1.borrowing_limit_percent) == (100, 90, 50)
    assert v1.queuing == "queues=128 hand=6 len=50"


def test_dump_parsed_by_header_old_and_new():
    old = {s.name: s for s in parse_priority_levels_dump(
        (APF / "dump_priority_levels-1.20.csv").read_text())}
    assert old["exempt"].waiting is None and old["exempt"].is_idle is None
    assert old["global-default"].is_idle in (True, False)
    assert old["global-default"].rejected is None  # 1.20 has no such column
    new = {s.name: s for s in parse_priority_levels_dump(
        (APF / "dump_priority_levels-1.31.csv").read_text())}
    g = new["global-default"]
    assert (g.waiting, g.executing, g.dispatched, g.rejected, g.timed_out, g.cancelled) == (
        7, 20, 98121, 311, 4, 17)
    assert g.is_idle is False


def test_metrics_parse_and_rates():
    samples = parse_metrics((APF / "metrics-1.20.txt").read_text())
    assert samples and all(s.name.startswith("apiserver_flowcontrol_") for s in samples)
    limits = per_level(samples, "apiserver_flowcontrol_request_concurrency_limit")
    assert limits["kubetui-demo-tight"] >= 1
    assert rates({"a": 10.0}, {"a": 30.0, "b": 4.0}, 2.0) == {"a": 10.0, "b": 2.0}
    assert rates({"a": 50.0}, {"a": 5.0}, 1.0) == {"a": 5.0}  # counter reset
    escaped = parse_metrics('apiserver_flowcontrol_x{flow_schema="a\\"b",priority_level="p"} 3\n')
    assert escaped[0].label("flow_schema") == 'a"b' and escaped[0].value == 3


@pytest.mark.parametrize("req,expected", [
    (RequestAttrs("kubetui-demo", verb="list", resource="pods", namespace="x"), "kubetui-demo"),
    (RequestAttrs("admin", groups=("system:masters",), verb="delete", resource="pods",
                  namespace="x"), "exempt"),
    (RequestAttrs("system:kube-scheduler", verb="get", resource="pods", namespace="x"),
     "kube-scheduler"),
    (RequestAttrs("system:serviceaccount:kube-system:generic-garbage-collector", verb="list",
                  api_group="apps", resource="deployments"), "kube-system-service-accounts"),
    (RequestAttrs("system:serviceaccount:team:robot", verb="list", resource="pods",
                  namespace="team"), "service-accounts"),
    (RequestAttrs("alice", verb="get", resource="pods", namespace="x"), "global-default"),
    (RequestAttrs("alice", verb="get", path="/healthz"), "global-default"),
])
def test_who_would_match_the_default_schemas(req, expected):
    result = match_flow_schema(schemas(), req)
    assert result.schema is not None and result.schema.name == expected, result.reason


def test_precedence_then_name_and_considered_list():
    result = match_flow_schema(schemas(), RequestAttrs("alice", verb="get", resource="pods",
                                                       namespace="x"))
    assert result.considered[0] == "exempt"  # precedence 1 is checked first
    assert "kubetui-demo" in result.considered


def test_summary_and_dangling():
    row = next(s for s in schemas() if s.name == "kubetui-demo")
    assert "User kubetui-demo" in row.summary() and row.priority_level == "kubetui-demo-tight"
    dangling = flow_schema_row({"metadata": {"name": "d"}, "status": {"conditions": [
        {"type": "Dangling", "status": "True", "message": "no such level"}]}})
    assert dangling.dangling and dangling.precedence == 1000


junk = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=3) |
                    st.dictionaries(st.sampled_from(
                        ["metadata", "spec", "status", "rules", "subjects", "kind", "user",
                         "name", "resourceRules", "verbs", "limited", "limitResponse", "type",
                         "queuing", "matchingPrecedence", "conditions"]), c, max_size=4),
                    max_leaves=20)


@given(junk)
def test_malformed_objects_never_raise(obj):
    if isinstance(obj, dict):
        flow_schema_row(obj)
        priority_level_row(obj)


@given(st.text(max_size=400))
def test_malformed_text_never_raises(text):
    parse_priority_levels_dump(text)
    parse_metrics("apiserver_flowcontrol_" + text)


@pytest.mark.parametrize("target,ns,group,resource,path", [
    ("pods", "x", "", "pods", ""),
    ("pods/log", "x", "", "pods/log", ""),
    ("apps/deployments", "x", "apps", "deployments", ""),
    ("snapshot.storage.k8s.io/volumesnapshots", "x", "snapshot.storage.k8s.io",
     "volumesnapshots", ""),
    ("/healthz", "", "", "", "/healthz"),
])
def test_who_matches_form_parsing(target, ns, group, resource, path):
    from kubetui.screens.apf_tools import parse_request

    req = parse_request("alice", "dev, ops", "list", target, ns)
    assert (req.api_group, req.resource, req.path) == (group, resource, path)
    assert req.groups == ("dev", "ops")


def test_rules_text_lists_every_rule():
    from kubetui.screens.apf_tools import rules_text

    text = rules_text(next(s for s in schemas() if s.name == "workload-leader-election"))
    assert "subject ServiceAccount kube-system/*" in text
    assert "resources verbs=get,create,update" in text and "precedence 200" in text


def test_rejections_by_reason_and_mean_wait():
    from kubetui.k8s.apf.dump import mean_over, per_level_and
    from kubetui.widgets.flows_pane import reasons_text

    text = "\n".join([
        'apiserver_flowcontrol_rejected_requests_total{flow_schema="a",priority_level="p",'
        'reason="queue-full"} 30',
        'apiserver_flowcontrol_rejected_requests_total{flow_schema="b",priority_level="p",'
        'reason="time-out"} 4',
    ])
    by_reason = per_level_and(parse_metrics(text), "apiserver_flowcontrol_rejected_requests_total",
                              "reason")
    assert by_reason == {"p/queue-full": 30.0, "p/time-out": 4.0}
    r = rates({"p/queue-full": 10.0}, by_reason, 2.0)
    assert reasons_text({k.split("/")[1]: v for k, v in r.items()}) == \
        "queue-full 10.0, time-out 2.0"
    assert mean_over({"p": 1.0}, {"p": 10}, {"p": 1.5}, {"p": 20}) == {"p": 0.05}
    assert mean_over({"p": 1.0}, {"p": 10}, {"p": 1.0}, {"p": 10}) == {}


def test_newer_dump_totals_are_shown_and_old_ones_are_blank():
    from kubetui.widgets.flows_pane import dump_totals

    new = {s.name: s for s in parse_priority_levels_dump(
        (APF / "dump_priority_levels-1.31.csv").read_text())}
    assert dump_totals(new["global-default"]) == "98121/311/4/17"
    old = {s.name: s for s in parse_priority_levels_dump(
        (APF / "dump_priority_levels-1.20.csv").read_text())}
    assert dump_totals(old["global-default"]) == "" and dump_totals(None) == ""
