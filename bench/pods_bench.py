"""Pods pane at scale, against the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/pods_bench.py --pods 1000 10000 [--idle 60]

For each N it seeds N pods into namespace ``kt-bench`` straight through the API (``schedulerName``
that no scheduler serves: they stay Pending and nothing else touches them), then measures:

* time to first row and to the full list in the app (headless, 120x40), and in the same run
  ``kubectl get pods -n kt-bench -o json`` for the same N;
* keypress -> paint latency (p50/p95/p99) for cursor moves while a separate thread PATCHes
  pods at ``--rate`` updates/s; "paint" is the compositor update the key produced (the terminal
  write itself is not included: the app runs headless);
* watch event -> row painted latency for those PATCHes to rows on screen (an update to a row
  scrolled out of view paints nothing);
* RSS of the process once the list is loaded;
* LIST and WATCH requests the apiserver received from kubetui during ``--idle`` seconds of idle
  (from the audit log, by kubetui's User-Agent).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import USER_AGENT, Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.transport.errors import KubeError  # noqa: E402
from kubetui.screens.main import MainScreen  # noqa: E402
from kubetui.widgets.live_pane import StoreUpdated  # noqa: E402

STATE = REPO / ".localcluster"
KUBECONFIG = STATE / "config" / "admin.kubeconfig"
KUBECTL = Path.home() / ".cache" / "kubetui" / "k8s-v1.20.2" / "bin" / "kubectl"
NS = "kt-bench"


def cluster_up() -> bool:
    """Whether the local cluster is there to measure against (else says so)."""
    if KUBECONFIG.exists():
        return True
    print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
    return False


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fmt_ms(values: list[float]) -> str:
    return (f"p50 {pct(values, 50) * 1000:6.1f} ms  p95 {pct(values, 95) * 1000:6.1f} ms  "
            f"p99 {pct(values, 99) * 1000:6.1f} ms  (n={len(values)})")


def kubectl(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), *args],
                          capture_output=True, text=True, **kw)


def pod_body(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"bench-{i:05d}", "labels": {"app": f"svc-{i % 50}"}},
            "spec": {"schedulerName": "kubetui-bench-none",
                     "containers": [{"name": "c", "image": "busybox:1.35"}]}}


async def seed(cluster: Cluster, n: int, ns: str = NS) -> None:
    """Bring namespace ``ns`` (kt-bench) to exactly N bench pods."""
    NS = ns  # noqa: N806 - the module's default, overridden for this call
    body = await cluster.get_json(f"/api/v1/namespaces/{NS}/pods", what="count",
                                  params={"limit": "1"}) if await ns_exists(cluster, NS) else None
    have = 0
    if body is not None:
        have = len(body.get("items", [])) + int(body["metadata"].get("remainingItemCount") or 0)
    if have > n:
        kubectl("delete", "namespace", NS, "--wait=true", "--timeout=600s", timeout=900)
        have = 0
    if have == 0 and not await ns_exists(cluster, NS):
        await cluster.request("POST", "/api/v1/namespaces", what="create ns",
                              json={"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": NS}})
    for _ in range(300):  # the ServiceAccount admission needs the default token first
        try:
            sa = await cluster.get_json(f"/api/v1/namespaces/{NS}/serviceaccounts/default",
                                        what="sa")
            if sa.get("secrets"):
                break
        except KubeError:
            pass
        await asyncio.sleep(0.1)
    t0 = time.perf_counter()
    sem = asyncio.Semaphore(48)

    async def create(i: int) -> None:
        async with sem:
            try:
                await cluster.request("POST", f"/api/v1/namespaces/{NS}/pods", what="seed",
                                      json=pod_body(i))
            except KubeError as exc:
                if exc.status != 409:
                    raise

    await asyncio.gather(*(create(i) for i in range(have, n)))
    if n > have:
        print(f"  seeded {n - have} pods in {time.perf_counter() - t0:.1f}s")


async def ns_exists(cluster: Cluster, ns: str = NS) -> bool:
    try:
        await cluster.get_json(f"/api/v1/namespaces/{ns}", what="ns")
        return True
    except KubeError:
        return False


class Updater(threading.Thread):
    """PATCHes pods at a fixed rate from its own thread and loop, recording send times."""

    def __init__(self, n: int, rate: float, client_args: dict, ns: str = NS,
                 spread: tuple[str, ...] = ()) -> None:
        """``n`` pods in ``ns``, or in each of the ``spread`` namespaces (taken in turn)."""
        super().__init__(daemon=True)
        self.n, self.rate, self.client_args = n, rate, client_args
        self.namespaces = spread or (ns,)
        self.sent: dict[str, float] = {}  # "pod-name/token-seq" -> monotonic send time
        self.token = f"B{time.time_ns() % 1000}"
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        args = {**self.client_args,
                "headers": {**self.client_args["headers"], "User-Agent": "kubetui-bench-load"}}
        async with httpx.AsyncClient(**args) as client:
            seq = 0
            start = time.monotonic()
            pending: set[asyncio.Task] = set()
            while not self.stop.is_set():
                seq += 1
                name = f"bench-{(seq * 7919) % self.n:05d}"
                # status.reason is what the STATUS column shows: a change the row must paint
                # (a label alone changes nothing on screen, so nothing is painted). The run's
                # own token keeps reasons left by an earlier run from matching this one's.
                label = f"{self.token}-{seq}"
                patch = {"status": {"reason": label}}
                self.sent[f"{name}/{label}"] = time.monotonic()
                task = asyncio.create_task(client.patch(
                    f"/api/v1/namespaces/{self.namespaces[seq % len(self.namespaces)]}/pods/"
                    f"{name}/status", content=json.dumps(patch),
                    headers={"Content-Type": "application/merge-patch+json"}))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(max(0.0, start + seq / self.rate - time.monotonic()))
            await asyncio.gather(*pending, return_exceptions=True)


async def measure(n: int, rate: float, presses: int, ns: str = NS,
                  spread: tuple[str, ...] = (), per_ns: int = 0) -> dict:
    """``n`` pods in ``ns``; or, with ``spread`` (namespaces already seeded with the same
    number of pods each), kubetui ``-A`` until it shows at least ``n`` pods."""
    NS = ns  # noqa: N806 - the module's default, overridden for this call
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS,
                             all_namespaces=bool(spread))
    cluster = await Cluster.connect(options)
    if not spread:
        await seed(cluster, n, NS)

    t_kubectl = time.perf_counter()
    out = kubectl("get", "pods", *(["-A"] if spread else ["-n", NS]), "-o", "json", timeout=900)
    t_kubectl = time.perf_counter() - t_kubectl
    assert out.returncode == 0, out.stderr
    del out

    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    marks: dict[str, float] = {}
    displays = track_paints(app)
    arrivals: list[tuple[float, list]] = []  # (time posted, "name/status" of rows on screen)

    def hook(message) -> None:
        # A store's change is posted to the pane and bubbles on: count it once, when posted.
        if isinstance(message, StoreUpdated) and message.change.delta is not None and \
                message.store.scope.plural == "pods" and not hasattr(message, "bench_seen"):
            message.bench_seen = True
            delta = message.change.delta
            now = time.monotonic()
            if delta.upserts and "first" not in marks:
                marks["first"] = now
            if delta.synced and delta.reset and "full" not in marks:
                marks["full"] = now
            seqs = []
            # Only rows on screen: an update to a row scrolled out of view paints nothing (by
            # design), and would only measure the wait for some unrelated later paint.
            on_screen = set()
            if not delta.reset and isinstance(app.screen, MainScreen):
                table = app.screen.pods.table
                top = int(table.scroll_offset.y)
                on_screen = set(table.order[top:top + table.size.height])
            for row in delta.upserts.values():
                if row.key in on_screen:
                    seqs.append(f"{row.name}/{row.status}")
            if seqs:
                arrivals.append((now, seqs))

    t_start = time.monotonic()
    result: dict = {"n": n, "kubectl_s": t_kubectl}
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        pods = app.screen.pods
        while "full" not in marks or len(pods.table.rows) < n:
            await pilot.pause(0.02)
            if time.monotonic() - t_start > 600:
                raise RuntimeError("the full list did not arrive in 600s")
        await pilot.pause(0.5)
        result["first_row_s"] = marks["first"] - t_start
        result["full_list_s"] = marks["full"] - t_start
        # Steady state: the hidden panes list once the pods are live, and a big events list
        # (56k with -A here) costs the loop one full sort of its rows when it ends (~0.1 s,
        # p95 36-39 ms instead of 18-23 ms over 210k pods if measured meanwhile).
        t_events = time.monotonic()
        while not app.screen.events.synced and time.monotonic() - t_events < 120:
            await pilot.pause(0.1)
        result["events_listed_s"] = time.monotonic() - t_events
        await pilot.pause(0.5)
        result["rss_mb"] = rss_mb()

        updater = Updater(per_ns if spread else n, rate, cluster._client_args, NS, spread)
        updater.start()
        await asyncio.sleep(2.0)  # let the update stream reach steady state
        latencies = await key_latencies(app, pods.table, displays, presses)
        # Watch event -> row is measured before the filter hides most rows: an update to a
        # hidden row paints nothing, and would count as waiting for the next unrelated paint.
        t_filter = time.monotonic()
        result["filter_latency"] = await filter_latencies(app, pods, displays)
        updater.stop.set()
        updater.join(timeout=10)
        await pilot.pause(1.0)
        event_lat, delta_lat = [], []
        seen: set[str] = set()
        for t_arrived, seqs in (a for a in arrivals if a[0] < t_filter):
            paint = next((d for d in displays if d >= t_arrived), None)
            for key in seqs:
                sent = updater.sent.get(key)
                if sent is not None and paint is not None and key not in seen:
                    seen.add(key)
                    event_lat.append(paint - sent)
                    delta_lat.append(paint - t_arrived)
        result["key_latency"] = latencies
        result["event_latency"] = event_lat
        result["delta_latency"] = delta_lat  # kubetui's own part: batch posted -> painted
        result["updates_sent"] = len(updater.sent)
        result["update_seconds"] = time.monotonic() - updater.started
        result["rss_after_updates_mb"] = rss_mb()
    await cluster.close()
    return result


async def headless_app(ns: str) -> tuple[Cluster, KubetuiApp, list[float]]:
    """A connected app for ``ns`` to run headless, and the list of its paint times."""
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=ns)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    return cluster, app, track_paints(app)


def track_paints(app: KubetuiApp) -> list[float]:
    """The times at which the app produced a compositor update (what a terminal would get)."""
    displays: list[float] = []
    original_display = app._display

    def display(screen, renderable):
        if renderable is not None:
            displays.append(time.monotonic())
        return original_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    return displays


async def timed_keys(app: KubetuiApp, displays: list[float], target,
                     method: str | tuple[str, ...],
                     keys: list[tuple[str, str | None]], gap: float) -> list[float]:
    """Send ``keys`` as the terminal driver does, one at a time; for each, key -> the paint
    that followed ``target.method`` (or one of the methods) handling it. Keys whose handler
    does not run (``/`` opening the filter) are sent and not timed."""
    handled: list[float] = []
    methods = (method,) if isinstance(method, str) else tuple(method)
    originals = {name: getattr(target, name) for name in methods}

    def timing(original):
        def timed(*args):
            result = original(*args)
            handled.append(time.monotonic())
            return result
        return timed

    for name, original in originals.items():
        setattr(target, name, timing(original))
    latencies = []
    try:
        for key, char in keys:
            before = len(handled)
            t0 = time.monotonic()
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)
            deadline = t0 + 2.0
            while len(handled) == before and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            if len(handled) > before:
                t_handled = handled[-1]
                while not any(d >= t_handled for d in displays[-5:]):
                    await asyncio.sleep(0.001)
                latencies.append(next(d for d in displays if d >= t_handled) - t0)
            await asyncio.sleep(gap)
    finally:
        for name, original in originals.items():
            setattr(target, name, original)
    return latencies


async def key_latencies(app: KubetuiApp, table, displays: list[float],
                        presses: int) -> list[float]:
    """Cursor keys: key -> the paint it produced."""
    keys = [("down" if (i // 20) % 2 == 0 else "up", None) for i in range(presses)]
    return await timed_keys(app, displays, table, "action_cursor", keys, 0.03)


async def filter_latencies(app: KubetuiApp, pane, displays: list[float],
                           typed: str = "bench-0[0-4]") -> list[float]:
    """``/`` then a filter typed key by key (it applies as typed): key -> the paint it produced,
    over every row of the pane; Escape clears it afterwards."""
    keys: list[tuple[str, str | None]] = [("slash", "/"), *[(c, c) for c in typed]]
    latencies = await timed_keys(app, displays, pane, "apply_filter", keys, 0.05)
    await timed_keys(app, displays, pane, "apply_filter", [("escape", None)], 0.3)
    return latencies


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def idle_requests(seconds: float) -> dict:
    """Run the app idle and count what the apiserver saw from kubetui in that window."""
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    # A User-Agent of its own, so other kubetui clients (tests) cannot pollute the count.
    agent = f"{USER_AGENT} (idle-bench {time.time():.0f})"
    cluster.user_agent = agent
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    audit = STATE / "logs" / "audit.log"
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.screen.pods.synced or not app.screen.events.synced:
            await pilot.pause(0.1)
        await pilot.pause(1.0)
        offset = audit.stat().st_size
        print(f"  (idle window starts; {len(app.screen.pods.table.rows)} pods loaded)")
        await asyncio.sleep(seconds)
        with audit.open() as f:
            f.seek(offset)
            entries = [json.loads(line) for line in f if agent in line]
    await cluster.close()
    verbs: dict[str, int] = {}
    for e in entries:
        if e.get("stage") == "ResponseComplete" or e.get("stage") == "ResponseStarted":
            key = f"{e.get('verb')} {e.get('objectRef', {}).get('resource', e.get('requestURI'))}"
            verbs[key] = verbs.get(key, 0) + 1
    return verbs


def main() -> int:
    p = argparse.ArgumentParser(description="pods pane benchmark (prints figures)")
    p.add_argument("--pods", type=int, nargs="*", default=[1000, 10000])
    p.add_argument("--rate", type=float, default=100.0, help="pod updates per second")
    p.add_argument("--presses", type=int, default=200)
    p.add_argument("--idle", type=float, default=60.0, help="idle window in seconds (0: skip)")
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    for n in a.pods:
        print(f"== {n} pods")
        r = asyncio.run(measure(n, a.rate, a.presses))
        print(f"  kubectl get pods -o json     {r['kubectl_s']:7.2f} s")
        print(f"  kubetui first row            {r['first_row_s']:7.2f} s")
        print(f"  kubetui full list            {r['full_list_s']:7.2f} s   "
              f"({r['full_list_s'] / r['kubectl_s']:.2f}x kubectl)")
        print(f"  RSS with the list loaded     {r['rss_mb']:7.1f} MB "
              f"(after updates: {r['rss_after_updates_mb']:.1f} MB)")
        print(f"  keypress -> paint            {fmt_ms(r['key_latency'])}")
        print(f"  filter keystroke -> paint    {fmt_ms(r['filter_latency'])}")
        print(f"  watch batch -> row painted   {fmt_ms(r['delta_latency'])}")
        print(f"  watch event -> row painted   {fmt_ms(r['event_latency'])}  "
              f"[{r['updates_sent']} updates in {r['update_seconds']:.0f}s]")
    if a.idle > 0:
        verbs = asyncio.run(idle_requests(a.idle))
        lists = sum(v for k, v in verbs.items() if k.startswith("list "))
        print(f"== idle {a.idle:g}s: requests from kubetui by verb: {verbs or 'none'}")
        print(f"  LIST requests while idle: {lists}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
