"""What a port-forward asks for (``k8s.forward.ports``): kubectl's port syntax, the local
address, a Service port translated to its pod's port, and the pod a Service forward uses."""

import pytest

from kubetui.k8s.forward.ports import (
    PortError,
    PortPair,
    check_address,
    choose_pod,
    kubectl_portforward,
    parse_ports,
    resolve_pod_port,
    resolve_service_port,
)


def test_kubectl_port_syntax():
    assert parse_ports("8080:80 9090, :443 0:8443 http") == [
        PortPair(8080, 80), PortPair(9090, 9090), PortPair(0, 443), PortPair(0, 8443),
        PortPair(0, "http")]


@pytest.mark.parametrize("typed,message", [
    ("", "no port given"), ("8080:", "no remote port"), ("80:70000", "out of range"),
    ("x:80", "not a port number"), ("8080:Web_Port", "neither a port number nor a port name"),
    ("8080:80 8080:81", "local port 8080 is given twice"), ("0", "out of range")])
def test_port_typos_are_messages(typed, message):
    with pytest.raises(PortError, match=message):
        parse_ports(typed)


def test_addresses_and_the_warning_for_every_interface():
    assert check_address("") == ("127.0.0.1", "")
    assert check_address("::1") == ("::1", "")
    assert check_address("localhost") == ("localhost", "")
    address, warning = check_address("0.0.0.0")
    assert address == "0.0.0.0" and "every interface" in warning
    assert "reachable from that network" in check_address("10.1.2.3")[1]
    with pytest.raises(PortError, match="not an IP address"):
        check_address("my laptop")


POD = {"metadata": {"name": "web-1"}, "spec": {"containers": [
    {"name": "app", "ports": [{"containerPort": 8080, "name": "http"}]},
    {"name": "metrics", "ports": [{"containerPort": 9100, "name": "metrics"}]}]}}
SERVICE = {"spec": {"ports": [
    {"name": "web", "port": 80, "targetPort": "http"},
    {"name": "direct", "port": 8443, "targetPort": 443},
    {"name": "same", "port": 5432}]}}


def test_a_service_port_becomes_its_pods_port_as_kubectl_translates_it():
    assert resolve_service_port(SERVICE, POD, 80) == 8080  # a named targetPort
    assert resolve_service_port(SERVICE, POD, "web") == 8080  # by the Service port's name
    assert resolve_service_port(SERVICE, POD, 8443) == 443
    assert resolve_service_port(SERVICE, POD, 5432) == 5432  # no targetPort: the port
    with pytest.raises(PortError, match=r"no port 81 \(it has 80/web, 8443/direct"):
        resolve_service_port(SERVICE, POD, 81)
    assert resolve_pod_port(POD, "metrics") == 9100
    assert resolve_pod_port(POD, 3000) == 3000  # an undeclared port is still a port
    with pytest.raises(PortError, match="no port named 'grpc' .it has http, metrics"):
        resolve_pod_port(POD, "grpc")


def pod(name, *, ready=True, phase="Running", restarts=0, created="2026-12-06T10:00:00Z",
        deleting=False):
    meta = {"name": name, "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = "2026-12-06T11:00:00Z"
    return {"metadata": meta, "spec": {"nodeName": "n1"}, "status": {
        "phase": phase, "conditions": [{"type": "Ready", "status": str(ready)}],
        "containerStatuses": [{"restartCount": restarts}]}}


def test_the_pod_of_a_service_forward_is_a_ready_endpoint():
    pods = [pod("a", ready=False), pod("b", restarts=3), pod("c", created="2026-12-06T12:00Z"),
            pod("d", deleting=True), pod("e", phase="Pending")]
    # a ready endpoint first, even one that restarted more
    assert choose_pod(pods, {"b": True, "c": False})["metadata"]["name"] == "b"
    # no endpoint: kubectl's most active pod (ready, fewest restarts, newest)
    assert choose_pod(pods, {})["metadata"]["name"] == "c"
    assert choose_pod([pod("x", phase="Pending")], {}) is None


def test_the_kubectl_equivalent():
    pairs = [PortPair(8080, 80), PortPair(9090, 9090), PortPair(0, 443)]
    assert kubectl_portforward("shop", "svc/web", pairs) == \
        "kubectl port-forward -n shop svc/web 8080:80 9090 :443"
    assert kubectl_portforward("shop", "pod/web-1", [PortPair(80, 80)], "0.0.0.0") == \
        "kubectl port-forward -n shop pod/web-1 80 --address 0.0.0.0"


def _pod(name: str, phase: str = "Running", app: str = "web", deleting: bool = False) -> dict:
    meta = {"name": name, "labels": {"app": app}, "creationTimestamp": "2026-12-01T00:00:00Z"}
    if deleting:
        meta["deletionTimestamp"] = "2026-12-07T00:00:00Z"
    return {"metadata": meta, "spec": {"nodeName": "n1"}, "status": {"phase": phase}}


def test_a_service_forward_moves_only_when_its_pod_stops_serving():
    from kubetui.k8s.forward.ports import next_service_pod, selected_pods

    service = {"spec": {"selector": {"app": "web"}}}
    pods = selected_pods(service, [_pod("a"), _pod("b"), _pod("other", app="db")])
    assert [p["metadata"]["name"] for p in pods] == ["a", "b"]
    assert selected_pods({"spec": {}}, pods) == []  # no selector: no pod
    # serving and ready (or no endpoint known yet): it stays
    assert next_service_pod(pods, {"a": True, "b": True}, "a", True) == (False, None)
    assert next_service_pod(pods, {}, "a", True) == (False, None)
    # unready while another is ready: it moves to the ready one
    move, best = next_service_pod(pods, {"a": False, "b": True}, "a", True)
    assert move and best["metadata"]["name"] == "b"
    # deleted (terminating) or gone: the other
    move, best = next_service_pod([_pod("a", deleting=True), _pod("b")], {"b": True}, "a", True)
    assert move and best["metadata"]["name"] == "b"
    # nothing runs: it moves to nothing (the forward waits)
    assert next_service_pod([_pod("a", phase="Pending")], {}, "a", True) == (True, None)
    # waiting, and a pod of the same name runs again (a StatefulSet's): it goes back to it
    move, best = next_service_pod([_pod("a")], {"a": True}, "a", False)
    assert move and best["metadata"]["name"] == "a"
