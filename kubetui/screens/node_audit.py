"""Enter on a node: the node-side audit, describe-like, every figure with its source.

Read when the screen opens and with ``r``; the PID figures (the summary API) are read again every
``PID_REFRESH`` seconds only while this screen is shown, never in the background. Each part fails
on its own: a viewer without ``nodes/proxy`` still sees the Node object's facts, and is told which
rule the kubelet's parts need.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.nodes.audit import (
    CONFIGZ,
    SUMMARY,
    Fact,
    PidUsage,
    config_facts,
    node_facts,
    parse_configz,
    pid_lines,
    runtime_class_row,
)
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.safe_text import plain, visible
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.fit_footer import FitFooter

PID_REFRESH = 10


@dataclass
class PidsRead(Message):
    usage: PidUsage


@dataclass
class AuditRead(Message):
    part: str  # node | configz | summary | runtimeclasses
    data: dict | None
    error: KubeError | None = None


def explain(error: KubeError, what: str, part: str) -> str:
    if error.kind == ErrorKind.FORBIDDEN:
        if part in ("configz", "summary"):
            return (f"{what}: forbidden. It is read from the kubelet through the apiserver "
                    "and needs get on nodes/proxy (cluster-wide); ask for that rule.")
        rule = {"node": "get nodes", "runtimeclasses": "list runtimeclasses.node.k8s.io"}[part]
        return f"{what}: forbidden; it needs {rule} (cluster-wide)."
    if error.kind == ErrorKind.NOT_FOUND:
        return f"{what}: this kubelet does not serve it ({error.summary})."
    return f"{what}: {error}"


class NodeAuditScreen(QuietBehind, Guarded, Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="node.back"),
        Binding("r", "reload", "Reload", id="node.reload"),
    ]
    DEFAULT_CSS = """
    NodeAuditScreen #node-title { height: 1; text-style: bold; }
    """

    def __init__(self, node: str, pods_using) -> None:
        super().__init__(id="node-audit")
        self.node = node
        self.pods_using = pods_using  # runtime class name -> pod names (from the pods pane)
        self.parts: dict[str, Text] = {}
        self.pod_pids_limit: int | None = None
        self.usage: PidUsage | None = None
        self._shown = Text()

    def compose(self) -> ComposeResult:
        yield Static(plain(f"node {self.node} · audit · r reload"), id="node-title")
        with VerticalScroll():
            yield Static("loading…", id="node-body")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # pgdn/end scroll at once
        self.action_reload()
        self.set_interval(PID_REFRESH, lambda: self.read("summary"))

    def action_reload(self) -> None:
        for part in ("node", "configz", "summary", "runtimeclasses"):
            self.read(part)

    @work(group="node-audit", exit_on_error=False)
    async def read(self, part: str) -> None:
        from kubetui.k8s.nodes.reads import read_part, read_pids

        cluster = host(self.app).cluster
        try:
            if part == "summary":
                self.post_message(PidsRead(await read_pids(cluster, self.node)))
                return
            data = await read_part(cluster, self.node, part)
        except KubeError as error:
            self.post_message(AuditRead(part, None, error))
            return
        self.post_message(AuditRead(part, data))

    def on_pids_read(self, message: PidsRead) -> None:
        self.usage = message.usage
        self.parts["summary"] = self._pids(message.usage)
        self._show()

    def on_audit_read(self, message: AuditRead) -> None:
        version = host(self.app).cluster.info.version
        body = Text()
        part, data, error = message.part, message.data, message.error
        if error is not None:
            what = {"node": "the Node object", "configz": "the kubelet's configuration "
                    f"({CONFIGZ.format(node=self.node)})",
                    "summary": f"process counts ({SUMMARY.format(node=self.node)})",
                    "runtimeclasses": "RuntimeClasses (node.k8s.io/v1)"}[part]
            body.append(visible(explain(error, what, part)) + "\n", style="bold")
        elif part == "node":
            body = self._facts(node_facts(data or {}, version))
        elif part == "configz":
            config = parse_configz(data or {})
            self.pod_pids_limit = config.pod_pids_limit
            body = self._facts(config_facts(config))
            if self.usage is not None:  # PIDs against the limit now known
                self.parts["summary"] = self._pids(self.usage)
        else:
            body = self._runtime_classes(data or {})
        self.parts[part] = body
        self._show()

    def _facts(self, facts: list[Fact]) -> Text:
        out = Text()
        for fact in facts:
            out.append(f"{fact.label:<32}", style="bold")
            out.append(visible(fact.value, 200))
            out.append(f"   ← {fact.source}\n", style="dim")
            if fact.flag:
                out.append(f"{'':<32}⚠ {visible(fact.flag, 300)}\n", style="yellow")
        return out

    def _pids(self, usage: PidUsage) -> Text:
        lines = pid_lines(usage, self.pod_pids_limit)
        return Text("\n".join(visible(line, 200) for line in lines) + "\n")

    def _runtime_classes(self, data: dict) -> Text:
        out = Text()
        items = [runtime_class_row(i) for i in data.get("items") or () if isinstance(i, dict)]
        if not items:
            out.append("no RuntimeClasses: every pod runs with the node's default handler\n")
        for rc in items:
            pods = self.pods_using(rc.name)
            out.append(f"{visible(rc.name):<24}", style="bold")
            out.append(f"handler {visible(rc.handler)} · overhead {visible(rc.overhead)} · "
                       f"scheduling {visible(rc.scheduling)}\n")
            out.append(f"{'':<24}used by {len(pods)} pod(s) in view"
                       + (f": {visible(', '.join(pods[:6]))}" if pods else "") + "\n",
                       style="dim")
        return out

    def _show(self) -> None:
        out = Text()
        for part, title in (("node", "Node  (GET /api/v1/nodes/NAME)"),
                            ("configz", "Kubelet configuration  (nodes/NAME/proxy/configz)"),
                            ("summary", "Processes  (nodes/NAME/proxy/stats/summary, "
                                        f"every {PID_REFRESH} s while shown)"),
                            ("runtimeclasses", "RuntimeClasses  (node.k8s.io/v1)")):
            out.append(f"── {title}\n", style="bold")
            out.append_text(self.parts.get(part, Text("loading…\n")))
            out.append("\n")
        if out != self._shown:  # the 10 s refresh repaints only when a number moved
            self._shown = out
            self.query_one("#node-body", Static).update(out)
