"""Helpers for Pilot tests: an app connected to the real local apiserver."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path

import pytest
import textual.constants
import yaml

from kubetui.app import KubetuiApp
from kubetui.config import Settings
from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from tests.conftest import LocalCluster


@pytest.fixture
def two_context_kubeconfig(local_cluster: LocalCluster, tmp_path: Path) -> Path:
    """The admin context plus a 'viewer' context (RBAC: view in kubetui-demo only)."""
    admin = yaml.safe_load(local_cluster.kubeconfig.read_text())
    viewer = yaml.safe_load((local_cluster.config_dir / "viewer.kubeconfig").read_text())
    admin["users"] += viewer["users"]
    admin["contexts"].append({"name": "viewer", "context": {
        "cluster": "kubetui-local", "user": viewer["users"][0]["name"],
        "namespace": "kubetui-demo"}})
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(admin))
    return path


async def make_app(kubeconfig: Path, *, context: str | None = None, namespace: str | None = None,
                   readonly: bool = False, settings: Settings | None = None,
                   all_namespaces: bool = False, theme: str = "kubetui-dark") -> KubetuiApp:
    """``theme`` is fixed: the automatic choice follows the terminal running the tests."""
    options = ConnectOptions(kubeconfig=str(kubeconfig), context=context, namespace=namespace,
                             readonly=readonly, all_namespaces=all_namespaces)
    cluster = await Cluster.connect(options)
    app = KubetuiApp(cluster, settings or Settings(), readonly=readonly, theme=theme or None,
                     connect_options=options)
    app.animation_level = "none"  # snapshots must not catch a tab underline mid-slide
    return app


SNAP_NS = "kt-snapshot"


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def unscheduled(name: str, **labels: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": name, "labels": labels},
                       "spec": {"schedulerName": "kubetui-none", "terminationGracePeriodSeconds": 0,
                                "containers": [{"name": "c", "image": "busybox:1.35"}]}})


def set_status(c: LocalCluster, ns: str, name: str, status: dict) -> None:
    # kubectl 1.20 has no --subresource: replace the status through the raw API.
    c.kubectl("replace", "--raw", f"/api/v1/namespaces/{ns}/pods/{name}/status", "-f", "-",
              input=json.dumps({**c.get_json("-n", ns, "pod", name), "status": status}))


def container(ready: bool, restarts: int, state: dict, last: dict | None = None) -> dict:
    cs = {"name": "c", "ready": ready, "restartCount": restarts, "image": "busybox:1.35",
          "imageID": "", "state": state}
    if last:
        cs["lastState"] = last
    return cs


@pytest.fixture(scope="session")
def snapshot_ns(local_cluster: LocalCluster) -> tuple[str, float]:
    """A namespace whose pods and events are fixed, and the frozen 'now' that makes AGE stable."""
    c = local_cluster
    c.fresh_namespace(SNAP_NS, timeout=60)
    for name, labels in (("api-0", {"tier": "web"}), ("api-1", {"tier": "web"}),
                         ("db-0", {"tier": "db"}), ("worker-7f9c", {"tier": "batch"})):
        c.kubectl("-n", SNAP_NS, "apply", "-f", "-", input=unscheduled(name, **labels))
    created = max(parse_time(p["metadata"]["creationTimestamp"])
                  for p in c.get_json("-n", SNAP_NS, "pods")["items"])
    now = created + 3 * 3600  # ages read "3h"
    running = {"running": {"startedAt": iso(created)}}
    set_status(c, SNAP_NS, "api-0", {"phase": "Running", "podIP": "10.214.0.20",
                                     "containerStatuses": [container(True, 0, running)]})
    set_status(c, SNAP_NS, "api-1", {"phase": "Running", "podIP": "10.214.0.21",
                                     "containerStatuses": [container(
                                         False, 7, {"waiting": {"reason": "CrashLoopBackOff"}},
                                         {"terminated": {"exitCode": 1, "reason": "Error",
                                                         "finishedAt": iso(now - 240)}})]})
    set_status(c, SNAP_NS, "db-0", {"phase": "Pending", "containerStatuses": [container(
        False, 0, {"waiting": {"reason": "ImagePullBackOff"}})]})
    for i, (etype, reason, obj, msg, age) in enumerate((
            ("Warning", "BackOff", "api-1", "Back-off restarting failed container", 40),
            ("Warning", "Failed", "db-0", 'Failed to pull image "db:latest": not found', 90),
            ("Normal", "Pulled", "api-0", 'Container image "busybox:1.35" already present', 3000),
    )):
        ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"ev-{i}"},
              "involvedObject": {"kind": "Pod", "name": obj, "namespace": SNAP_NS},
              "reason": reason, "message": msg, "type": etype, "count": i + 1,
              "firstTimestamp": iso(now - age), "lastTimestamp": iso(now - age),
              "source": {"component": "kubelet"}}
        c.kubectl("-n", SNAP_NS, "create", "-f", "-", input=json.dumps(ev))
    return SNAP_NS, now


# Every main view is pictured at 80x24 and 120x40 in the default theme, and at 80x24 in each
# other built-in theme; the 16-colour one as a terminal without 256 colours gets it: chosen by
# kubetui itself under TEXTUAL_COLOR_SYSTEM=standard.
THEMED = [
    pytest.param((80, 24), "kubetui-dark", id="80x24"),
    pytest.param((120, 40), "kubetui-dark", id="120x40"),
    pytest.param((80, 24), "kubetui-light", id="80x24-light"),
    pytest.param((80, 24), "kubetui-contrast", id="80x24-contrast"),
    pytest.param((80, 24), "kubetui-ansi", id="80x24-ansi-standard"),
]


def frozen_app(c: LocalCluster, ns: str, now: float, kubeconfig: Path | None = None,
               theme: str = "kubetui-dark", **kwargs):
    """An app built outside the snapshot's event loop, with the clock stopped at ``now``.
    ``kubetui-ansi`` is not passed as a theme: the app is built as ``TEXTUAL_COLOR_SYSTEM=
    standard`` builds it, and must pick that theme by itself (``assert_theme`` checks)."""

    async def build():
        if theme != "kubetui-ansi":
            app = await make_app(kubeconfig or c.kubeconfig, namespace=ns, theme=theme,
                                 **kwargs)
        else:
            saved = textual.constants.COLOR_SYSTEM
            textual.constants.COLOR_SYSTEM = "standard"
            try:
                app = await make_app(kubeconfig or c.kubeconfig, namespace=ns, theme="",
                                     **kwargs)
            finally:
                textual.constants.COLOR_SYSTEM = saved
        app.clock = lambda: now
        return app

    return asyncio.run(build())


def assert_theme(app, theme: str) -> None:
    """After a snapshot: the picture was taken in the theme its name says."""
    assert app.theme == theme, f"the app ran in {app.theme}, not {theme}"
    if theme == "kubetui-ansi":
        assert app.console.color_system == "standard"


def ensure_namespace(c: LocalCluster, ns: str) -> None:
    """A fixed-name namespace for snapshots, created once and kept (its name is in the SVG)."""
    if c.kubectl("get", "namespace", ns, check=False).returncode != 0:
        c.kubectl("create", "namespace", ns)
        c.wait_for(lambda: c.kubectl("-n", ns, "get", "sa", "default",
                                     check=False).returncode == 0, timeout=30, what="the SA")


def fixed_context(ns: str, pod: str, now: float, events: tuple[tuple[str, str], ...],
                  containers: tuple[str, ...] = (), event_age: float = 600):
    """A terminal session's pod context, fixed (no watch behind it): stable snapshots."""
    from kubetui.k8s.core.events import EventRow
    from kubetui.k8s.core.pods import PodRow

    row = PodRow(uid="u", namespace=ns, name=pod, ready="1/1", status="Running",
                 health="running", restarts=0, last_restart=None, created=now - 900,
                 node="localhost", ip="10.214.0.42", labels=(), resource_version="1",
                 containers=containers)
    rows = [EventRow(uid=f"e{i}", namespace=ns, type="Normal", reason=reason,
                     object_kind="Pod", object_name=pod, object_uid="u", message=msg,
                     count=1, last_seen=now - event_age, source="kubelet")
            for i, (reason, msg) in enumerate(events)]
    return lambda: (row, rows)


async def settle(pilot) -> None:
    """Wait until both panes hold the snapshot namespace's rows and say they are live."""
    screen = pilot.app.screen_stack[1] if len(pilot.app.screen_stack) > 1 else pilot.app.screen
    for _ in range(200):
        await pilot.pause(0.05)
        if (len(screen.pods.table.rows) == 4 and len(screen.events.table.rows) == 3
                and screen.pods.synced and screen.events.synced
                and screen.pods.status.state == screen.events.status.state == "watching"):
            break
    else:
        raise AssertionError("the panes did not settle")
    await pilot.pause(0.2)


def composed(screen) -> bool:
    """Every widget of the screen mounted: a container mounts the children of its ``with``
    block a step after it is mounted itself, so a screen just pushed may not hold them yet."""
    return all(w.is_mounted for w in screen.walk_children(with_self=True))


def showing(app, screen_class) -> bool:
    """The app shows a screen of this class, composed whole (its fields and texts there)."""
    return isinstance(app.screen, screen_class) and composed(app.screen)


def confirming(app) -> bool:
    """A confirm screen is up and composed whole."""
    from kubetui.screens.confirm import ConfirmScreen

    return showing(app, ConfirmScreen)


async def until(pilot, predicate, timeout: float = 30.0, what="") -> None:
    """Wait on what the app shows: the watch workers never complete, so there is no worker to
    wait for. ``what`` may be a callable, read only on timeout (what the app said by then).
    A predicate that queries a widget not mounted yet is not yet true."""
    from textual.css.query import NoMatches

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except NoMatches:  # a screen pushed but its nested widgets not mounted yet
            pass
        await pilot.pause(0.05)
    if callable(what):
        what = what()
    raise AssertionError(f"timed out waiting for {what or predicate}")


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """Each test its own state directory: the debug image one test remembers (or the error log
    one writes) must not leak into the next."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def no_unexpected_errors(request, monkeypatch):
    """The app survives handler errors by design, so Pilot no longer re-raises them: fail the
    test instead when any app it started reported one (unless the test injects them)."""
    apps: list[KubetuiApp] = []
    original = KubetuiApp.__init__

    def tracking_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        apps.append(self)

    monkeypatch.setattr(KubetuiApp, "__init__", tracking_init)
    yield
    if request.node.get_closest_marker("injects_errors") is None:
        errors = [repr(e) for app in apps for e in app.unexpected_errors]
        assert errors == [], f"the app reported unexpected errors: {errors}"
