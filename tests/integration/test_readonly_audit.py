"""Read-only, proven: a scripted session presses every pane key, every action key and runs every
palette command; the apiserver's audit log must show no mutating request from kubetui in
``--readonly``, and exactly the expected ones without it.

Access reviews (SelfSubjectRulesReview / SelfSubjectAccessReview) are "create" in the audit log
but change nothing: the server answers a question about the caller's own rights. They are listed
separately and must be there (proof that the log does see kubetui's requests).

Every new action adds its keys to ``SESSION`` and its requests to ``EXPECTED_WRITES``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.app import SystemCommand

from kubetui.bindings import MUTATING
from kubetui.screens.pod_detail import PodDetailScreen
from tests.conftest import LocalCluster, audit_events
from tests.ui.conftest import make_app, until

MUTATING_VERBS = {"create", "update", "patch", "delete", "deletecollection"}
REVIEWS = {"selfsubjectrulesreviews", "selfsubjectaccessreviews"}

#: (where, keys): every binding a user can press, screen by screen.
SESSION: list[tuple[str, tuple[str, ...]]] = [
    ("pods", ("1", "j", "k", "G", "g", "o", "O", "slash", "t", "a", "enter", "enter")),
    ("detail", ("d", "y", "l", "c", "p", "p", "g", "escape")),
    ("pods", ("l", "escape", "y", "escape")),
    ("events", ("2", "f", "f", "o", "O")),
    ("flows", ("3", "enter", "enter", "tab", "enter", "escape", "w", "escape")),
    ("pvc", ("4",)),
    ("nodes", ("5", "o", "enter", "WAIT", "r", "escape")),
    ("help", ("question_mark", "escape")),
    ("jump", ("colon", "p", "o", "d", "s", "enter")),
    # A kind's view (:sa): enter on an object that owns nothing opens its YAML, y too; esc back.
    ("kinds", ("colon", "s", "a", "enter", "WAIT", "enter", "WAIT", "escape", "y", "WAIT",
               "escape", "o", "O", "slash", "escape", "escape")),
    # :secret: v asks which key to reveal (the token's three), esc drops it; esc back.
    ("secrets", ("colon", *"secret", "enter", "WAIT", "v", "WAIT", "escape", "escape")),
    # :deploy: R asks the server for a dry run of the restart, then the confirm (n); read-only:
    # R is not bound.
    ("restart", ("colon", *"deploy", "enter", "WAIT", "R", "WAIT", "n", "escape")),
    # S opens the scale form, U the undo form (one revision: nothing to roll back to); esc.
    ("scale", ("colon", *"deploy", "enter", "WAIT", "S", "WAIT", "escape", "U", "WAIT",
               "escape", "escape")),
    # :cj: t (a Job now) and s (resume: it is suspended) each ask the server's dry run, then
    # n; :job: ctrl+d (the Job and its pods) likewise. Read-only: none is bound.
    ("cronjob", ("colon", *"cj", "enter", "WAIT", "t", "WAIT", "n", "s", "WAIT", "n",
                 "escape")),
    ("job", ("colon", *"job", "enter", "WAIT", "ctrl+d", "WAIT", "n", "escape")),
    # ! on the suspended CronJob: its triage offers s (resume: the dry run, then n); the other
    # fix keys (U R t C X) offer nothing here. Read-only: none of them is bound.
    ("triage-fix", ("colon", *"cj", "enter", "WAIT", "exclamation_mark", "WAIT", "U", "R", "t",
                    "C", "X", "s", "WAIT", "n", "escape", "escape")),
    # Pods: space marks the pod, ctrl+d its delete form, ctrl+s the dry run, n; space unmarks.
    # Read-only: ctrl+d is not bound, n opens the namespace picker (esc).
    ("delete", ("1", "space", "ctrl+d", "WAIT", "ctrl+s", "WAIT", "n", "escape", "space")),
    # Nodes: C (cordon) and X (drain: the dry run of every eviction) each to their confirm, n.
    ("nodes-fix", ("5", "C", "WAIT", "n", "escape", "X", "WAIT", "WAIT", "WAIT", "n", "escape",
                   "1")),
    # The probe runner: tcpSocket (port-forward), httpGet (pod proxy), exec (read-write only),
    # watch on and off, the edit form, a run's output, undo, copy, next container, back.
    ("probes", ("P", "WAIT", "r", "WAIT", "down", "r", "WAIT", "down", "r", "WAIT", "w", "WAIT",
                "w", "e", "escape", "o", "escape", "u", "y", "c", "escape")),
    # F: the port-forward form (the declared 8080 offered), ctrl+s listens; W the forwards
    # view, r an HTTP check through it (the stream opens), x stops it. Read-only: F is not
    # bound, W shows no forward, r and x do nothing.
    ("forward", ("F", "WAIT", "ctrl+s", "WAIT", "W", "WAIT", "r", "WAIT", "enter", "WAIT",
                 "escape", "x", "WAIT", "escape")),
    # Storage: t opens the snapshot form (esc), i the inspection pod's confirm (n); the
    # snapshots pane; read-only: none of t, i, r, d is bound.
    ("storage", ("4", "t", "WAIT", "escape", "i", "WAIT", "n", "6", "r", "d", "1")),
    # ! on the pod: its triage (healthy: l, P, D, O and p offer nothing), d its describe.
    ("triage", ("exclamation_mark", "WAIT", "l", "P", "D", "O", "p", "d", "WAIT", "escape",
                "escape")),
    # 0: the health overview (enter on its first entry, if any), esc back.
    ("health", ("0", "WAIT", "enter", "WAIT", "escape", "escape")),
    # Read-write: D opens the debug form, ctrl+s its confirm, y adds an ephemeral container and
    # attaches; read-only: D is not bound (and y opens the YAML tab, which esc leaves).
    ("debug", ("D", "WAIT", "ctrl+s", "WAIT", "y", "WAIT", "ctrl+right_square_bracket",
               "escape")),
    # Last: in read-write mode "s" opens a shell that takes the keyboard; ^] and esc leave it.
    # The pod now has two containers (read-write: the debugger): enter picks the first.
    ("shell", ("s", "WAIT", "enter", "WAIT", "ctrl+right_square_bracket", "escape", "a", "WAIT",
               "enter", "WAIT", "ctrl+right_square_bracket", "escape", "e", "WAIT", "escape")),
]

#: Mutating requests each mode must produce (verb, resource[/subresource]), besides reviews.
EXPECTED_WRITES: dict[bool, set[tuple[str, str]]] = {
    True: set(), False: {("patch", "pods/ephemeralcontainers"),
                         # the dry runs of the fixes (n: not sent)
                         ("patch", "deployments"), ("create", "jobs"), ("patch", "cronjobs"),
                         ("delete", "jobs"), ("delete", "pods"), ("patch", "nodes"),
                         ("create", "pods/eviction")}}
#: Streams into a pod (the audit log calls them "get" on pods/exec, pods/attach or
#: pods/portforward): they can change what runs there, so read-only mode must open none.
STREAMS = {"exec", "attach", "portforward"}
EXPECTED_STREAMS: dict[bool, set[str]] = {True: set(), False: STREAMS}


def pod(name: str) -> str:
    """A pod with one probe of each runnable kind: P runs them through port-forward, the pod
    proxy and exec."""
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                       "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
                           "name": "main", "image": "busybox:1.35",
                           "imagePullPolicy": "IfNotPresent",
                           "command": ["sh", "-c", "echo hi; httpd -p 8080 -h /tmp; "
                                       "exec sleep 3600"],
                           "ports": [{"containerPort": 8080, "name": "http"}],
                           "livenessProbe": {"tcpSocket": {"port": 8080}},
                           "readinessProbe": {"httpGet": {"path": "/", "port": 8080}},
                           "startupProbe": {"exec": {"command": ["true"]}}}]}})


async def run_session(c: LocalCluster, namespace: str, readonly: bool) -> str:
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    app = await make_app(c.kubeconfig, namespace=namespace, readonly=readonly)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        for where, keys in SESSION:
            for key in keys:
                if key == "WAIT":  # let a session open (or, read-only, not open)
                    await pilot.pause(1.5)
                    continue
                await pilot.press(key)
                await pilot.pause(0.05)
                if isinstance(app.screen, PodDetailScreen) and where != "detail":
                    await pilot.pause(0.3)
            await pilot.pause(0.2)
        # Every palette command (but quit), each dismissed again.
        commands = [cmd for cmd in app.get_system_commands(app.screen)
                    if isinstance(cmd, SystemCommand) and "quit" not in cmd.title.lower()
                    and "screenshot" not in cmd.title.lower()]
        assert len(commands) >= 3
        base = len(app.screen_stack)
        for cmd in commands:
            cmd.callback()
            await pilot.pause(0.3)
            for _ in range(5):
                if len(app.screen_stack) == base:
                    break
                await pilot.press("escape")
                await pilot.pause(0.05)
            assert len(app.screen_stack) == base, (cmd.title, app.screen_stack)
        # The namespace picker through the palette too.
        await pilot.press("n")
        await pilot.pause(0.5)
        await pilot.press("escape")
        bindings = {b.binding.id for b in app.screen.active_bindings.values()}
        if readonly:
            assert not (bindings & MUTATING), "a mutating key is bound in --readonly"
        assert app.is_running
    await app.cluster.close()
    return since


@pytest.mark.parametrize("readonly", [True, False], ids=["readonly", "read-write"])
async def test_session_writes_exactly_what_it_should(local_cluster: LocalCluster, namespace: str,
                                                     readonly: bool):
    c = local_cluster
    c.kubectl("-n", namespace, "apply", "-f", "-", input=pod("talker"))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "kubetui-local",
                 "resources": {"requests": {"storage": "1Mi"}}}}))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "idle"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "idle"}}, "template": {
            "metadata": {"labels": {"app": "idle"}},
            "spec": {"containers": [{"name": "app", "image": "busybox:1.35"}]}}}}))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 0 1 1 *", "suspend": True, "jobTemplate": {"spec": {
            "template": {"spec": {"restartPolicy": "Never", "containers": [
                {"name": "job", "image": "busybox:1.35"}]}}}}}}))
    c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "paused"},
        "spec": {"parallelism": 0, "template": {"spec": {  # parallelism 0: no pod runs
            "restartPolicy": "Never", "containers": [{"name": "job",
                                                      "image": "busybox:1.35"}]}}}}))
    since = await run_session(c, namespace, readonly)
    events = audit_events(c, since=since)
    reads = [e for e in events if e["verb"] not in MUTATING_VERBS]
    reviews = [e for e in events if (e.get("objectRef") or {}).get("resource") in REVIEWS]
    writes = {(e["verb"], "/".join(filter(None, (
                  (e.get("objectRef") or {}).get("resource", e["requestURI"]),
                  (e.get("objectRef") or {}).get("subresource")))))
              for e in events if e["verb"] in MUTATING_VERBS
              and (e.get("objectRef") or {}).get("resource") not in REVIEWS}
    seen = {(e["verb"], (e.get("objectRef") or {}).get("resource"),
             (e.get("objectRef") or {}).get("subresource")) for e in reads}
    # Watches end after the session, so their lines may not be written yet; these must be.
    assert {("get", "pods", None), ("get", "pods", "log"), ("list", "pods", None)} <= seen, seen
    # The httpGet probe goes through the pod proxy with the kubelet's User-Agent (marked).
    proxied = audit_events(c, since=since, user_agent="kube-probe/1.20 (kubetui)")
    assert {(e["verb"], e["objectRef"].get("subresource")) for e in proxied} == {
        ("get", "proxy")}
    assert reviews, "the rights review is missing from the audit log"
    assert writes == EXPECTED_WRITES[readonly]
    streams = {(e.get("objectRef") or {}).get("subresource") for e in events} & STREAMS
    assert streams == EXPECTED_STREAMS[readonly]
