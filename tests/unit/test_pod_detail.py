"""Describe and YAML from pods recorded on the local 1.20 cluster."""

import json
from pathlib import Path

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pod_detail import (
    pod_detail,
    probe_text,
    qos_class,
    redescribe,
    to_yaml,
)
from kubetui.k8s.core.pods import parse_time

FIXTURES = Path(__file__).parent.parent / "fixtures" / "k8s-1.20"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_describe_shows_probe_restarts_and_last_state():
    pod = load("pod-liveness-timeout.json")
    now = parse_time(pod["metadata"]["creationTimestamp"]) + 3600
    detail = pod_detail(pod, now)
    text = detail.describe
    assert detail.containers == ("app",) and detail.init_containers == ()
    assert "Name:\tliveness-timeout" in text
    assert "Liveness:\texec sh -c test -f $(PROBE_FILE) || sleep 3 delay=0s timeout=1s " \
           "period=5s #success=1 #failure=2" in text
    assert "Restart Count:" in text and "QoS Class:\tBestEffort" in text
    assert "Last State:\tTerminated" in text


def test_describe_lists_volumes_and_yaml_drops_managed_fields():
    pod = load("pod-writer.json")
    detail = pod_detail(pod, parse_time(pod["metadata"]["creationTimestamp"]) + 60)
    assert "data:\tpersistentVolumeClaim data" in detail.describe
    assert "managedFields" not in detail.yaml
    assert "claimName: data" in detail.yaml


def test_secret_data_is_never_shown():
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
              "data": {"password": "aHVudGVyMg=="}, "stringData": {"token": "abc"}}
    text = to_yaml(secret)
    assert "aHVudGVyMg" not in text and "abc" not in text
    assert "password: <7 bytes>" in text and "token: <3 bytes>" in text


def test_qos_and_probe_forms():
    guaranteed = {"spec": {"containers": [{"resources": {
        "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}}]}}
    burstable = {"spec": {"containers": [{"resources": {"requests": {"cpu": "1"}}}]}}
    assert qos_class(guaranteed) == "Guaranteed"
    assert qos_class(burstable) == "Burstable"
    assert qos_class({"spec": {"containers": [{}]}}) == "BestEffort"
    assert probe_text({"httpGet": {"port": 8080, "path": "/healthz"}}).startswith(
        "http-get http://:8080/healthz")
    assert probe_text({"tcpSocket": {"port": 5432}}).startswith("tcp-socket :5432")
    assert probe_text(None) == ""


def test_describe_ends_with_the_pods_events_as_kubectl_does():
    pod = load("pod-liveness-timeout.json")
    now = parse_time(pod["metadata"]["creationTimestamp"]) + 3600
    uid = pod["metadata"]["uid"]
    events = [EventRow("e2", "demo", "Warning", "Unhealthy", "Pod", "liveness-timeout", uid,
                       "Liveness probe errored: timed out", 12, now - 20, "kubelet",
                       first_seen=now - 1800),
              EventRow("e1", "demo", "Normal", "Scheduled", "Pod", "liveness-timeout", uid,
                       "Successfully assigned", 1, now - 3600, "default-scheduler")]
    lines = pod_detail(pod, now, events).describe.splitlines()
    at = lines.index("Events:")
    assert lines[at + 1].split() == ["Type", "Reason", "Age", "From", "Message"]
    # Oldest first; a repeated event says how often and over how long.
    assert lines[at + 3].split()[:3] == ["Normal", "Scheduled", "60m"]
    assert "20s (x12 over 30m)" in lines[at + 4]
    assert lines[at + 4].split()[-6:] == ["kubelet", "Liveness", "probe", "errored:", "timed",
                                          "out"]
    assert pod_detail(pod, now, []).describe.endswith("Events:\t<none>")
    assert "Events:" not in pod_detail(pod, now).describe  # not known: left out


def test_describe_ages_move_with_the_clock():
    pod = load("pod-liveness-timeout.json")
    start = parse_time(pod["status"]["startTime"])
    assert "(10s ago)" in pod_detail(pod, start + 10).describe
    assert "(11s ago)" in pod_detail(pod, start + 11).describe


def test_redescribe_rebuilds_only_the_describe():
    pod = load("pod-liveness-timeout.json")
    start = parse_time(pod["status"]["startTime"])
    detail = pod_detail(pod, start + 10)
    later = redescribe(detail, pod, start + 11, [])
    assert "(11s ago)" in later.describe and later.describe.endswith("Events:\t<none>")
    assert later.yaml is detail.yaml
    broken = {"metadata": {"name": "x"}, "spec": {"containers": "not-a-list"}}
    shown = pod_detail(broken, start)
    assert redescribe(shown, broken, start + 60, []) is shown
