"""The probe runner from the UI against the real local 1.20 apiserver and kubelet (Pilot):
``P`` on a pod, ``r`` (one run with timeoutSeconds as the deadline), ``w`` (every period, judged
with the thresholds) against the kubelet's own restarts, ``e`` (edit a copy, run it again),
httpGet through the pod proxy, tcpSocket through port-forward, and read-only mode."""

from __future__ import annotations

import json
import time

from textual.widgets import DataTable, Input

from kubetui.k8s.probes.config import expand_command
from kubetui.screens.probe_form import ProbeForm
from kubetui.screens.probe_runner import ProbeRunnerScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import make_app, showing, until

# The demo's liveness-timeout pod: the probe sleeps 3 s past its 1 s timeout.
LIVENESS_TIMEOUT = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "liveness-timeout"},
    "spec": {"terminationGracePeriodSeconds": 1, "containers": [{
        "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", "echo started; exec sleep 100000"],
        "env": [{"name": "PROBE_FILE", "value": "/tmp/healthy"}],
        "livenessProbe": {"exec": {"command": ["sh", "-c", "test -f $(PROBE_FILE) || sleep 3"]},
                          "timeoutSeconds": 1, "periodSeconds": 5, "failureThreshold": 2}}]}}

# The same probe, but the kubelet tolerates its failures: the container stays up while the
# runner is tried on it (the demo pod is killed after two periods).
PATIENT = json.loads(json.dumps(LIVENESS_TIMEOUT))
PATIENT["spec"]["containers"][0]["livenessProbe"]["failureThreshold"] = 1000

# Expansion as the kubelet does it, recorded by the probe itself: $(A) from a static value,
# $$ as an escape, an unknown name kept, a valueFrom variable (not static) as the empty string.
EXPANSION = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "expansion"},
    "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
        "name": "app", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
        "command": ["sleep", "100000"],
        "env": [{"name": "A", "value": "alpha"},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
        "readinessProbe": {"exec": {"command": [
            "sh", "-c", "printf '%s' '$(A)|$$(A)|$(MISSING)|$(NODE)|$$$(A)' | tee /tmp/seen"]},
            "periodSeconds": 2},
        "livenessProbe": {"exec": {"command": ["sh", "-c", "echo checking; cat /tmp/nope"]},
                          "periodSeconds": 30}}]}}


def start_pod(c: LocalCluster, namespace: str, manifest: dict) -> None:
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps(manifest))
    name = manifest["metadata"]["name"]
    c.wait_for(lambda: c.kubectl("-n", namespace, "get", "pod", name, "-o",
                                 "jsonpath={.status.containerStatuses[0].state.running}"
                                 ).stdout.strip() not in ("", "<nil>"),
               timeout=60, what=f"pod {name} running")


async def open_runner(pilot, name: str) -> ProbeRunnerScreen:
    app = pilot.app
    await until(pilot, lambda: any(r.name == name for r in app.screen.pods.table.rows.values()),
                what=f"pod {name} listed")
    table = app.screen.pods.table
    table.select_key(next(k for k, r in table.rows.items() if r.name == name))
    await pilot.press("P")
    await until(pilot, lambda: showing(app, ProbeRunnerScreen)
                and app.screen.query_one("#probe-table", DataTable).row_count > 0,
                what="the runner")
    return app.screen


async def select_probe(pilot, runner: ProbeRunnerScreen, kind: str) -> None:
    table = runner.query_one("#probe-table", DataTable)
    await until(pilot, lambda: kind in {k.value for k in table.rows}, what=f"the {kind} row")
    table.move_cursor(row=table.get_row_index(kind))
    await pilot.pause()
    assert runner.selected()[0].kind == kind


async def run_and_wait(pilot, runner: ProbeRunnerScreen, kind: str, count: int = 1):
    key = (runner.container, kind)
    before = len(runner.history.get(key, []))
    await pilot.press("r")
    await until(pilot, lambda: len(runner.history.get(key, [])) >= before + count,
                timeout=30, what=f"a {kind} run")
    return runner.history[key][-1]


async def edit(pilot, runner: ProbeRunnerScreen, **values: str) -> ProbeForm:
    await pilot.press("e")
    await until(pilot, lambda: isinstance(pilot.app.screen, ProbeForm), what="the edit form")
    form = pilot.app.screen
    for ident, value in values.items():
        form.query_one(f"#{ident}", Input).value = value
    await pilot.pause()
    return form


def form_preview(form: ProbeForm) -> str:
    return str(form.query_one("#probe-form-preview").render())


async def test_timeout_at_one_second_and_success_with_five(local_cluster: LocalCluster,
                                                           namespace: str):
    start_pod(local_cluster, namespace, PATIENT)
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "liveness-timeout")
        assert "test -f /tmp/healthy || sleep 3" in str(
            runner.query_one("#probe-config").render())  # the command as the kubelet runs it
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "timeout", run
        assert 0.9 <= run.duration < 2.0, run.duration
        assert "may still be running" in run.detail
        assert "Timeout" in str(runner.query_one("#probe-verdict").render())
        # The same command with a 5 s timeout succeeds, in about the 3 s it sleeps.
        form = await edit(pilot, runner, timeout="5")
        preview = form_preview(form)
        assert "\n-  timeoutSeconds: 1\n+  timeoutSeconds: 5\n" in preview
        assert "a bare pod" in preview  # no owner to patch
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is runner, what="back in the runner")
        assert runner.selected() == (runner.selected()[0], True)
        assert runner.history.get(("app", "liveness")) is None  # a fresh history per config
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "success", run
        assert 2.5 <= run.duration < 5, run.duration
        # The pod itself was not changed.
        pod = local_cluster.get_json("-n", namespace, "pod", "liveness-timeout")
        assert pod["spec"]["containers"][0]["livenessProbe"]["timeoutSeconds"] == 1


async def test_watch_reaches_the_kubelets_verdict(local_cluster: LocalCluster, namespace: str):
    start_pod(local_cluster, namespace, LIVENESS_TIMEOUT)
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "liveness-timeout")
        started = time.monotonic()
        await pilot.press("w")
        key = ("app", "liveness")
        # failureThreshold 2 × periodSeconds 5: the verdict within two periods (+ a run).
        await until(pilot, lambda: "would restart" in str(
            runner.query_one("#probe-verdict").render()), timeout=20, what="the verdict")
        assert time.monotonic() - started <= 2 * 5 + 2
        runs = runner.history[key]
        # The first run times out; the second too, or ends with the kill's exit code when the
        # kubelet's restart lands during it (a failure either way).
        assert runs[0].result == "timeout" and runs[1].result in ("timeout", "failure"), runs
        # The kubelet reaches the same verdict: it restarts the container, live in the runner.
        await until(pilot, lambda: (runner.state.of("app").restarts or 0) >= 1, timeout=40,
                    what="the kubelet's restart")
        await until(pilot, lambda: any(e.reason == "Killing" for e in runner.events.values()),
                    timeout=20, what="the Killing event")
        live = str(runner.query_one("#probe-live").render())
        assert "Liveness probe failed" in live and "restarts" in live
        assert "restarted it" in str(runner.query_one("#probe-verdict").render())
        await pilot.press("w")  # stop
        assert runner.watching is None


async def test_expansion_exit_codes_and_output(local_cluster: LocalCluster, namespace: str):
    start_pod(local_cluster, namespace, EXPANSION)
    # What the kubelet's own run of the readiness probe wrote.
    local_cluster.wait_for(lambda: local_cluster.kubectl(
        "-n", namespace, "exec", "expansion", "--", "cat", "/tmp/seen", check=False
    ).returncode == 0, timeout=30, what="the kubelet's probe run")
    kubelet_saw = local_cluster.kubectl("-n", namespace, "exec", "expansion", "--", "cat",
                                        "/tmp/seen").stdout
    assert kubelet_saw == "alpha|$(A)|$(MISSING)||$alpha"
    app = await make_app(local_cluster.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "expansion")
        await select_probe(pilot, runner, "readiness")
        run = await run_and_wait(pilot, runner, "readiness")
        assert run.result == "success" and run.output == kubelet_saw
        container = runner.target.container("app")
        assert expand_command(container["readinessProbe"]["exec"]["command"], container)[2] \
            == "printf '%s' '" + kubelet_saw + "' | tee /tmp/seen"
        # A non-zero exit: Failure with the exit code and the combined output.
        await select_probe(pilot, runner, "liveness")
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "failure" and run.detail == "exit code 1"
        # stdout and stderr come on two exec channels: their order is not the command's.
        assert sorted(run.output.splitlines()) == [
            "cat: can't open '/tmp/nope': No such file or directory", "checking"]
        history = runner.query_one("#probe-history", DataTable)
        assert "exit code 1" in str(history.get_row_at(0)[3])
        # A command that cannot start is an Error (the kubelet discards it), not a failure.
        await edit(pilot, runner, command="no-such-binary --health")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is runner, what="back in the runner")
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "error" and "executable file not found" in run.detail


async def test_http_and_tcp_probes_and_readonly_refuses_tcp(seeded: LocalCluster):
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo", readonly=True)
    seeded.wait_for(lambda: seeded.kubectl(
        "-n", "kubetui-demo", "get", "pod", "http-probes", "-o",
        "jsonpath={.status.containerStatuses[0].ready}").stdout == "true",
        timeout=60, what="http-probes ready")
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "http-probes")
        await select_probe(pilot, runner, "readiness")
        assert "kubectl get --raw /api/v1/namespaces/kubetui-demo/pods/http-probes:8080/" \
            "proxy/healthz" in str(runner.query_one("#probe-config").render())
        run = await run_and_wait(pilot, runner, "readiness")
        assert run.result == "success" and run.detail == "HTTP 200 OK" and run.output == "ok\n"
        # the run and its verdict are in the incident timeline
        from kubetui.timeline.journal import read

        probe = [e for e in read(app.timeline.path) if e.kind == "probe"][-1]
        assert probe.summary.startswith("readiness probe of http-probes/") and \
            probe.summary.endswith(": HTTP 200 OK")
        assert (probe.outcome, probe.object, probe.namespace) == (
            "success", "pods/http-probes", "kubetui-demo")
        form = await edit(pilot, runner, path="/missing")
        assert "\n-    path: /healthz\n+    path: /missing\n" in form_preview(form)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is runner, what="back in the runner")
        run = await run_and_wait(pilot, runner, "readiness")
        assert run.result == "failure" and run.detail == "HTTP 404 Not Found"
        # tcpSocket rides a port-forward stream: --readonly refuses it, as it refuses exec.
        await select_probe(pilot, runner, "liveness")
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "error" and "read-only" in run.detail, run
    # Read-only: the proxy is a read; nothing else was sent, no port-forward was opened.
    sent = audit_events(seeded, since=since)
    # The proxied probe carries the kubelet's User-Agent, marked as kubetui's.
    proxied = audit_events(seeded, since=since, user_agent="kube-probe/1.20 (kubetui)")
    assert {e["objectRef"].get("subresource") for e in proxied} == {"proxy"}
    sent += proxied
    subresources = {(e["verb"], e.get("objectRef", {}).get("subresource")) for e in sent
                    if e.get("objectRef", {}).get("resource") == "pods"}
    assert ("get", "proxy") in subresources and ("get", "portforward") not in subresources
    assert not [e for e in sent if e["verb"] not in ("get", "list", "watch")
                and e.get("objectRef", {}).get("resource") != "selfsubjectrulesreviews"]
    # Read-write: tcpSocket connects to an open port, and a closed one is refused.
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo")
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "http-probes")
        await select_probe(pilot, runner, "liveness")
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "success" and run.detail.startswith("connected"), run
        await edit(pilot, runner, port="9999")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is runner, what="back in the runner")
        run = await run_and_wait(pilot, runner, "liveness")
        assert run.result == "failure" and "connection refused" in run.detail, run


async def test_readonly_refuses_exec_probes(local_cluster: LocalCluster, namespace: str):
    start_pod(local_cluster, namespace, LIVENESS_TIMEOUT)
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
    app = await make_app(local_cluster.kubeconfig, namespace=namespace, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "liveness-timeout")
        assert "read-only" in str(runner.query_one("#probe-title").render())
        await pilot.press("r")
        await pilot.press("w")
        await pilot.pause(0.5)
        assert runner.history == {} and runner.watching is None
        assert any("not run in read-only mode" in n.message for n in app._notifications)
    execs = [e for e in audit_events(local_cluster, since=since)
             if e.get("objectRef", {}).get("subresource") == "exec"
             and e.get("objectRef", {}).get("namespace") == namespace]
    assert execs == []


async def test_a_viewer_is_told_which_rule_is_missing(local_cluster: LocalCluster,
                                                      namespace: str):
    start_pod(local_cluster, namespace, LIVENESS_TIMEOUT)
    local_cluster.kubectl("-n", namespace, "create", "rolebinding", "viewers",
                          "--clusterrole=view", "--group=kubetui-viewers")
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
    app = await make_app(local_cluster.config_dir / "viewer.kubeconfig", namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, "liveness-timeout")  # get pods is enough to look
        await until(pilot, lambda: app.access.get(namespace) is not None, what="the rules")
        await pilot.press("r")
        await pilot.pause(0.3)
        assert runner.history == {}
        assert any("you may not get pods/exec" in n.message for n in app._notifications)
    await app.cluster.close()
    assert [e for e in audit_events(local_cluster, since=since, namespace=namespace)
            if e.get("objectRef", {}).get("subresource") == "exec"] == []


async def test_edit_offers_the_patch_for_the_owning_deployment(seeded: LocalCluster):
    app = await make_app(seeded.kubeconfig, namespace="kubetui-demo", readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = await open_runner(pilot, next(
            p["metadata"]["name"] for p in seeded.get_json("-n", "kubetui-demo", "pods", "-l",
                                                           "app=web")["items"]))
        assert runner.target.owner.kind == "Deployment" and runner.target.owner.name == "web"
        form = await edit(pilot, runner, timeout="3")
        preview = form_preview(form)
        assert "kubectl patch deployment web -n kubetui-demo --type=strategic -p " \
            "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"httpd\"," \
            "\"readinessProbe\":" in preview
        assert "through ReplicaSet web-" in preview
        await pilot.press("ctrl+y")  # copied, said with its size
        await pilot.pause()
        assert any(n.message.startswith("Copied the probe as YAML: ") for n in app._notifications)
        await pilot.press("escape")
        assert runner.edits == {}  # cancelled: nothing changed
    # The edit sent nothing: the Deployment is as it was.
    dep = seeded.get_json("-n", "kubetui-demo", "deployment", "web")
    assert "timeoutSeconds" not in json.dumps(dep["spec"]["template"]["spec"]["containers"][0]
                                              ["readinessProbe"]) or \
        dep["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["timeoutSeconds"] == 1
