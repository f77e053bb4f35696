"""The incident timeline's costs, against the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/timeline_bench.py [--entries 10000] [--follow 12] [--idle 30]

* Recording: ``--entries`` entries through ``Timeline.record`` (one JSON line, flushed each
  time, as in a session): per entry p50/p99, the file's size; then ``kubetui timeline export``
  of that file as Markdown (the whole command, a process of its own).
* Comparing two versions of a followed object (``timeline/changes.changes``): per call.
* Following: ``--follow`` pods opened (the timeline follows each by name, with the warnings
  about it): the time until every one is followed, kubetui's RSS before and after, and what the
  apiserver saw from kubetui in ``--idle`` seconds with nothing changing (watches stay open:
  no request is expected). In the same run, what a user would run instead to keep an eye on
  the same pods: ``kubectl get pod NAME -w`` and ``kubectl get events --field-selector ... -w``
  for each, their total RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pods_bench import KUBECONFIG, STATE, cluster_up, kubectl, pct, rss_mb  # noqa: E402

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import USER_AGENT, Cluster, ConnectOptions  # noqa: E402
from kubetui.timeline.changes import changes  # noqa: E402
from kubetui.timeline.entries import ACTION  # noqa: E402
from kubetui.timeline.recorder import Timeline  # noqa: E402

NS = "kt-bench-timeline"
KUBECTL = Path.home() / ".cache" / "kubetui" / "k8s-v1.20.2" / "bin" / "kubectl"


def recording(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        timeline = Timeline(folder=Path(folder), clock=time.time)
        timeline.connected("bench", "shop", "https://127.0.0.1:6443", "admin")
        took = []
        for i in range(n):
            start = time.perf_counter()
            timeline.record(ACTION, f"delete pod shop/web-{i}", object=f"pods/web-{i}",
                            kubectl=f"kubectl delete pod web-{i} -n shop", outcome="done",
                            dry_run=f"delete pod shop/web-{i}: accepted")
            took.append((time.perf_counter() - start) * 1e6)
        path = timeline.path
        assert path is not None
        timeline.close()
        size = path.stat().st_size
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kubetui", "timeline", "export", "--session",
                        str(path)], capture_output=True, check=True)
        export = time.perf_counter() - start
    print(f"  record one entry (write + flush)   p50 {pct(took, 50):.1f} µs  "
          f"p99 {pct(took, 99):.1f} µs  ({n:,} entries, {size / 1e6:.1f} MB)")
    print(f"  kubetui timeline export (Markdown) {export:.2f} s for {n:,} entries "
          "(the whole command)")


def comparing(n: int = 20000) -> None:
    def pod(restarts: int, waiting: bool) -> dict:
        state = {"waiting": {"reason": "CrashLoopBackOff"}} if waiting else {"running": {}}
        return {"metadata": {"name": "web"}, "spec": {"nodeName": "n1", "containers": [{}]},
                "status": {"phase": "Running", "containerStatuses": [{
                    "name": "app", "ready": not waiting, "restartCount": restarts,
                    "state": state, "lastState": {"terminated": {"exitCode": 1}}}]}}
    a, b = pod(1, False), pod(2, True)
    start = time.perf_counter()
    for _ in range(n):
        changes("Pod", a, b)
    per = (time.perf_counter() - start) / n * 1e6
    print(f"  compare two versions of a pod      {per:.1f} µs a call")


def pod(name: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                       "spec": {"schedulerName": "kubetui-none",
                                "terminationGracePeriodSeconds": 0,
                                "containers": [{"name": "c", "image": "busybox:1.35"}]}})


def kubectl_rss(names: list[str], seconds: float = 3.0) -> float:
    """The RSS of what a user would run to watch the same pods and their events."""
    procs = []
    for name in names:
        for args in (("get", "pod", name, "-w"),
                     ("get", "events", "-w", "--field-selector",
                      f"involvedObject.kind=Pod,involvedObject.name={name},type=Warning")):
            procs.append(subprocess.Popen(
                [str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "-n", NS, *args],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(seconds)
    total = 0.0
    for p in procs:
        try:
            for line in Path(f"/proc/{p.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
        p.terminate()
    for p in procs:
        p.wait()
    return total


async def following(names: list[str], idle: float) -> None:
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS)
    cluster = await Cluster.connect(options)
    agent = f"{USER_AGENT} (timeline-bench {time.time():.0f})"
    cluster.user_agent = agent
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(timeline_dir=folder)
        app = KubetuiApp(cluster, settings, connect_options=options)
        audit = STATE / "logs" / "audit.log"
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.screen.pods.synced:
                await pilot.pause(0.1)
            await pilot.pause(1.0)
            before = rss_mb()
            start = time.perf_counter()
            for name in names:
                app.timeline.saw(f"opened pod {NS}/{name}", NS, f"pods/{name}")
            while not all(f.based and f.held.get("events").synced
                          for f in app.followed.follows.values()) or \
                    len(app.followed.follows) < len(names):
                await pilot.pause(0.02)
            took = time.perf_counter() - start
            after = rss_mb()
            offset = audit.stat().st_size
            await asyncio.sleep(idle)
            with audit.open() as f:
                f.seek(offset)
                seen = [json.loads(line) for line in f if agent in line]
        await cluster.close()
    started = [e for e in seen if e.get("stage") == "ResponseComplete"]
    print(f"  follow {len(names)} pods (24 watches)       {took * 1000:.0f} ms until all listed")
    print(f"  kubetui RSS                        {before:.1f} MB -> {after:.1f} MB "
          f"(+{after - before:.1f} MB)")
    print(f"  requests in {idle:.0f} s idle            {len(started)} "
          f"(watches stay open: none expected)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=10000)
    p.add_argument("--follow", type=int, default=12)
    p.add_argument("--idle", type=float, default=30.0)
    a = p.parse_args()
    if not cluster_up():
        return 1
    print("== recording")
    recording(a.entries)
    comparing()
    print(f"== following {a.follow} pods")
    kubectl("create", "namespace", NS, check=False)
    names = [f"watched-{i}" for i in range(a.follow)]
    for name in names:
        kubectl("-n", NS, "apply", "-f", "-", input=pod(name))
    asyncio.run(following(names, a.idle))
    rss = kubectl_rss(names)
    print(f"  instead: {2 * len(names)} kubectl -w processes      {rss:.1f} MB RSS in all")
    kubectl("delete", "namespace", NS, "--wait=false", check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
