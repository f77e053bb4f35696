"""``L`` on a Deployment against the local cluster: its replicas' containers in one stream,
each container's lines complete and in order (numbered by the container itself), a pod added by
scale joins, a deleted pod is marked, search and filter counts are exact, the previous
instance of a restarted container is read on request, and the saved file is what was shown."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from kubetui.k8s.logs.export import file_lines
from kubetui.k8s.logs.lines import Line
from kubetui.screens.logs import LogsScreen
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.log_view import LogView
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, showing, until
from tests.ui.test_fix_more import holds
from tests.ui.test_kind_views import open_kind

# Each container numbers its lines; every tenth says error. The sidecar is slower.
COUNT = ('i=0; while true; do i=$((i+1)); if [ $((i % 10)) -eq 0 ]; then w=error; '
         'else w=ok; fi; echo "$HOSTNAME seq=$i $w"; sleep 0.05; done')
SIDE = 'i=0; while true; do i=$((i+1)); echo "side seq=$i"; sleep 0.5; done'
SEQ = re.compile(r"seq=(\d+)")


def numbers(replicas: int) -> str:
    template = {"metadata": {"labels": {"app": "numbers"}}, "spec": {
        "terminationGracePeriodSeconds": 0,
        "containers": [{"name": "app", "image": "busybox:1.35", "command": ["sh", "-c", COUNT]},
                       {"name": "side", "image": "busybox:1.35",
                        "command": ["sh", "-c", SIDE]}]}}
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": "numbers"},
                       "spec": {"replicas": replicas,
                                "selector": {"matchLabels": {"app": "numbers"}},
                                "template": template}})


def drawn(screen) -> str:
    return "\n".join(screen.query_one(LogView).drawn())


def held(screen: LogsScreen) -> list[Line]:
    b = screen.buffer
    return [b.line(i) for i in range(b.first, b.end)]


def per_source(screen: LogsScreen) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for line in held(screen):
        if line.source >= 0:
            out[screen.names[line.source]].append(int(SEQ.search(line.text).group(1)))
    return out


def pods_read(screen: LogsScreen) -> set[str]:
    return {name.split("/")[0] for name, seqs in per_source(screen).items() if seqs}


def assert_complete_and_in_order(screen: LogsScreen) -> None:
    for name, seqs in per_source(screen).items():
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), name


async def deployment_logs(pilot) -> LogsScreen:
    """``:deploy``, then ``L`` on its one Deployment."""
    await open_kind(pilot, "deploy")
    await pilot.press("L")
    await until(pilot, lambda: isinstance(pilot.app.screen, LogsScreen), what="the logs")
    return pilot.app.screen


async def type_in(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    await pilot.pause(0.2)
    await pilot.press("ctrl+u", *text, "enter")


async def test_a_deployments_pods_in_one_stream(local_cluster: LocalCluster, namespace: str,
                                                tmp_path):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=numbers(3))
    c.kubectl("-n", namespace, "rollout", "status", "deployment/numbers", "--timeout=90s")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await deployment_logs(pilot)
        await until(pilot, lambda: len(pods_read(screen)) == 3
                    and len(per_source(screen)) == 6, what="3 pods, 2 containers each")
        await pilot.pause(1.0)
        assert_complete_and_in_order(screen)
        # merged in time order across containers
        stamps = [ns for ns, _, _, _ in screen.buffer.lines]
        assert stamps == sorted(stamps)
        title = str(screen.query_one("#logs-title").render())
        assert "deployment numbers" in title and "3 pods, 6 streams" in title

        c.kubectl("-n", namespace, "scale", "deployment/numbers", "--replicas=4")
        await until(pilot, lambda: len(pods_read(screen)) == 4, timeout=60,
                    what="the fourth pod joined")

        pods = sorted(pods_read(screen))
        c.kubectl("-n", namespace, "delete", "pod", pods[0], "--wait=false")
        await until(pilot, lambda: any(text == f"── pod {pods[0]} is gone"
                                       for _, _, _, text in screen.buffer.lines), timeout=60,
                    what="the deleted pod marked")
        assert_complete_and_in_order(screen)

        # search: the count is the lines that say error, exactly
        await type_in(pilot, "slash", "error")
        await until(pilot, lambda: screen.panel.found.search is not None, what="the search")
        b = screen.buffer
        expected = [b.first + i for i, line in enumerate(held(screen))
                    if line.source >= 0 and "error" in line.text
                    and b.first + i < screen.panel.found.scanned]
        assert screen.panel.found.matches == expected and len(expected) >= 3
        assert screen.panel.found.hit is not None
        await pilot.press("f")  # only the matching lines
        await pilot.pause(0.3)
        view = screen.query_one(LogView)
        assert view.shown is screen.panel.found.matches
        assert all("error" in screen.buffer.line(i).text for i in screen.panel.found.matches)
        status = str(screen.query_one("#logs-status").render())
        matched = len(screen.panel.found.matches)
        assert f"{matched:,} lines" in status and "only matching lines" in status
        await pilot.press("F")  # the others
        await pilot.pause(0.3)
        assert view.shown is screen.panel.found.others
        assert not any("error" in screen.buffer.line(i).text for i in screen.panel.found.others
                       if screen.buffer.line(i).source >= 0)
        await pilot.press("f")

        # save what is shown (the matching lines): the file's lines are those lines
        out = tmp_path / "saved.log"
        await type_in(pilot, "ctrl+s", str(out))
        await holds(pilot, lambda: out.exists() and out.stat().st_size, what="the file")
        body = [line for line in out.read_text().splitlines() if not line.startswith("# ")]
        shown = screen.panel.found.matches[:len(body)]
        assert body == file_lines(screen.buffer, shown, screen.names)
        assert len(body) >= len(expected)
        assert "# sources (" in out.read_text()
    await app.cluster.close()


# Fails once, then runs: one restart, so its previous instance stays (a pod crashing in a loop
# has its dead containers removed by the kubelet, and with them the log a read may ask for).
CRASH = ('if [ -f /data/ran ]; then echo "second instance"; exec sleep 3600; fi; touch /data/ran; '
         'echo "instance seq=1"; echo "instance seq=2 about to fail"; sleep 1; exit 3')


async def test_one_pods_logs_and_its_previous_instance_on_request(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "crasher"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "crasher"}},
                 "template": {"metadata": {"labels": {"app": "crasher"}}, "spec": {
                     "volumes": [{"name": "data", "emptyDir": {}}],
                     "containers": [{"name": "app", "image": "busybox:1.35",
                                     "command": ["sh", "-c", CRASH],
                                     "volumeMounts": [{"name": "data",
                                                       "mountPath": "/data"}]}]}}}}))
    c.wait_for(lambda: any((s.get("restartCount") or 0) >= 1
                           for p in c.get_json("-n", namespace, "pods")["items"]
                           for s in p.get("status", {}).get("containerStatuses") or ()),
               timeout=90, what="a restart")
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        # L on the pods pane: the pod under the cursor, alone (a field selector on its name)
        await until(pilot, lambda: app.screen.pods.synced and app.screen.pods.table.rows,
                    what="the pod listed")
        await pilot.press("L")
        await until(pilot, lambda: showing(app, LogsScreen), what="the pod's logs")
        screen = app.screen
        assert screen.target.pods and screen.target.title.startswith("pod crasher-")
        pod = screen.target.pods[0]
        await pilot.press("p")
        await until(pilot, lambda: any(n.endswith("/app (previous)") for n in screen.names)
                    and any(line.source >= 0 and screen.names[line.source].endswith(
                        "(previous)") for line in held(screen)), timeout=30,
                    what="the previous instance's lines")
        previous = [line.text for line in held(screen) if line.source >= 0
                    and screen.names[line.source].endswith("(previous)")]
        assert previous[-1] == "instance seq=2 about to fail"
        assert "+ previous" in str(screen.query_one("#logs-title").render())
        # the same view from the pod's detail
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LogsScreen), what="back")
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, PodDetailScreen), what="the detail")
        detail = app.screen
        # its Logs tab, the same panel: p adds the previous instance, prefixed once there
        # are two sources
        await pilot.press("l")
        await until(pilot, lambda: "second instance" in drawn(detail), what="the tab's log")
        assert not any("/app" in row for row in detail.query_one(LogView).drawn())
        await pilot.press("p")
        await until(pilot, lambda: "instance seq=2 about to fail" in drawn(detail),
                    timeout=30, what="the previous instance in the tab")
        rows = detail.query_one(LogView).drawn()
        assert any(row.startswith(f"{pod}/app (previous)") and row.endswith("about to fail")
                   for row in rows), rows
        await pilot.press("L")
        await until(pilot, lambda: showing(app, LogsScreen)
                    and app.screen.target.pods == screen.target.pods, what="its logs")
    await app.cluster.close()
