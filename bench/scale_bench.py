"""One table: the raw LIST, kubectl and kubetui on the same pods, in the same run. Prints figures
(a Markdown table, pasted into the README with its date and machine); asserts nothing.

    .venv/bin/python bench/scale_bench.py [--pods 1000 10000 100000] [--rounds 3]

For each N, namespace ``kt-scale-N`` is seeded with N Pending pods (``pods_bench.seed``), then,
round after round (interleaved, so that a busy moment of the machine hits all alike):

* ``curl``: the raw LIST a client must at least pay. ``consistent`` is a plain LIST (read from
  etcd), ``watch cache`` adds ``resourceVersion=0`` (what kubetui's first LIST asks for, as
  client-go's reflector does), ``Table`` asks for the server-side table kubectl prints;
* ``kubectl get pods`` (the Table format) and ``kubectl get pods -o json``;
* kubetui started as a user starts it, in tmux at 120x40: launch -> the first pod row on screen,
  launch -> ``N · live`` on screen; RSS of the process then;
* what every launch pays before any pod: kubetui on an empty namespace (launch -> live) and
  ``bare_textual.py`` (a Textual app that draws one line: launch -> first paint), in the same
  rounds; and kubetui's full list less its empty start-up (per round), with its ratio to the
  LIST: the share of the launch that grows with the pods.

With ``--spread N``, N more pods over 200 namespaces ``kt-spread-NNN`` and every client asks for
all namespaces (``-A``: which lists every pod of the cluster, the other scale namespaces too).

Time to first row is the first byte for curl, the first line for kubectl. kubetui's keypress ->
paint, filter keystroke -> paint and watch event -> row latencies (p95, while 100 pods/s
change) come from
``pods_bench.measure`` (headless, same namespace), once per N.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pods_bench  # noqa: E402
import startup_bench  # noqa: E402
from pods_bench import KUBECONFIG, KUBECTL, pct, pod_body, seed  # noqa: E402
from startup_bench import bare_textual_launch, compile_bytecode, launch, shown_at  # noqa: E402
from terminal_bench import kubectl  # noqa: E402

from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.transport.errors import KubeError  # noqa: E402
from tests.integration.tmux import tmux  # noqa: E402

PKI = REPO / ".localcluster" / "pki"
SESSION = "kubetui-scale-bench"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def server() -> str:
    for line in KUBECONFIG.read_text().splitlines():
        if line.strip().startswith("server:"):
            return line.split("server:", 1)[1].strip()
    raise RuntimeError("no server in the kubeconfig")


def pods_path(ns: str | None) -> str:
    return f"/api/v1/namespaces/{ns}/pods" if ns else "/api/v1/pods"


def curl(ns: str | None, *, query: str = "", accept: str = "application/json",
         path: str | None = None) -> tuple[float, float]:
    out = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "--cacert", str(PKI / "ca.crt"),
         "--cert", str(PKI / "admin.crt"), "--key", str(PKI / "admin.key"),
         # not curl's own User-Agent: the apiserver indents JSON for curl (26 MB, not 17)
         "-A", "kubetui-scale-bench", "-H", f"Accept: {accept}",
         "-w", "%{time_starttransfer} %{time_total}",
         f"{server()}{path or pods_path(ns)}{query}"],
        capture_output=True, text=True, check=True)
    first, total = out.stdout.split()
    return float(first), float(total)


def kubectl_get(ns: str | None, *extra: str, resource: str = "pods") -> tuple[float, float]:
    start = time.perf_counter()
    scope = ["-n", ns] if ns else ["-A"]
    proc = subprocess.Popen([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "get", resource,
                             *scope, *extra], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()
    first = time.perf_counter() - start
    proc.stdout.read()
    proc.wait()
    return first, time.perf_counter() - start


def rss_of_tree(pid: int) -> float:
    """RSS (MB) of the biggest process in ``pid``'s tree: kubetui under tmux's shell."""
    best = 0.0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    best = max(best, int(line.split()[1]) / 1024)
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(c) for c in children)
    return best


SOURCE = REPO  # --source: measure another checkout of kubetui (a before/after comparison)


def kubetui_launch(ns: str | None, n: int) -> tuple[float, float, float]:
    start = launch(SESSION, ns, SOURCE)
    first, full = shown_at(SESSION, start, ["bench-", f"· {n} · live"], 600)
    pid = int(tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])
    time.sleep(0.3)
    rss = rss_of_tree(pid)
    tmux("kill-session", "-t", SESSION)
    return first, full, rss


async def seed_all(sizes: list[int]) -> None:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    try:
        for n in sizes:
            await seed(cluster, n, f"kt-scale-{n}")
    finally:
        await cluster.close()


def settle(quiet: float = 0.15, longest: float = 30.0) -> None:
    """Wait until the apiserver is idle (under ``quiet`` of a core over half a second): at
    100k pods it is still collecting the garbage of the previous client (`kubectl -o json`
    encodes 170 MB) when the next one starts, and whoever comes next pays for it."""
    pids = subprocess.run(["pgrep", "-f", "kube-apiserver"], capture_output=True,
                          text=True).stdout.split()
    if not pids:
        return
    stat = Path(f"/proc/{pids[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + longest

    def cpu() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    while time.monotonic() < deadline:
        before = cpu()
        time.sleep(0.5)
        if (cpu() - before) / 0.5 < quiet:
            return


def p95(values: list[float], digits: int = 0) -> str:
    """In ms; "–" when nothing was measured (at 100,000 pods a change seldom lands on one of
    the rows on screen, and only those are timed)."""
    return f"{pct(values, 95) * 1000:.{digits}f}" if values else "–"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure_scope(label: str, n: int, ns: str | None, args,
                  spread: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The table's rows for ``n`` pods in ``ns`` (None: every namespace, kubetui -A)."""
    rows: list[tuple[str, ...]] = []
    runs: dict[str, list[tuple[float, ...]]] = {}
    kubetui_launch(ns, n)  # warm caches: the first launch reads everything from disk
    clients = [
        ("curl, consistent LIST", lambda: curl(ns)),
        ("curl, watch cache (resourceVersion=0)", lambda: curl(ns, query="?resourceVersion=0")),
        ("curl, Table", lambda: curl(ns, accept=TABLE)),
        ("kubectl get pods", lambda: kubectl_get(ns)),
        ("kubectl get pods -o json", lambda: kubectl_get(ns, "-o", "json")),
        ("kubetui", lambda: kubetui_launch(ns, n)),
        ("kubetui, empty namespace", empty_launch),
        ("Textual app drawing one line", lambda: (float("nan"), bare_textual_launch(SESSION),
                                                  float("nan"))),
    ]
    for name, _ in clients:
        runs[name] = []
    for _ in range(args.rounds):
        for name, run in clients:
            settle()
            runs[name].append(run())
    latency = "-"
    if not args.no_latency:
        result = asyncio.run(pods_bench.measure(n, 100.0, 100, ns or pods_bench.NS, spread,
                                                args.spread // SPREAD))
        latency = (f"{p95(result['key_latency'], 1)} / {p95(result['filter_latency'])} / "
                   f"{p95(result['event_latency'])} ({p95(result['delta_latency'])})")
    for tool, values in runs.items():
        first = med([v[0] for v in values])
        full = med([v[1] for v in values])
        rss = f"{med([v[2] for v in values]):.0f}" if tool == "kubetui" else "-"
        rows.append((label, tool, "-" if first != first else f"{first:.2f}", f"{full:.2f}", rss,
                     latency if tool == "kubetui" else "-"))
    listed = med([v[1] for v in runs["curl, consistent LIST"]])
    ratio = med([v[1] for v in runs["kubetui"]]) / listed
    rows.append((label, "kubetui ÷ consistent LIST", "", f"{ratio:.2f}×", "", ""))
    grown = med([full[1] - empty[1]
                 for full, empty in zip(runs["kubetui"], runs["kubetui, empty namespace"],
                                         strict=True)])
    rows.append((label, "kubetui − its empty start-up", "", f"{grown:.2f}", "", ""))
    rows.append((label, "(kubetui − its empty start-up) ÷ consistent LIST", "",
                 f"{grown / listed:.2f}×", "", ""))
    return rows


def empty_launch() -> tuple[float, float, float]:
    """kubetui on an empty namespace, launched as the others: (first paint, live, nan)."""
    first_paint, live = startup_bench.one_launch()
    return first_paint, live, float("nan")


SPREAD = 200


def request_pool(cluster: Cluster, size: int = 48):
    """``call(method, path, body)`` with at most ``size`` requests in flight; 409 (already
    there) is not an error, so seeding again only adds what is missing."""
    sem = asyncio.Semaphore(size)

    async def call(method: str, path: str, body: dict) -> None:
        async with sem:
            try:
                await cluster.request(method, path, what="seed", json=body)
            except KubeError as exc:
                if exc.status != 409:
                    raise

    return call


async def seed_spread(total: int) -> tuple[str, ...]:
    """``total`` pods over ``SPREAD`` namespaces ``kt-spread-NNN``: the namespaces first, then
    every pod through one pool of 48 requests (per-namespace seeding would open thousands)."""
    names = tuple(f"kt-spread-{i:03d}" for i in range(SPREAD))
    per = total // SPREAD
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    call = request_pool(cluster)
    try:
        await asyncio.gather(*(call("POST", "/api/v1/namespaces", {
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}) for ns in names))
        for ns in names:  # the ServiceAccount admission needs the default token first
            for _ in range(300):
                sa = await cluster.get_json(f"/api/v1/namespaces/{ns}/serviceaccounts",
                                            what="sa")
                if any(a.get("secrets") for a in sa.get("items") or ()):
                    break
                await asyncio.sleep(0.1)
        have = {}
        for ns in names:
            body = await cluster.get_json(f"/api/v1/namespaces/{ns}/pods", what="count",
                                          params={"limit": "1"})
            have[ns] = len(body.get("items") or []) + int(
                body["metadata"].get("remainingItemCount") or 0)
        t0 = time.perf_counter()
        await asyncio.gather(*(call("POST", f"/api/v1/namespaces/{ns}/pods", pod_body(i))
                               for ns in names for i in range(have[ns], per)))
        print(f"  seeded {per * SPREAD} pods over {SPREAD} namespaces in "
              f"{time.perf_counter() - t0:.0f}s")
    finally:
        await cluster.close()
    return names


async def count_pods() -> int:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG)))
    try:
        body = await cluster.get_json("/api/v1/pods", what="count", params={"limit": "1"})
    finally:
        await cluster.close()
    return len(body.get("items") or []) + int(body["metadata"].get("remainingItemCount") or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spread", type=int, default=0, metavar="N",
                        help=f"also N pods over {SPREAD} namespaces, measured with -A (which "
                        "then lists every pod of the cluster)")
    parser.add_argument("--no-latency", action="store_true",
                        help="skip the headless keypress / event latency run")
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the kubetui checkout to launch (default: this one)")
    args = parser.parse_args()
    global SOURCE
    SOURCE = startup_bench.SOURCE = args.source
    kubectl("create", "namespace", startup_bench.NS)
    compile_bytecode(SOURCE)
    asyncio.run(seed_all(args.pods))
    rows: list[tuple[str, ...]] = []
    for n in args.pods:
        rows += measure_scope(f"{n:,}", n, f"kt-scale-{n}", args)
    if args.spread:
        spread = asyncio.run(seed_spread(args.spread))
        total = asyncio.run(count_pods())
        rows += measure_scope(f"{total:,} (-A, {args.spread:,} in {SPREAD} ns)", total, None,
                              args, spread)
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    print(f"\n{dt.date.today().isoformat()}, {os.cpu_count()} cores ({cpu}), "
          f"Python {platform.python_version()}, Kubernetes v1.20.2 (local cluster); "
          f"median of {args.rounds} interleaved rounds\n")
    header = ("pods", "client", "first row (s)", "full list (s)", "RSS (MB)",
              "p95 (ms): keypress / filter keystroke / event→row (of which kubetui)")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
