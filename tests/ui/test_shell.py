"""Pilot tests of the app shell against the real local apiserver."""

from __future__ import annotations

import io

import pytest
import textual.constants
from rich.console import Console
from textual.widgets import Label, TabbedContent

from kubetui.config import Settings
from kubetui.k8s.transport.errors import ErrorKind
from kubetui.messages import AccessLoaded, ContextConnected, NamespacesLoaded
from kubetui.screens.help import HelpScreen
from kubetui.screens.jump_prompt import JumpPrompt
from kubetui.themes import automatic_theme
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, until


def label(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


async def test_starts_against_the_real_apiserver(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig, namespace="kube-system")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert label(app, "#version") == "v1.20.2"
        assert "kubetui-local" in label(app, "#context")
        assert label(app, "#scope") == "ns: kube-system"
        assert not app.screen.query("#readonly-badge")
        assert app.info.capabilities.flowcontrol_version == "v1beta1"
    await app.cluster.close()


async def test_readonly_badge(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig, readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in label(app, "#readonly-badge")
    await app.cluster.close()


async def test_number_keys_and_jump_switch_panes(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig)
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("3")
        assert tabs.active == "flows"
        await pilot.press("colon")
        assert isinstance(app.screen, JumpPrompt)
        await pilot.press(*"ev", "enter")
        await pilot.pause()
        assert tabs.active == "events"
        await pilot.press("colon", *"nodesx", "enter")
        await until(pilot, lambda: any("no resource type 'nodesx' (did you mean nodes"
                                       in n.message for n in app._notifications),
                    what="the unknown kind named, with the near one")
        assert tabs.active == "events" and app.screen is tabs.screen
    await app.cluster.close()


async def test_jump_to_namespace_updates_every_pane(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("colon", *"ns kube-system", "enter")
        await pilot.pause()
        assert label(app, "#scope") == "ns: kube-system"
        main = app.screen
        # The hidden panes follow once the pods of the new scope are listed.
        await until(pilot, lambda: {p.scope_text for p in (
            main.pods, main.events, main.pvcs, main.snapshots)} == {"kube-system"},
            what="every pane on kube-system")
        await pilot.press("colon", *"ns all", "enter")
        await pilot.pause()
        assert label(app, "#scope") == "ns: all namespaces"
    await app.cluster.close()


async def test_namespace_switcher_lists_real_namespaces(local_cluster: LocalCluster):
    messages = []
    app = await make_app(local_cluster.kubeconfig)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: any(isinstance(m, NamespacesLoaded) for m in messages))
        await pilot.pause()
        loaded = [m for m in messages if isinstance(m, NamespacesLoaded)]
        assert loaded and {"default", "kube-system"} <= set(loaded[0].names)
        await pilot.press(*"kube-sys")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert label(app, "#scope") == "ns: kube-system"
    await app.cluster.close()


async def test_help_lists_every_binding_id(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen._table())
        rendered = console.export_text()
        for binding_id in ("app.quit", "app.help", "app.jump", "pane.pods", "scope.namespace"):
            assert binding_id in rendered
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
    await app.cluster.close()


async def test_keymap_from_settings_remaps_by_id(local_cluster: LocalCluster):
    settings = Settings(keymap={"pane.events": "v", "app.quit": "x"})
    app = await make_app(local_cluster.kubeconfig, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("2")
        assert tabs.active == "pods"  # the old key no longer does it
        await pilot.press("v")
        assert tabs.active == "events"
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running or app.return_code == 0
    await app.cluster.close()


async def test_context_switch_and_rbac_error_funnel(two_context_kubeconfig):
    """Switch to a restricted user: it may not list namespaces, so the picker offers the ones it
    can read (checked with SelfSubjectAccessReviews), not a bare 403."""
    messages = []
    app = await make_app(two_context_kubeconfig)
    admin = app.cluster
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await until(pilot, lambda: "default" in app.access, what="the admin's rights")
        assert not app.denied("pods.shell", "default")
        admin_rules = app.access["default"]
        main = app.screen
        await until(pilot, lambda: main.nodes.synced and main.nodes.table.rows, what="nodes")
        await pilot.press("colon", *"ctx viewer", "enter")
        await until(pilot, lambda: any(isinstance(m, ContextConnected) for m in messages))
        await pilot.pause()
        assert "viewer" in label(app, "#context")
        assert label(app, "#scope") == "ns: kubetui-demo"
        assert app.cluster is not admin
        await until(pilot, lambda: admin._http is None, what="the old connection closed")
        # The rights are the new user's, reviewed anew: the view role may not exec.
        await until(pilot, lambda: "kubetui-demo" in app.access, what="the viewer's rights")
        assert app.denied("pods.shell", "kubetui-demo")
        assert not app.denied("pods.describe", "kubetui-demo")
        # An admin review answering late (sent before the switch) is not taken as the viewer's.
        app.post_message(AccessLoaded(admin_rules, app.connection - 1))
        await pilot.pause(0.1)
        assert app.access.get("default") is not admin_rules
        # Cluster-scoped watches restart on the new connection: the viewer may not list nodes.
        await until(pilot, lambda: main.nodes.status.state == "failed", what="nodes refused")
        assert main.nodes.status.error.kind is ErrorKind.FORBIDDEN
        assert admin._http is None  # nothing reopened the old connection
        await pilot.press("n")
        await until(pilot, lambda: any(isinstance(m, NamespacesLoaded) for m in messages))
        assert any("may not list namespaces" in n.message for n in app._notifications)
        offered = next(m for m in messages if isinstance(m, NamespacesLoaded))
        assert offered.names == ("kubetui-demo",)  # default and kube-system were refused
        assert app.is_running
    await app.cluster.close()


async def test_unknown_context_is_explained(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("colon", *"ctx prod", "enter")
        await pilot.pause()
        assert any('no context "prod"' in n.message for n in app._notifications)
    await app.cluster.close()


async def test_broken_theme_name_is_a_warning(local_cluster: LocalCluster):
    app = await make_app(local_cluster.kubeconfig, settings=Settings(theme="no-such-theme"),
                         theme="")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == automatic_theme(app.console.color_system)
        assert any("unknown theme" in n.message for n in app._notifications)
    await app.cluster.close()


@pytest.mark.parametrize(("color_system", "expected"), [("standard", "kubetui-ansi"),
                                                        ("256", "kubetui-dark"),
                                                        ("truecolor", "kubetui-dark")])
async def test_no_theme_chosen_follows_the_terminal(local_cluster: LocalCluster, monkeypatch,
                                                    color_system, expected):
    """As ``TEXTUAL_COLOR_SYSTEM`` sets it: under 256 colours the ANSI theme is picked."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", color_system)
    app = await make_app(local_cluster.kubeconfig, theme="")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.console.color_system == color_system
        assert app.theme == expected
    await app.cluster.close()
