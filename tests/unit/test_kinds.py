"""The kind catalog (kubectl's names, from the 1.20 server's resource lists and a 1.30 aggregated
document), Table rows and columns, the owner chain, and what a Secret's YAML shows."""

import json
from pathlib import Path

import pytest

from kubetui.k8s.kinds.catalog import Catalog
from kubetui.k8s.kinds.objects import LAST_APPLIED, object_path, object_yaml, without_secrets
from kubetui.k8s.kinds.owners import children_of
from kubetui.k8s.kinds.table import TableRow, cell_text, columns_of, table_row
from kubetui.k8s.watch.list_stream import ListStream
from kubetui.k8s.watch.pruned import ItemDecoder

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def old_catalog() -> Catalog:
    lists = json.loads((FIXTURES / "k8s-1.20" / "resource-lists.json").read_text())
    return Catalog.from_resource_lists((d["group"], d["version"], d) for d in lists)


@pytest.fixture(scope="module")
def new_catalog() -> Catalog:
    return Catalog.from_aggregated(
        json.loads((FIXTURES / "k8s-1.30" / "aggregated-api.json").read_text()),
        json.loads((FIXTURES / "k8s-1.30" / "aggregated-apis.json").read_text()))


KUBECTL_NAMES = {
    "deploy": "deployments.apps", "deployments": "deployments.apps",
    "Deployment": "deployments.apps", "sts": "statefulsets.apps", "ds": "daemonsets.apps",
    "rs": "replicasets.apps", "job": "jobs.batch", "cj": "cronjobs.batch", "svc": "services",
    "ep": "endpoints", "cm": "configmaps", "secret": "secrets", "hpa":
    "horizontalpodautoscalers.autoscaling", "pdb": "poddisruptionbudgets.policy",
    "ns": "namespaces", "ev": "events", "deployments.apps": "deployments.apps",
    "deploy.apps": "deployments.apps", "deployments.v1.apps": "deployments.apps",
}


@pytest.mark.parametrize("name,qualified", sorted(KUBECTL_NAMES.items()))
def test_kubectl_names_resolve_on_both_servers(old_catalog, new_catalog, name, qualified):
    for catalog in (old_catalog, new_catalog):
        found = catalog.resolve(name)
        assert found.kind is not None, found.error
        assert found.kind.qualified == qualified


def test_each_server_gets_its_own_versions(old_catalog, new_catalog):
    assert old_catalog.resolve("cj").kind.group_version == "batch/v1beta1"
    assert new_catalog.resolve("cj").kind.group_version == "batch/v1"
    assert old_catalog.resolve("hpa").kind.group_version == "autoscaling/v1"
    assert new_catalog.resolve("hpa").kind.group_version == "autoscaling/v2"
    assert old_catalog.resolve("pdb").kind.group_version == "policy/v1beta1"
    assert old_catalog.resolve("ing").kind is not None
    assert old_catalog.resolve("crd").kind.qualified == \
        "customresourcedefinitions.apiextensions.k8s.io"
    assert new_catalog.resolve("endpointslices").kind.group_version == "discovery.k8s.io/v1"


def test_core_wins_a_shared_name_and_the_others_are_named(new_catalog):
    found = new_catalog.resolve("events")
    assert found.kind.group == "" and found.others == ("events.events.k8s.io",)
    assert new_catalog.resolve("events.events.k8s.io").kind.group == "events.k8s.io"


def test_custom_resources_sharing_a_name_are_ambiguous(new_catalog):
    found = new_catalog.resolve("certificates")
    assert found.kind is None
    assert "certificates.cert-manager.io" in found.error
    assert "certificates.acme.example.org" in found.error
    assert new_catalog.resolve("cert").kind.group == "cert-manager.io"  # one group's short name
    assert new_catalog.resolve("certificates.acme.example.org").kind.group == "acme.example.org"
    assert new_catalog.resolve("ct").kind.qualified == "crontabs.stable.example.com"


def test_unknown_names_say_so_with_near_names(new_catalog):
    found = new_catalog.resolve("deplo")
    assert found.kind is None and "no resource type 'deplo'" in found.error
    assert "deployments" in found.error
    assert new_catalog.resolve("pods/log").kind is None  # subresources are not kinds
    assert new_catalog.resolve("").kind is None


def test_stale_groups_are_named_and_unlistable_kinds_not_offered(new_catalog):
    assert new_catalog.unavailable == ("metrics.k8s.io/v1beta1",)
    completions = new_catalog.completions()
    assert "deployments" in completions and "deploy" in completions and "ct" in completions
    assert "bindings" not in completions  # create only
    assert "certificates.acme.example.org" in completions
    assert not new_catalog.resolve("bindings").kind.listable


def test_table_rows_from_a_recorded_list():
    body = (FIXTURES / "k8s-1.20" / "table-deployments.json").read_bytes()
    stream = ListStream(ItemDecoder(table_row))
    items = stream.feed(body) + stream.close()
    columns = columns_of(stream.fields["columnDefinitions"])
    assert [c.name for c in columns][:5] == ["Name", "Ready", "Up-to-date", "Available", "Age"]
    assert [c.priority for c in columns][-3:] == [1, 1, 1]
    rows = [table_row(item) for item in items]
    whole = [table_row(item) for item in json.loads(body)["rows"]]
    assert rows == whole  # pruned decoding reads the same rows
    web = next(r for r in rows if r.name == "web")
    assert web.namespace == "kubetui-demo" and web.uid and web.created
    assert web.cells[0] == "web" and web.cells[1] == "2/2"
    assert ("app", "web") in web.labels


def test_table_watch_events_carry_one_row_each():
    lines = (FIXTURES / "k8s-1.20" / "table-watch-configmaps.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]
    assert events[0]["object"]["columnDefinitions"]
    assert not events[1]["object"].get("columnDefinitions")
    labelled = table_row(events[1]["object"]["rows"][0])
    assert labelled.name == "a1" and ("team", "red") in labelled.labels


def test_plain_objects_become_name_and_age_rows():
    row = table_row({"metadata": {"name": "x", "namespace": "n", "uid": "u",
                                  "creationTimestamp": "2026-01-01T00:00:00Z"}})
    assert row.cells == ("x", "2026-01-01T00:00:00Z") and row.created


def test_cells_print_as_kubectl_prints_them():
    assert cell_text(None) == "<none>" and cell_text(True) == "true"
    assert cell_text(["a", "b"]) == "a,b" and cell_text(3.0) == "3" and cell_text(2) == "2"


def _row(name="x", uid="u1", cells=()) -> TableRow:
    return TableRow(uid=uid, name=name, namespace="ns", cells=tuple(cells), created=None)


def test_the_owner_chain_downwards():
    deploy = children_of("apps", "Deployment", _row("web"))
    assert (deploy.group, deploy.plural, deploy.owner_uid) == ("apps", "replicasets", "u1")
    assert children_of("batch", "CronJob", _row()).plural == "jobs"
    for group, kind in (("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
                        ("batch", "Job")):
        assert children_of(group, kind, _row()).pods
    assert children_of("", "ConfigMap", _row()) is None
    columns = columns_of([{"name": "Name", "format": "name"}, {"name": "Selector",
                                                             "priority": 1}])
    svc = children_of("", "Service", _row("web", cells=("web", "app=web,tier=fe")), columns)
    assert svc.pods and svc.label_selector == "app=web,tier=fe" and not svc.owner_uid
    bare = children_of("", "Service", _row("ext", cells=("ext", "<none>")), columns)
    assert bare.problem and not bare.label_selector


def test_a_secrets_values_never_reach_its_yaml():
    secret = {"apiVersion": "v1", "kind": "Secret",
              "metadata": {"name": "db", "annotations": {
                  LAST_APPLIED: '{"data":{"password":"aHVudGVyMg=="}}'},
                  "managedFields": [{"manager": "kubectl"}]},
              "data": {"password": "aHVudGVyMg==", "odd": "not base64!"},
              "stringData": {"token": "s3cr3t"}}
    text = object_yaml(secret)
    assert "aHVudGVyMg" not in text and "s3cr3t" not in text and "not base64" not in text
    assert "password: <7 bytes>" in text and "token: <6 bytes>" in text
    assert "hidden: it holds the values of the Secret" in text and "managedFields" not in text
    config = without_secrets({"kind": "ConfigMap", "metadata": {}, "data": {"k": "v"}})
    assert config["data"] == {"k": "v"}  # only Secrets are masked


def test_object_paths():
    catalog = Catalog.from_aggregated(
        json.loads((FIXTURES / "k8s-1.30" / "aggregated-api.json").read_text()),
        json.loads((FIXTURES / "k8s-1.30" / "aggregated-apis.json").read_text()))
    assert object_path(catalog.resolve("deploy").kind, "a b", "web") == \
        "/apis/apps/v1/namespaces/a%20b/deployments/web"
    assert object_path(catalog.resolve("ns").kind, "", "kube-system") == \
        "/api/v1/namespaces/kube-system"
    assert object_path(catalog.resolve("cm").kind, "d", "x/y") == \
        "/api/v1/namespaces/d/configmaps/x%2Fy"


def test_wide_columns_only_where_the_terminal_has_room():
    from kubetui.widgets.kind_pane import table_columns

    defs = columns_of([{"name": "Name", "format": "name"}, {"name": "Ready"},
                       {"name": "Images", "priority": 1}, {"name": "Age"},
                       {"name": "Selector", "priority": 1}])
    rows = [_row("web", cells=("web", "2/2", "busybox:1.35", "1h", "app=web" * 10))]
    columns = table_columns(defs, rows, all_namespaces=False)
    assert [c.title for c in columns] == ["NAME", "READY", "AGE", "IMAGES", "SELECTOR"]
    by_title = {c.title: c for c in columns}
    assert by_title["READY"].min_terminal == 0 and by_title["AGE"].min_terminal == 0
    assert 0 < by_title["IMAGES"].min_terminal < by_title["SELECTOR"].min_terminal
    assert by_title["SELECTOR"].width == 40  # cut at the widest cell allowed
    assert by_title["AGE"].align == "right" and by_title["NAME"].width == 0
    wide = table_columns(defs, rows, all_namespaces=True)
    assert [c.title for c in wide][:2] == ["NAMESPACE", "NAME"]
