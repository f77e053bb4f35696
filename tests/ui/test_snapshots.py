"""SVG snapshots of the shell at 80x24 and 120x40 (connected to the real local apiserver; the
shell shows nothing time-dependent)."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import LocalCluster
from tests.ui.conftest import make_app


def connected_app(c: LocalCluster, **kwargs):
    async def build():
        app = await make_app(c.kubeconfig, **kwargs)
        await app.cluster.close()  # the shell makes no requests of its own
        return app

    return asyncio.run(build())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen(snap_compare, local_cluster: LocalCluster, size):
    assert snap_compare(connected_app(local_cluster, namespace="kubetui-demo"),
                        terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_readonly_flows_pane(snap_compare, local_cluster: LocalCluster, size):
    app = connected_app(local_cluster, namespace="kube-system", readonly=True)
    assert snap_compare(app, terminal_size=size, press=["3"])


def test_help_screen(snap_compare, local_cluster: LocalCluster):
    assert snap_compare(connected_app(local_cluster), terminal_size=(120, 40),
                        press=["question_mark"])


def test_jump_prompt(snap_compare, local_cluster: LocalCluster):
    assert snap_compare(connected_app(local_cluster), terminal_size=(80, 24),
                        press=["colon", "e", "v"])
