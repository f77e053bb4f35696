"""Port-forwards through the UI against the real apiserver and kubelet: ``F`` on a pod and on a
Service, HTTP carried and counted, the forwards view and its HTTP check, a Service forward that
moves to another pod when its pod is deleted, a pod forward that says its pod is gone and picks
it up again, a busy local port, another local port, read-only, RBAC, and quitting."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx

from kubetui.flows.forward_list import LISTENING, WAITING
from kubetui.screens.forward_form import ForwardForm
from kubetui.screens.forwards_view import ForwardsView
from kubetui.screens.http_check import HttpCheckScreen
from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster
from tests.integration.test_forward_tunnel import SERVER, web_pod
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_rbac_keys import explained, pods_only_user


def get(port: int, path: str = "/index.html") -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=20)


async def fetched(pilot, port: int, path: str = "/index.html") -> httpx.Response:
    """GET through the forward without blocking the app's loop (the tunnel runs there)."""
    async with httpx.AsyncClient(timeout=20) as http:
        return await http.get(f"http://127.0.0.1:{port}{path}")


async def eventually(pilot, port: int, tries: int = 20) -> httpx.Response:
    for _ in range(tries):
        try:
            return await fetched(pilot, port)
        except httpx.HTTPError:
            await pilot.pause(1)
    return await fetched(pilot, port)


def web_service(c: LocalCluster, ns: str, replicas: int = 2) -> None:
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "shop"}},
                 "template": {"metadata": {"labels": {"app": "shop"}}, "spec": {
                     "terminationGracePeriodSeconds": 0, "containers": [{
                         "name": "httpd", "image": "busybox:1.35",
                         "imagePullPolicy": "IfNotPresent",
                         "command": ["sh", "-c", SERVER.replace(
                             "hello-from-web", "hello-from-$HOSTNAME")],
                         "ports": [{"containerPort": 8080, "name": "http"}],
                         "readinessProbe": {"tcpSocket": {"port": 8080},
                                            "periodSeconds": 1}}]}}}}))
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "shop"},
        "spec": {"selector": {"app": "shop"},
                 "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}))
    c.kubectl("-n", ns, "rollout", "status", "deploy/shop", "--timeout=90s")


async def form_on_the_pod(pilot, app) -> ForwardForm:
    """The web pod listed, ``F`` on it: its form."""
    await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
    await pilot.press("F")
    await until(pilot, lambda: showing(app, ForwardForm)
                and app.screen.query_one("#forward-offered"), what="the form")
    return app.screen


def only_forward(app):
    forwards = list(app.forwards.forwards.values())
    assert len(forwards) == 1, forwards
    return forwards[0]


async def test_a_pod_forward_carries_http_is_checked_and_waits_for_its_pod(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    web_pod(c, namespace)
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await form_on_the_pod(pilot, app)
        assert "Declared ports: 8080" in str(form.query_one("#forward-offered").render())
        form.query_one("#ports").value = ":http"  # a free local port for the port named http
        await pilot.pause(0.1)
        assert form.plan is not None and form.plan.routes[0].pod_port == 8080
        preview = str(form.query_one("#forward-preview").render())
        assert f"kubectl port-forward -n {namespace} pod/web :http" in preview
        assert f"/api/v1/namespaces/{namespace}/pods/web/portforward?ports=8080" in preview
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.forwards) == 1, what="the forward")
        forward = only_forward(app)
        port = forward.tunnel.local_port
        assert port > 0 and forward.pod == "web" and forward.state == LISTENING
        assert (await fetched(pilot, port)).text == "hello-from-web\n"
        await until(pilot, lambda: forward.tunnel.counters.bytes_in > 0, what="counted")
        assert app.forward_count == 1
        # the view: one row, then an HTTP check through it
        await pilot.press("W")
        await until(pilot, lambda: showing(app, ForwardsView), what="the view")
        view = app.screen
        await until(pilot, lambda: len(view.query_one("#forwards-table").rows) == 1,
                    what="the row")
        await pilot.press("r")
        await until(pilot, lambda: showing(app, HttpCheckScreen), what="the check")
        check = app.screen
        check.query_one("#check-request").value = "GET /index.html -H 'X-Probe: 1'"
        await pilot.pause(0.1)
        equivalents = str(check.query_one("#check-equivalents").render())
        assert f"curl -sS -i -H 'X-Probe: 1' http://127.0.0.1:{port}/index.html" in equivalents
        await pilot.press("enter")
        await until(pilot, lambda: "HTTP 200" in str(check.query_one("#check-answer").render()),
                    what="the answer")
        assert "hello-from-web" in str(check.query_one("#check-answer").render())
        await pilot.press("escape")
        # the pod goes: the forward says so and waits; the same name comes back: it carries
        c.kubectl("-n", namespace, "delete", "pod", "web", "--wait=true")
        await until(pilot, lambda: forward.state == WAITING, what="waiting for the pod")
        assert "pod web is gone" in forward.note
        table_text = view.query_one("#forwards-table").line_text(
            view.query_one("#forwards-table").cursor_row, 0)
        assert "waiting" in table_text
        web_pod(c, namespace)
        await until(pilot, lambda: forward.state == LISTENING, what="the pod back")
        assert forward.note == "pod web is back"
        # the kubelet may still map the name to the old pod's sandbox for a moment ("failed
        # to find sandboxID"): the client retries, as it would with kubectl
        assert (await eventually(pilot, port)).text == "hello-from-web\n"
        # another local port: the new one listens, the old one is closed
        free = socket.socket()
        free.bind(("127.0.0.1", 0))
        new_port = free.getsockname()[1]
        free.close()
        await pilot.press("p")
        await pilot.pause(0.2)
        for key in str(new_port):
            await pilot.press(key)
        await pilot.press("enter")
        await until(pilot, lambda: forward.tunnel.local_port == new_port, what="moved")
        assert (await fetched(pilot, new_port)).status_code == 200
        # x stops it: the port is closed and the list is empty
        await pilot.press("x")
        await until(pilot, lambda: len(app.forwards) == 0, what="stopped")
        assert app.forward_count == 0
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", new_port)) != 0


async def test_a_service_forward_moves_to_another_pod_when_its_pod_is_deleted(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    web_service(c, namespace)
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon")
        for key in "svc":
            await pilot.press(key)
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, KindScreen)
                    and len(app.screen.pane.table.rows) == 1, what="the Service")
        await pilot.press("F")
        await until(pilot, lambda: showing(app, ForwardForm)
                    and app.screen.query_one("#forward-offered"), what="the form")
        offered = str(app.screen.query_one("#forward-offered").render())
        assert "Service ports: 80/web→http" in offered and "a ready endpoint" in offered
        app.screen.query_one("#ports").value = ":web"
        await pilot.pause(0.1)
        assert app.screen.plan.routes[0].pair.local == 80  # kubectl's default: the port...
        app.screen.query_one("#ports").value = "0:web"  # ...but 80 is privileged: a free one
        await pilot.pause(0.1)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.forwards) == 1, what="the forward")
        forward = only_forward(app)
        port, first = forward.tunnel.local_port, forward.pod
        assert forward.tunnel.remote_port == 8080
        assert (await fetched(pilot, port)).text == f"hello-from-{first}\n"
        c.kubectl("-n", namespace, "delete", "pod", first, "--wait=false")
        await until(pilot, lambda: forward.pod != first, what="re-resolved", timeout=60)
        assert forward.state == LISTENING and "re-resolved" in forward.note
        await until(pilot, lambda: any("re-resolved" in n.message for n in app._notifications),
                    what="said so")
        answer = await fetched(pilot, port)
        assert answer.text == f"hello-from-{forward.pod}\n" and forward.pod != first
        # quitting says the forward is open; yes closes it
        await pilot.press("q")
        await until(pilot, lambda: confirming(app), what="the question")
        assert "1 port-forward is open" in str(app.screen.query_one("#confirm-title").render())
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="quit")
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


async def test_a_busy_local_port_is_said_and_nothing_else_is_lost(local_cluster: LocalCluster,
                                                                 namespace: str):
    c = local_cluster
    web_pod(c, namespace)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    app = await make_app(c.kubeconfig, namespace=namespace)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            form = await form_on_the_pod(pilot, app)
            form.query_one("#ports").value = f"{busy}:8080 0:8080"
            await pilot.pause(0.1)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: any(n.title == "Port-forward not started"
                                           for n in app._notifications), what="the refusal")
            note = next(n for n in app._notifications if n.title == "Port-forward not started")
            assert f"local port {busy} is already in use" in note.message
            assert len(app.forwards) == 1  # the other port listens
            port = only_forward(app).tunnel.local_port
            assert (await fetched(pilot, port)).status_code == 200
    finally:
        taken.close()


async def test_readonly_refuses_a_forward(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    web_pod(c, namespace)
    app = await make_app(c.kubeconfig, namespace=namespace, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        ids = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "pods.forward" not in ids
        app.flows.forwards.open(namespace, "pod", "web")  # as the key would
        await until(pilot, lambda: any("--readonly refuses port-forward" in n.message
                                       for n in app._notifications), what="the refusal")
        assert not isinstance(app.screen, ForwardForm) and len(app.forwards) == 0
        # the request path refuses the stream itself, whoever asks
        from kubetui.k8s.forward.tunnel import Tunnel

        tunnel = Tunnel(app.cluster, namespace, lambda: "web", 8080)
        local = await tunnel.start()
        async with httpx.AsyncClient(timeout=10) as http:
            try:
                await http.get(f"http://127.0.0.1:{local}/")
            except httpx.HTTPError:
                pass
        await until(pilot, lambda: "read-only" in tunnel.last_error.lower()
                    or "readonly" in tunnel.last_error.lower(), what="refused")
        await tunnel.stop()


async def test_without_the_rule_the_key_says_which(local_cluster: LocalCluster, namespace: str,
                                                   tmp_path: Path):
    c = local_cluster
    web_pod(c, namespace)
    app = await make_app(pods_only_user(c, namespace, tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await until(pilot, lambda: namespace in app.access, what="the rights review")
        note = await explained(pilot, app, "F")
        assert "get pods/portforward" in note.message
        assert not isinstance(app.screen, ForwardForm)


async def test_another_context_closes_the_forwards_and_says_so(
        local_cluster: LocalCluster, namespace: str, two_context_kubeconfig: Path):
    c = local_cluster
    web_pod(c, namespace)
    app = await make_app(two_context_kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await form_on_the_pod(pilot, app)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.forwards) == 1, what="the forward")
        port = only_forward(app).tunnel.local_port
        app.switch_context("viewer")
        await until(pilot, lambda: len(app.forwards) == 0, what="closed")
        await until(pilot, lambda: any("their context was left" in n.message
                                       for n in app._notifications), what="said so")
        assert app.forward_count == 0
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
