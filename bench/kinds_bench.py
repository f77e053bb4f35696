"""Kind views at scale, against the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/kinds_bench.py [--count 10000]

Seeds namespace ``kt-bench-kinds`` with N ReplicaSets (``replicas: 0``: no pods, the controller
leaves them be) and N objects of a CRD with printer columns, then for each kind measures, in the
same run:

* a raw LIST of the same objects, one request from the watch cache, read whole: as plain JSON
  (what any client pays) and as kubetui asks for it (the server's Table without objects, then
  the objects: as JSON for a kind kubetui reads more of, as the Table with each row's metadata
  for any other: ``watch/joined.py``); ``kubectl get`` of the kind (its table);
* kubetui (headless, 120x40): the catalog read that opening ``:`` starts (it runs while the
  user types the name), then enter -> every row drawn (the median of ``--rounds``, each a fresh
  LIST, between the raw LISTs it is compared with) and, for a kind kubetui reads more of, ->
  its own columns filled too; launch -> full list; keypress -> paint p50/p95/p99 for cursor
  moves; RSS with the list loaded.

Targets (the issue's): full list within 1.5x the raw LIST, keypress p99 <= 16 ms, RSS <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pods_bench import (  # noqa: E402
    KUBECONFIG,
    fmt_ms,
    kubectl,
    pct,
    rss_mb,
    timed_keys,
    track_paints,
)

from kubetui.__main__ import _quiet_gc_at_start_up  # noqa: E402
from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.transport.errors import KubeError  # noqa: E402
from kubetui.k8s.watch.reflector import TABLE_ACCEPT  # noqa: E402
from kubetui.screens.kind_view import KindScreen  # noqa: E402
from kubetui.widgets.live_pane import StoreUpdated  # noqa: E402

NS = "kt-bench-kinds"
GROUP = "bench.kubetui.local"
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": f"gadgets.{GROUP}"},
    "spec": {"group": GROUP, "scope": "Namespaced",
             "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget",
                       "shortNames": ["gdg"]},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {
                               "type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                           "additionalPrinterColumns": [
                               {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
                               {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                               {"name": "Age", "type": "date",
                                "jsonPath": ".metadata.creationTimestamp"}]}]}}
KINDS = {  # name typed after ":" -> (API path in the namespace, kubectl's name, body)
    "rs": (f"/apis/apps/v1/namespaces/{NS}/replicasets", "replicasets", lambda i: {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"bench-{i:05d}", "labels": {"app": f"a{i % 50}"}},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": f"a{i % 50}",
                                                             "i": str(i)}},
                 "template": {"metadata": {"labels": {"app": f"a{i % 50}", "i": str(i)}},
                              "spec": {"containers": [{"name": "c",
                                                       "image": "busybox:1.35"}]}}}}),
    "gdg": (f"/apis/{GROUP}/v1/namespaces/{NS}/gadgets", f"gadgets.{GROUP}", lambda i: {
        "apiVersion": f"{GROUP}/v1", "kind": "Gadget", "metadata": {"name": f"bench-{i:05d}"},
        "spec": {"color": ("red", "green", "blue")[i % 3], "size": i % 97}}),
}


async def count(cluster: Cluster, path: str) -> int:
    try:
        body = await cluster.get_json(path, what="count", params={"limit": "1"})
    except KubeError:
        return 0
    return len(body.get("items", [])) + int(body["metadata"].get("remainingItemCount") or 0)


async def seed(cluster: Cluster, n: int) -> None:
    kubectl("create", "namespace", NS)
    kubectl("apply", "-f", "-", input=json.dumps(CRD))
    kubectl("wait", "--for=condition=Established", f"crd/gadgets.{GROUP}", "--timeout=60s")
    for name, (path, _, body) in KINDS.items():
        have = await count(cluster, path)
        if have >= n:
            continue
        t0 = time.perf_counter()
        sem = asyncio.Semaphore(48)

        async def create(i: int, path=path, body=body, sem=sem) -> None:
            async with sem:
                try:
                    await cluster.request("POST", path, what="seed", json=body(i))
                except KubeError as exc:
                    if exc.status != 409:
                        raise

        await asyncio.gather(*(create(i) for i in range(have, n)))
        print(f"  seeded {n - have} {name} in {time.perf_counter() - t0:.1f}s")


async def raw_list(cluster: Cluster, path: str, table: dict | None = None) -> float:
    """One LIST from the watch cache (as kubetui's first LIST), the body read whole: plain JSON,
    or (``table``: the query) the very request kubetui sends, the server's Table form."""
    t0 = time.perf_counter()
    response = await cluster.request(
        "GET", path, what="raw list", params={"resourceVersion": "0", **(table or {})},
        headers={"Accept": TABLE_ACCEPT} if table is not None else None)
    assert response.content
    return time.perf_counter() - t0


async def measure(name: str, n: int, presses: int, rounds: int) -> dict:
    path, plural, _ = KINDS[name]
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    _quiet_gc_at_start_up()  # as the console script starts kubetui
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    displays = track_paints(app)
    marks: dict[str, float] = {}

    def hook(message) -> None:
        if isinstance(message, StoreUpdated) and message.change.delta is not None and \
                message.store.scope.table:
            delta = message.change.delta
            if delta.reset and len(delta.upserts) >= n:
                marks.setdefault("rows", time.monotonic())  # every row, the server's cells
            if delta.synced and delta.reset:
                marks.setdefault("full", time.monotonic())  # and kubetui's own columns

    async def enter_to_full(pilot) -> tuple[float, float]:
        """``:`` name enter -> the paint that showed every row, and the one that showed them
        with kubetui's own columns (a fresh LIST each time: the view closed before gave its
        store back)."""
        marks.clear()
        await pilot.press("colon", *name)
        t_jump = time.monotonic()
        await pilot.press("enter")
        while "full" not in marks or not isinstance(app.screen, KindScreen) or \
                len(app.screen.pane.table.order) < n:
            await pilot.pause(0.01)
            if time.monotonic() - t_jump > 300:
                raise RuntimeError("the full list did not arrive in 300s")
        await pilot.pause(0.05)
        return tuple(next((d for d in displays if d >= marks[m]), time.monotonic()) - t_jump
                     for m in ("rows", "full"))

    t_launch = time.monotonic()
    result: dict = {"raw": [], "table": [], "enter": [], "filled": []}
    # kubetui's own requests, timed alone: the Table without objects (every row drawn), then
    # the objects: as JSON for a kind it reads more of, as the Table with each row's metadata
    # for any other (``watch/joined.py``)
    async def as_kubetui() -> float:
        t0 = time.perf_counter()
        await raw_list(cluster, path, {"includeObject": "None"})
        await raw_list(cluster, path, None if name == "rs" else {})
        return time.perf_counter() - t0

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        while not app.screen.pods.synced:
            await pilot.pause(0.02)
        await pilot.pause(0.5)
        # The catalog is read when the prompt opens, while the user types: timed on its own.
        t_prompt = time.monotonic()
        await pilot.press("colon")
        while app.flows.kinds.catalog is None:
            await pilot.pause(0.005)
        result["catalog_s"] = time.monotonic() - t_prompt
        await pilot.press("escape")
        rows, filled = await enter_to_full(pilot)
        result["enter"].append(rows)
        result["filled"].append(filled)
        result["launch_full_s"] = marks["full"] - t_launch
        await pilot.pause(1.0)
        result["rss_mb"] = rss_mb()
        table = app.screen.pane.table
        keys = [("down" if (i // 20) % 2 == 0 else "up", None) for i in range(presses)]
        result["keys"] = await timed_keys(app, displays, table, "action_cursor", keys, 0.03)
        for _ in range(rounds - 1):  # again, each between the raw LISTs it is compared with
            await pilot.press("escape")
            await pilot.pause(0.5)
            result["raw"].append(await raw_list(cluster, path))
            result["table"].append(await as_kubetui())
            rows, filled = await enter_to_full(pilot)
            result["enter"].append(rows)
            result["filled"].append(filled)
    result["raw"].append(await raw_list(cluster, path))
    result["table"].append(await as_kubetui())
    result["raw_s"] = pct(result["raw"], 50)
    result["table_s"] = pct(result["table"], 50)
    result["view_full_s"] = pct(result["enter"], 50)
    result["view_filled_s"] = pct(result["filled"], 50)
    t0 = time.perf_counter()
    out = kubectl("get", plural, "-n", NS, timeout=600)
    result["kubectl_s"] = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr
    await cluster.close()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description="kind views benchmark (prints figures)")
    p.add_argument("--count", type=int, default=10000, help="objects of each kind")
    p.add_argument("--presses", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5, help="enter -> full list, this many times")
    p.add_argument("--one", choices=sorted(KINDS), help=argparse.SUPPRESS)  # a child's kind
    a = p.parse_args()
    if a.one:  # one kind in this process: its RSS is kubetui's alone
        print(json.dumps(asyncio.run(measure(a.one, a.count, a.presses, a.rounds))))
        return 0
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1

    async def prepare() -> None:
        cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
        await seed(cluster, a.count)
        await cluster.close()

    asyncio.run(prepare())
    for name in KINDS:
        child = subprocess.run(
            [sys.executable, __file__, "--count", str(a.count), "--presses", str(a.presses),
             "--rounds", str(a.rounds), "--one", name], capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"== {a.count} {KINDS[name][1]} (:{name})")
        print(f"  raw LIST (JSON, watch cache)  {r['raw_s']:7.2f} s")
        print(f"  raw LISTs as kubetui asks     {r['table_s']:7.2f} s   "
              f"(Table without objects, then {'JSON' if name == 'rs' else 'with metadata'})")
        print(f"  kubectl get                   {r['kubectl_s']:7.2f} s")
        print(f"  kubetui catalog (: opened)    {r['catalog_s']:7.2f} s")
        print(f"  kubetui enter -> full list    {r['view_full_s']:7.2f} s   "
              f"(median of {len(r['enter'])}: {', '.join(f'{e:.2f}' for e in r['enter'])})")
        print(f"                                          "
              f"({r['view_full_s'] / r['table_s']:.2f}x the same LISTs, "
              f"{r['view_full_s'] / r['raw_s']:.2f}x JSON, "
              f"{r['view_full_s'] / r['kubectl_s']:.2f}x kubectl)")
        if name == "rs":
            print(f"  ... its own columns filled    {r['view_filled_s']:7.2f} s   "
                  f"(median of {len(r['filled'])}: "
                  f"{', '.join(f'{e:.2f}' for e in r['filled'])})")
        print(f"  kubetui launch -> full list   {r['launch_full_s']:7.2f} s")
        print(f"  RSS with the list loaded      {r['rss_mb']:7.1f} MB")
        print(f"  keypress -> paint             {fmt_ms(r['keys'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
