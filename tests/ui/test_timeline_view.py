"""The timeline view (``I``, ``:timeline``) on a real session: a pod deleted through its form
and confirm appears as an action with its kubectl equivalent, ``f`` narrows to one kind, ``/``
to an object, ``a`` adds a note (recorded in the file too), ``enter`` shows an entry whole.
Snapshots at 80x24 and 120x40 (and the 16-colour theme) with a frozen clock."""

from __future__ import annotations

import json

import pytest

from kubetui.screens.text_view import TextView
from kubetui.screens.timeline_view import TimelineView
from kubetui.timeline.entries import ACTION, FORWARD, NOTE, PROBE
from kubetui.timeline.export import markdown
from kubetui.timeline.journal import read
from tests.conftest import LocalCluster
from tests.ui.conftest import (
    assert_theme,
    confirming,
    frozen_app,
    make_app,
    showing,
    unscheduled,
    until,
)


def visible_summaries(view) -> list[str]:
    table = view.query_one("#timeline-table")
    return [table.rows[k].entry.summary for k in table.order]


async def test_the_view_lists_narrows_and_takes_a_note(local_cluster: LocalCluster,
                                                      namespace: str, tmp_path):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("doomed"))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: confirming(app), what="the confirm",
                    timeout=20)
        await pilot.press("y")
        await until(pilot, lambda: any(e.kind == ACTION for e in app.timeline.entries),
                    what="the action recorded")
        await pilot.press("I")
        await until(pilot, lambda: showing(app, TimelineView), what="the view")
        view = app.screen
        assert visible_summaries(view) == ["session started: context kubetui-local",
                                           f"delete pod {namespace}/doomed"]
        await pilot.press("f", "f")  # every kind -> start -> action
        assert visible_summaries(view) == [f"delete pod {namespace}/doomed"]
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, TextView), what="the entry whole")
        whole = app.screen.text
        assert f"kubectl delete pod doomed -n {namespace}" in whole and "outcome: done" in whole
        assert "the server's dry run:" in whole
        await pilot.press("escape")
        for _ in range(len("startactionforwardprobeexecsessionlooknote")):
            if view.only_kind == "":
                break
            await pilot.press("f")
        await pilot.press("slash")
        await pilot.pause(0.2)
        await pilot.press(*"doomed", "enter")
        await until(pilot, lambda: visible_summaries(view) == [
            f"delete pod {namespace}/doomed"], what="narrowed to the pod")
        await pilot.press("a")
        await pilot.pause(0.2)
        await pilot.press(*"the doomed pod was the culprit", "enter")
        await until(pilot, lambda: any(e.kind == NOTE for e in app.timeline.entries),
                    what="the note")
        assert visible_summaries(view)[-1] == "the doomed pod was the culprit"  # it matches
        notes = [e for e in read(app.timeline.path) if e.kind == NOTE]
        assert [n.summary for n in notes] == ["the doomed pod was the culprit"]
        # ctrl+s: the session to a new file, Markdown, or JSON by its name; never over a file
        for name in ("pm.md", "pm.json", "pm.md"):
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)
            await pilot.press("ctrl+u", *str(tmp_path / name), "enter")
            await pilot.pause(0.5)
        await until(pilot, lambda: (tmp_path / "pm.json").exists(), what="the JSON file")
        entries = list(app.timeline.entries)
        assert (tmp_path / "pm.md").read_text() == markdown(entries, app.timeline.path.name)
        assert [e["summary"] for e in json.loads((tmp_path / "pm.json").read_text())] == [
            e.summary for e in entries]
        await until(pilot, lambda: any("exists: name another file" in n.message
                                       for n in app._notifications), what="not overwritten")
    await app.cluster.close()


SIZES = [pytest.param((80, 24), "kubetui-dark", id="80x24"),
         pytest.param((120, 40), "kubetui-dark", id="120x40"),
         pytest.param((80, 24), "kubetui-ansi", id="80x24-ansi-standard")]
NOW = 1_800_000_000.0


@pytest.mark.parametrize(("size", "theme"), SIZES)
def test_timeline_view(snap_compare, local_cluster: LocalCluster, tmp_path, monkeypatch,
                       size, theme):
    monkeypatch.setenv("KUBETUI_TIMELINE_DIR", str(tmp_path))
    from kubetui.config import load_settings

    app = frozen_app(local_cluster, "kubetui-demo", NOW, theme=theme, settings=load_settings())

    async def run_before(pilot) -> None:
        t = pilot.app.timeline
        t.record(PROBE, "readiness probe of checkout-7d9f/app: HTTP 503 Service Unavailable",
                 namespace="kubetui-demo", object="pods/checkout-7d9f", outcome="failure")
        t.record(ACTION, "patch deployment kubetui-demo/checkout", namespace="kubetui-demo",
                 object="deployments/checkout", outcome="done",
                 kubectl="kubectl rollout undo deployment/checkout -n kubetui-demo "
                         "--to-revision=2")
        t.record(FORWARD, "port-forward svc/checkout", namespace="kubetui-demo",
                 object="svc/checkout", kubectl="kubectl port-forward -n kubetui-demo "
                 "svc/checkout 8080:80", outcome="listening: 127.0.0.1:8080 → svc/checkout:80")
        t.record(NOTE, "rollback out; [b]errors[/b] stopped \x1b[2J at 03:12")
        await pilot.press("I")
        await until(pilot, lambda: isinstance(pilot.app.screen, TimelineView), what="the view")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
    lines = (tmp_path / next(p.name for p in tmp_path.iterdir())).read_text().splitlines()
    assert all(json.loads(line) for line in lines) and len(lines) == 5
