"""The live panes in the app, against the real apiserver: rows appear, change and disappear;
filter, label selector, sort and follow; SVG snapshots with a frozen clock."""

from __future__ import annotations

import time

import pytest

from tests.ui.conftest import (
    THEMED,
    assert_theme,
    container,
    frozen_app,
    make_app,
    set_status,
    settle,
    unscheduled,
)


async def wait_rows(pilot, table, predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if predicate({r.name if hasattr(r, "name") else r.reason for r in table.rows.values()}):
            return
    now = sorted(getattr(r, "name", "?") for r in table.rows.values())
    raise AssertionError(f"rows now: {now}")


async def test_pods_appear_change_and_disappear_in_the_table(local_cluster, namespace):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("first", tier="web"))
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.pods.table
        await wait_rows(pilot, table, lambda names: names == {"first"})
        c.kubectl("-n", namespace, "apply", "-f", "-", input=unscheduled("second", tier="db"))
        await wait_rows(pilot, table, lambda names: names == {"first", "second"})
        set_status(c, namespace, "second", {"phase": "Pending", "containerStatuses": [
            container(False, 0, {"waiting": {"reason": "ErrImagePull"}})]})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            await pilot.pause(0.1)
            rows = {r.name: r for r in table.rows.values()}
            if rows["second"].status == "ErrImagePull":
                break
        assert rows["second"].status == "ErrImagePull" and rows["second"].health == "failed"
        c.kubectl("-n", namespace, "delete", "pod", "first", "--grace-period=0", "--force")
        await wait_rows(pilot, table, lambda names: names == {"second"})
        assert "live" in str(app.screen.pods.query_one(".pane-status").render())
    await app.cluster.close()


async def test_filter_label_selector_sort_and_follow(snapshot_ns, local_cluster):
    ns, now = snapshot_ns
    app = await make_app(local_cluster.kubeconfig, namespace=ns)
    app.clock = lambda: now
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        await wait_rows(pilot, pods.table, lambda names: len(names) == 4)
        # The filter applies as it is typed, and each row's text is built once for all keys.
        built = []
        search_text = pods.search_text
        pods.search_text = lambda row: built.append(row.name) or search_text(row)
        await pilot.press("slash", *"^ap")
        assert [pods.table.rows[k].name for k in pods.table.order] == ["api-0", "api-1"]
        assert "2/4 · filter: ^ap" in str(pods.query_one(".pane-status").render())
        assert len(built) == len(set(built))  # (built ahead of "/" if the warm-up ran first)
        await pilot.press("escape")
        assert len(pods.table.order) == 4
        await pilot.press("slash", *"^api", "enter")
        assert [pods.table.rows[k].name for k in pods.table.order] == ["api-0", "api-1"]
        assert len(built) == len(set(built)) <= 4
        await pilot.press("slash", "ctrl+u", *"l:tier=db", "enter")
        await wait_rows(pilot, pods.table, lambda names: names == {"db-0"})
        await pilot.press("slash", "ctrl+u", "enter")
        await wait_rows(pilot, pods.table, lambda names: len(names) == 4)
        await pilot.press("o")  # name -> status
        assert pods.table.sort.column == "status"
        assert pods.table.rows[pods.table.order[0]].status == "CrashLoopBackOff"
        # Follow: the events pane shows only the selected pod's events.
        pods.table.select_key(next(k for k, r in pods.table.rows.items() if r.name == "db-0"))
        await pilot.press("2", "f")
        events = app.screen.events
        await pilot.pause(0.2)
        assert [events.table.rows[k].object_name for k in events.table.order] == ["db-0"]
        assert "following pod/db-0" in str(events.query_one(".pane-status").render())
    await app.cluster.close()


async def test_scope_switch_restarts_the_watches(snapshot_ns, local_cluster):
    ns, _ = snapshot_ns
    app = await make_app(local_cluster.kubeconfig, namespace="kube-system")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", *f"ns {ns}", "enter")
        await wait_rows(pilot, app.screen.pods.table, lambda names: len(names) == 4)
        await pilot.press("colon", *"ns all", "enter")
        await wait_rows(pilot, app.screen.pods.table,
                        lambda names: {"api-0", "db-0"} <= names)
        assert any(c.key == "namespace" for c in app.screen.pods.table.visible_columns())
    await app.cluster.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_pods_pane_snapshot(snap_compare, snapshot_ns, local_cluster, size):
    ns, now = snapshot_ns
    assert snap_compare(frozen_app(local_cluster, ns, now), terminal_size=size,
                        run_before=settle)


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_events_pane_snapshot(snap_compare, snapshot_ns, local_cluster, size, theme):
    ns, now = snapshot_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=settle, press=["2"])
    assert_theme(app, theme)


async def test_all_namespaces_redraws_the_keys_only_when_the_namespace_changes(local_cluster):
    """With -A the keys depend on the rights in the namespace under the cursor: they are redrawn
    when the cursor crosses into another namespace, not on every row (a footer recompute per
    keypress over 100,000 pods)."""
    app = await make_app(local_cluster.kubeconfig, all_namespaces=True)
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        await wait_rows(pilot, pods.table, lambda names: len(names) >= 5)
        await pilot.pause(0.5)
        screen = app.screen
        redraws = []
        original = screen.refresh_bindings
        screen.refresh_bindings = lambda: (redraws.append(1), original())[1]
        table = pods.table
        table.focus()
        steps = min(len(table.order) - 1, 30)
        # A first pass: each namespace's rights are reviewed once (their answer redraws too).
        await pilot.press("home", *["down"] * steps)
        wanted = {table.rows[k].namespace for k in table.order[:steps + 1]}
        deadline = time.monotonic() + 20
        while not wanted <= set(app.access) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await pilot.press("home")
        await pilot.pause(0.2)
        redraws.clear()
        seen = [table.cursor_row.namespace]
        for _ in range(steps):
            await pilot.press("down")
            seen.append(table.cursor_row.namespace)
        await pilot.pause(0.1)
        crossings = sum(1 for a, b in zip(seen, seen[1:], strict=False) if a != b)
        assert len(redraws) == crossings < steps
    await app.cluster.close()
