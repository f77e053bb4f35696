"""``e`` in the probe runner: change a probe to run it again, without touching the pod.

Every keystroke rebuilds the edited probe with the pure builder (``kubetui.k8s.probes.edit``) and
shows the container spec's diff, the probe as YAML, and the ``kubectl patch`` that would apply
it to the owning workload: shown and copyable, never sent. ``ctrl+s`` hands the edited probe
back to the runner (dismisses with the probe dict, or ``None``).
"""

from __future__ import annotations

import shlex

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.probes.config import ProbeConfig
from kubetui.k8s.probes.edit import (
    Owner,
    ProbeEdit,
    edited_probe,
    owner_patch,
    parse_int,
    parse_port,
    parse_probe_command,
    probe_yaml,
    spec_diff,
)
from kubetui.k8s.probes.run import ProbeInputError
from kubetui.safe_text import plain, plain_lines
from kubetui.widgets.line_input import LineInput


class ProbeForm(Guarded, ModalScreen[dict | None]):
    AUTO_FOCUS = "#timeout"  # the 1.20 story: the timeout is what most often needs room
    BINDINGS = [
        Binding("ctrl+s", "submit", "Use", id="probeform.submit"),
        Binding("ctrl+y", "copy('yaml')", "Copy YAML", id="probeform.copy_yaml"),
        Binding("ctrl+o", "copy('patch')", "Copy patch", id="probeform.copy_patch"),
        Binding("escape", "cancel", "Cancel", id="probeform.cancel"),
    ]
    DEFAULT_CSS = """
    ProbeForm { align: center middle; }
    ProbeForm > Vertical { width: 100%; max-width: 120; height: 100%; max-height: 40;
                           border: round $accent; background: $surface; padding: 0 1; }
    ProbeForm #probe-form-title { text-style: bold; height: 1; }
    ProbeForm .row { height: 1; }
    ProbeForm .row Label { width: 16; color: $text-muted; }
    ProbeForm .row Input { width: 1fr; }
    ProbeForm #probe-form-problem { color: $error; height: auto; }
    ProbeForm #probe-form-preview-scroll { height: 1fr; min-height: 3;
                                           border-top: solid $panel; }
    ProbeForm #probe-form-keys { color: $text-muted; height: 1; dock: bottom; }
    """

    def __init__(self, namespace: str, container: dict, init: bool, config: ProbeConfig,
                 probe: dict, owner: Owner | None) -> None:
        super().__init__()
        self.namespace, self.container, self.init = namespace, container, init
        self.config, self.probe, self.owner = config, probe, owner
        self.result: dict | None = None
        self.problem = ""
        self.yaml = ""
        self.patch = ""

    def compose(self) -> ComposeResult:
        c, action = self.config, self.config.action
        with Vertical():
            yield Static(plain(f"edit the {c.kind} probe of {self.container.get('name')} · "
                               "runs here only, the pod is not changed"),
                         id="probe-form-title")
            if c.handler == "exec":
                command = shlex.join(str(w) for w in action.get("command") or ())
                yield self._row("Command", LineInput(command, id="command", compact=True))
            if c.handler == "httpGet":
                yield self._row("Path", LineInput(str(action.get("path") or "/"), id="path",
                                              compact=True))
            if c.handler in ("httpGet", "tcpSocket"):
                yield self._row("Port", LineInput(str(action.get("port") or ""), id="port",
                                              compact=True))
            for label, ident, value in (("Timeout (s)", "timeout", c.timeout),
                                        ("Period (s)", "period", c.period),
                                        ("Success thresh.", "success", c.success_threshold),
                                        ("Failure thresh.", "failure", c.failure_threshold),
                                        ("Initial delay", "delay", c.initial_delay)):
                yield self._row(label, LineInput(str(value), id=ident, compact=True))
            yield Static(id="probe-form-problem")
            with VerticalScroll(id="probe-form-preview-scroll"):
                yield Static(id="probe-form-preview")
            yield Static("ctrl+s: run with these values  ctrl+y: copy YAML  ctrl+o: copy "
                         "kubectl patch  esc: cancel", id="probe-form-keys")

    @staticmethod
    def _row(label: str, widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="row")

    def on_mount(self) -> None:
        self.rebuild()

    def _text(self, ident: str) -> str | None:
        found = self.query(f"#{ident}")
        return found.first(Input).value if found else None

    def edit(self) -> ProbeEdit:
        command, path, port = self._text("command"), self._text("path"), self._text("port")
        return ProbeEdit(
            timeout=parse_int("timeout", self._text("timeout") or ""),
            period=parse_int("period", self._text("period") or ""),
            success=parse_int("success threshold", self._text("success") or ""),
            failure=parse_int("failure threshold", self._text("failure") or ""),
            initial_delay=parse_int("initial delay", self._text("delay") or "", minimum=0),
            command=parse_probe_command(command) if command is not None else None,
            path=path.strip() or "/" if path is not None else None,
            port=parse_port(port) if port is not None else None)

    def rebuild(self) -> None:
        self.result, self.problem = None, ""
        try:
            self.result = edited_probe(self.probe, self.config.kind, self.config.handler,
                                       self.edit())
        except ProbeInputError as exc:
            self.problem = str(exc)
        problem = self.query_one("#probe-form-problem", Static)
        problem.update(plain_lines(self.problem))
        problem.display = bool(self.problem)
        if self.result is None:
            return
        kind = self.config.kind
        self.yaml = probe_yaml(kind, self.result)
        command, note = owner_patch(self.owner, self.namespace,
                                    str(self.container.get("name")), self.init, kind,
                                    self.result)
        self.patch = command or ""
        owner = f"{self.owner.kind} {self.owner.name}" if self.owner else "none"
        preview = (f"Change to the container spec:\n"
                   f"{spec_diff(self.container, kind, self.result)}\n\n"
                   f"As YAML (ctrl+y copies it):\n{self.yaml}\n"
                   f"Owner: {owner}. kubectl patch (shown, never sent; ctrl+o copies it):\n"
                   f"{command or '(none)'}\n{note}")
        self.query_one("#probe-form-preview", Static).update(plain_lines(preview))

    @on(Input.Changed)
    def _changed(self) -> None:
        if self.is_mounted:
            self.rebuild()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_copy(self, what: str) -> None:
        text = self.yaml if what == "yaml" else self.patch
        if not text:
            self.notify("nothing to copy" if what == "yaml" else
                        "no kubectl patch applies to this pod (see the note)",
                        title="Copy", severity="warning")
            return
        host(self.app).copy_text(text, "the probe as YAML" if what == "yaml" else
                           "the kubectl patch")

    def action_submit(self) -> None:
        self.rebuild()
        if self.result is None:
            self.notify(self.problem, title="Probe", severity="error")
            return
        self.dismiss(self.result)

    def action_cancel(self) -> None:
        self.dismiss(None)
