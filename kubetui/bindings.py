"""Every key binding, with an id, in one place.

Screens take their BINDINGS from here; the help screen and the command palette read the same
list; the config file's ``[keymap]`` remaps any of them by id (``App.set_keymap``).
"""

from __future__ import annotations

from textual.binding import Binding

from kubetui.k8s.rbac.access import Need

APP_BINDINGS: list[Binding] = [
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
    Binding("colon", "jump", "Jump", id="app.jump", key_display=":"),
    Binding("0", "health", "Health", id="app.health", show=False),
    Binding("W", "forwards", "Forwards", id="app.forwards", show=False),
    Binding("I", "timeline", "Timeline", id="app.timeline", show=False),
    Binding("ctrl+k", "copy_kubectl", "Copy kubectl", id="app.copy_kubectl", show=False),
]

MAIN_BINDINGS: list[Binding] = [
    Binding("1", "show_pane('pods')", "Pods", id="pane.pods"),
    Binding("2", "show_pane('events')", "Events", id="pane.events"),
    Binding("3", "show_pane('flows')", "Flows", id="pane.flows"),
    Binding("4", "show_pane('pvc')", "PVCs", id="pane.pvc"),
    Binding("5", "show_pane('nodes')", "Nodes", id="pane.nodes", show=False),
    Binding("6", "show_pane('snapshots')", "Snapshots", id="pane.snapshots", show=False),
    Binding("n", "switch_namespace", "Namespace", id="scope.namespace"),
    Binding("c", "switch_context", "Context", id="scope.context", show=False),
    Binding("T", "sessions", "Sessions", id="sessions.list", show=False),
]

MODAL_BINDINGS: list[Binding] = [
    Binding("escape", "dismiss", "Close", id="modal.close"),
]


TRIAGE_BINDINGS: list[Binding] = [
    Binding("l", "logs", "Logs", id="triage.logs"),
    Binding("P", "probes", "Probes", id="triage.probes"),
    Binding("D", "debug", "Debug", id="triage.debug"),
    Binding("O", "owner", "Owner", id="triage.owner"),
    Binding("p", "pods", "Pods", id="triage.pods"),
    Binding("d", "describe", "Describe", id="triage.describe"),
    # the fixes a finding offers on the subject: the same keys as the kind views' and the
    # nodes pane's, and the same flows (``FixObject``, ``CordonNode``, ``DrainNode``)
    Binding("U", "undo", "Roll back", id="triage.undo"),
    Binding("R", "restart", "Restart", id="triage.restart"),
    Binding("t", "trigger", "Run now", id="triage.trigger"),
    Binding("s", "resume", "Resume", id="triage.resume"),
    Binding("C", "cordon", "Cordon", id="triage.cordon"),
    Binding("X", "drain", "Drain", id="triage.drain"),
]


#: The RBAC rules each binding needs (by id). A key whose rule the user lacks in the namespace at
#: hand is shown dimmed, says what is missing when pressed, and lists it on ``?``.
NEEDS: dict[str, tuple[Need, ...]] = {
    "pods.describe": (Need("get", "pods"),),
    "pods.yaml": (Need("get", "pods"),),
    "pods.logs": (Need("get", "pods"), Need("get", "pods/log")),
    "pods.all_logs": (Need("list", "pods"), Need("get", "pods/log")),
    "detail.logs": (Need("get", "pods/log"),),
    "detail.all_logs": (Need("list", "pods"), Need("get", "pods/log")),
    "detail.previous": (Need("get", "pods/log"),),
    "detail.container": (Need("get", "pods/log"),),
    # The WebSocket upgrade is a GET: servers before 1.35 authorize it as get on pods/exec.
    "pods.shell": (Need("get", "pods"), Need("get", "pods/exec")),
    "pods.attach": (Need("get", "pods"), Need("get", "pods/attach")),
    "detail.shell": (Need("get", "pods/exec"),),
    "pods.exec": (Need("get", "pods"), Need("get", "pods/exec")),
    # Debugging needs more, and per target (patch pods/ephemeralcontainers, or create pods):
    # the form names what is missing for the target chosen (kubetui.k8s.debug.target.needs).
    "pods.debug": (Need("get", "pods"),),
    "detail.debug": (Need("get", "pods"),),
    "detail.attach": (Need("get", "pods/attach"),),
    # The runner opens with get pods; each run needs its handler's rule (pods/exec, pods/proxy,
    # pods/portforward), checked when it runs (kubetui.k8s.probes.run.ProbeCall.needs).
    "pods.probes": (Need("get", "pods"),),
    # a forward's streams: get on pods/portforward (from 1.35 also create: the form says so)
    "pods.forward": (Need("get", "pods"), Need("get", "pods/portforward")),
    "detail.forward": (Need("get", "pods/portforward"),),
    "kind.forward": (Need("get", "services"), Need("list", "pods"),
                     Need("get", "pods/portforward")),
    "pvc.snapshot": (Need("create", "volumesnapshots", "snapshot.storage.k8s.io"),),
    "snapshots.delete": (Need("delete", "volumesnapshots", "snapshot.storage.k8s.io"),),
    "snapshots.restore": (Need("create", "persistentvolumeclaims"),),
    "pvc.inspect": (Need("create", "pods"), Need("delete", "pods"), Need("get", "pods/attach")),
    "detail.probes": (Need("get", "pods"),),
    "kind.reveal": (Need("get", "secrets"),),
    "triage.logs": (Need("get", "pods/log"),),
    "triage.debug": (Need("get", "pods"),),
    "triage.probes": (Need("get", "pods"),),
    "pods.delete": (Need("delete", "pods"),),
    "nodes.cordon": (Need("patch", "nodes", cluster_scoped=True),),
    # a drain lists the node's pods in every namespace and evicts them there
    "nodes.drain": (Need("patch", "nodes", cluster_scoped=True),
                    Need("list", "pods", cluster_scoped=True),
                    Need("create", "pods/eviction", cluster_scoped=True)),
}
NEEDS["triage.cordon"], NEEDS["triage.drain"] = NEEDS["nodes.cordon"], NEEDS["nodes.drain"]

#: Bindings that change the cluster: not bound at all in ``--readonly`` (and the request path
#: refuses their writes regardless). Every mutating action adds its id here; the read-only
#: audit test (tests/integration/test_readonly_audit.py) presses every key either way.
MUTATING: frozenset[str] = frozenset({"pods.shell", "pods.attach", "pods.exec", "pods.debug",
                                      "detail.shell", "detail.attach", "detail.debug",
                                      "pvc.snapshot", "pvc.inspect", "snapshots.restore",
                                      "snapshots.delete", "triage.debug", "kind.restart",
                                      "kind.undo", "kind.scale", "kind.trigger", "kind.suspend",
                                      "kind.delete", "pods.delete", "nodes.cordon",
                                      "nodes.drain", "pods.forward", "detail.forward",
                                      "kind.forward", "triage.undo", "triage.restart",
                                      "triage.trigger", "triage.resume", "triage.cordon",
                                      "triage.drain"})
