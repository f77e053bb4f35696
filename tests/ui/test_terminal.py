"""The embedded terminal against the real local cluster, driven as a person would (Pilot): a
shell in a pod, arithmetic, the terminal's size seen by ``stty size`` before and after a resize,
focus handed back and forth, ``exit 3``, a shell-less image, and read-only mode."""

from __future__ import annotations

import json

from kubetui.screens.main import MainScreen
from kubetui.screens.terminal_session import TerminalSession
from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import running_pod
from tests.ui.conftest import confirming, make_app, showing, until


async def type_line(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")


def prompt_ready(session: TerminalSession) -> bool:
    return any(line.rstrip().endswith(("#", "$")) for line in session.view.text().splitlines())


async def open_shell(pilot) -> TerminalSession:
    """``s`` on the only pod of the pane, then wait for the shell's prompt."""
    app = pilot.app
    await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
    await pilot.press("s")
    await until(pilot, lambda: showing(app, TerminalSession), what="the session")
    session = app.screen
    await until(pilot, lambda: prompt_ready(session), what="the shell prompt")
    return session


async def test_shell_in_a_pod(local_cluster: LocalCluster, namespace: str):
    running_pod(local_cluster, namespace, "box", "ready")
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(90, 30)) as pilot:
        session = await open_shell(pilot)
        assert session.request.command == ("/bin/bash",) or session.request.command == (
            "/bin/sh",)  # busybox has no bash: the fallback ran
        await type_line(pilot, "echo $((6*7))")
        await until(pilot, lambda: "\n42" in session.view.text(), what="42")
        await pilot.press("e", "c", "h", "o", "space", "q", "question_mark", "colon", "enter")
        await until(pilot, lambda: "\nq?:" in session.view.text(), what="app keys typed")
        assert app.is_running and app.screen is session  # q ? : went to the shell
        width, height = session.view.size_cells
        await type_line(pilot, "stty size")
        await until(pilot, lambda: f"{height} {width}" in session.view.text(),
                    what="stty size = the widget's size")
        await pilot.resize_terminal(110, 36)
        await until(pilot, lambda: session.view.size_cells != (width, height), what="resize")
        width2, height2 = session.view.size_cells
        await type_line(pilot, "clear; stty size")
        await until(pilot, lambda: f"{height2} {width2}" in session.view.text(),
                    what="stty size after the resize")
        # Search the history: the marker has scrolled off the screen.
        await type_line(pilot, "echo marker-xyz; seq 1 200")
        await until(pilot, lambda: "\n200" in session.view.text(), what="the output")
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause(0.2)
        await pilot.press("slash", *"marker-xyz", "enter")
        await until(pilot, lambda: session.view.back > 0, what="the view scrolled back")
        top = "".join(seg.text for seg in session.view.render_line(0))
        assert "marker-xyz" in top
        await pilot.press("enter")  # back to typing: the live screen again
        await type_line(pilot, "clear")
        assert session.view.back == 0
        # Give focus back to kubetui, go to the panes, come back: the session goes on.
        await pilot.press("ctrl+right_square_bracket")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.sessions == [session] and session.running
        await pilot.press("j")  # the panes work meanwhile
        app.push_screen(session)
        await pilot.pause()
        await pilot.press("enter")  # focus the terminal again
        await type_line(pilot, "exit 3")
        await until(pilot, lambda: not session.running, what="the shell to end")
        assert session.status is not None and session.status.code == 3
        assert "[process exited with code 3]" in session.view.text()
        assert app.is_running
    await app.cluster.close()


async def test_a_shell_less_image_is_explained(local_cluster: LocalCluster, namespace: str):
    local_cluster.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "distroless"},
        "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
            "name": "server", "image": "kubetui.local/static-app:1.0",
            "imagePullPolicy": "IfNotPresent"}]}}))
    local_cluster.wait_for(lambda: local_cluster.kubectl(
        "-n", namespace, "get", "pod", "distroless", "-o", "jsonpath={.status.phase}").stdout
        == "Running", timeout=60, what="the shell-less pod")
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await pilot.press("s")
        await until(pilot, lambda: showing(app, TerminalSession), what="the session")
        session = app.screen
        await until(pilot, lambda: session.no_shell, what="the explanation", timeout=20)
        assert "This image has no shell" in session.view.text()
        assert "ephemeral container" in session.view.text()
        assert not session.running
    await app.cluster.close()


async def test_readonly_has_no_shell_key(local_cluster: LocalCluster, namespace: str):
    running_pod(local_cluster, namespace, "box", "ready")
    app = await make_app(local_cluster.kubeconfig, namespace=namespace, readonly=True)
    async with app.run_test(size=(90, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        bindings = {b.binding.id for b in app.screen.active_bindings.values()}
        assert "pods.shell" not in bindings and "pods.attach" not in bindings
        await pilot.press("s")
        await pilot.press("a")
        await pilot.pause(0.5)
        assert isinstance(app.screen, MainScreen) and app.sessions == []
    await app.cluster.close()


async def test_ending_a_running_session_asks_first(local_cluster: LocalCluster, namespace: str):

    running_pod(local_cluster, namespace, "box", "ready")
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(90, 30)) as pilot:
        session = await open_shell(pilot)
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause(0.2)
        await pilot.press("x")
        await until(pilot, lambda: confirming(app), what="the question")
        assert "still running" in str(app.screen.query_one("#confirm-body").render())
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.screen is session and session.running
        assert app.focused is session.view  # "no": back to typing in the terminal
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause(0.2)
        await pilot.press("x")
        await until(pilot, lambda: confirming(app), what="the question")
        await pilot.press("y")
        await until(pilot, lambda: showing(app, MainScreen), what="back to the panes")
        await until(pilot, lambda: not session.running, what="the stream closed")
        assert app.sessions == []
    await app.cluster.close()


async def test_a_typed_command_instead_of_a_shell(local_cluster: LocalCluster, namespace: str):
    running_pod(local_cluster, namespace, "box", "ready")
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(90, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "TextPrompt", what="prompt")
        for ch in "sh -c 'echo it\"s typed; exit 4":  # unbalanced quotes
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await until(pilot, lambda: any("cannot parse the command" in n.message
                                       for n in app._notifications), what="the parse error")
        assert isinstance(app.screen, MainScreen) and app.sessions == []
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "TextPrompt", what="prompt")
        for ch in "sh -c 'echo typed here; exit 4'":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, TerminalSession), what="the session")
        session = app.screen
        await until(pilot, lambda: not session.running, what="the command to end")
        assert session.request.command == ("sh", "-c", "echo typed here; exit 4")
        assert "typed here" in session.view.text()
        assert session.status is not None and session.status.code == 4
    await app.cluster.close()
