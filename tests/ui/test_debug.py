"""Debug containers from the UI against the real local 1.20 apiserver (Pilot): ``D`` on a
shell-less pod, the form's preview and refusals, the confirm, the live follow, the attach and
``ps`` through it; an image that cannot be pulled; the pod detail's Debug tab; a viewer."""

from __future__ import annotations

import json
import time

from textual.widgets import DataTable, Input, Select, TabbedContent

from kubetui.screens.debug_form import DebugForm
from kubetui.screens.debug_session import DebugSession
from kubetui.screens.main import MainScreen
from kubetui.screens.pod_detail import PodDetailScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_terminal import type_line

DISTROLESS = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "distroless-app"},
              "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
                  "name": "server", "image": "kubetui.local/static-app:1.0",
                  "imagePullPolicy": "IfNotPresent"}]}}


def distroless(c: LocalCluster, namespace: str) -> None:
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(DISTROLESS))
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", "distroless-app", "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what="the shell-less pod")


def form_text(form: DebugForm) -> str:
    return "\n".join(str(form.query_one(f"#debug-{part}").render())
                     for part in ("problem", "warning", "preview"))


async def open_form(pilot) -> DebugForm:
    app = pilot.app
    await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
    await pilot.press("D")
    await until(pilot, lambda: showing(app, DebugForm), what="the debug form")
    return app.screen


async def set_input(pilot, form: DebugForm, selector: str, value: str) -> None:
    form.query_one(selector, Input).value = value
    await pilot.pause()


async def test_debug_a_shell_less_pod_and_see_its_process(local_cluster: LocalCluster,
                                                          namespace: str):
    distroless(local_cluster, namespace)
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        form = await open_form(pilot)
        text = form_text(form)
        # The preview is the exact request for this server, and the kubectl equivalent.
        assert f"PATCH /api/v1/namespaces/{namespace}/pods/distroless-app/ephemeralcontainers" \
            in text and '"kind": "EphemeralContainers"' in text
        assert "kubectl debug -n " + namespace + " distroless-app --image=busybox:1.35" in text
        assert "--target=server" in text and "can never be removed" in text
        assert "SYS_PTRACE" in text and "Not applied" in text  # 1.20: no securityContext
        name = form.plan.container
        assert name.startswith("debugger-")
        # Refusals in the form: nothing is sent.
        await set_input(pilot, form, "#command", "sh -c 'unbalanced")
        assert "does not parse" in form_text(form) and form.plan is None
        await pilot.press("ctrl+s")
        assert app.screen is form
        await set_input(pilot, form, "#command", "")
        await set_input(pilot, form, "#image", "Not An Image")
        assert "not an image reference" in form_text(form)
        await set_input(pilot, form, "#image", "busybox:1.35")
        await set_input(pilot, form, "#name", "server")
        assert "already has a container named 'server'" in form_text(form)
        await set_input(pilot, form, "#name", "")
        assert form.plan is not None and form.plan.container == name  # stable while typing
        await pilot.press("ctrl+s")
        await until(pilot, lambda: confirming(app), what="the confirm")
        confirm = str(app.screen.query_one("#confirm-request").render())
        assert "PATCH" in confirm and name in confirm
        await pilot.press("y")
        await until(pilot, lambda: showing(app, DebugSession), what="the session")
        session = app.screen
        await until(pilot, lambda: session.running, what="the attach", timeout=60)
        assert f"{name}: running" in session.view.text()
        await pilot.pause(0.5)
        await pilot.press("enter")
        await type_line(pilot, "ps")
        # The target's process, seen from the debugger: process namespace sharing works.
        await until(pilot, lambda: "/server" in session.view.text(), what="/server in ps")
        await type_line(pilot, "exit")
        await until(pilot, lambda: not session.running, what="the debugger to end")
        pod = local_cluster.get_json("-n", namespace, "pod", "distroless-app")
        (ec,) = pod["spec"]["ephemeralContainers"]
        assert ec["name"] == name and ec["targetContainerName"] == "server"
        await pilot.press("ctrl+right_square_bracket")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        # The pod detail lists it, terminated, live.
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, PodDetailScreen), what="the detail")
        detail = app.screen
        await pilot.press("g")
        assert detail.query_one(TabbedContent).active == "debug"
        await until(pilot, lambda: detail.ephemeral and "terminated" in detail.ephemeral[0].state,
                    what="the debugger listed as terminated", timeout=30)
        table = detail.query_one("#debug-table", DataTable)
        row = [str(c) for c in table.get_row(name)]
        assert row[0] == name and row[2] == "busybox:1.35" and row[3] == "server"
        await pilot.press("a")  # re-attach to a terminated container: explained
        await pilot.pause(0.2)
        assert app.screen is detail
        assert any("nothing to attach" in n.message for n in app._notifications)
        await pilot.press("l")  # its logs
        assert detail.container == name and detail.query_one(TabbedContent).active == "logs"
    await app.cluster.close()


async def test_an_image_that_cannot_be_pulled_is_shown_as_it_happens(
        local_cluster: LocalCluster, namespace: str):
    distroless(local_cluster, namespace)
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        form = await open_form(pilot)
        await set_input(pilot, form, "#image", "kubetui.local/no-such-image:0.1")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: confirming(app), what="the confirm")
        started = time.monotonic()
        await pilot.press("y")
        await until(pilot, lambda: showing(app, DebugSession), what="the session")
        session = app.screen
        await until(pilot, lambda: "ErrImagePull" in session.view.text()
                    or "ImagePullBackOff" in session.view.text(),
                    what="the pull failure", timeout=30)
        assert time.monotonic() - started < 20
        assert not session.running  # still waiting; nothing attached
    await app.cluster.close()


async def test_a_viewer_gets_the_explanation_and_nothing_is_sent(local_cluster: LocalCluster,
                                                                 namespace: str):
    distroless(local_cluster, namespace)
    local_cluster.kubectl("-n", namespace, "create", "rolebinding", "viewers",
                          "--clusterrole=view", "--group=kubetui-viewers")
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    app = await make_app(local_cluster.config_dir / "viewer.kubeconfig", namespace=namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        form = await open_form(pilot)
        assert "you may not patch pods/ephemeralcontainers" in form_text(form).lower()
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form  # refused in the form
        form.query_one("#mode", Select).value = "copy"
        await pilot.pause()
        assert "create pods" in form_text(form)
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    await app.cluster.close()
    writes = [e for e in audit_events(local_cluster, since=since, namespace=namespace)
              if e["verb"] in ("create", "patch", "update", "delete")
              and (e.get("objectRef") or {}).get("resource") == "pods"]
    assert writes == []


async def distroless_app(c: LocalCluster, namespace: str):
    distroless(c, namespace)
    return await make_app(c.kubeconfig, namespace=namespace)


def pod_exists(c: LocalCluster, namespace: str, name: str) -> bool:
    return c.kubectl("-n", namespace, "get", "pod", name, check=False).returncode == 0


async def create_from_form(pilot, mode: str) -> DebugSession:
    """D, choose ``mode``, create, confirm; the session once its debugger is attached."""
    app = pilot.app
    form = await open_form(pilot)
    form.query_one("#mode", Select).value = mode
    await pilot.pause()
    assert form.plan is not None and form.plan.mode == mode, form_text(form)
    assert "offers to delete it" in form_text(form)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: confirming(app), what="the confirm")
    assert "POST" in str(app.screen.query_one("#confirm-request").render())
    await pilot.press("y")
    await until(pilot, lambda: showing(app, DebugSession), what="the session")
    session = app.screen
    await until(pilot, lambda: session.running, what="the attach", timeout=60)
    return session


async def test_copy_is_offered_for_deletion_when_the_session_ends(local_cluster: LocalCluster,
                                                                  namespace: str):
    app = await distroless_app(local_cluster, namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        session = await create_from_form(pilot, "copy")
        copy = session.plan.pod
        assert copy == "distroless-app-debug" and pod_exists(local_cluster, namespace, copy)
        await pilot.press("enter")
        await type_line(pilot, "ps")
        await until(pilot, lambda: "/server" in session.view.text(), what="shared processes")
        await type_line(pilot, "exit")
        await until(pilot, lambda: not session.running, what="the debugger to end")
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause(0.2)
        await pilot.press("x")
        await until(pilot, lambda: confirming(app), what="the cleanup")
        assert f"DELETE /api/v1/namespaces/{namespace}/pods/{copy}" in str(
            app.screen.query_one("#confirm-request").render())
        await pilot.press("y")
        await until(pilot, lambda: not app.debug_pods, what="the copy deleted")
        local_cluster.wait_for(lambda: not pod_exists(local_cluster, namespace, copy),
                               timeout=60, what="the copy gone")
    await app.cluster.close()


async def test_node_pod_is_offered_for_deletion_on_quit(local_cluster: LocalCluster,
                                                        namespace: str):
    app = await distroless_app(local_cluster, namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        session = await create_from_form(pilot, "node")
        node_pod = session.plan.pod
        assert node_pod.startswith("node-debugger-")
        await pilot.press("enter")
        await type_line(pilot, "ls /host/etc/hostname")
        await until(pilot, lambda: "\n/host/etc/hostname" in session.view.text(),
                    what="the host's filesystem at /host")
        await pilot.press("ctrl+right_square_bracket")
        await pilot.press("escape")  # back to the panes, the session kept
        await pilot.press("q")
        await until(pilot, lambda: confirming(app), what="the question")
        assert node_pod in str(app.screen.query_one("#confirm-body").render())
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="the app to quit")
    assert not app.debug_pods
    local_cluster.wait_for(lambda: not pod_exists(local_cluster, namespace, node_pod),
                           timeout=60, what="the node pod gone")
    await app.cluster.close()


async def test_jump_quit_asks_about_debug_pods_too(local_cluster: LocalCluster, namespace: str):
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(100, 30)) as pilot:
        app.register_debug_pods(namespace, ("left-behind",))
        await pilot.press("colon", "q", "enter")
        await until(pilot, lambda: confirming(app), what="the question")
        assert "left-behind" in str(app.screen.query_one("#confirm-body").render())
        await pilot.press("n")  # quit and keep them: nothing is deleted
        await until(pilot, lambda: not app.is_running, what="the app to quit")
    await app.cluster.close()


async def test_a_container_that_never_started_is_not_offered_as_the_target(
        local_cluster: LocalCluster, namespace: str):
    """The stuck rollout's pod: its only container waits on an image that does not exist. The
    kubelet cannot start a debugger in the processes of a container that has none, so the form
    targets nothing by default, says why, and warns if the user picks it anyway."""
    c = local_cluster
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "never-pulled"},
           "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
               "name": "app", "image": "kubetui.local/no-such-image:2.0"}]}}
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    c.wait_for(lambda: "Err" in c.kubectl("-n", namespace, "get", "pod", "never-pulled", "-o",
                                          "jsonpath={.status.containerStatuses[0].state."
                                          "waiting.reason}").stdout
               or "BackOff" in c.kubectl("-n", namespace, "get", "pod", "never-pulled", "-o",
                                         "jsonpath={.status.containerStatuses[0].state."
                                         "waiting.reason}").stdout,
               timeout=60, what="the pull failure")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(110, 40)) as pilot:
        await until(pilot, lambda: app.screen.pods.table.cursor_row is not None and
                    app.screen.pods.table.cursor_row.status in ("ErrImagePull",
                                                                "ImagePullBackOff"),
                    what="the pod, waiting")
        form = await open_form(pilot)
        assert form.query_one("#target", Select).value is Select.NULL
        await until(pilot, lambda: "No process sharing: app is waiting: " in form_text(form),
                    what="the reason")
        assert "targetContainerName" not in form_text(form)
        form.query_one("#target", Select).value = "app"
        await until(pilot, lambda: "Target app is not running (waiting: " in form_text(form),
                    what="the warning")
    await app.cluster.close()
