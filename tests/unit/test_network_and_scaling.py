"""Ingress routes, HPA metrics and PDB status, in both API shapes each (1.20's and 1.30's)."""

import json
from pathlib import Path

from kubetui.k8s.kinds.autoscaling import hpa_metrics
from kubetui.k8s.kinds.describe import describe_object
from kubetui.k8s.kinds.network import backend_text, ingress_facts, routes
from kubetui.k8s.kinds.rich import rich_for
from kubetui.k8s.watch.pruned import ItemDecoder

NEW = Path(__file__).parent.parent / "fixtures" / "k8s-1.30"
NOW = 1_765_000_000.0


def load(name: str) -> dict:
    return json.loads((NEW / name).read_text())


def test_ingress_v1_routes_with_default_and_resource_backends():
    ingress = load("ingress-v1.json")
    assert routes(ingress["spec"]) == [
        ("shop.example.com", "/api", "checkout:8080"),
        ("shop.example.com", "/static", "StorageBucket/static-assets"),
        ("*", "/healthz", "web:80"),
        ("*", "", "web:http")]
    cell = ingress_facts(ingress).cells[0]
    assert cell.startswith("shop.example.com/api→checkout:8080, ")
    assert "/healthz→web:80" in cell and cell.endswith("*→web:http")


def test_ingress_v1beta1_backends():
    spec = {"backend": {"serviceName": "web", "servicePort": 80},
            "rules": [{"host": "a.example", "http": {"paths": [
                {"backend": {"serviceName": "api", "servicePort": "grpc"}}]}}]}
    assert routes(spec) == [("a.example", "/", "api:grpc"), ("*", "", "web:80")]
    assert backend_text(None) == "?"
    assert ingress_facts({"spec": {}}).cells == ("<none>",)


def test_ingress_rows_pruned_read_the_same_in_both_groups():
    ingress = load("ingress-v1.json")
    for group in ("networking.k8s.io", "extensions"):
        rich = rich_for(group, "Ingress")
        row = {"cells": ["shop", "nginx", "shop.example.com", "203.0.113.10", "80, 443", "1d"],
               "object": ingress}
        whole = rich.transform(row)
        pruned = rich.transform(ItemDecoder(rich.transform).items(json.dumps([row]))[0])
        assert whole == pruned and whole.cells[-1].startswith("shop.example.com/api")


def test_ingress_describe_lists_rules_default_backend_and_tls():
    text = describe_object(load("ingress-v1.json"), "networking.k8s.io", NOW, events=[])
    assert "Address:\t203.0.113.10" in text and "Ingress Class:\tnginx" in text
    assert "Default backend:\tweb:http" in text
    assert "  shop.example.com\t/api\tcheckout:8080" in text
    assert "TLS:\tshop-tls terminates shop.example.com" in text
    assert text.endswith("Events:\t<none>")


def test_hpa_v2_metrics_current_over_target():
    hpa = load("hpa-v2.json")
    assert hpa_metrics(hpa["spec"], hpa["status"]) == [
        ("resource cpu on pods", "91%", "60%"),
        ("resource memory on pods", "312Mi", "500Mi"),
        ('"http_requests_per_second" on pods', "142", "100"),
        ('"queue_messages_ready" (external metric)', "<unknown>", "30")]
    text = describe_object(hpa, "autoscaling", NOW)
    assert "Reference:\tDeployment/checkout" in text
    assert "  resource cpu on pods:\t91% / 60%" in text
    assert "Min replicas:\t2" in text and "Max replicas:\t10" in text
    assert "Deployment pods:\t4 current / 6 desired" in text
    assert "ScalingLimited\tFalse\tDesiredWithinRange" in text


def test_hpa_v1_and_v2beta1_shapes():
    v1 = hpa_metrics({"targetCPUUtilizationPercentage": 50}, {})
    assert v1 == [("resource cpu on pods (as a percentage of request)", "<unknown>", "50%")]
    assert hpa_metrics({}, {"currentCPUUtilizationPercentage": 7})[0][1:] == (
        "7%", "80% (the default)")
    beta1 = hpa_metrics(
        {"metrics": [{"type": "Resource", "resource": {"name": "cpu",
                                                       "targetAverageUtilization": 70}}]},
        {"currentMetrics": [{"type": "Resource", "resource": {
            "name": "cpu", "currentAverageUtilization": 12}}]})
    assert beta1 == [("resource cpu on pods", "12%", "70%")]


def test_pdb_describe_and_batch_v1_cronjob():
    pdb = {"kind": "PodDisruptionBudget", "metadata": {"name": "ledger"},
           "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "ledger"}}},
           "status": {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 2,
                      "expectedPods": 2}}
    text = describe_object(pdb, "policy", NOW)
    assert "Min available:\t2" in text and "Selector:\tapp=ledger" in text
    assert "  Allowed disruptions:\t0" in text and "  Total:\t2" in text
    cron = describe_object(load("cronjob-v1.json"), "batch", NOW)
    assert "Schedule:\t30 2 * * *" in cron and "Time Zone:\tEurope/Paris" in cron
    assert "Last Successful Time:\t2026-12-04T01:34:12Z" in cron
    assert "Active Jobs:\tnightly-report-29410530" in cron
