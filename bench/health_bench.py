"""The health overview open at scale, against the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/health_bench.py [--pods 10000] [--rate 100] [--presses 200]

Seeds N pods into ``kt-bench`` (as ``pods_bench.py`` does: Pending, a scheduler nobody serves,
so each one is "unhealthy" and listed: the overview's worst case), then, in one headless app
(120x40) while a separate thread PATCHes pods at ``--rate`` updates/s:

* keypress -> paint p50/p95/p99 for cursor moves on the pods pane (the baseline);
* the same keys with the health overview (``0``) open over it, moving through its entries;
  then down through the list (each key scrolls it); and the same keys again once the updates
  stop (the overview's list itself, without refreshes);
* what one overview refresh costs the UI loop (wall, on the loop) and its thread (CPU), how
  many ran, how long the overview took to show its first full list, and the RSS with both
  open.

Target (the issue's): keypress -> paint p95 unchanged with the overview open at 10k pods.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pods_bench import (  # noqa: E402
    KUBECONFIG,
    NS,
    Updater,
    fmt_ms,
    pct,
    rss_mb,
    seed,
    timed_keys,
    track_paints,
)
from textual.widgets import OptionList  # noqa: E402

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.triage.standing import StandingOverview  # noqa: E402
from kubetui.screens.health import HealthScreen  # noqa: E402


def _timed(owner, name: str, costs: list[float], clock=time.perf_counter) -> None:
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        t0 = clock()
        try:
            return original(*args, **kwargs)
        finally:
            costs.append(clock() - t0)

    setattr(owner, name, timed)


def _time_refreshes(costs: dict[str, list[float]]) -> None:
    """A refresh's parts: taking the stores' objects and showing the result run on the UI
    loop; naming the causes runs in a thread (its CPU time, per thread)."""
    _timed(HealthScreen, "refresh_overview", costs["take"])
    _timed(HealthScreen, "apply_overview", costs["show"])
    _timed(StandingOverview, "apply", costs["apply"], time.thread_time)
    _timed(StandingOverview, "name", costs["name"], time.thread_time)


async def measure(n: int, rate: float, presses: int) -> dict:
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    await seed(cluster, n, NS)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    displays = track_paints(app)
    costs: dict[str, list[float]] = {"take": [], "apply": [], "name": [], "show": []}
    _time_refreshes(costs)
    result: dict = {"n": n}
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        t0 = time.monotonic()
        while not pods.synced or len(pods.table.rows) < n:
            await pilot.pause(0.05)
            if time.monotonic() - t0 > 600:
                raise RuntimeError("the pods did not list in 600 s")
        while not app.screen.events.synced:
            await pilot.pause(0.1)
        await pilot.pause(0.5)
        updater = Updater(n, rate, cluster._client_args, NS)
        updater.start()
        await asyncio.sleep(2.0)
        keys = [("down" if (i // 20) % 2 == 0 else "up", None) for i in range(presses)]
        result["pods_keys"] = await timed_keys(app, displays, pods.table, "action_cursor", keys,
                                               0.03)
        t_open = time.monotonic()
        await pilot.press("0")
        screen = app.screen
        assert isinstance(screen, HealthScreen), screen
        while len(screen.entries) < n * 0.99:
            await asyncio.sleep(0.05)
            if time.monotonic() - t_open > 600:
                raise RuntimeError(f"the overview listed {len(screen.entries)} in 600 s")
        result["overview_s"] = time.monotonic() - t_open
        await asyncio.sleep(2.0)
        for values in costs.values():
            values.clear()
        listing = screen.query_one(OptionList)
        moves = ("action_cursor_down", "action_cursor_up")
        t_keys = time.monotonic()
        # the keys of the pods pane's figure: 20 down, 20 up, within the screen
        result["health_keys"] = await timed_keys(app, displays, listing, moves, keys, 0.03)
        result["keys_s"] = time.monotonic() - t_keys
        result["refresh"] = {k: list(v) for k, v in costs.items()}
        down = [("down", None)] * presses
        result["scroll_keys"] = await timed_keys(app, displays, listing, moves, down, 0.03)
        result["entries"] = len(screen.entries)
        result["rss_mb"] = rss_mb()
        updater.stop.set()
        updater.join(timeout=10)
        result["updates_sent"] = len(updater.sent)
        await asyncio.sleep(2.0)  # the last changes named; then nothing changes
        result["quiet_keys"] = await timed_keys(app, displays, listing, moves, keys, 0.03)
    await cluster.close()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description="health overview benchmark (prints figures)")
    p.add_argument("--pods", type=int, nargs="*", default=[10000])
    p.add_argument("--rate", type=float, default=100.0, help="pod updates per second")
    p.add_argument("--presses", type=int, default=200)
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    for n in a.pods:
        r = asyncio.run(measure(n, a.rate, a.presses))
        print(f"== {n} pods, {a.rate:g} pod updates/s ({r['updates_sent']} sent)")
        print(f"  keypress -> paint, pods pane        {fmt_ms(r['pods_keys'])}")
        print(f"  keypress -> paint, overview open    {fmt_ms(r['health_keys'])}")
        print(f"    down through the list (scrolling) {fmt_ms(r['scroll_keys'])}")
        print(f"    the same keys, nothing changing   {fmt_ms(r['quiet_keys'])}")
        print(f"  overview: {r['entries']} entries, first full list in {r['overview_s']:.2f} s, "
              f"RSS {r['rss_mb']:.0f} MB")
        print(f"  overview refreshes while keys were timed: {len(r['refresh']['name'])} in "
              f"{r['keys_s']:.1f} s")
        for part, what in (("take", "take what changed (UI loop)"),
                           ("apply", "index the changes (thread, CPU)"),
                           ("name", "name the causes (thread, CPU)"),
                           ("show", "show them (UI loop)")):
            values = r["refresh"][part]
            print(f"    {what:32s} p50 {pct(values, 50) * 1000:6.1f} ms  "
                  f"p95 {pct(values, 95) * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
