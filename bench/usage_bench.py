"""The pods pane's usage columns (``u``) at scale. Prints figures; asserts nothing.

    .venv/bin/python bench/usage_bench.py [--pods 10000] [--presses 200] [--minute 60]

The local cluster has one kubelet, running the demo's few pods; the 10,000 bench pods
(``kt-bench``, never scheduled) are listed but no kubelet runs them. So the sample's cost is
measured in its parts:

* the request: the real node's ``/stats/summary`` through the apiserver, as kubetui reads it,
  against ``kubectl get --raw`` of the same path (what a user without metrics-server runs);
* parse and join: a summary of 10,000 pods made from the recorded one (each bench pod given a
  container's figures), parsed, rated against the previous sample and joined to the rows of
  the pane (the cells of the rows on screen, and a sort by CPU over all of them);
* keypress -> paint p50/p95/p99 on the pods pane with 10,000 pods: with the usage columns off,
  then on (a 10,000-pod sample shown and re-sent every 10 s), in the same run;
* requests a minute (``--minute`` seconds of the real app with the columns on, in the demo's
  namespace where pods run, from the audit log), and none once the columns are off.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pods_bench import (  # noqa: E402
    KUBECONFIG,
    NS,
    STATE,
    cluster_up,
    fmt_ms,
    headless_app,
    key_latencies,
    kubectl,
    pct,
    seed,
)

from kubetui.k8s.metrics.sources import KUBELET, parse_summary  # noqa: E402
from kubetui.k8s.metrics.usage import with_rates  # noqa: E402
from kubetui.k8s.transport.cluster import USER_AGENT, Cluster, ConnectOptions  # noqa: E402
from kubetui.widgets.resource_table import SortSpec  # noqa: E402
from kubetui.widgets.usage_columns import Usage, usage_cells, usage_sort_keys  # noqa: E402

SUMMARY = "/api/v1/nodes/localhost/proxy/stats/summary"
RECORDED = REPO / "tests" / "fixtures" / "k8s-1.20" / "summary-usage-1.json"


def big_summary(n: int, step: int) -> dict:
    """A summary of ``n`` bench pods, each with the recorded container's figures (its counter
    moved by ``step`` seconds' worth of a tenth of a core)."""
    one = json.loads(RECORDED.read_text())["pods"][0]
    pods = []
    for i in range(n):
        pod = copy.deepcopy(one)
        pod["podRef"] = {"name": f"bench-{i:05d}", "namespace": NS, "uid": f"u{i}"}
        c = pod["containers"][0]
        c["cpu"]["usageCoreNanoSeconds"] += step * 10**8 + i
        c["cpu"]["time"] = f"2026-12-07T06:19:{12 + step:02d}Z"
        pods.append(pod)
    return {"node": {"nodeName": "localhost"}, "pods": pods}


async def request_cost(rounds: int = 10) -> None:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    took = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await cluster.get_json(SUMMARY, what="summary")
        took.append(time.perf_counter() - t0)
    await cluster.close()
    raw = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        kubectl("get", "--raw", SUMMARY)
        raw.append(time.perf_counter() - t0)
    print(f"  one node's summary, kubetui       p50 {pct(took, 50) * 1000:.1f} ms  "
          f"p95 {pct(took, 95) * 1000:.1f} ms")
    print(f"  kubectl get --raw of the same     p50 {pct(raw, 50) * 1000:.1f} ms  "
          f"p95 {pct(raw, 95) * 1000:.1f} ms (a process each)")


async def pane_costs(n: int, presses: int) -> None:
    first, second = big_summary(n, 0), big_summary(n, 10)
    cluster, app, displays = await headless_app(NS)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.pods
        while len(pane.table.rows) < n:
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        off = await key_latencies(app, pane.table, displays, presses)
        parse, join, sort = [], [], []
        previous = parse_summary(first)
        rows = list(pane.table.rows.values())
        for _ in range(5):
            gc.collect()  # each part timed alone, not with a collection the last one left due
            t0 = time.perf_counter()
            sample = with_rates(previous, parse_summary(second))
            usage = Usage.measured(sample, KUBELET)  # all three in a thread, off the UI loop
            parse.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            for row in rows[:40]:  # the rows on screen
                usage_cells(row, usage.of(row))
            join.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            sorted(rows, key=usage_sort_keys(usage)["cpu"])
            sort.append(time.perf_counter() - t0)
        pane.show_usage(usage)
        pane.table.set_sort(SortSpec("name"))
        resend = app.screen.set_interval(
            10, lambda: pane.show_usage(Usage.measured(sample, KUBELET)))
        await pilot.pause(0.5)
        on = await key_latencies(app, pane.table, displays, presses)
        resend.stop()
        pane.show_usage(None)
    await cluster.close()
    print(f"  parse {n:,} pods + rates (thread) p50 {pct(parse, 50) * 1000:.1f} ms  "
          f"p95 {pct(parse, 95) * 1000:.1f} ms")
    print(f"  cells of the 40 rows on screen    p95 {pct(join, 95) * 1000:.2f} ms")
    print(f"  sort {n:,} rows by CPU             p95 {pct(sort, 95) * 1000:.1f} ms")
    print(f"  keypress -> paint, usage off      {fmt_ms(off)}")
    print(f"  keypress -> paint, usage on       {fmt_ms(on)}")


async def requests_a_minute(minute: float, ns: str = "kubetui-demo") -> None:
    """The real sampling in a namespace whose pods run (the demo's): ``u`` on for ``minute``
    seconds, then off for 15 s; the audit log counts kubetui's summary reads in each."""
    cluster, app, _ = await headless_app(ns)
    agent = f"{USER_AGENT} (usage-bench {time.time():.0f})"
    cluster.user_agent = agent
    audit = STATE / "logs" / "audit.log"
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.screen.pods.synced or not app.screen.pods.table.rows:
            await pilot.pause(0.1)
        offset = audit.stat().st_size
        await pilot.press("u")
        await asyncio.sleep(minute)
        await pilot.press("u")
        middle = audit.stat().st_size
        await asyncio.sleep(15)
        end = audit.stat().st_size
    await cluster.close()
    with audit.open("rb") as f:
        f.seek(offset)
        window = f.read(end - offset)
    sent_on, sent_off = (
        sum(1 for line in part.decode(errors="replace").splitlines()
            if agent in line and '"ResponseComplete"' in line and "stats/summary" in line)
        for part in (window[:middle - offset], window[middle - offset:]))
    print(f"  summary reads, {minute:.0f} s with u on ({ns}): {sent_on} "
          f"({sent_on * 60 / minute:.1f} a minute; one node, every 10 s); 15 s after u off: "
          f"{sent_off}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=10000)
    p.add_argument("--presses", type=int, default=200)
    p.add_argument("--minute", type=float, default=60.0)
    a = p.parse_args()
    if not cluster_up():
        return 1

    async def prepare() -> None:
        cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
        await seed(cluster, a.pods)
        await cluster.close()

    asyncio.run(prepare())
    print("== the request")
    asyncio.run(request_cost())
    print(f"== {a.pods:,} pods")
    asyncio.run(pane_costs(a.pods, a.presses))
    print("== requests")
    asyncio.run(requests_a_minute(a.minute))
    return 0


if __name__ == "__main__":
    sys.exit(main())
