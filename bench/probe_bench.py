"""The probe runner's overhead on the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/probe_bench.py [--runs 100]

An exec probe run by kubetui goes client -> apiserver -> kubelet -> runtime and back over a
WebSocket; the kubelet's own run skips the first two hops. The overhead is the duration kubetui
measures (what the runner shows beside ``timeoutSeconds``) minus the command's own run time,
which the command measures itself inside the container (busybox sh's ``$EPOCHREALTIME`` before
and after, microseconds). The shell's own start is counted as overhead, though the kubelet pays
it too (about a millisecond). Each run goes through ``run_call``, the path the ``r`` key uses,
with the probe's one deadline of ``timeoutSeconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import KUBECONFIG, fmt_ms  # noqa: E402
from terminal_bench import ensure_pod  # noqa: E402

from kubetui.k8s.probes.config import SUCCESS  # noqa: E402
from kubetui.k8s.probes.run import ProbeCall, run_call  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402

NS = "kt-bench-probe"
# (label, the probe's own work): a trivial probe and one that works for 200 ms.
COMMANDS = (("true", "true"), ("sleep 0.2", "sleep 0.2"))


async def measure(runs: int) -> None:
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=NS))
    try:
        for label, work in COMMANDS:
            script = f"t0=$EPOCHREALTIME; {work}; t1=$EPOCHREALTIME; echo $t0 $t1"
            call = ProbeCall("exec", NS, "probed", "main", command=("sh", "-c", script))
            await run_call(cluster, call, 5)  # warm: the connection and the kubelet's cache
            overheads, durations, own = [], [], []
            for _ in range(runs):
                run = await run_call(cluster, call, 5)
                if run.result != SUCCESS:
                    raise RuntimeError(f"the probe did not succeed: {run.detail}")
                t0, t1 = (float(t) for t in run.output.split()[-2:])
                inside = t1 - t0
                durations.append(run.duration)
                own.append(inside)
                overheads.append(run.duration - inside)
            print(f"exec probe `{label}` ({runs} runs)")
            print(f"  measured duration   {fmt_ms(durations)}")
            print(f"  command's own time  {fmt_ms(own)}")
            print(f"  runner overhead     {fmt_ms(overheads)}")
    finally:
        await cluster.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    ensure_pod(NS, "probed")
    asyncio.run(measure(args.runs))


if __name__ == "__main__":
    main()
