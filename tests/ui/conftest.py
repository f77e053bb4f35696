"""Helpers for Pilot tests: an app connected to the real local apiserver."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kubetui.app import KubetuiApp
from kubetui.config import Settings
from kubetui.k8s.cluster import Cluster, ConnectOptions
from tests.conftest import LocalCluster


@pytest.fixture
def two_context_kubeconfig(local_cluster: LocalCluster, tmp_path: Path) -> Path:
    """The admin context plus a 'viewer' context (RBAC: view in kubetui-demo only)."""
    admin = yaml.safe_load(local_cluster.kubeconfig.read_text())
    viewer = yaml.safe_load((local_cluster.config_dir / "viewer.kubeconfig").read_text())
    admin["users"] += viewer["users"]
    admin["contexts"].append({"name": "viewer", "context": {
        "cluster": "kubetui-local", "user": viewer["users"][0]["name"],
        "namespace": "kubetui-demo"}})
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(admin))
    return path


async def make_app(kubeconfig: Path, *, context: str | None = None, namespace: str | None = None,
                   readonly: bool = False, settings: Settings | None = None) -> KubetuiApp:
    options = ConnectOptions(kubeconfig=str(kubeconfig), context=context, namespace=namespace)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, settings or Settings(), readonly=readonly,
                     connect_options=options)
    app.animation_level = "none"  # snapshots must not catch a tab underline mid-slide
    return app
