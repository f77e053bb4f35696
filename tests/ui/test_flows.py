"""The priority-level flows pane against the real 1.20 apiserver (APF v1beta1)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
import time

import pytest

from kubetui.config import Settings
from kubetui.messages import ApfPolled
from tests.conftest import REPO, LocalCluster
from tests.ui.conftest import THEMED, assert_theme, frozen_app, make_app, until


def rows(pane) -> dict:
    return {r.name: r for r in pane.table.rows.values()}


async def test_levels_and_schemas_live_and_polled_only_while_visible(seeded: LocalCluster):
    polls = []
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo",
                         settings=Settings(flows_poll_seconds=0.5))
    async with app.run_test(size=(120, 40),
                            message_hook=lambda m: polls.append(m)
                            if isinstance(m, ApfPolled) else None) as pilot:
        flows = app.screen.flows
        await until(pilot, lambda: "kubetui-demo-tight" in rows(flows.levels), what="levels")
        await until(pilot, lambda: "kubetui-demo" in rows(flows.schemas), what="schemas")
        await pilot.pause(1.0)
        assert polls == []  # the pane is not visible: no polling
        tight = rows(flows.levels)["kubetui-demo-tight"]
        assert (tight.type, tight.shares, tight.queuing) == ("Limited", 1,
                                                             "queues=2 hand=1 len=2")
        assert rows(flows.schemas)["kubetui-demo"].priority_level == "kubetui-demo-tight"
        await pilot.press("3")
        await until(pilot, lambda: len(polls) >= 2, what="two polls")
        whoami = str(flows.query_one("#flows-whoami").render())
        assert "schema exempt" in whoami and "level exempt" in whoami
        await until(pilot, lambda: len(flows.levels.live["kubetui-demo-tight"].history) >= 2,
                    what="two applied polls")
        assert isinstance(flows.levels.live["kubetui-demo-tight"].rejected_per_s, float)
        await pilot.press("1")
        count = len(polls)
        await pilot.pause(1.5)
        assert len(polls) <= count + 1  # at most the poll already in flight
    await app.cluster.close()


async def test_load_shows_rejections_on_the_tight_level(seeded: LocalCluster):
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo",
                         settings=Settings(flows_poll_seconds=0.5))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        flows = app.screen.flows
        await until(pilot, lambda: flows.levels.live.get("kubetui-demo-tight") is not None and
                    flows.levels.live["kubetui-demo-tight"].rejected_per_s is not None,
                    what="a first rate")
        load = await asyncio.create_subprocess_exec(
            sys.executable, str(REPO / "hack" / "apf_load.py"), "--kubeconfig",
            str(seeded.config_dir / "demo-user.kubeconfig"), "--seconds", "8", "--burst", "40",
            "--interval", "0.5", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = []

        def rejecting() -> bool:
            live = flows.levels.live["kubetui-demo-tight"]
            seen.append((live.rejected_per_s, live.waiting))
            return bool(live.rejected_per_s)

        await until(pilot, rejecting, timeout=20, what="rejections on kubetui-demo-tight")
        tight = rows(flows.levels)["kubetui-demo-tight"]
        assert flows.levels.style(tight) == "apf-rejected"
        await until(pilot, lambda: flows.levels.live["kubetui-demo-tight"].reasons,
                    timeout=10, what="rejections by reason")
        assert all(v >= 0 for v in flows.levels.live["kubetui-demo-tight"].reasons.values())
        assert flows.levels.live["kubetui-demo-tight"].wait_ms is not None
        assert max(flows.levels.live["kubetui-demo-tight"].history) > 0
        await load.wait()
    await app.cluster.close()


async def test_a_flow_schema_created_during_the_session_appears(seeded: LocalCluster):
    schema = {"apiVersion": "flowcontrol.apiserver.k8s.io/v1beta1", "kind": "FlowSchema",
              "metadata": {"name": "kt-test-live"},
              "spec": {"priorityLevelConfiguration": {"name": "workload-low"},
                       "matchingPrecedence": 7777, "distinguisherMethod": {"type": "ByUser"},
                       "rules": [{"subjects": [{"kind": "User", "user": {"name": "someone"}}],
                                  "nonResourceRules": [{"verbs": ["get"],
                                                        "nonResourceURLs": ["/version"]}]}]}}
    app = await make_app(seeded.kubeconfig)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            flows = app.screen.flows
            await until(pilot, lambda: flows.schemas.synced, what="the schemas list")
            assert "kt-test-live" not in rows(flows.schemas)
            seeded.kubectl("apply", "-f", "-", input=json.dumps(schema))
            await until(pilot, lambda: "kt-test-live" in rows(flows.schemas), what="the schema")
            row = rows(flows.schemas)["kt-test-live"]
            assert row.precedence == 7777 and "User someone" in row.summary()
            seeded.kubectl("delete", "flowschema", "kt-test-live")
            await until(pilot, lambda: "kt-test-live" not in rows(flows.schemas),
                        what="the deletion")
    finally:
        seeded.kubectl("delete", "flowschema", "kt-test-live", "--ignore-not-found")
        await app.cluster.close()


async def test_restricted_user_sees_the_degraded_view(seeded: LocalCluster):
    app = await make_app(seeded.config_dir / "viewer.kubeconfig", namespace="kubetui-demo",
                         settings=Settings(flows_poll_seconds=0.5))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        flows = app.screen.flows
        await until(pilot, lambda: "kubetui-demo-tight" in rows(flows.levels), what="levels")
        await until(pilot, lambda: "nonResourceURL" in str(
            flows.query_one("#flows-notes").render()), what="the explanation")
        notes = str(flows.query_one("#flows-notes").render())
        assert "/debug/api_priority_and_fairness/dump_priority_levels" in notes
        assert "/metrics" in notes
        live = flows.levels.live["kubetui-demo-tight"]
        assert live.waiting is None and live.rejected_per_s is None
        assert app.is_running
    await app.cluster.close()


async def _flows_settle(pilot) -> None:
    """Both tables listed before the pane is shown, so its first poll always finds the rows
    (one trend point each); then the poll, the notes and the whoami line."""
    flows = pilot.app.screen_stack[-1].flows

    async def settle(ready) -> None:
        for _ in range(200):
            await pilot.pause(0.05)
            if ready():
                return
        raise AssertionError("the flows pane did not settle")

    await settle(lambda: flows.levels.synced and flows.schemas.synced)
    await pilot.press("3")
    await settle(lambda: flows.last_poll is not None and "nonResourceURL" in str(
        flows.query_one("#flows-notes").render()) and "→ level" in str(
        flows.query_one("#flows-whoami").render()))
    await pilot.pause(0.2)


@pytest.mark.parametrize(("size", "theme"), THEMED)
def test_flows_pane_snapshot(snap_compare, seeded: LocalCluster, size, theme):
    """As the restricted viewer: the objects are deterministic, the live columns are '-'."""
    app = frozen_app(seeded, "kubetui-demo", time.time(),
                     kubeconfig=seeded.config_dir / "viewer.kubeconfig", theme=theme)
    app.settings = Settings(flows_poll_seconds=60)
    assert snap_compare(app, terminal_size=size, run_before=_flows_settle)
    assert_theme(app, theme)


async def test_feeders_rules_and_who_matches(seeded: LocalCluster):
    from kubetui.screens.apf_tools import SchemaRulesScreen, WhoMatchesScreen

    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        flows = app.screen.flows
        await until(pilot, lambda: flows.levels.synced and flows.schemas.synced, what="sync")
        key = next(k for k, r in flows.levels.table.rows.items() if r.name == "workload-high")
        flows.levels.table.select_key(key)
        await pilot.press("enter")  # schemas feeding workload-high
        await pilot.pause()
        names = {flows.schemas.table.rows[k].name for k in flows.schemas.table.order}
        assert names == {"kube-controller-manager", "kube-scheduler",
                         "kube-system-service-accounts"}
        await pilot.press("enter")  # same level again: back to all
        await pilot.pause()
        assert len(flows.schemas.table.order) == len(flows.schemas.table.rows)
        flows.schemas.table.focus()
        key = next(k for k, r in flows.schemas.table.rows.items() if r.name == "kubetui-demo")
        flows.schemas.table.select_key(key)
        await pilot.press("enter")
        assert isinstance(app.screen, SchemaRulesScreen)
        assert "subject User kubetui-demo" in str(app.screen.query_one("#schema-rules").render())
        await pilot.press("escape", "w")
        assert isinstance(app.screen, WhoMatchesScreen)
        await pilot.press(*"kubetui-demo", "tab", "tab", *"list", "tab", *"pods", "tab", *"x")
        await pilot.pause()
        assert "flow schema kubetui-demo → priority level kubetui-demo-tight" in \
            app.screen.result_text
        await pilot.press("escape")
    await app.cluster.close()


async def test_server_without_flowcontrol_says_so(seeded: LocalCluster):
    """As on a server that serves no flowcontrol group: a message, no watches, no polling."""
    polls = []
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo",
                         settings=Settings(flows_poll_seconds=0.2))
    app.cluster.info = dataclasses.replace(
        app.cluster.info, capabilities=dataclasses.replace(app.cluster.info.capabilities,
                                                           flowcontrol_version=None))
    app.info = app.cluster.info
    async with app.run_test(size=(120, 40), message_hook=lambda m: polls.append(m)
                            if isinstance(m, ApfPolled) else None) as pilot:
        await pilot.press("3")
        await pilot.pause(1.0)
        notes = str(app.screen.flows.query_one("#flows-notes").render())
        assert "does not serve flowcontrol.apiserver.k8s.io" in notes
        assert polls == [] and not app.screen.flows.levels.table.rows
    await app.cluster.close()
