"""The workload log view at 100 MB: 10 pods that each write 10 MB at start, then 1,000 lines/s.

Prints, for kubetui (``L`` on the Deployment, every line: tail all) and for
``kubectl logs -f -l app=flood --prefix --max-log-requests=10 --tail=-1`` on the same pods:
time to the first line, time until the 100 MB are in, and the lines/s delivered while the
pods write. For kubetui also: RSS with the view loaded (and the memory cap, the lines held and
dropped), a regex search over what is held (p50/p95), keypress -> paint while the pods write,
and whether every container's lines are complete and in order (each line carries its number).
Search and keys are measured twice: as kubetui runs, and scheduled before the cluster's own
processes (real-time FIFO, as root), which here share kubetui's cores and on a bastion do not.

Run with the local cluster up: ``.venv/bin/python bench/logs_bench.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pods_bench import (  # noqa: E402
    KUBECONFIG,
    KUBECTL,
    fmt_ms,
    kubectl,
    rss_mb,
    timed_keys,
    track_paints,
)

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.logs.found import Found  # noqa: E402
from kubetui.k8s.logs.request import LogQuery  # noqa: E402
from kubetui.k8s.logs.sources import LogTarget  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.screens.logs import LogsScreen  # noqa: E402
from kubetui.widgets.log_view import LogView  # noqa: E402

NS = "kt-bench-logs"
PODS = 10
SEQ = re.compile(r"seq=(\d+)")
PAD = "x" * 64
# 10 MB at start (100,000 lines of ~100 bytes), then 100 lines every 0.1 s
SCRIPT = (f'i=0; while [ $i -lt {{start}} ]; do i=$((i+1)); echo "$HOSTNAME seq=$i {PAD}"; done; '
          f'while :; do j=0; while [ $j -lt 100 ]; do j=$((j+1)); i=$((i+1)); '
          f'if [ $((i % 1000)) -eq 0 ]; then w=error; else w=ok; fi; '
          f'echo "$HOSTNAME seq=$i $w {PAD}"; done; sleep 0.1; done')


def deployment(start: int) -> str:
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "flood"},
        "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": "flood"}},
                 "template": {"metadata": {"labels": {"app": "flood"}}, "spec": {
                     "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "app", "image": "busybox:1.35",
                                     "command": ["sh", "-c", SCRIPT.format(start=start)]}]}}}})


def prepare(start: int) -> None:
    kubectl("delete", "namespace", NS, "--wait=true", timeout=180)
    kubectl("create", "namespace", NS, check=True)
    for _ in range(30):
        if kubectl("-n", NS, "get", "serviceaccount", "default").returncode == 0:
            break
        time.sleep(1)
    subprocess.run([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "-n", NS, "create", "-f",
                    "-"], input=deployment(start), text=True, check=True, capture_output=True)
    kubectl("-n", NS, "rollout", "status", "deployment/flood", "--timeout=180s", check=True)
    # every pod has written its first 10 MB
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        pods = kubectl("-n", NS, "get", "pods", "-o", "name").stdout.split()
        tails = [kubectl("-n", NS, "logs", p, "--tail=1").stdout for p in pods]
        if len(pods) == PODS and all(
                (m := SEQ.search(t)) and int(m.group(1)) >= start for t in tails):
            return
        time.sleep(2)
    raise RuntimeError("the pods did not write their first lines in 300 s")


def kubectl_run(seconds: float, loaded: int) -> dict:
    """``kubectl logs -f`` for ``seconds``: first line, all ``loaded`` lines in, lines/s."""
    args = [str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "-n", NS, "logs", "-f", "-l",
            "app=flood", "--prefix", "--max-log-requests=10", "--tail=-1", "--timestamps"]
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    marks: dict = {"lines": 0, "series": []}

    def read() -> None:
        for _ in proc.stdout:
            marks["lines"] += 1
            if marks["lines"] == 1:
                marks["first"] = time.monotonic() - t0
            if marks["lines"] == loaded:
                marks["loaded"] = time.monotonic() - t0

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while time.monotonic() - t0 < seconds:
        time.sleep(1)
        marks["series"].append((time.monotonic(), marks["lines"]))
    proc.kill()
    reader.join(5)
    return marks


def rate(series: list[tuple[float, int]], last: float) -> float:
    """Lines/s over the last ``last`` seconds of the series."""
    end = series[-1]
    start = next((s for s in series if s[0] >= end[0] - last), series[0])
    return (end[1] - start[1]) / max(1e-9, end[0] - start[0])


@contextmanager
def scheduled_first():
    """kubetui scheduled before the cluster's processes (real-time FIFO; root only; yields
    False when refused). Here the kubelet, containerd and the writing pods share kubetui's two
    cores (load ~8), and its loop waits for a core; on a bastion they run elsewhere."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except (PermissionError, AttributeError, OSError):
        yield False
        return
    try:
        yield True
    finally:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


async def timed_search(screen: LogsScreen, pilot, typed: str) -> float:
    t = time.perf_counter()
    screen.panel.searched(typed)
    took = time.perf_counter() - t
    await pilot.pause(0.2)
    return took


async def kubetui_run(seconds: float, loaded: int, presses: int) -> dict:
    # as kubetui's start-up does (kubetui/__main__.py): the app freezes what start-up made
    # out of the collector's sight after its first frame
    gc.disable()
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    displays = track_paints(app)
    r: dict = {"series": []}
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.screen.pods.synced:
            await pilot.pause(0.02)
        screen = LogsScreen(LogTarget(NS, "deployment flood", selector="app=flood"))
        screen.log_query = LogQuery(tail=-1)
        t0 = time.monotonic()
        await app.push_screen(screen)
        while not len(screen.buffer):
            await pilot.pause(0.005)
        r["first"] = time.monotonic() - t0
        while time.monotonic() - t0 < seconds:
            await pilot.pause(1.0)
            b = screen.buffer
            r["series"].append((time.monotonic(), b.end))
            if "loaded" not in r and b.end >= loaded:
                r["loaded"] = time.monotonic() - t0
        r["rss_mb"] = rss_mb()
        r["title"] = str(screen.query_one("#logs-title").render())
        r["failures"] = dict(screen.failures)
        b = screen.buffer
        r["held"], r["dropped"], r["cap_mib"] = len(b), b.first, b.cap_bytes / 2**20
        r["text_mb"] = sum(len(line[3]) for line in b.lines) / 1e6
        typed_searches = ("error", "re:seq=\\d*77 ", "ERROR", "flood-.*seq=12", "error")
        r["search"] = [await timed_search(screen, pilot, t) for t in typed_searches]
        screen.panel.found = Found(screen.buffer)  # cold again: no block joined yet
        with scheduled_first() as first:
            r["search_first"] = [await timed_search(screen, pilot, t) for t in typed_searches] \
                if first else []
        r["matches"] = len(screen.panel.found.matches)
        seqs: dict[int, list[int]] = defaultdict(list)
        for _, source, _, text in b.lines:
            if source >= 0:
                seqs[source].append(int(SEQ.search(text).group(1)))
        r["in_order"] = all(s == list(range(s[0], s[0] + len(s))) for s in seqs.values())
        r["sources"] = len(seqs)
        app.pop_screen()
        await pilot.pause(1.0)
        # steady state: a new view of the lines from now on, the pods writing 1,000 lines/s
        steady = LogsScreen(LogTarget(NS, "deployment flood", selector="app=flood"))
        steady.log_query = LogQuery(tail=0)
        await app.push_screen(steady)
        t1, c1 = time.monotonic(), time.process_time()
        await pilot.pause(10.0)
        r["steady_rate"] = steady.buffer.end / (time.monotonic() - t1)
        r["steady_cpu"] = (time.process_time() - c1) / (time.monotonic() - t1)
        view = steady.query_one(LogView)
        view.following = False  # the keys scroll: a paint per key, not per batch
        keys = [("up" if (i // 20) % 2 == 0 else "down", None) for i in range(presses)]
        r["keys"] = await timed_keys(app, displays, view, "action_scroll_lines", keys, 0.03)
        with scheduled_first() as first:
            r["keys_first"] = await timed_keys(app, displays, view, "action_scroll_lines",
                                               keys, 0.03) if first else []
    await cluster.close()
    return r


def main() -> int:
    p = argparse.ArgumentParser(description="workload logs benchmark (prints figures)")
    p.add_argument("--start-lines", type=int, default=100_000, help="per pod, ~100 B each")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--presses", type=int, default=200)
    p.add_argument("--keep", action="store_true", help="leave the namespace")
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    prepare(a.start_lines)
    loaded = PODS * a.start_lines
    k = kubectl_run(a.seconds, loaded)
    r = asyncio.run(kubetui_run(a.seconds, loaded, a.presses))
    mb = loaded * 100 / 1e6
    print(f"== {PODS} pods x {a.start_lines:,} lines (~{mb:.0f} MB) then ~1,000 lines/s each")
    print(f"  first line            kubectl {k.get('first', float('nan')):6.2f} s   "
          f"kubetui {r['first']:6.2f} s")
    print(f"  all {loaded:,} lines in  kubectl {k.get('loaded', float('nan')):6.2f} s   "
          f"kubetui {r.get('loaded', float('nan')):6.2f} s")
    print(f"  lines/s (last 20 s)   kubectl {rate(k['series'], 20):8,.0f}   "
          f"kubetui {rate(r['series'], 20):8,.0f}")
    print(f"  kubetui holds {r['held']:,} lines ({r['text_mb']:.0f} MB of text), dropped "
          f"{r['dropped']:,} older (cap {r['cap_mib']:.0f} MiB); RSS {r['rss_mb']:.0f} MB")
    print(f"  search over what is held  {fmt_ms(r['search'])} "
          f"(first: {r['search'][0] * 1000:.0f} ms, {r['matches']:,} lines matched last)")
    if r["search_first"]:
        print(f"    the same, kubetui scheduled first  {fmt_ms(r['search_first'])}")
    print(f"  keypress -> paint, a view of new lines only while the pods write "
          f"{r['steady_rate']:,.0f} lines/s")
    print(f"    (kubetui's CPU {r['steady_cpu'] * 100:.0f} % of a core)  {fmt_ms(r['keys'])}")
    if r["keys_first"]:
        print(f"    the same, kubetui scheduled first  {fmt_ms(r['keys_first'])}")
    print(f"  every container complete and in order: {r['in_order']} ({r['sources']} sources)")
    print(f"  view: {r['title']}")
    for name, reason in r["failures"].items():
        print(f"  stream failed: {name}: {reason}")
    if not a.keep:
        kubectl("delete", "namespace", NS, "--wait=false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
