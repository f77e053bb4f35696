"""Port-forward throughput: one 100 MB download through one forward, and 50 small requests at
once, through ``kubectl port-forward`` and through kubetui's forward to the same pod; and
kubetui's keypress -> paint in the forwards view while the 100 MB go through.

The client is the same for both, in a process of its own (as curl would be): it prints the
seconds the download took and each small request's time. Keys are measured twice: as kubetui
runs, and scheduled before the cluster's processes (which here share kubetui's two cores).

Run with the local cluster up: ``.venv/bin/python bench/forward_bench.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from logs_bench import scheduled_first  # noqa: E402
from pods_bench import (  # noqa: E402
    KUBECONFIG,
    KUBECTL,
    fmt_ms,
    kubectl,
    pct,
    timed_keys,
    track_paints,
)

NS = "kt-bench-forward"
MB = 100
SERVER = (f"mkdir -p /www && head -c {MB * 1000 * 1000} /dev/zero > /www/big && "
          "head -c 1024 /dev/urandom > /www/small && exec httpd -f -p 8080 -h /www")


def prepare() -> None:
    # a namespace left terminating by the last run refuses new pods: wait until it is gone
    kubectl("wait", "--for=delete", f"namespace/{NS}", "--timeout=180s")
    kubectl("create", "namespace", NS)
    kubectl("-n", NS, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bigweb"},
        "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
            "name": "httpd", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
            "command": ["sh", "-c", SERVER], "ports": [{"containerPort": 8080,
                                                        "name": "http"}]}]}}))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        probe = kubectl("-n", NS, "exec", "bigweb", "--", "wget", "-q", "-O", "/dev/null",
                        "http://127.0.0.1:8080/small")
        if probe.returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("bench: the test server did not start")


def client(port: int, what: str) -> dict:
    """Run the client process: ``big`` (one download) or ``small`` (50 at once)."""
    out = subprocess.run([sys.executable, __file__, "client", what, str(port)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"bench: the client failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def run_client(what: str, port: int) -> None:
    import httpx

    url = f"http://127.0.0.1:{port}"
    if what == "big":
        t0, size = time.monotonic(), 0
        with httpx.stream("GET", f"{url}/big", timeout=300) as answer:
            for chunk in answer.iter_raw(1 << 20):
                size += len(chunk)
        print(json.dumps({"seconds": time.monotonic() - t0, "bytes": size}))
        return

    async def many() -> dict:
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            async def one() -> tuple[float, int]:
                t = time.monotonic()
                answer = await http.get(f"{url}/small")
                return time.monotonic() - t, len(answer.content)
            t0 = time.monotonic()
            done = await asyncio.gather(*(one() for _ in range(50)))
            return {"seconds": time.monotonic() - t0, "each": [d for d, _ in done],
                    "ok": sum(1 for _, n in done if n == 1024)}
    print(json.dumps(asyncio.run(many())))


def kubectl_run() -> dict:
    proc = subprocess.Popen([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "-n", NS,
                             "port-forward", "pod/bigweb", ":8080"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        port = int(re.search(r":(\d+) ->", line).group(1))
        return {"big": client(port, "big"), "small": client(port, "small")}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def kubetui_run(presses: int) -> dict:
    from kubetui.app import KubetuiApp
    from kubetui.config import Settings
    from kubetui.k8s.forward.plan import POD, Target, plan_forward
    from kubetui.k8s.forward.resolve import read_pod_target
    from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
    from kubetui.screens.forwards_view import ForwardsView
    from kubetui.widgets.resource_table import ResourceTable

    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, Settings(), connect_options=options)
    app.animation_level = "none"
    displays = track_paints(app)
    r: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.screen.pods.synced:
            await pilot.pause(0.02)
        target = await read_pod_target(cluster, NS, "bigweb")
        # four forwards (the keys move between their rows); the first carries the bench
        app.flows.forwards.start(plan_forward(Target(NS, POD, "bigweb"),
                                              ":http :8080 :8080 :8080", "", target.pod),
                                 target)
        while len(app.forwards) < 4:
            await pilot.pause(0.05)
        port = next(iter(app.forwards.forwards.values())).tunnel.local_port
        await app.push_screen(ForwardsView())
        await pilot.pause(0.5)
        table = app.screen.query_one(ResourceTable)
        keys = [("down" if (i // 3) % 2 == 0 else "up", None) for i in range(presses)]
        loop = asyncio.get_running_loop()
        cpu0, t0 = time.process_time(), time.monotonic()
        r["big"] = await loop.run_in_executor(None, client, port, "big")
        r["cpu"] = (time.process_time() - cpu0) / (time.monotonic() - t0)
        # keys while 100 MB downloads follow one another
        downloads = {"running": True, "count": 0}

        async def keep_downloading() -> None:
            while downloads["running"]:
                await loop.run_in_executor(None, client, port, "big")
                downloads["count"] += 1
        busy = asyncio.create_task(keep_downloading())
        await pilot.pause(0.3)
        r["keys"] = await timed_keys(app, displays, table, "action_cursor", keys, 0.03)
        with scheduled_first() as first:
            r["keys_first"] = await timed_keys(app, displays, table, "action_cursor", keys,
                                               0.03) if first else []
        downloads["running"] = False
        await busy
        r["downloads"] = downloads["count"]
        r["small"] = await loop.run_in_executor(None, client, port, "small")
        forward = next(iter(app.forwards.forwards.values()))
        r["counted_in"] = forward.tunnel.counters.bytes_in
        r["errors"] = forward.tunnel.last_error
        r["keys_after"] = await timed_keys(app, displays, table, "action_cursor", keys, 0.03)
    await cluster.close()
    return r


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        run_client(sys.argv[2], int(sys.argv[3]))
        return 0
    p = argparse.ArgumentParser(description="port-forward benchmark (prints figures)")
    p.add_argument("--presses", type=int, default=150)
    p.add_argument("--keep", action="store_true", help="leave the namespace")
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    prepare()
    k = kubectl_run()
    r = asyncio.run(kubetui_run(a.presses))
    print("== one forward to a busybox httpd pod; the client in its own process")
    for name, run in (("kubectl port-forward", k), ("kubetui", r)):
        big, small = run["big"], run["small"]
        print(f"  {name:21s} {MB} MB in {big['seconds']:6.2f} s = "
              f"{big['bytes'] / big['seconds'] / 1e6:6.1f} MB/s;  50 at once: "
              f"{small['seconds'] * 1000:6.0f} ms all, p95 {pct(small['each'], 95) * 1000:5.0f}"
              f" ms each, {small['ok']}/50 whole")
    print(f"  kubetui counted {r['counted_in'] / 1e6:.1f} MB in; its CPU during the download "
          f"{r['cpu'] * 100:.0f} % of a core")
    if r["errors"]:
        print(f"  last connection error: {r['errors']}")
    print(f"  keypress -> paint in the forwards view while {r['downloads']} downloads of {MB} MB "
          f"ran")
    print(f"                                                               {fmt_ms(r['keys'])}")
    if r["keys_first"]:
        print(f"    the same, kubetui scheduled first                       "
              f"{fmt_ms(r['keys_first'])}")
    print(f"  keypress -> paint with the forwards idle                     "
          f"{fmt_ms(r['keys_after'])}")
    if not a.keep:
        kubectl("delete", "namespace", NS, "--wait=false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
