"""A port-forward's plan (``k8s.forward.plan``): the pod port each local port reaches, for a pod
and for a Service, the request each connection makes, the kubectl equivalent, the rules it
needs by server version, and the form's suggested ports; plus the HTTP check's address and the
byte counts of the forwards view."""

import pytest

from kubetui.formatting import human_bytes
from kubetui.k8s.forward.http_check import HttpCheck, connect_address, curl_command
from kubetui.k8s.forward.plan import (
    POD,
    SERVICE,
    Target,
    forward_needs,
    plan_forward,
    suggested_ports,
)
from kubetui.k8s.forward.ports import PortError, PortPair
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.discovery import ServerVersion

POD_OBJ = {"metadata": {"name": "web-1", "namespace": "shop"},
           "spec": {"containers": [{"name": "app", "ports": [
               {"containerPort": 8080, "name": "http"}, {"containerPort": 9090,
                                                          "name": "metrics"}]}]}}
SERVICE_OBJ = {"metadata": {"name": "web", "namespace": "shop"},
               "spec": {"selector": {"app": "web"}, "ports": [
                   {"name": "http", "port": 80, "targetPort": "http"},
                   {"name": "admin", "port": 9000, "targetPort": 9090}]}}


def test_a_pod_forward_reaches_the_named_or_numbered_port():
    plan = plan_forward(Target("shop", POD, "web-1"), "18080:http 9090", "", POD_OBJ)
    assert [(r.pair, r.pod_port) for r in plan.routes] == [
        (PortPair(18080, "http"), 8080), (PortPair(9090, 9090), 9090)]
    assert plan.kubectl == "kubectl port-forward -n shop pod/web-1 18080:http 9090"
    assert plan.address == "127.0.0.1" and plan.warning == ""
    request = plan.writes[0].describe()
    assert request.startswith("GET /api/v1/namespaces/shop/pods/web-1/portforward?ports=8080")
    assert "v4.channel.k8s.io" in request


def test_a_service_forward_goes_to_its_target_port_on_the_chosen_pod():
    plan = plan_forward(Target("shop", SERVICE, "web"), ":http 19000:9000", "0.0.0.0",
                        POD_OBJ, SERVICE_OBJ)
    # a named Service port with no local part listens on the Service's port number, as kubectl
    assert [(r.pair, r.pod_port) for r in plan.routes] == [
        (PortPair(80, "http"), 8080), (PortPair(19000, 9000), 9090)]
    assert plan.pod == "web-1"
    assert plan.kubectl == ("kubectl port-forward -n shop svc/web 80:http 19000:9000 "
                            "--address 0.0.0.0")
    assert "every interface" in plan.warning


@pytest.mark.parametrize("target,ports,pod,message", [
    (Target("shop", POD, "web-1"), "8080:grpc", POD_OBJ, "no port named 'grpc'"),
    (Target("shop", SERVICE, "web"), "8443", POD_OBJ, "the Service has no port 8443"),
    (Target("shop", SERVICE, "web"), "80", None, "has no running pod"),
    (Target("shop", POD, "web-1"), "80", None, "is not there"),
])
def test_what_cannot_be_forwarded_is_said(target, ports, pod, message):
    with pytest.raises(PortError, match=message):
        plan_forward(target, ports, "", pod, SERVICE_OBJ)


def test_the_rules_follow_the_server_version():
    assert forward_needs(ServerVersion(1, 20)) == (Need("get", "pods/portforward"),)
    assert forward_needs(ServerVersion(1, 35)) == (Need("get", "pods/portforward"),
                                                   Need("create", "pods/portforward"))


def test_suggested_ports_keep_free_unprivileged_ones():
    assert suggested_ports([8080, 80, 9090, 8080], {8080, 80}) == "8080 :80 :9090"
    assert suggested_ports([], set()) == ""


def test_a_check_through_every_interface_connects_on_loopback():
    assert connect_address("0.0.0.0") == "127.0.0.1" and connect_address("::") == "::1"
    assert connect_address("10.0.0.5") == "10.0.0.5"
    assert curl_command("::", 8080, HttpCheck(path="/x")) == "curl -sS -i 'http://[::1]:8080/x'"


@pytest.mark.parametrize("n,shown", [(0, "0B"), (1023, "1023B"), (1024, "1.0K"),
                                     (150_000, "146K"), (5 * 1024 ** 2, "5.0M"),
                                     (3 * 1024 ** 3, "3.0G")])
def test_byte_counts_are_short(n, shown):
    assert human_bytes(n) == shown
