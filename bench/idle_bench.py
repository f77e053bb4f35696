"""Bytes kubetui writes to its terminal while nothing changes, per view. Prints; asserts nothing.

    .venv/bin/python bench/idle_bench.py [--seconds 10] [--size 120x40]

kubetui runs in tmux on the local cluster; ``tmux pipe-pane`` appends everything it writes to a
file, the bytes an SSH link would carry. Each view is opened, left to settle, then measured for
``--seconds``. Two namespaces: an empty one (nothing changes: the target is <= 100 B/s on every
view; ``tests/integration/test_idle_output.py`` asserts it) and the demo seed, where things do
change: crash-looping pods restart, probes fail and their events count up, and ages under ten
minutes change every second. The flows pane polls the APF numbers every 2 s by design.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.tmux import IDLE_VIEWS, idle_rates  # noqa: E402

KUBECONFIG = REPO / ".localcluster" / "config" / "admin.kubeconfig"
KUBECTL = Path.home() / ".cache" / "kubetui" / "k8s-v1.20.2" / "bin" / "kubectl"
EMPTY = "kt-bench-idle"
POD_VIEWS = (("pod detail", ("1", "Enter"), "Describe"),)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    subprocess.run([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), "create", "namespace", EMPTY],
                   capture_output=True, check=False)
    rows = [(EMPTY, *r) for r in idle_rates(KUBECONFIG, EMPTY, IDLE_VIEWS, args.seconds, size)]
    rows += [("kubetui-demo", *r) for r in idle_rates(
        KUBECONFIG, "kubetui-demo", IDLE_VIEWS + POD_VIEWS, args.seconds, size)]
    print(f"terminal output at {size[0]}x{size[1]}, {args.seconds:.0f} s per view "
          f"({time.strftime('%Y-%m-%d')})")
    print(f"{'namespace':<14} {'view':<12} {'bytes/s':>8}")
    for namespace, label, rate in rows:
        print(f"{namespace:<14} {label:<12} {rate:8.1f}")


if __name__ == "__main__":
    main()
