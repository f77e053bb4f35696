"""Soak: kubetui on 10k pods for a long time under a steady stream of changes. Prints figures;
asserts nothing.

    .venv/bin/python bench/soak_bench.py [--minutes 30] [--pods 10000]

A separate process PATCHes pods at ``--pod-rate`` (100/s) and writes events at ``--event-rate``
(20/s: a fixed set of 500 events whose count and lastTimestamp move, as a busy namespace's do,
so the event count itself stays flat). The app runs headless at 120x40 with both panes live.
After a one-minute warm-up and again at the end it measures RSS and keypress -> paint latency
(the same measurement as bench/pods_bench.py), and prints both with the growth in between.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import (  # noqa: E402
    KUBECONFIG,
    NS,
    fmt_ms,
    key_latencies,
    pct,
    rss_mb,
    seed,
    track_paints,
)

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402

EVENTS = 500


def event_body(i: int, count: int) -> dict:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"soak-{i:03d}"},
            "involvedObject": {"kind": "Pod", "name": f"bench-{i:05d}", "namespace": NS},
            "reason": "BackOff" if i % 3 else "Unhealthy", "type": "Warning" if i % 2 else
            "Normal", "message": f"soak event {i} seen {count} times", "count": count,
            "firstTimestamp": now, "lastTimestamp": now, "source": {"component": "soak"}}


class Churn(multiprocessing.Process):
    """Pod PATCHes and event writes at fixed rates, in a process of its own: its memory and
    CPU are not the app's, so the RSS and latency measured are kubetui's alone."""

    def __init__(self, n: int, pod_rate: float, event_rate: float) -> None:
        super().__init__(daemon=True)
        self.n, self.pod_rate, self.event_rate = n, pod_rate, event_rate
        self.stop = multiprocessing.Event()
        self._counts = {k: multiprocessing.Value("q", 0) for k in ("pods", "events", "errors")}

    @property
    def sent(self) -> dict[str, int]:
        return {k: v.value for k, v in self._counts.items()}

    def _count(self, key: str) -> None:
        with self._counts[key].get_lock():
            self._counts[key].value += 1

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
        base = cluster._client_args
        args = {**base, "headers": {**base["headers"], "User-Agent": "kubetui-bench-load"}}
        async with httpx.AsyncClient(**args) as client:
            for i in range(EVENTS):  # the fixed set of events, created once
                await client.post(f"/api/v1/namespaces/{NS}/events",
                                  content=json.dumps(event_body(i, 1)))
            await asyncio.gather(self._pods(client), self._events(client))

    async def _paced(self, rate: float, send) -> None:
        start, seq = time.monotonic(), 0
        pending: set[asyncio.Task] = set()
        while not self.stop.is_set():
            seq += 1
            task = asyncio.create_task(send(seq))
            pending.add(task)
            task.add_done_callback(pending.discard)
            await asyncio.sleep(max(0.0, start + seq / rate - time.monotonic()))
        await asyncio.gather(*pending, return_exceptions=True)

    async def _pods(self, client: httpx.AsyncClient) -> None:
        async def send(seq: int) -> None:
            name = f"bench-{(seq * 7919) % self.n:05d}"
            r = await client.patch(f"/api/v1/namespaces/{NS}/pods/{name}",
                                   content=json.dumps({"metadata": {"labels": {
                                       "soak-seq": str(seq)}}}),
                                   headers={"Content-Type": "application/merge-patch+json"})
            self._count("pods" if r.is_success else "errors")
        await self._paced(self.pod_rate, send)

    async def _events(self, client: httpx.AsyncClient) -> None:
        async def send(seq: int) -> None:
            i = seq % EVENTS
            r = await client.put(f"/api/v1/namespaces/{NS}/events/soak-{i:03d}",
                                 content=json.dumps(event_body(i, seq // EVENTS + 2)))
            self._count("events" if r.is_success else "errors")
        await self._paced(self.event_rate, send)


async def soak(minutes: float, n: int, pod_rate: float, event_rate: float,
               presses: int) -> dict:
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    await seed(cluster, n)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    displays = track_paints(app)
    result: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while len(screen.pods.table.rows) < n or not screen.pods.synced:
            await pilot.pause(0.1)
        churn = Churn(n, pod_rate, event_rate)
        churn.start()
        await asyncio.sleep(60)  # warm-up: caches, interned strings, steady state
        result["start_rss"] = rss_mb()
        result["start_keys"] = await key_latencies(app, screen.pods.table, displays, presses)
        started = time.monotonic()
        deadline = started + minutes * 60
        samples = []
        while time.monotonic() < deadline:
            await asyncio.sleep(min(60, max(0.0, deadline - time.monotonic())))
            samples.append((round((time.monotonic() - started) / 60, 1), rss_mb()))
            print(f"  t+{samples[-1][0]:5.1f} min  RSS {samples[-1][1]:6.1f} MB  "
                  f"sent {churn.sent}", flush=True)
            displays[:] = displays[-1000:]  # the benchmark's own list must not look like a leak
        result["end_rss"] = rss_mb()
        result["end_keys"] = await key_latencies(app, screen.pods.table, displays, presses)
        result["elapsed_min"] = (time.monotonic() - started) / 60
        churn.stop.set()
        churn.join(timeout=30)
        result["sent"] = churn.sent
        result["rows"] = (len(screen.pods.table.rows), len(screen.events.table.rows))
        result["unexpected_errors"] = len(app.unexpected_errors)
    await cluster.close()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description="soak benchmark (prints figures)")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--pods", type=int, default=10000)
    p.add_argument("--pod-rate", type=float, default=100.0)
    p.add_argument("--event-rate", type=float, default=20.0)
    p.add_argument("--presses", type=int, default=150)
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    print(f"== soak: {a.pods} pods, {a.pod_rate:g} pod updates/s, {a.event_rate:g} events/s, "
          f"{a.minutes:g} min")
    r = asyncio.run(soak(a.minutes, a.pods, a.pod_rate, a.event_rate, a.presses))
    growth = (r["end_rss"] - r["start_rss"]) / r["start_rss"] * 100
    print(f"  ran {r['elapsed_min']:.1f} min; writes sent {r['sent']}; rows (pods, events) "
          f"{r['rows']}; unexpected errors {r['unexpected_errors']}")
    print(f"  RSS   start {r['start_rss']:6.1f} MB   end {r['end_rss']:6.1f} MB   "
          f"growth {growth:+.1f} %")
    print(f"  keypress -> paint at start  {fmt_ms(r['start_keys'])}")
    print(f"  keypress -> paint at end    {fmt_ms(r['end_keys'])}")
    print(f"  p95 change {(pct(r['end_keys'], 95) - pct(r['start_keys'], 95)) * 1000:+.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
