"""Start-up on the local cluster: how long until kubetui draws, and until an empty namespace is
live. Prints figures; asserts nothing.

    .venv/bin/python bench/startup_bench.py [--rounds 10]

kubetui runs in a real terminal (tmux, 120x40) exactly as a user starts it (``python -m kubetui
--kubeconfig ... -n NS``); the screen is read every 5 ms:

* launch -> first paint: the cluster bar's ``kubetui`` brand is on screen;
* launch -> live: the pods pane says ``· live`` for the empty namespace;
* the floor: ``bare_textual.py``, a Textual app that draws one line, launched the same way.

Also the imports alone (``kubetui.cli`` and ``kubetui.app`` as a launch imports them, in a fresh
interpreter each round), the cost every launch pays before any of the above.

kubetui's bytecode is compiled first (``compile_bytecode``), as ``pip install`` does.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import KUBECONFIG  # noqa: E402
from terminal_bench import kubectl  # noqa: E402

from tests.integration.tmux import tmux  # noqa: E402

NS = "kt-bench-empty"
SESSION = "kubetui-startup-bench"


SOURCE = REPO  # --source: launch another checkout (before/after comparisons)


def compile_bytecode(source: Path) -> None:
    """Bytecode for kubetui's modules, as ``pip install`` writes it for an installed package.
    A checkout run with ``PYTHONDONTWRITEBYTECODE`` set (as on this machine) would otherwise
    compile every module from source on every launch: about 0.1 s that no installed kubetui
    pays. ``compileall`` only rewrites what changed."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "kubetui")],
                   check=True, stdout=subprocess.DEVNULL)


def launch(session: str, namespace: str | None, source: Path) -> float:
    """Start kubetui in a new tmux session of 120x40 as a user would (``namespace`` None:
    ``-A``); the time it started."""
    tmux("kill-session", "-t", session)
    scope = f"-n {namespace}" if namespace else "-A"
    command = (f"{sys.executable} -m kubetui --kubeconfig {KUBECONFIG} {scope} "
               "--theme kubetui-dark")
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    "-c", str(source), command], check=True)
    return start


def one_launch() -> tuple[float, float]:
    start = launch(SESSION, NS, SOURCE)
    first_paint = live = None
    deadline = start + 30
    while time.perf_counter() < deadline and live is None:
        screen = tmux("capture-pane", "-p", "-t", SESSION)
        now = time.perf_counter() - start
        if first_paint is None and "kubetui" in screen:
            first_paint = now
        if first_paint is not None and "· live" in screen:
            live = now
        time.sleep(0.005)
    tmux("kill-session", "-t", SESSION)
    if first_paint is None or live is None:
        raise RuntimeError("kubetui did not come up within 30 s")
    return first_paint, live


def bare_textual_launch(session: str = SESSION) -> float:
    """Launch -> first paint of ``bare_textual.py`` (same terminal, same interpreter): what
    any Textual program pays before it can show anything."""
    from bare_textual import READY

    tmux("kill-session", "-t", session)
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    f"{sys.executable} {Path(__file__).resolve().parent / 'bare_textual.py'}"],
                   check=True)
    deadline = start + 30
    while time.perf_counter() < deadline:
        if READY in tmux("capture-pane", "-p", "-t", session):
            shown = time.perf_counter() - start
            tmux("kill-session", "-t", session)
            return shown
        time.sleep(0.005)
    tmux("kill-session", "-t", session)
    raise RuntimeError("the bare Textual app did not draw within 30 s")


def import_time() -> float:
    code = ("import kubetui.__main__ as m\n"
            "getattr(m, '_start_up', m._quiet_gc_at_start_up)()  # older checkouts: gc only\n"
            "import kubetui.cli, kubetui.app")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=SOURCE)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the kubetui checkout to launch (default: this one)")
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source
    kubectl("create", "namespace", NS)
    compile_bytecode(SOURCE)
    one_launch()  # warm the page cache
    bare_textual_launch()
    launches, floors = [], []
    for _ in range(args.rounds):  # interleaved: a busy moment of the machine hits both
        launches.append(one_launch())
        floors.append(bare_textual_launch())
    imports = [import_time() for _ in range(args.rounds)]
    for label, values in (("bare Textual app -> first paint", floors),
                          ("imports (kubetui.cli, .app)", imports),
                          ("launch -> first paint", [p for p, _ in launches]),
                          ("launch -> empty namespace live", [v for _, v in launches])):
        print(f"{label:32} median {statistics.median(values) * 1000:6.0f} ms   "
              f"min {min(values) * 1000:6.0f} ms   max {max(values) * 1000:6.0f} ms  "
              f"(n={len(values)})")


if __name__ == "__main__":
    main()
