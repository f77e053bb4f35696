"""Start-up in a terminal: the first frame is drawn from the kubeconfig while the connection is
made; the hidden panes mount once the pods are live; the footer is redrawn only when what it
shows changes. Against the real local apiserver (and an address that never answers)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kubetui.app import KubetuiApp
from kubetui.config import Settings
from kubetui.k8s.transport.cluster import ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind
from kubetui.k8s.transport.kubeconfig import load_kubeconfig
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.deferred import Deferred
from kubetui.widgets.fit_footer import FitFooter
from tests.conftest import LocalCluster
from tests.ui.conftest import until


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that accepts the TCP connection and then never answers: the TLS handshake
    waits (the kernel completes the handshake for a listening socket that never accepts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"https://127.0.0.1:{sock.getsockname()[1]}"


def unconnected_app(kubeconfig: Path, namespace: str | None = None,
                    connect_timeout: float = 10.0) -> KubetuiApp:
    """The app as ``kubetui`` starts it in a terminal: no connection yet, only the kubeconfig."""
    options = ConnectOptions(kubeconfig=str(kubeconfig), namespace=namespace,
                             connect_timeout=connect_timeout)
    app = KubetuiApp(None, Settings(), theme="kubetui-dark", connect_options=options,
                     kubeconfig=load_kubeconfig(str(kubeconfig)))
    app.animation_level = "none"
    return app


def with_server(local_cluster: LocalCluster, tmp_path: Path, server: str) -> Path:
    cfg = yaml.safe_load(local_cluster.kubeconfig.read_text())
    cfg["clusters"][0]["cluster"]["server"] = server
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    return path


def bar_text(app: KubetuiApp) -> str:
    bar = app.screen.query_one(ClusterBar)
    return " ".join(str(label.render()) for label in bar.children)


async def test_the_first_frame_says_connecting_then_the_pods_go_live(seeded: LocalCluster):
    app = unconnected_app(seeded.kubeconfig, namespace="kubetui-demo")
    async with app.run_test(size=(120, 30)) as pilot:
        # The first frame comes from the kubeconfig alone.
        assert "kubetui-local" in bar_text(app) and "ns: kubetui-demo" in bar_text(app)
        await until(pilot, lambda: app.cluster is not None and app.screen.pods.synced,
                    what="connected and listed")
        assert "v1.20.2" in bar_text(app)
        assert app.info.connected and app.info.capabilities.flowcontrol_version
        assert "live" in app.screen.pods.status_text()[0]
        assert len(app.screen.pods.table.rows) > 0  # the demo's pods
        # The hidden panes were mounted once the pods were live, and their watches run.
        await until(pilot, lambda: not list(app.screen.query(Deferred)), what="panes mounted")
        await until(pilot, lambda: app.screen.events.synced, what="events listed")
    await app.cluster.close()


async def test_while_connecting_actions_that_need_the_cluster_wait(local_cluster: LocalCluster,
                                                                   tmp_path: Path,
                                                                   silent_server: str):
    app = unconnected_app(with_server(local_cluster, tmp_path, silent_server))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.pause(0.3)
        assert app.cluster is None
        assert "connecting…" in bar_text(app)
        assert "loading…" in app.screen.pods.status_text()[0]
        await pilot.press("colon")  # the jump prompt: namespaces and contexts need the cluster
        await pilot.pause(0.2)
        assert any(f"still connecting to {silent_server}" in str(n.message)
                   for n in app._notifications)
        await pilot.press("2")  # a hidden pane can be looked at; it waits like the pods
        await until(pilot, lambda: app.screen.active_pane == "events", what="events pane")
        assert app.screen.events.is_mounted and not app.screen.events.synced
    assert app.connect_error is None  # quit before the connection gave up


async def test_a_connection_that_fails_ends_the_app_with_the_error(local_cluster: LocalCluster,
                                                                 tmp_path: Path):
    app = unconnected_app(with_server(local_cluster, tmp_path, "https://127.0.0.1:1"))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.connect_error is not None, what="the failure")
    assert app.connect_error.kind is ErrorKind.UNREACHABLE
    assert "cannot reach https://127.0.0.1:1" in str(app.connect_error)
    assert app.return_code == 1


async def test_the_footer_is_redrawn_only_when_its_keys_change(local_cluster: LocalCluster):
    app = unconnected_app(local_cluster.kubeconfig, namespace="kube-system")
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.cluster is not None and app.screen.pods.synced,
                    what="listed")
        footer = app.screen.query_one(FitFooter)
        await pilot.pause(0.3)
        redraws = []
        original = footer.refresh

        def counted(*args, **kwargs):
            redraws.append(1)
            return original(*args, **kwargs)

        footer.refresh = counted  # type: ignore[method-assign]
        for _ in range(5):  # signals that change nothing shown
            app.screen.refresh_bindings()
            await pilot.pause(0.05)
        assert redraws == []
        await pilot.press("2")  # another pane: other keys
        await until(pilot, lambda: redraws != [], what="a redraw for the new keys")
        await pilot.pause(0.05)
        assert "Follow" in footer.render_line(0).text
    await app.cluster.close()
