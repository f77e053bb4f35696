"""``kubectl kubetui``: kubectl finds the ``kubectl-kubetui`` entry point on the PATH and runs it
with kubectl's own flags after the plugin's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import LocalCluster

BIN = Path(sys.executable).parent  # the venv's bin: kubetui and kubectl-kubetui


def kubectl(c: LocalCluster, *args: str, env_extra: dict | None = None):
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(env_extra or {})
    return subprocess.run([str(c.kubectl_bin), *args], capture_output=True, text=True,
                          timeout=60, env=env, stdin=subprocess.DEVNULL)


def test_kubectl_lists_and_runs_the_plugin(local_cluster: LocalCluster):
    c = local_cluster
    assert (BIN / "kubectl-kubetui").exists(), "the entry point is not installed"
    listed = kubectl(c, "plugin", "list")
    assert "kubectl-kubetui" in listed.stdout, listed.stdout + listed.stderr
    result = kubectl(c, "kubetui", "--kubeconfig", str(c.kubeconfig), "-n", "kube-system",
                     "--check")
    assert result.returncode == 0, result.stderr
    assert "Kubernetes v1.20.2" in result.stdout and "namespace kube-system" in result.stdout


def test_the_plugin_honours_kubeconfig_from_the_environment_and_context(
        local_cluster: LocalCluster):
    c = local_cluster
    result = kubectl(c, "kubetui", "--context", "kubetui-local", "--namespace=default",
                     "--check", env_extra={"KUBECONFIG": str(c.kubeconfig)})
    assert result.returncode == 0, result.stderr
    assert "context kubetui-local" in result.stdout and "namespace default" in result.stdout
    wrong = kubectl(c, "kubetui", "--context", "no-such-context", "--check",
                    env_extra={"KUBECONFIG": str(c.kubeconfig)})
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "no-such-context" in wrong.stderr
    usage = kubectl(c, "kubetui", "--help")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: kubectl kubetui")
