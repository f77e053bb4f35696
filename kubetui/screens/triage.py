"""``!`` on an object: its cause in one sentence, the evidence, and the keys for the next step;
or, when nothing is wrong, why it is fine. Live: the view holds the object and what its checks
read (``k8s/triage/run.inputs_of``) and names the cause again whenever one of them changes.

The object is watched by name (a field selector); its pods, ReplicaSets or Jobs by its label
selector once it has arrived; the namespace's events through the shared events store; nodes and
StorageClasses when the user may list them (a 403 leaves them out, the checks say less).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kubetui.access_keys import AccessAware
from kubetui.bindings import MUTATING, TRIAGE_BINDINGS
from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.intents.kinds import (
    DescribeObject,
    FixObject,
    OpenController,
    OpenOwned,
    OpenOwnedBy,
)
from kubetui.intents.nodes import CordonNode, DrainNode
from kubetui.intents.pods import DebugPod, OpenPod, OpenProbes
from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pod_detail import stream_logs
from kubetui.k8s.fixes.kinds import fix_needs
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.table import ColumnDef, row_with
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage import findings as f
from kubetui.k8s.triage.run import (
    CLASSES,
    EVENTS,
    JOBS,
    NODES,
    PODS,
    REPLICASETS,
    World,
    inputs_of,
    lean,
    match_labels,
    triage,
    whole,
)
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.safe_text import plain, plain_lines
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.triage_text import report_text
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated

TAIL_LINES = 5


@dataclass
class TailRead(Message):
    key: tuple[str, str, str, bool]
    lines: list[str]


#: the step a key takes, by the action's name in ``TRIAGE_BINDINGS``
KEYS = {"logs": (f.LOGS, f.PREVIOUS_LOGS), "probes": (f.PROBES,), "debug": (f.DEBUG,),
        "owner": (f.OWNER,), "pods": (f.PODS,), "describe": (f.DESCRIBE, f.EVENTS),
        "undo": (f.UNDO,), "restart": (f.RESTART,), "trigger": (f.TRIGGER,),
        "resume": (f.RESUME,), "cordon": (f.CORDON,), "drain": (f.DRAIN,)}
#: the kind views' fix (``FixObject``) each fix key of the triage asks for
FIX_OF_KEY = {"undo": "undo", "restart": "restart", "trigger": "trigger", "resume": "suspend"}
# a row as the owner chain reads it: its name, and a Service's selector as kubectl prints it
SELECTOR_COLUMNS = (ColumnDef("Name", format="name"), ColumnDef("Selector"))
SCOPES = {
    PODS: lambda ns, sel: ResourceScope("v1", "pods", ns, label_selector=sel),
    REPLICASETS: lambda ns, sel: ResourceScope("apps/v1", "replicasets", ns, label_selector=sel),
    JOBS: lambda ns, sel: ResourceScope("batch/v1", "jobs", ns),
    NODES: lambda ns, sel: ResourceScope("v1", "nodes"),
    CLASSES: lambda ns, sel: ResourceScope("storage.k8s.io/v1", "storageclasses"),
}


class TriageScreen(AccessAware, QuietBehind, Guarded, Screen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="triage.back"),
                *TRIAGE_BINDINGS]
    DEFAULT_CSS = """
    TriageScreen #triage-title { height: 1; text-style: bold; padding: 0 1; }
    TriageScreen #triage-body { padding: 0 1; }
    """

    def __init__(self, kind: Kind, namespace: str, name: str) -> None:
        super().__init__(classes="triage")
        self.kind, self.namespace, self.object_name = kind, namespace, name
        self.subject: dict | None = None
        self.report: f.Report | None = None
        self._held: Held | None = None
        self._inputs_held = False
        self._tail: dict[tuple[str, str, str, bool], list[str]] = {}

    def compose(self) -> ComposeResult:
        where = f"{self.namespace}/" if self.namespace else ""
        yield ClusterBar(host(self.app).info, host(self.app).readonly)  # which cluster, always
        yield Static(plain(f"triage · {self.kind.kind.lower()} {where}{self.object_name}"),
                     id="triage-title")
        with VerticalScroll():
            yield Static("reading…", id="triage-body")
        yield FitFooter()

    def access_namespace(self) -> str:
        return self.namespace or super().access_namespace()

    def needs(self, binding_id: str) -> tuple[Need, ...]:
        """A fix key needs what the same fix needs in the subject's kind view."""
        fix = FIX_OF_KEY.get(binding_id.removeprefix("triage."))
        return fix_needs(fix, self.kind) if fix is not None else super().needs(binding_id)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self._held = Held(host(self.app).stores, lambda c: self.post_message(StoreUpdated(c)))
        k = self.kind
        self._held.acquire("subject", ResourceScope(
            k.group_version, k.plural, self.namespace or None,
            field_selector=f"metadata.name={self.object_name}"), whole,
            what=f"watch {k.kind.lower()} {self.object_name}")
        if EVENTS in (inputs_of(k.group, k.kind) or ()) and self.namespace:
            self._held.acquire(EVENTS, ResourceScope("v1", "events", self.namespace), event_row,
                               covering=True)

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()

    def _hold_inputs(self, subject: dict) -> None:
        """The stores the checks read, once the object (and so its selector) is known."""
        if self._inputs_held or self._held is None:
            return
        self._inputs_held = True
        selector = match_labels(subject)
        if self.kind.kind == "Service":
            selector = ""  # the namespace's pods: which labels they have instead
        for name in inputs_of(self.kind.group, self.kind.kind) or ():
            if name in SCOPES and not (name == PODS and self.kind.kind == "Pod"):
                self._held.acquire(name, SCOPES[name](self.namespace or None, selector), lean)

    def on_store_updated(self, message: StoreUpdated) -> None:
        if message.change.delta is None and message.change.status is None:
            return
        self.refresh_report()

    def _rows(self, name: str) -> list[dict] | None:
        return self._held.objects(name) if self._held is not None else None

    def refresh_report(self) -> None:
        subject = next(iter(self._rows("subject") or ()), None)
        body = self.query_one("#triage-body", Static)
        store = self._held.get("subject") if self._held is not None else None
        if subject is None:
            if store is not None and store.synced:
                error = store.status.error
                body.update(plain_lines(f"{self.kind.kind} {self.object_name} is gone"
                                        if error is None else str(error)))
            return
        self.subject = subject
        self._hold_inputs(subject)
        events_store = self._held.get(EVENTS) if self._held is not None else None
        world = World(pods=self._rows(PODS) or (), replicasets=self._rows(REPLICASETS) or (),
                      jobs=self._rows(JOBS) or (),
                      events=list(events_store.rows.values()) if events_store else (),
                      nodes=self._rows(NODES), storageclasses=self._rows(CLASSES))
        self.report = triage(self.kind.group, self.kind.kind, subject, world,
                             host(self.app).clock())
        if self.kind.kind == "Pod" and not self.kind.group:  # CPU/MEM, when the user has them
            from kubetui.k8s.triage.usage import with_usage

            self.report = with_usage(self.report, subject, host(self.app).usage_history.of(
                self.namespace, self.object_name))
        if self.report.cause != getattr(self, "_said", None):  # the first, and each new cause
            self._said = self.report.cause
            host(self.app).timeline.saw(
                f"triage of {self.report.subject}: {self.report.cause}", self.namespace,
                f"{self.kind.plural}/{self.object_name}", tuple(
                    (e.label, e.value) for f in self.report.findings[:1] for e in f.evidence))
        self._read_tail()
        body.update(report_text(self.report, self._key_of, self._tail.get(self._tail_key())))
        self.refresh_bindings()

    # -- the crashed instance's last lines -------------------------------------------------
    def _tail_key(self) -> tuple[str, str, str, bool] | None:
        """(namespace, pod, container, previous instance) whose logs the findings name."""
        found = self._step("logs")
        pod = self._pod(found[0]) if found else None
        if found is None or pod is None or not found[1].container:
            return None
        return pod[0], pod[1], found[1].container, found[1].action == f.PREVIOUS_LOGS

    def _read_tail(self) -> None:
        key = self._tail_key()
        if key is not None and key not in self._tail:
            self._tail[key] = []  # asked once per container: the report redraws meanwhile
            self.read_tail(key)

    @work(group="triage-tail", exit_on_error=False)
    async def read_tail(self, key: tuple[str, str, str, bool]) -> None:
        """Its last lines, with one request (``tailLines``, no follow)."""
        lines: list[str] = []
        namespace, pod, container, previous = key
        try:
            async for line in stream_logs(host(self.app).cluster, namespace, pod, container,
                                          previous=previous, follow=False,
                                          tail_lines=TAIL_LINES):
                lines.append(line)
        except KubeError as error:
            lines = [f"(its logs cannot be read: {error.summary})"]
        self.post_message(TailRead(key, lines or ["(it wrote nothing)"]))

    def on_tail_read(self, message: TailRead) -> None:
        self._tail[message.key] = message.lines
        if self.report is not None:
            self.query_one("#triage-body", Static).update(
                report_text(self.report, self._key_of, self._tail.get(self._tail_key())))

    # -- keys --------------------------------------------------------------------------------
    def _key_of(self, action: str) -> str:
        """The key a step is taken with, as the config's ``[keymap]`` binds it; "" for a key
        not bound here (a change to the cluster in ``--readonly``): the step is not offered."""
        name = next((a for a, steps in KEYS.items() if action in steps), "")
        binding = next((b for b in TRIAGE_BINDINGS if b.action == name), None)
        if binding is None or (binding.id in MUTATING and host(self.app).readonly):
            return ""
        keys = host(self.app).settings.keymap.get(binding.id or "", binding.key)
        return keys.split(",")[0].strip()

    def _step(self, name: str) -> tuple[f.Finding, f.Step] | None:
        for finding in self.report.findings if self.report is not None else ():
            for step in finding.steps:
                if step.action in KEYS.get(name, ()):
                    return finding, step
        return None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in KEYS and action != "describe" and self._step(action) is None:
            return False  # no finding offers it
        return super().check_action(action, parameters)

    def _pod(self, finding: f.Finding) -> tuple[str, str] | None:
        """The pod a step acts on: the finding's (a Deployment's failing pod) or the subject."""
        about = finding.about
        if about.startswith("pod "):
            ns, _, name = about[4:].partition("/")
            return ns, name
        if self.kind.kind == "Pod":
            return self.namespace, self.object_name
        return None

    def action_logs(self) -> None:
        found = self._step("logs")
        pod = self._pod(found[0]) if found else None
        if pod is not None:
            self.post_message(OpenPod(pod[0], pod[1], tab="logs"))

    def action_probes(self) -> None:
        found = self._step("probes")
        pod = self._pod(found[0]) if found else None
        if pod is not None and found is not None:
            self.post_message(OpenProbes(pod[0], pod[1], found[1].container or None))

    def action_debug(self) -> None:
        found = self._step("debug")
        pod = self._pod(found[0]) if found else None
        if pod is not None:
            self.post_message(DebugPod(*pod))

    def action_owner(self) -> None:
        owner = next((mapping(r) for r in mapping(mapping(self.subject).get("metadata"))
                      .get("ownerReferences") or () if mapping(r).get("controller") is True),
                     None)
        if owner is not None:
            group = text(owner.get("apiVersion")).rpartition("/")[0]
            self.post_message(OpenController(group, text(owner.get("kind")), self.namespace,
                                             text(owner.get("name"))))

    def action_pods(self) -> None:
        """The subject's pods, in the live pods view (a Service's: those it selects); for a
        Deployment whose new pods fail, the pods of the ReplicaSet the failing one belongs to."""
        if self.subject is None:
            return
        found = self._step("pods")
        owner = self._replicaset_of(found[0]) if found else None
        if owner is not None:
            self.post_message(OpenOwnedBy("apps", "ReplicaSet", self.namespace,
                                          text(owner.get("name")), text(owner.get("uid"))))
            return
        meta = mapping(self.subject.get("metadata"))
        selector = ",".join(f"{k}={v}" for k, v in sorted(
            mapping(mapping(self.subject.get("spec")).get("selector")).items()))
        row = row_with({"cells": [text(meta.get("name")), selector or "<none>"],
                        "object": {"metadata": meta}})
        self.post_message(OpenOwned(self.kind, row, SELECTOR_COLUMNS))

    def _replicaset_of(self, finding: f.Finding) -> dict | None:
        """The controller reference of the pod a Deployment's finding is about."""
        pod = self._pod(finding) if self.kind.kind == "Deployment" else None
        for obj in (self._rows(PODS) or ()) if pod is not None else ():
            meta = mapping(obj.get("metadata"))
            if pod == (text(meta.get("namespace")), text(meta.get("name"))):
                return next((mapping(r) for r in meta.get("ownerReferences") or ()
                             if mapping(r).get("controller") is True
                             and mapping(r).get("kind") == "ReplicaSet"), None)
        return None

    def action_describe(self) -> None:
        if self.kind.kind == "Pod" and not self.kind.group:
            self.post_message(OpenPod(self.namespace, self.object_name))
        else:
            self.post_message(DescribeObject(self.kind, self.namespace, self.object_name))

    # -- the fixes a finding offers: the kind views' and the nodes pane's flows --------------
    def _fix(self, name: str) -> None:
        if self._step(name) is not None:
            self.post_message(FixObject(FIX_OF_KEY[name], self.kind, self.namespace,
                                        self.object_name))

    def action_undo(self) -> None:
        self._fix("undo")

    def action_restart(self) -> None:
        self._fix("restart")

    def action_trigger(self) -> None:
        self._fix("trigger")

    def action_resume(self) -> None:
        """The CronJob's suspend toggle: its confirm names which way it goes now."""
        self._fix("resume")

    def action_cordon(self) -> None:
        if self._step("cordon") is not None:
            cordoned = mapping(mapping(self.subject).get("spec")).get("unschedulable") is True
            self.post_message(CordonNode(self.object_name, cordoned))

    def action_drain(self) -> None:
        if self._step("drain") is not None:
            self.post_message(DrainNode(self.object_name))
