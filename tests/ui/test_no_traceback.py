"""No traceback, ever: failures injected into a message handler, an action and a timer become a
notification plus the details in the log file, and the app (and the widget that failed) keeps
working against the real apiserver."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TabbedContent

from kubetui.screens.main import MainScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.live_pane import LivePane
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, unscheduled, until


class Injected(RuntimeError):
    pass


def fail_once(cls, name: str, monkeypatch) -> list[int]:
    """Make ``cls.name`` raise on its first call, then behave as before."""
    original = getattr(cls, name)
    calls = [0]

    def wrapper(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == 1:
            raise Injected(f"injected failure in {name}")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, wrapper)
    return calls


def unexpected(app) -> list[str]:
    return [n.message for n in app._notifications if n.title.startswith("Unexpected error")]


@pytest.mark.injects_errors
async def test_handler_action_and_timer_failures_are_reported_and_survived(
        local_cluster: LocalCluster, namespace: str, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("first"))
    handler_calls = fail_once(LivePane, "on_store_updated", monkeypatch)
    action_calls = fail_once(MainScreen, "action_show_pane", monkeypatch)
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(100, 30)) as pilot:
        main = app.screen
        # A message handler: the first store change fails; the pane still fills from the next.
        await until(pilot, lambda: handler_calls[0] >= 1, what="the first delta")
        c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("second"))
        await until(pilot, lambda: "second" in {r.name for r in main.pods.table.rows.values()},
                    what="a pod created after the failure")
        # An action: the first press fails, the second works.
        await pilot.press("2")
        assert main.query_one(TabbedContent).active == "pods"
        await pilot.press("2")
        assert main.query_one(TabbedContent).active == "events"
        assert action_calls[0] == 2
        # A timer callback.
        app.set_timer(0.05, lambda: (_ for _ in ()).throw(Injected("injected failure in a timer")))
        await until(pilot, lambda: len(app.unexpected_errors) >= 3, what="three reports")
        assert app.is_running
        assert [type(e) for e in app.unexpected_errors] == [Injected] * 3
        assert all("Details in" in m for m in unexpected(app))
    log = (tmp_path / "kubetui" / "kubetui.log").read_text()
    assert log.count("Traceback (most recent call last)") == 3
    for where in ("on_store_updated", "action_show_pane", "a timer"):
        assert f"injected failure in {where}" in log
    await app.cluster.close()


async def test_a_view_whose_request_fails_says_so_in_place(local_cluster: LocalCluster,
                                                           namespace: str):
    """A pod deleted between the list and Enter: describe shows the 404, not "loading…"."""
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("doomed"))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        row = app.screen.pods.table.cursor_row
        app.push_screen(PodDetailScreen(row.namespace, "doomed-gone"))
        await until(pilot, lambda: any("not found" in str(w.render())
                                       for w in app.screen.query("#describe-body")),
                    what="the 404 in place")
        assert "loading" not in str(app.screen.query_one("#yaml-body", Static).render())
    await app.cluster.close()
