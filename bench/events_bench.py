"""The events pane at scale: N events in one namespace, against the local cluster. Prints
figures; asserts nothing.

    .venv/bin/python bench/events_bench.py [--events 50000] [--rounds 3] [--rate 100]

Namespace ``kt-events-N`` gets N core/v1 Events straight through the API (what kubelets and
controllers write: a reason, a message, an involved pod; one in five a Warning). The apiserver
deletes events after ``--event-ttl`` (1 h): a second run within the hour reuses them, a later
one seeds again. Then, in the same run:

* ``curl``: the raw LIST of those events, consistent and from the watch cache
  (``resourceVersion=0``, what kubetui's first LIST asks for);
* ``kubectl get events`` (the Table format) and ``-o json``;
* kubetui in tmux at 120x40 as a user starts it (``-n kt-events-N``), ``2`` pressed at the first
  frame: launch -> the events pane says ``N · live``; RSS of the process then;
* headless (``pods_bench.timed_keys``), while ``--rate`` new events a second arrive: cursor key
  -> paint and filter keystroke -> paint p95 in the events pane, over all N rows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import KUBECONFIG, headless_app, pct, rss_mb, timed_keys  # noqa: E402
from scale_bench import curl, kubectl_get, request_pool, rss_of_tree, settle  # noqa: E402
from startup_bench import compile_bytecode, launch  # noqa: E402

from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from tests.integration.tmux import tmux  # noqa: E402

SOURCE = REPO
SESSION = "kubetui-events-bench"
REASONS = ("BackOff", "Pulled", "Created", "Started", "Unhealthy", "FailedMount", "Killing")


def event_body(ns: str, i: int, stamp: str, run: str = "") -> dict:
    warning = i % 5 == 0
    pod = f"bench-{i % 2000}"
    return {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{pod}.{run}{i:08x}", "namespace": ns},
        "involvedObject": {"kind": "Pod", "namespace": ns, "name": pod, "apiVersion": "v1",
                           "uid": f"00000000-0000-4000-8000-{i % 2000:012d}"},
        "reason": REASONS[i % len(REASONS)],
        "message": f"event {i} about {pod}: container app " + (
            "back-off restarting failed container" if warning else "started"),
        "type": "Warning" if warning else "Normal",
        "source": {"component": "kubelet", "host": "kubetui-local"},
        "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1 + i % 3,
    }


def now_stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def count_events(cluster: Cluster, ns: str) -> int:
    body = await cluster.get_json(f"/api/v1/namespaces/{ns}/events", what="count",
                                  params={"limit": "1"})
    return len(body.get("items") or []) + int(body["metadata"].get("remainingItemCount") or 0)


async def seed(n: int, ns: str) -> None:
    """``n`` events in ``ns`` (created if missing) through one pool of 48 requests."""
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    call = request_pool(cluster)
    try:
        await call("POST", "/api/v1/namespaces", {
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        have = await count_events(cluster, ns)
        if have >= n:
            return
        stamp = now_stamp()
        t0 = time.perf_counter()
        await asyncio.gather(*(call("POST", f"/api/v1/namespaces/{ns}/events",
                                    event_body(ns, i, stamp)) for i in range(have, n)))
        print(f"  seeded {n - have} events in {time.perf_counter() - t0:.0f}s")
    finally:
        await cluster.close()


class Writer(threading.Thread):
    """New events at ``rate`` a second from its own loop and client, until stopped."""

    def __init__(self, ns: str, rate: float, client_args: dict):
        super().__init__(daemon=True)
        self.ns, self.rate, self.client_args = ns, rate, client_args
        self.stop = threading.Event()
        self.sent = 0
        self.run_token = f"{int(time.time()) % 100000:05d}"  # new names on every run

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        async with httpx.AsyncClient(**self.client_args) as client:
            start = time.monotonic()
            pending: set = set()
            while not self.stop.is_set():
                self.sent += 1
                body = event_body(self.ns, self.sent, now_stamp(), self.run_token)
                task = asyncio.create_task(
                    client.post(f"/api/v1/namespaces/{self.ns}/events", json=body))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(max(0.0, start + self.sent / self.rate - time.monotonic()))
            await asyncio.gather(*pending, return_exceptions=True)


def kubetui_launch(ns: str, n: int) -> tuple[float, float]:
    """launch -> the events pane live with at least ``n`` events; and RSS then."""
    start = launch(SESSION, ns, SOURCE)
    pressed = False
    full = None
    deadline = start + 600
    while full is None and time.perf_counter() < deadline:
        screen = tmux("capture-pane", "-p", "-t", SESSION)
        if not pressed and "kubetui" in screen:
            tmux("send-keys", "-t", SESSION, "2")
            pressed = True
        for line in screen.splitlines():
            if "events in" in line and line.rstrip().endswith("· live"):
                shown = line.split("·")[1].strip().split("/")[-1]
                if shown.isdigit() and int(shown) >= n:
                    full = time.perf_counter() - start
        time.sleep(0.005)
    pid = int(tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])
    time.sleep(0.3)
    rss = rss_of_tree(pid)
    tmux("kill-session", "-t", SESSION)
    if full is None:
        raise RuntimeError(f"the events pane did not show {n} events live within 600 s")
    return full, rss


async def latencies(ns: str, n: int, rate: float, presses: int) -> dict:
    cluster, app, displays = await headless_app(ns)
    result: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        pane = app.screen.events
        t0 = time.monotonic()
        while not (pane.synced and len(pane.table.rows) >= n):
            await pilot.pause(0.05)
            if time.monotonic() - t0 > 600:
                raise RuntimeError("the events did not arrive in 600 s")
        await pilot.pause(0.5)
        writer = Writer(ns, rate, cluster._client_args)
        writer.start()
        await asyncio.sleep(2.0)
        keys = [("down" if (i // 20) % 2 == 0 else "up", None) for i in range(presses)]
        result["key"] = await timed_keys(app, displays, pane.table, "action_cursor", keys, 0.03)
        typed = "bench-1[0-4]"
        result["filter"] = await timed_keys(app, displays, pane, "apply_filter",
                                            [("slash", "/"), *[(c, c) for c in typed]], 0.05)
        await timed_keys(app, displays, pane, "apply_filter", [("escape", None)], 0.3)
        writer.stop.set()
        writer.join(timeout=10)
        result["rows"] = len(pane.table.rows)
        result["rss"] = rss_mb()
        result["written"] = writer.sent
    await cluster.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="new events a second during the keypress and filter timing")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the kubetui checkout to launch (default: this one)")
    parser.add_argument("--no-latency", action="store_true",
                        help="skip the headless keypress / filter run")
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source
    compile_bytecode(SOURCE)
    n, ns = args.events, f"kt-events-{args.events}"
    asyncio.run(seed(n, ns))
    path = f"/api/v1/namespaces/{ns}/events"
    runs: dict[str, list[tuple[float, ...]]] = {}
    kubetui_launch(ns, n)  # warm caches
    clients = [
        ("curl, consistent LIST", lambda: curl(ns, path=path)),
        ("curl, watch cache (resourceVersion=0)",
         lambda: curl(ns, path=path, query="?resourceVersion=0")),
        ("kubectl get events", lambda: kubectl_get(ns, resource="events")),
        ("kubectl get events -o json",
         lambda: kubectl_get(ns, "-o", "json", resource="events")),
        ("kubetui (events pane)", lambda: (float("nan"), *kubetui_launch(ns, n))),
    ]
    for _ in range(args.rounds):
        for name, run in clients:
            settle()  # every client meets the same idle apiserver (scale_bench.settle)
            runs.setdefault(name, []).append(run())
    if args.no_latency:
        lat = None
    else:
        lat = asyncio.run(latencies(ns, n, args.rate, args.presses))
    print(f"\n{dt.date.today().isoformat()}, {n:,} events in one namespace; median of "
          f"{args.rounds} interleaved rounds\n")
    print("| client | full list (s) | RSS (MB) |")
    print("|---|---|---|")
    for tool, values in runs.items():
        full = statistics.median(v[1] for v in values)
        rss = f"{statistics.median(v[2] for v in values):.0f}" if len(values[0]) > 2 else "-"
        print(f"| {tool} | {full:.2f} | {rss} |")
    ratio = statistics.median(v[1] for v in runs["kubetui (events pane)"]) / statistics.median(
        v[1] for v in runs["curl, consistent LIST"])
    print(f"| kubetui ÷ consistent LIST | {ratio:.2f}× | |")
    if lat is None:
        return 0
    print(f"\nheadless, {lat['rows']:,} rows, {args.rate:.0f} new events/s "
          f"({lat['written']} written): keypress -> paint p95 {pct(lat['key'], 95) * 1000:.1f} ms"
          f" (n={len(lat['key'])}), filter keystroke -> paint p95 "
          f"{pct(lat['filter'], 95) * 1000:.0f} ms (n={len(lat['filter'])}), "
          f"RSS {lat['rss']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
