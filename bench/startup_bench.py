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


def start_in_tmux(session: str, command: str, cwd: Path | None = None) -> float:
    """Run ``command`` in a new tmux session of 120x40, as a user starts a program in a
    terminal; the time it started."""
    tmux("kill-session", "-t", session)
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    *(["-c", str(cwd)] if cwd else []), command], check=True)
    return start


def launch(session: str, namespace: str | None, source: Path) -> float:
    """Start kubetui as a user would (``namespace`` None: ``-A``); the time it started."""
    scope = f"-n {namespace}" if namespace else "-A"
    return start_in_tmux(session, f"{sys.executable} -m kubetui --kubeconfig {KUBECONFIG} "
                         f"{scope} --theme kubetui-dark", source)


def shown_at(session: str, start: float, needles: list[str], timeout: float) -> list[float]:
    """Seconds from ``start`` until each of ``needles`` was first on screen (read every
    5 ms), once all of them were; the session is left running."""
    seen: dict[str, float] = {}
    deadline = start + timeout
    while len(seen) < len(needles) and time.perf_counter() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        now = time.perf_counter() - start
        for needle in needles:
            if needle not in seen and needle in screen:
                seen[needle] = now
        time.sleep(0.005)
    if len(seen) < len(needles):
        tmux("kill-session", "-t", session)
        missing = ", ".join(repr(n) for n in needles if n not in seen)
        raise RuntimeError(f"{missing} not on screen within {timeout:g} s")
    return [seen[n] for n in needles]


def one_launch() -> tuple[float, float]:
    start = launch(SESSION, NS, SOURCE)
    first_paint, live = shown_at(SESSION, start, ["kubetui", "· live"], 30)
    tmux("kill-session", "-t", SESSION)
    return first_paint, live


def bare_textual_launch(session: str = SESSION) -> float:
    """Launch -> first paint of ``bare_textual.py`` (same terminal, same interpreter): what
    any Textual program pays before it can show anything."""
    from bare_textual import READY

    start = start_in_tmux(session, f"{sys.executable} "
                          f"{Path(__file__).resolve().parent / 'bare_textual.py'}")
    (shown,) = shown_at(session, start, [READY], 30)
    tmux("kill-session", "-t", session)
    return shown


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
