"""Tried as a new user would, in a real terminal (tmux at 80x24): 5 for the nodes, enter on the
node, the audit's sources and the kubelet's configz readable, back."""

from __future__ import annotations

from tests.conftest import LocalCluster
from tests.integration.tmux import kubetui_in_tmux


def test_node_audit_at_80x24(local_cluster: LocalCluster, namespace: str):
    with kubetui_in_tmux("kubetui-node-test", local_cluster.kubeconfig, namespace) as term:
        term.wait("pods in")
        term.keys("5")
        term.wait("localhost")
        term.keys("Enter")
        screen = term.wait("containerd://1.6.20")
        assert "← status." in screen and "r Reload" in screen  # every figure: its source
        term.keys("End")  # the kubelet's part, further down
        screen = term.wait("podPidsLimit")
        assert "← configz kubeletconfig" in screen
        term.keys("Escape")
        term.wait("nodes in the cluster")
        term.quit()
