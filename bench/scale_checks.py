"""Correctness at scale, on a namespace of N pods (100,000 by default): too slow for CI (whose
tests seed at most 1,000 pods), so run by hand after ``scale_bench.py`` has seeded it. Prints
each check with its figures and ``ok`` or ``FAILED``; exits 1 if any failed.

    .venv/bin/python bench/scale_checks.py [--pods 100000]

1. A relist after 410 Gone ends equal to a fresh LIST: the reflector lists (from the watch
   cache), is stopped, the namespace changes (pods deleted, created, relabelled), then it resumes
   from resourceVersion 1, far older than the watch cache's window: the server answers 410, the
   reflector relists (a consistent, paged read) and its rows must equal, uid for uid and
   resourceVersion for resourceVersion, a fresh LIST taken after it settled.
2. Memory returns after leaving a big namespace: the app (headless) shows N pods, then switches
   to an empty namespace. Checked: no pod row is left alive and the objects the collector tracks
   are back within 2 MB of the empty state. Printed besides: RSS empty, loaded and 5 s after the
   switch (what the process hands back to the system also depends on the allocator: pymalloc
   keeps a 1 MiB arena while any object in it lives).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import KUBECONFIG, pod_body, rss_mb, seed  # noqa: E402

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.core.pods import PodRow, pod_row  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.watch.reflector import Delta, Reflector, ResourceScope  # noqa: E402
from kubetui.messages import ScopeChanged  # noqa: E402

EMPTY = "kt-bench-empty"


async def relist_after_410(cluster: Cluster, ns: str) -> bool:
    rows: dict = {}
    full_lists = []  # each complete LIST delivered

    def sink(delta: Delta) -> None:
        if delta.reset and delta.synced:
            full_lists.append(len(delta.upserts))
        if delta.reset:
            rows.clear()
        for key in delta.deletes:
            rows.pop(key, None)
        rows.update(delta.upserts)

    reflector = Reflector(cluster, ResourceScope("v1", "pods", ns), pod_row, sink,
                          min_interval=0.05)
    task = asyncio.create_task(reflector.run())
    while not full_lists:
        await asyncio.sleep(0.1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    listed = len(rows)
    # Change the namespace while the reflector is away.
    names = sorted(r.name for r in rows.values())
    for name in names[:50]:
        await cluster.request("DELETE", f"/api/v1/namespaces/{ns}/pods/{name}", what="delete",
                              params={"gracePeriodSeconds": "0"})
    for name in names[50:100]:
        await cluster.request("PATCH", f"/api/v1/namespaces/{ns}/pods/{name}", what="label",
                              json={"metadata": {"labels": {"scale-check": "1"}}},
                              content_type="application/merge-patch+json")
    reflector.resource_version = "1"
    t0 = time.perf_counter()
    task = asyncio.create_task(reflector.run(resume=True))
    while len(full_lists) < 2:
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.0)  # let the watch deliver anything newer than the relist
    relist_s = time.perf_counter() - t0
    body = await cluster.get_json(f"/api/v1/namespaces/{ns}/pods", what="fresh list")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    fresh = {i["metadata"]["uid"]: i["metadata"]["resourceVersion"] for i in body["items"]}
    mine = {k: r.resource_version for k, r in rows.items()}
    ok = mine == fresh and reflector.gone >= 1
    print(f"relist after 410: listed {listed}, 410s {reflector.gone}, relist "
          f"{reflector.list_pages[-1]} pages in {relist_s:.1f} s, rows {len(mine)} vs fresh LIST "
          f"{len(fresh)}, differing {len(set(mine.items()) ^ set(fresh.items()))}: "
          f"{'ok' if ok else 'FAILED'}")
    for name in names[:50]:  # put the deleted pods back for the next run
        await cluster.request("POST", f"/api/v1/namespaces/{ns}/pods", what="restore",
                              json=pod_body(int(name.rsplit("-", 1)[1])))
    return ok


def tracked_mb() -> float:
    """What the objects the cyclic collector tracks take (rows, dicts, lists; not strings)."""
    gc.collect()
    return sum(sys.getsizeof(o) for o in gc.get_objects()) / 2**20


async def memory_returns(ns: str, n: int) -> bool:
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=EMPTY)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        while not pods.synced:
            await pilot.pause(0.1)
        await pilot.pause(1.0)
        base, base_objects = rss_mb(), tracked_mb()
        app.post_message(ScopeChanged(ns, False))
        while not (pods.synced and len(pods.table.rows) >= n * 0.99):
            await pilot.pause(0.2)
        await pilot.pause(2.0)  # the filter's texts are built in idle time: let them be
        loaded, loaded_objects = rss_mb(), tracked_mb()
        app.post_message(ScopeChanged(EMPTY, False))
        while pods.table.rows:
            await pilot.pause(0.2)
        await pilot.pause(5.0)
        after, after_objects = rss_mb(), tracked_mb()
        rows_alive = sum(isinstance(o, PodRow) for o in gc.get_objects())
    await cluster.close()
    # What kubetui controls: every row, text and index is let go. What the process hands back
    # to the system is printed: pymalloc keeps an arena while any object in it lives.
    ok = rows_alive == 0 and after_objects - base_objects < 2.0
    returned = (loaded - after) / max(loaded - base, 1)
    print(f"memory: RSS {base:.0f} MB empty, {loaded:.0f} MB with {n} pods, {after:.0f} MB "
          f"5 s after switching to an empty namespace ({returned:.0%} "
          f"of the growth returned to the system); tracked objects {base_objects:.1f} -> "
          f"{loaded_objects:.1f} -> {after_objects:.1f} MB, pod rows alive {rows_alive}: "
          f"{'ok' if ok else 'FAILED'}")
    return ok


async def main_async(n: int) -> int:
    ns = f"kt-scale-{n}"
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    try:
        await seed(cluster, n, ns)
    finally:
        await cluster.close()
    first = await memory_returns(ns, n)  # first: the process has held nothing big yet
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    try:
        second = await relist_after_410(cluster, ns)
    finally:
        await cluster.close()
    return 0 if first and second else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=100_000)
    return asyncio.run(main_async(parser.parse_args().pods))


if __name__ == "__main__":
    sys.exit(main())
