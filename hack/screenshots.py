"""Regenerate screenshots/*.svg from the running app on the seeded local cluster, and a PNG of
each rendered by headless Chromium (what a browser shows of the SVG, for places that do not
render SVG).

    make screenshots   (brings the cluster up, seeds it, installs chromium and Fira Code)
    .venv/bin/python hack/screenshots.py [--no-png]
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kubetui.app import KubetuiApp  # noqa: E402
from kubetui.config import Settings  # noqa: E402
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions  # noqa: E402
from kubetui.k8s.transport.errors import KubeError  # noqa: E402

KUBECONFIG = REPO / ".localcluster" / "config" / "admin.kubeconfig"
SHOTS = [
    # (file name, size, keys to press, namespace, readonly)
    ("main-120x40.svg", (120, 40), [], "kubetui-demo", False),
    ("main-80x24.svg", (80, 24), [], "kubetui-demo", False),
    ("events-120x40.svg", (120, 40), ["2", "WAIT"], "kubetui-demo", False),
    # The demo user's tight priority level queues and rejects under the seeded load.
    ("flows-120x40.svg", (120, 40), ["3", "WAIT", "WAIT", "WAIT"], "kubetui-demo", False),
    ("nodes-120x40.svg", (120, 40), ["5", "WAIT"], "kubetui-demo", False),
    # enter on the pod whose exec liveness probe times out: describe, with its events.
    ("pod-detail-120x40.svg", (120, 40), ["slash", *"liveness", "enter", "enter", "WAIT"],
     "kubetui-demo", False),
    ("help-120x40.svg", (120, 40), ["question_mark"], "kubetui-demo", False),
    ("readonly-flows-120x40.svg", (120, 40), ["3"], "kube-system", True),
    # A shell in the seeded writer pod: "/" filters, "s" opens the session, then a command.
    ("terminal-120x40.svg", (120, 40),
     ["slash", *"writer", "enter", "s", "WAIT", *"ls -l /data", "enter", "WAIT"],
     "kubetui-demo", False),
    # D on the shell-less distroless-app: the form, then (ctrl+s, y) the attached debugger.
    ("debug-form-120x40.svg", (120, 40), ["slash", *"distroless", "enter", "D", "WAIT"],
     "kubetui-demo", False),
    # The node audit of the local node: enter on it in the nodes view.
    ("node-audit-120x40.svg", (120, 40), ["5", "WAIT", "enter", "WAIT", "WAIT"],
     "kubetui-demo", False),
    # The demo's data claim (written by the writer pod) and its snapshots.
    ("pvc-120x40.svg", (120, 40), ["4", "WAIT"], "kubetui-demo", False),
    ("snapshots-120x40.svg", (120, 40), ["6", "WAIT"], "kubetui-demo", False),
    # P on the demo's http-probes pod: its httpGet readiness probe run, then watched.
    ("probes-120x40.svg", (120, 40),
     ["slash", *"http-probes", "enter", "P", "WAIT", "down", "r", "WAIT", "w", "WAIT",
      "WAIT", "WAIT", "WAIT", "WAIT", "WAIT"], "kubetui-demo", False),
    # :deploy, then enter on the stuck checkout rollout: its ReplicaSets, the current first.
    ("deployments-120x40.svg", (120, 40), ["colon", *"deploy", "enter", "WAIT"],
     "kubetui-demo", False),
    ("replicasets-120x40.svg", (120, 40), ["colon", *"deploy", "enter", "WAIT", "enter", "WAIT"],
     "kubetui-demo", False),
    # :svc: checkout with one endpoint not ready, payments selecting no pod.
    ("services-120x40.svg", (120, 40), ["colon", *"svc", "enter", "WAIT", "WAIT"],
     "kubetui-demo", False),
    # 0: the health overview of the demo; ! on the stalled checkout Deployment.
    ("health-120x40.svg", (120, 40), ["0", "WAIT", "WAIT"], "kubetui-demo", False),
    ("triage-120x40.svg", (120, 40), ["colon", *"deploy", "enter", "WAIT", "exclamation_mark",
                                      "WAIT", "WAIT"], "kubetui-demo", False),
    # U on the stalled checkout Deployment: its revisions, the template diff back to the last
    # good one, the PATCH and kubectl rollout undo.
    ("rollback-120x40.svg", (120, 40), ["colon", *"deploy", "enter", "WAIT", "U", "WAIT"],
     "kubetui-demo", False),
    # L on the orders Deployment: both replicas' app and proxy containers in one log, then
    # /error: the matches highlighted and counted.
    ("logs-120x40.svg", (120, 40), ["colon", *"deploy", "enter", "WAIT", "slash", *"orders",
                                    "enter", "L", "WAIT", "WAIT", "t", "slash", *"error",
                                    "enter", "WAIT"], "kubetui-demo", False),
    # The crash-looping pod's Logs tab: its failing container, the previous instance (the
    # one that died) beside the current one, times on.
    ("pod-logs-120x40.svg", (120, 40), ["slash", *"crashloop", "enter", "enter", "WAIT", "l",
                                        "WAIT", "t"], "kubetui-demo", False),
    # F on the checkout Service (its pod chosen, a free local port), then W: the forwards
    # view, and r: GET /health through the forward.
    ("forwards-120x40.svg", (120, 40),
     ["colon", *"svc", "enter", "WAIT", "F", "WAIT", "ctrl+s", "WAIT", "W", "WAIT", "r",
      "ctrl+u", *"GET /health", "enter", "WAIT"], "kubetui-demo", False),
    # ! on the crash-looping pod (its cause goes to the timeline), then I: the timeline.
    ("timeline-120x40.svg", (120, 40), ["slash", *"crashloop", "enter", "exclamation_mark",
                                        "WAIT", "escape", "I", "WAIT"], "kubetui-demo", False),
    # u: CPU and memory per pod from the kubelet (no metrics-server here), sorted by CPU.
    ("usage-120x40.svg", (120, 40), ["u", "WAIT", "o", "o", "o", "o", "o", "WAIT", "WAIT"],
     "kubetui-demo", False),
    ("backups-crd-120x40.svg", (120, 40), ["colon", *"bk", "enter", "WAIT"], "kubetui-demo",
     False),
    ("debug-session-120x40.svg", (120, 40),
     ["slash", *"distroless", "enter", "D", "WAIT", "ctrl+s", "WAIT", "y", "WAIT", "WAIT",
      "enter", *"ps", "enter", "WAIT"], "kubetui-demo", False),
]


async def shoot(name: str, size: tuple[int, int], keys: list[str], namespace: str,
                readonly: bool) -> None:
    options = ConnectOptions(kubeconfig=str(KUBECONFIG), namespace=namespace)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, Settings(), readonly=readonly, connect_options=options,
                     theme="kubetui-dark")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            if key == "WAIT":  # let a shell start, or a command answer
                await pilot.pause(2.0)
                continue
            await pilot.press("space" if key == " " else key)
        await pilot.pause(0.3)
        app.save_screenshot(filename=name, path=str(REPO / "screenshots"))
    await cluster.close()
    print(f"screenshots/{name}")


def to_png(svg: Path, browser: str) -> Path:
    """The SVG as a browser draws it, at its own size (Rich writes the size in the viewBox)."""
    width, height = (float(v) for v in re.search(
        r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg.read_text()).groups())
    png = svg.with_suffix(".png")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--user-data-dir={profile}",
                        f"--window-size={int(width + 0.5)},{int(height + 0.5)}",
                        f"--screenshot={png}", svg.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return png


async def main(png: bool) -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if png and browser is None:
        print("screenshots: chromium is not installed (make screenshots installs it); "
              "use --no-png for the SVGs alone", file=sys.stderr)
        return 1
    try:
        for shot in SHOTS:
            await shoot(*shot)
    except KubeError as exc:
        print(f"screenshots: {exc} (is the local cluster up? hack/localcluster.sh up)",
              file=sys.stderr)
        return 1
    if png:
        for shot in SHOTS:
            print(to_png(REPO / "screenshots" / shot[0], browser).relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(png="--no-png" not in sys.argv[1:])))
