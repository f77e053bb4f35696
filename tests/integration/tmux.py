"""kubetui in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


class Tmux:
    def __init__(self, session: str) -> None:
        self.session = session

    def start_kubetui(self, *args: str, width: int = 100, height: int = 30) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
        command = shlex.join([sys.executable, "-m", "kubetui", *args])
        tmux("kill-session", "-t", self.session)
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", str(width),
                        "-y", str(height), "-c", str(REPO), command], check=True, env=env)

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.session)

    def wait(self, needle: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if needle in text:
                return text
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; the screen:\n{text}")

    def keys(self, *keys: str, pause: float = 0.3) -> None:
        tmux("send-keys", "-t", self.session, *keys)
        time.sleep(pause)

    def quit(self) -> None:
        """Press q and wait for kubetui (and so the tmux session) to end."""
        self.keys("q", pause=0)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.session in tmux("ls"):
            time.sleep(0.2)
        assert self.session not in tmux("ls"), "kubetui did not quit"

    def kill(self) -> None:
        tmux("kill-session", "-t", self.session)

    def record(self, path: Path) -> None:
        """Append everything the program writes to its terminal to ``path`` (tmux pipe-pane):
        the bytes that would cross an SSH link."""
        path.write_bytes(b"")
        subprocess.run(["tmux", "pipe-pane", "-o", "-t", self.session,
                        f"cat >> {shlex.quote(str(path))}"], check=True)

    def bytes_per_second(self, path: Path, seconds: float) -> float:
        """What the program wrote over ``seconds`` from now, per second."""
        start = path.stat().st_size
        time.sleep(seconds)
        return (path.stat().st_size - start) / seconds


@contextmanager
def kubetui_in_tmux(session: str, kubeconfig, namespace: str, width: int = 80,
                    height: int = 24, *args: str) -> Iterator[Tmux]:
    """kubetui in a fresh tmux session of that size, killed afterwards whatever happens."""
    term = Tmux(session)
    term.start_kubetui("--kubeconfig", str(kubeconfig), "-n", namespace, *args, width=width,
                       height=height)
    try:
        yield term
    finally:
        term.kill()


#: Views measured at idle: (label, keys pressed one by one from the pods pane, text that says the
#: view is up).
IDLE_VIEWS = (("pods", ("1",), "live"), ("events", ("2",), "live"), ("flows", ("3",), "live"),
              ("pvcs", ("4",), "live"), ("nodes", ("5",), "live"),
              ("snapshots", ("6",), "live"), ("node audit", ("5", "Enter"), "configz"))


def idle_rates(kubeconfig, namespace: str, views, seconds: float, size: tuple[int, int],
               settle: float = 2.0) -> list[tuple[str, float]]:
    """Bytes per second kubetui writes to its terminal on each view, measured after the view
    settled (its first paint is not idle)."""
    import tempfile

    out = []
    with tempfile.TemporaryDirectory() as tmp, kubetui_in_tmux(
            f"kt-idle-{os.getpid()}", kubeconfig, namespace, *size) as term:
        log = Path(tmp) / "tty.bytes"
        term.wait("live", timeout=30)
        term.record(log)
        for label, keys, ready in views:
            term.keys("Escape", "Escape", pause=0.3)
            for key in keys:
                term.keys(key, pause=0.6)
            term.wait(ready, timeout=20)
            time.sleep(settle)
            out.append((label, term.bytes_per_second(log, seconds)))
    return out
