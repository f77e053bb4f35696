"""The probe runner's pure parts: result mapping (channel-3 statuses recorded from 1.20, the pod
proxy's answers), the run's request, the port-forward framing, risk flags, the edit's diff and
patch, the live state transforms and the sparkline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubetui.k8s.probes.config import OUTPUT_CAP, probe_config
from kubetui.k8s.probes.edit import (
    Owner,
    ProbeEdit,
    edited_probe,
    owner_of,
    owner_patch,
    parse_int,
    parse_port,
    parse_probe_command,
    probe_yaml,
    spec_diff,
)
from kubetui.k8s.probes.risks import observed_start, risks
from kubetui.k8s.probes.run import (
    GRPC_WHY,
    ProbeInputError,
    exec_outcome,
    http_outcome,
    probe_call,
    resolve_port,
)
from kubetui.k8s.probes.target import pod_probe_state, probe_event, probe_target
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.exec import parse_status
from kubetui.k8s.transport.portforward import ChannelReader, port_prefix, runtime_error
from kubetui.widgets.probe_view import BARS, sparkline

FIXTURES = Path(__file__).parent.parent / "fixtures"
V120, V135 = ServerVersion(1, 20, "v1.20.2"), ServerVersion(1, 35, "v1.35.0")


def status(name: str):
    return parse_status((FIXTURES / "exec" / name).read_bytes()[1:])


# -- result mapping ------------------------------------------------------------------------
def test_exec_results_from_recorded_statuses():
    ok = exec_outcome(status("status-success-1.20.bin"), b"fine\n", 0.2, 1)
    assert (ok.result, ok.detail, ok.output) == ("success", "exit code 0", "fine\n")
    bad = exec_outcome(status("status-nonzero-1.20.bin"), b"out\nerr\n", 0.1, 1)
    assert (bad.result, bad.detail, bad.first_line) == ("failure", "exit code 3", "out")
    plain = exec_outcome(status("status-plain-1.20.bin"), b"", 0.1, 1)  # no JSON protocol
    assert (plain.result, plain.detail) == ("failure", "exit code 3")
    missing = exec_outcome(status("status-notfound-1.20.bin"), b"", 0.1, 1)
    assert missing.result == "error" and "executable file not found" in missing.detail
    assert "discards" in missing.detail


def test_exec_timeout_is_a_failure_and_output_is_capped():
    run = exec_outcome(None, b"partial", 1.0, 1)
    assert run.result == "timeout" and "may still be running" in run.detail
    assert run.output == "partial"
    big = exec_outcome(status("status-success-1.20.bin"), b"y" * (OUTPUT_CAP + 10), 0.1, 1)
    assert big.truncated and len(big.output) == OUTPUT_CAP


def apiserver(code: int, message: str, reason: str, details: dict | None = None) -> bytes:
    return json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                       "status": "Failure", "message": message, "reason": reason,
                       "details": details or {}, "code": code}).encode()


@pytest.mark.parametrize("code,body,result,detail", [
    (200, b"ok", "success", "HTTP 200 OK"),
    (302, b"", "success", "HTTP 302 Found (a redirect"),
    (399, b"", "success", "HTTP 399"),
    (404, b"<html>404</html>", "failure", "HTTP 404 Not Found"),
    (500, b'{"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "db down"}',
     "failure", "HTTP 500"),  # a pod's own Status-shaped answer is the pod's
    (503, apiserver(503, "error trying to reach service: dial tcp 10.0.0.1:81: connect: "
                    "connection refused", "ServiceUnavailable"), "failure", "connection refused"),
    (503, apiserver(503, "error trying to reach service: dial tcp 10.0.0.1:81: i/o timeout",
                    "ServiceUnavailable"), "error", "the apiserver answered 503"),
    (403, apiserver(403, 'pods "web:8080" is forbidden: User "v" cannot get resource '
                    '"pods/proxy" in API group "" in the namespace "d"', "Forbidden",
                    {"name": "web:8080", "kind": "pods"}), "error", "the apiserver answered 403"),
])
def test_http_results(code, body, result, detail):
    reasons = {200: "OK", 302: "Found", 404: "Not Found", 500: "", 503: "", 403: "", 399: ""}
    run = http_outcome(code, reasons[code], body, 0.01, 1)
    assert run.result == result and run.detail.startswith(detail), run


# -- the request ---------------------------------------------------------------------------
CONTAINER = {"name": "web", "ports": [{"name": "http", "containerPort": 8080}],
             "env": [{"name": "P", "value": "/ready"}],
             "readinessProbe": {"httpGet": {"path": "/healthz?full=1", "port": "http",
                                            "scheme": "HTTPS", "host": "10.1.1.1",
                                            "httpHeaders": [{"name": "user-agent",
                                                             "value": "mine"}]}},
             "livenessProbe": {"tcpSocket": {"port": 8080}},
             "startupProbe": {"exec": {"command": ["check", "$(P)"]}}}


def call(kind: str, container: dict = CONTAINER, version: ServerVersion = V120):
    return probe_call("ns", "web-0", container, probe_config(container, kind), version)


def test_http_call_through_the_pod_proxy():
    c = call("readiness")
    path, params = c.proxy_target()
    assert path == "/api/v1/namespaces/ns/pods/https:web-0:8080/proxy/healthz"
    assert params == [("full", "1")]
    assert dict(c.headers)["user-agent"] == "mine" and "User-Agent" not in dict(c.headers)
    assert any("host 10.1.1.1 is not used" in n for n in c.notes)
    assert c.kubectl() == ("kubectl get --raw "
                           "'/api/v1/namespaces/ns/pods/https:web-0:8080/proxy/healthz?full=1'")
    assert [str(n) for n in c.needs] == ["get pods/proxy"] and not c.writes


def test_exec_and_tcp_calls():
    c = call("startup")
    assert c.command == ("check", "/ready") and c.writes
    assert c.kubectl() == "kubectl exec -n ns web-0 -c web -- check /ready"
    assert [str(n) for n in call("startup", version=V135).needs] == [
        "get pods/exec", "create pods/exec"]
    t = call("liveness")
    assert (t.port, t.kubectl()) == (8080, "kubectl port-forward -n ns pod/web-0 8080:8080")


def test_ports_and_unrunnable_probes():
    assert resolve_port(CONTAINER, "http") == 8080 and resolve_port(CONTAINER, "9090") == 9090
    with pytest.raises(ProbeInputError, match='no port named "metrics"'):
        resolve_port(CONTAINER, "metrics")
    with pytest.raises(ProbeInputError, match="out of range"):
        resolve_port(CONTAINER, 70000)
    # gRPC (1.24+; no 1.20 cluster has it: the pod is written from the API reference).
    pod = json.loads((FIXTURES / "k8s-1.30" / "pod-grpc-probe.json").read_text())
    container = pod["spec"]["containers"][0]
    with pytest.raises(ProbeInputError) as raised:
        probe_call("ns", "p", container, probe_config(container, "liveness"), V135)
    assert str(raised.value) == GRPC_WHY and "grpc_health_probe" in GRPC_WHY


def test_port_forward_framing():
    reader = ChannelReader.for_ports(1)
    assert reader.feed(bytes([0]) + port_prefix(8080)) is None
    assert reader.feed(bytes([1, 0x90])) is None  # a prefix split over two messages
    assert reader.feed(bytes([1, 0x1F]) + b"dial tcp4 ...") == (1, b"dial tcp4 ...")
    assert reader.feed(bytes([0]) + b"SSH-2.0") == (0, b"SSH-2.0")
    assert runtime_error(
        "error forwarding port 81 to pod abc, uid : failed to execute portforward in network "
        "namespace \"/var/run/netns/cni-1\": failed to connect to localhost:81 inside "
        "namespace \"x\", IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial "
        "tcp6: address localhost: no suitable address found ") == \
        "dial tcp4 127.0.0.1:81: connect: connection refused"


# -- risks -----------------------------------------------------------------------------------
def pod_ready_after(seconds: int) -> dict:
    return {"status": {
        "containerStatuses": [{"name": "app", "ready": True, "state": {
            "running": {"startedAt": "2026-01-01T00:00:00Z"}}}],
        "conditions": [{"type": "ContainersReady", "status": "True",
                        "lastTransitionTime": f"2026-01-01T00:{seconds // 60:02d}:"
                                              f"{seconds % 60:02d}Z"}]}}


def codes(container: dict, pod: dict | None = None) -> set[tuple[str, str]]:
    return {(r.probe, r.code) for r in risks(container, pod)}


def test_risk_flags():
    exec_probe = {"exec": {"command": ["check"]}}
    assert codes({"name": "app", "livenessProbe": exec_probe}) == {
        ("liveness", "exec-default-timeout")}
    assert codes({"name": "app", "livenessProbe": {**exec_probe, "timeoutSeconds": 3}}) == set()
    same = {"name": "app", "livenessProbe": {**exec_probe, "timeoutSeconds": 3},
            "readinessProbe": {**exec_probe, "timeoutSeconds": 5}}
    assert ("liveness", "liveness-is-readiness") in codes(same)
    http = {"httpGet": {"path": "/", "port": 80}}
    slow = {"name": "app", "livenessProbe": {**http, "initialDelaySeconds": 60}}
    assert codes(slow) == {("liveness", "no-startup-probe")}
    # Observed: ready after 45 s, liveness gives up after 0 + 3 × 10 = 30 s.
    observed = {"name": "app", "livenessProbe": http}
    assert observed_start(pod_ready_after(45), "app") == 45
    assert codes(observed, pod_ready_after(45)) == {("liveness", "no-startup-probe"),
                                                    ("liveness", "killed-before-ready")}
    assert codes(observed, pod_ready_after(20)) == set()
    guarded = {"name": "app", "livenessProbe": http,
               "startupProbe": {**http, "failureThreshold": 3, "periodSeconds": 10}}
    assert codes(guarded, pod_ready_after(45)) == {("startup", "killed-before-ready")}
    guarded["startupProbe"]["failureThreshold"] = 30
    assert codes(guarded, pod_ready_after(45)) == set()


# -- edit ------------------------------------------------------------------------------------
LIVE = {"name": "app", "image": "busybox:1.35", "livenessProbe": {
    "exec": {"command": ["sh", "-c", "test -f /tmp/healthy || sleep 3"]},
    "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 2}}


def test_edit_diff_yaml_and_validation():
    edit = ProbeEdit(timeout=5, period=5, success=1, failure=2, initial_delay=0,
                     command=parse_probe_command("sh -c 'sleep 2'"))
    new = edited_probe(LIVE["livenessProbe"], "liveness", "exec", edit)
    assert new["timeoutSeconds"] == 5 and "initialDelaySeconds" not in new  # defaults stay out
    assert new["exec"]["command"] == ["sh", "-c", "sleep 2"]
    assert LIVE["livenessProbe"]["timeoutSeconds"] == 1  # the original is untouched
    diff = spec_diff(LIVE, "liveness", new)
    assert "\n-  timeoutSeconds: 1\n+  timeoutSeconds: 5" in diff
    assert "+    - sleep 2" in diff and "image" not in diff.split("@@", 2)[-1].split("\n")[0]
    assert probe_yaml("liveness", new).startswith("livenessProbe:\n  exec:\n")
    with pytest.raises(ProbeInputError, match="successThreshold must be 1"):
        edited_probe(LIVE["livenessProbe"], "liveness", "exec",
                     ProbeEdit(1, 5, 2, 3, 0))
    with pytest.raises(ProbeInputError, match="at least 1"):
        parse_int("timeout", "0")
    with pytest.raises(ProbeInputError, match="whole number"):
        parse_int("timeout", "1.5")
    with pytest.raises(ProbeInputError, match="does not parse"):
        parse_probe_command("sh -c 'open")
    assert parse_port("8080") == 8080 and parse_port("http") == "http"
    http = edited_probe({"httpGet": {"path": "/a", "port": 80}}, "readiness", "httpGet",
                        ProbeEdit(1, 10, 1, 3, 0, path="b", port="http"))
    assert http["httpGet"] == {"path": "/b", "port": "http"}


def test_patch_for_the_owner():
    probe = {"exec": {"command": ["true"]}, "timeoutSeconds": 5}
    command, note = owner_patch(Owner("Deployment", "web", "through ReplicaSet web-7d"),
                                "shop", "app", False, "liveness", probe)
    assert command == ("kubectl patch deployment web -n shop --type=strategic -p "
                       "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\","
                       "\"livenessProbe\":{\"exec\":{\"command\":[\"true\"]},"
                       "\"timeoutSeconds\":5}}]}}}}'")
    assert "through ReplicaSet web-7d" in note
    assert "initContainers" in owner_patch(Owner("StatefulSet", "db"), "s", "sidecar", True,
                                           "readiness", probe)[0]
    assert owner_patch(Owner("Job", "j"), "s", "c", False, "liveness", probe)[0] is None
    assert "immutable" in owner_patch(Owner("Job", "j"), "s", "c", False, "liveness", probe)[1]
    assert "bare pod" in owner_patch(None, "s", "c", False, "liveness", probe)[1]
    assert owner_of({"ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d",
                                          "controller": True}]}) == ("ReplicaSet", "web-7d")
    assert owner_of({}) is None


# -- live state, events, target, sparkline --------------------------------------------------
def test_live_state_and_probe_events():
    pod = json.loads((FIXTURES / "k8s-1.20" / "pod-liveness-timeout.json").read_text())
    state = pod_probe_state(pod)
    app = state.of("app")
    assert app.restarts == pod["status"]["containerStatuses"][0]["restartCount"]
    assert app.state.startswith(("waiting", "running", "terminated"))
    target = probe_target(pod, V120, None)
    assert target.with_probes == ("app",) and [c.kind for c in target.probes("app")] == [
        "liveness"]
    event = probe_event({"metadata": {"uid": "e1"}, "reason": "Unhealthy", "type": "Warning",
                         "message": "Liveness probe failed: ", "count": 4,
                         "involvedObject": {"kind": "Pod", "uid": "p1",
                                            "fieldPath": "spec.containers{app}"}})
    assert (event.container, event.object_uid, event.count) == ("app", "p1", 4)


def test_sparkline_is_scaled_to_the_timeout():
    from kubetui.k8s.probes.run import ProbeRun

    runs = [ProbeRun("success", "", 0.0, 2), ProbeRun("success", "", 1.0, 2),
            ProbeRun("timeout", "", 2.1, 2), ProbeRun("error", "", 0.1, 2)]
    line = sparkline(runs).plain
    assert line == BARS[0] + BARS[3] + "█" + BARS[0]
