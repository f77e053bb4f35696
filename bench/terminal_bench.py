"""The embedded terminal against the local cluster. Prints figures; asserts nothing.

    .venv/bin/python bench/terminal_bench.py [--keys 150] [--megabytes 10]

* keystroke -> echo painted: a key sent as the terminal driver sends it, until the shell's echo
  is on the emulator's screen and the app has produced the paint that shows it;
* the UI while a container prints ``--megabytes`` MB: keypress -> paint for keys the UI handles
  (scrolling the terminal's history) during the flood, and the flood's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pods_bench import KUBECONFIG, KUBECTL, fmt_ms, headless_app  # noqa: E402
from textual import events  # noqa: E402

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.screens.terminal_session import TerminalSession  # noqa: E402

NS = "kt-bench-term"


def kubectl(*args: str, input: str | None = None) -> str:
    import subprocess
    return subprocess.run([str(KUBECTL), "--kubeconfig", str(KUBECONFIG), *args],
                          capture_output=True, text=True, input=input, check=False).stdout


def ensure_pod(namespace: str = NS, name: str = "shell") -> None:
    """A busybox pod that sleeps, in its own namespace, Running before the measurement."""
    kubectl("create", "namespace", namespace)
    kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
            "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
            "command": ["sleep", "100000"]}]}}))
    for _ in range(300):
        if kubectl("-n", namespace, "get", "pod", name, "-o",
                   "jsonpath={.status.phase}") == "Running":
            return
        time.sleep(0.2)
    raise RuntimeError("the bench pod did not start")


def send_key(app: KubetuiApp, key: str, character: str | None = None) -> None:
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def measure(keys: int, megabytes: float) -> dict:
    cluster, app, displays = await headless_app(NS)
    result: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while len(app.screen.pods.table.rows) < 1:
            await pilot.pause(0.05)
        await pilot.press("s")
        while not isinstance(app.screen, TerminalSession):
            await pilot.pause(0.05)
        session: TerminalSession = app.screen
        view = session.view
        while "#" not in view.text():
            await pilot.pause(0.05)
        await pilot.pause(0.5)

        # Keystroke -> echo painted.
        echo = []
        for i in range(keys):
            if i and i % 60 == 0:
                send_key(app, "ctrl+u")  # clear the line
                await asyncio.sleep(0.2)
            before = view.bytes_in
            t0 = time.monotonic()
            send_key(app, "x", "x")
            while view.bytes_in == before:
                await asyncio.sleep(0.0005)
            t_in = view.fed_at  # the echo's arrival (the paint may already have happened)
            while not any(d >= t_in for d in displays[-3:]):
                await asyncio.sleep(0.0005)
            echo.append(next(d for d in displays if d >= t_in) - t0)
            await asyncio.sleep(0.02)
        result["echo"] = echo
        send_key(app, "ctrl+u")
        await asyncio.sleep(0.3)

        # A flood, and the UI meanwhile.
        n = int(megabytes * 1_000_000)
        command = f"head -c {n} /dev/zero | tr '\\0' 'k' | fold -w 100; echo FLOOD-DONE"
        start_bytes = view.bytes_in
        for ch in command:
            send_key(app, "space" if ch == " " else ch, ch)
        send_key(app, "enter")
        t_flood = time.monotonic()
        handled: list[float] = []
        original = view.action_history

        def history(direction: int) -> None:
            original(direction)
            handled.append(time.monotonic())

        view.action_history = history  # type: ignore[method-assign]
        ui = []
        while "FLOOD-DONE" not in view.text().replace(command, ""):
            before = len(handled)
            t0 = time.monotonic()
            send_key(app, "shift+pageup" if len(ui) % 2 == 0 else "shift+pagedown")
            while len(handled) == before:
                await asyncio.sleep(0.0005)
            t_h = handled[-1]
            while not any(d >= t_h for d in displays[-3:]):
                await asyncio.sleep(0.0005)
            ui.append(next(d for d in displays if d >= t_h) - t0)
            await asyncio.sleep(0.05)
            if time.monotonic() - t_flood > 300:
                break
        result["flood_s"] = time.monotonic() - t_flood
        result["flood_bytes"] = view.bytes_in - start_bytes
        result["ui"] = ui
    await cluster.close()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description="terminal benchmark (prints figures)")
    p.add_argument("--keys", type=int, default=150)
    p.add_argument("--megabytes", type=float, default=10.0)
    a = p.parse_args()
    if not KUBECONFIG.exists():
        print("bench: the local cluster is not up (hack/localcluster.sh up)", file=sys.stderr)
        return 1
    ensure_pod()
    r = asyncio.run(measure(a.keys, a.megabytes))
    print("== embedded terminal (busybox sh over exec, 120x40)")
    print(f"  keystroke -> echo painted        {fmt_ms(r['echo'])}")
    print(f"  {r['flood_bytes'] / 1e6:.1f} MB of output in {r['flood_s']:.1f} s "
          f"({r['flood_bytes'] / 1e6 / r['flood_s']:.2f} MB/s)")
    print(f"  UI keypress -> paint meanwhile   {fmt_ms(r['ui'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
