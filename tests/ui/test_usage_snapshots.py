"""SVG snapshots of the pods pane with its usage columns (``u``) at 80x24 and 120x40 and in the
16-colour theme: pods with requests and limits, one near its memory limit, one whose container
was killed for memory. The figures are a fixed sample handed to the pane as the screen hands
it a sample it read (the kubelet's figures move: ``test_usage_columns`` reads them)."""

from __future__ import annotations

import json

import pytest

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.metrics.usage import ContainerUsage, PodUsage
from kubetui.widgets.usage_columns import Usage
from tests.conftest import LocalCluster
from tests.ui.conftest import (
    assert_theme,
    container,
    ensure_namespace,
    frozen_app,
    iso,
    set_status,
    unscheduled,
    until,
)

NS = "kt-snapshot-usage"
PODS = {  # name: (cpu request, cpu limit, memory request, memory limit), cores, MiB used
    "checkout-0": (("250m", "1", "128Mi", "256Mi"), 0.412, 131),
    "ledger-0": (("100m", "500m", "64Mi", "128Mi"), 0.498, 121),
    "search-0": (("500m", "", "1Gi", ""), 0.031, 610),
}


@pytest.fixture(scope="session")
def usage_ns(local_cluster: LocalCluster) -> tuple[str, float]:
    """The namespace, and the frozen 'now' (three hours after its pods were made)."""
    c = local_cluster
    c.kubectl("delete", "namespace", NS, "--wait=true", "--timeout=60s", check=False)
    ensure_namespace(c, NS)
    for name, ((cpu_r, cpu_l, mem_r, mem_l), _, _) in PODS.items():
        pod = json.loads(unscheduled(name))
        pod["spec"]["automountServiceAccountToken"] = False
        resources = {"requests": {"cpu": cpu_r, "memory": mem_r},
                     "limits": {k: v for k, v in (("cpu", cpu_l), ("memory", mem_l)) if v}}
        pod["spec"]["containers"][0]["resources"] = resources
        c.kubectl("-n", NS, "apply", "-f", "-", input=json.dumps(pod))
    now = max(parse_time(p["metadata"]["creationTimestamp"])
              for p in c.get_json("-n", NS, "pods")["items"]) + 3 * 3600
    for name in PODS:
        last = {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                               "finishedAt": iso(now - 600)}} if name == "ledger-0" else None
        set_status(c, NS, name, {"phase": "Running", "startTime": iso(now - 7200),
                                 "containerStatuses": [container(
                                     True, 1 if last else 0,
                                     {"running": {"startedAt": iso(now - 590)}}, last)]})
    return NS, now


def sample() -> Usage:
    return Usage.measured({(NS, name): PodUsage(NS, name, "", (
        ContainerUsage("c", mib * 2**20, cores),)) for name, (_, cores, mib) in PODS.items()},
        "kubelet summary")


@pytest.mark.parametrize(("size", "theme"), [
    pytest.param((80, 24), "kubetui-dark", id="80x24"),
    pytest.param((120, 40), "kubetui-dark", id="120x40"),
    pytest.param((80, 24), "kubetui-ansi", id="80x24-ansi-standard")])
def test_pods_with_usage(snap_compare, usage_ns, local_cluster: LocalCluster, size, theme):
    ns, now = usage_ns
    app = frozen_app(local_cluster, ns, now, theme=theme)

    async def run_before(pilot) -> None:
        pods = pilot.app.screen.pods
        await until(pilot, lambda: len(pods.table.rows) == 3 and pods.synced, what="the pods")
        pods.show_usage(sample())
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
    assert_theme(app, theme)
