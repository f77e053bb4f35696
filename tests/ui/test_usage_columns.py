"""CPU and memory in the pods pane (``u``), from the local 1.20 kubelet (no metrics-server here):
a pod throttled at its 500m CPU limit and a pod holding 52 MiB in memory under a 56 MiB limit
show figures within a stated tolerance of what their own cgroups report, the second marked near
its limit; sorting by CPU puts the busiest first. The nodes pane's ``u`` shows the node's
totals (its working set within 10 % of this machine's root memory cgroup: the node is this
machine) and their shares of its allocatable. The kubelet is read only while the columns are
on screen: another pane, or ``u`` again, and the audit log shows no more summary reads. A viewer
without ``get nodes/proxy`` gets one line saying what is missing. The triage of a container
killed for memory says how near its limit the samples saw it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from textual.widgets import Static

from kubetui.k8s.metrics.usage import BARS
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.resource_table import SortSpec
from kubetui.widgets.usage_columns import NEAR
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import make_app, showing, until
from tests.ui.test_fix_more import now

BURNER = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "burner"},
          "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
              "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
              "command": ["sh", "-c", "while :; do :; done"],
              "resources": {"requests": {"cpu": "250m"}, "limits": {"cpu": "500m"}}}]}}
HOLDER = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "holder"},
          "spec": {"terminationGracePeriodSeconds": 0,
                   "volumes": [{"name": "ram", "emptyDir": {"medium": "Memory"}}],
                   "containers": [{
                       "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
                       "command": ["sh", "-c", "head -c 54525952 /dev/zero > /ram/held; "
                                   "exec sleep 100000"],
                       "volumeMounts": [{"name": "ram", "mountPath": "/ram"}],
                       "resources": {"limits": {"memory": "56Mi"}}}]}}
CPU_TOLERANCE = 0.1  # cores: the kubelet's window and ours differ by seconds
MEMORY_TOLERANCE = 4 * 2**20  # bytes: the shell and sleep come and go around the 52 MiB held


def cgroup(c: LocalCluster, ns: str, pod: str, path: str) -> str:
    return c.kubectl("-n", ns, "exec", pod, "--", "cat", f"/sys/fs/cgroup/{path}").stdout


def working_set(c: LocalCluster, ns: str) -> int:
    """As the kubelet counts it (cgroup v1): usage less the inactive file cache."""
    usage = int(cgroup(c, ns, "holder", "memory/memory.usage_in_bytes"))
    stat = dict(line.split() for line in cgroup(c, ns, "holder", "memory/memory.stat")
                .splitlines())
    return usage - int(stat.get("total_inactive_file", 0))


def host_working_set() -> int:
    """The node is this machine: its root memory cgroup, as the kubelet counts the node."""
    root = Path("/sys/fs/cgroup/memory")
    stat = dict(line.split() for line in (root / "memory.stat").read_text().splitlines())
    return int((root / "memory.usage_in_bytes").read_text()) - int(stat["total_inactive_file"])


def cpu_rate(c: LocalCluster, ns: str, seconds: float = 5.0) -> float:
    """The burner's cores by its own cgroup: cpuacct.usage (ns) over ``seconds``."""
    first, t0 = int(cgroup(c, ns, "burner", "cpuacct/cpuacct.usage")), time.monotonic()
    time.sleep(seconds)
    second, t1 = int(cgroup(c, ns, "burner", "cpuacct/cpuacct.usage")), time.monotonic()
    return (second - first) / 1e9 / (t1 - t0)


def summary_reads(c: LocalCluster, since: str) -> int:
    return sum(1 for e in audit_events(c, since=since)
               if e["requestURI"].endswith("/proxy/stats/summary"))


async def test_usage_from_the_kubelet_near_the_cgroups_and_only_while_shown(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    for pod in (BURNER, HOLDER):
        c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    c.wait_for(lambda: c.kubectl("-n", namespace, "exec", "holder", "--", "ls", "-l",
                                 "/ram/held", check=False).stdout.split()[4:5] == ["54525952"],
               timeout=60, what="52 MiB held")
    c.wait_for(lambda: "Running" in c.kubectl("-n", namespace, "get", "pod", "burner").stdout,
               timeout=60, what="the burner running")
    from kubetui.config import Settings

    app = await make_app(c.kubeconfig, namespace=namespace, settings=Settings(usage_seconds=3))
    async with app.run_test(size=(160, 40)) as pilot:
        pane = app.screen.pods
        await until(pilot, lambda: len(pane.table.rows) == 2, what="the pods")
        assert pane.usage is None and "CPU" not in pane.table.header_text()
        await pilot.press("u")
        await until(pilot, lambda: pane.usage is not None and pane.usage.source
                    == "kubelet summary", what="a sample", timeout=30)
        header = pane.table.header_text().split()
        assert header[header.index("RESTARTS") + 1:][:6] == [
            "CPU", "MEM", "%MEM/L", "%CPU/L", "%CPU/R", "%MEM/R"]
        rows = {r.name: r for r in pane.table.rows.values()}

        def figures(name: str):
            return pane.usage.of(rows[name]) if pane.usage else None
        # Two readings of the kubelet's counters (it reads them every 10-15 s): CPU as a rate.
        await until(pilot, lambda: figures("burner") is not None and figures("burner").cpu
                    and figures("burner").cpu > 0.3, what="the burner's CPU", timeout=60)
        own = await asyncio.to_thread(cpu_rate, c, namespace)
        assert abs(figures("burner").cpu - own) <= CPU_TOLERANCE, (figures("burner"), own)
        held = await asyncio.to_thread(working_set, c, namespace)
        assert abs(figures("holder").memory - held) <= MEMORY_TOLERANCE, (figures("holder"), held)
        cells = pane.row_cells(rows["holder"], 0)
        assert cells["mem"].endswith(NEAR) and cells["mem_l"].endswith(NEAR)
        assert int(cells["mem_l"].rstrip(NEAR)) >= 90
        burner = pane.row_cells(rows["burner"], 0)
        # its share of the 500m limit, from the same sample (how near 100 % depends on the load
        # of this 2-core machine: the figure itself is checked against the cgroup above)
        share = figures("burner").cpu / 0.5 * 100
        assert abs(int(burner["cpu_l"]) - share) <= 1, (burner["cpu_l"], share)
        assert burner["mem_l"] == "n/a"  # no memory limit
        pane.table.set_sort(SortSpec("cpu"))
        await pilot.pause(0.1)
        assert pane.table.rows[pane.table.order[0]].name == "burner"
        assert "CPU/MEM from the kubelet summary" in pane.status_text()[0]
        # The pod detail: each container's figures and the last samples, near its limit.
        pane.table.select_key(rows["holder"].key)
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, PodDetailScreen)
                    and app.screen.query_one("#describe-usage"), what="the detail")
        block = app.screen.query_one("#describe-usage", Static)
        await until(pilot, lambda: "app: CPU" in str(block.render()), what="the usage block")
        text = str(block.render())
        assert "CPU/MEM from the kubelet summary, every 3 s" in text
        assert "of 56Mi" in text and f"{NEAR} near its limit" in text
        assert any(bar in text for bar in BARS)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PodDetailScreen), what="back")
        # The nodes pane: each node's totals and their shares of its allocatable.
        await pilot.press("5")
        nodes = app.screen.nodes
        await until(pilot, lambda: nodes.table.rows, what="the nodes")
        await pilot.press("u")
        node = next(r for r in nodes.table.rows.values() if r.name == "localhost")
        await until(pilot, lambda: nodes.usage is not None and nodes.usage.node(node)
                    is not None, what="the node's figures", timeout=30)
        cells = nodes.cells(node, 0)
        assert cells["cpu"].endswith("m") and 0 < int(cells["mem_a"]) < 100
        host_set = host_working_set()
        assert abs(nodes.usage.node(node).memory - host_set) <= 0.1 * host_set
        header = nodes.table.header_text().split()
        assert header[header.index("STATUS") + 1:][:4] == ["CPU", "%CPU", "MEM", "%MEM"]
        await pilot.press("u")
        # Hidden (another pane), then turned off: no more reads.
        await pilot.press("2")
        await pilot.pause(0.5)
        since = now()
        await pilot.pause(7)
        assert summary_reads(c, since) == 0
        await pilot.press("1")
        await until(pilot, lambda: summary_reads(c, since) > 0, what="reading again", timeout=15)
        await pilot.press("u")
        await pilot.pause(0.5)
        assert pane.usage is None and "CPU" not in pane.table.header_text()
        since = now()
        await pilot.pause(7)
        assert summary_reads(c, since) == 0
    await app.cluster.close()


async def test_a_viewer_without_the_right_is_told_what_is_missing(local_cluster: LocalCluster):
    c = local_cluster
    viewer = c.config_dir / "viewer.kubeconfig"
    app = await make_app(viewer, namespace="kubetui-demo")
    async with app.run_test(size=(120, 30)) as pilot:
        pane = app.screen.pods
        await until(pilot, lambda: "kubetui-demo" in app.access, what="the viewer's rules")
        since = now()
        await pilot.press("u")
        await until(pilot, lambda: pane.usage is not None and pane.usage.why, what="the why")
        assert pane.usage.why == (
            "CPU/MEM n/a: no metrics-server (metrics.k8s.io is not served), and the kubelet's "
            "figures need get nodes/proxy, which you lack")
        assert pane.usage.why in pane.status_text()[0]
        assert pane.row_cells(next(iter(pane.table.rows.values())), 0)["cpu"] == "n/a" \
            if pane.table.rows else True
        await pilot.pause(1)
        assert summary_reads(c, since) == 0  # nothing asked that would be refused
    await app.cluster.close()


async def test_the_triage_of_a_pod_killed_for_memory_says_how_near_its_limit_it_was(
        local_cluster: LocalCluster, namespace: str):
    """The figures the samples left in the app's history (recorded as the sampler records
    them) join the triage of a container killed for memory."""
    from kubetui.k8s.metrics.usage import ContainerUsage, PodUsage
    from kubetui.screens.triage import TriageScreen
    from tests.ui.conftest import container, set_status, unscheduled

    c = local_cluster
    pod = json.loads(unscheduled("hungry"))
    pod["spec"]["containers"][0]["resources"] = {"limits": {"memory": "64Mi"}}
    pod["spec"]["nodeName"] = "kubetui-no-kubelet"  # bound, and no kubelet changes its status
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(pod))
    set_status(c, namespace, "hungry", {"phase": "Running", "containerStatuses": [container(
        False, 3, {"waiting": {"reason": "CrashLoopBackOff"}},
        {"terminated": {"exitCode": 137, "reason": "OOMKilled"}})]})
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        for mib in (40, 52, 61):
            app.usage_history.record({(namespace, "hungry"): PodUsage(
                namespace, "hungry", "", (ContainerUsage("c", mib * 2**20, 0.01),))})
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: showing(app, TriageScreen), what="the triage")
        body = app.screen.query_one("#triage-body")
        await until(pilot, lambda: "memory, the last samples" in str(body.render()),
                    what="the figures in the evidence")
        assert "61Mi of its 64Mi limit (95%)" in str(body.render())
    await app.cluster.close()
