"""``D`` on a pod: the debug form (``kubectl debug``'s flags, as fields).

Every change re-plans the request with the pure builders (``kubetui.k8s.debug.plans``) and shows,
below the fields, the equivalent kubectl command and the exact request, what this server will not
apply, and the rules the user lacks; input the server would refuse is refused here, with the
reason, and nothing is sent. ``ctrl+s`` (or enter in a text field) hands the plan on: the caller
asks to confirm and sends it. Dismisses with the ``DebugPlan`` or ``None``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from kubetui.guard import Guarded
from kubetui.k8s.debug.inputs import DebugInputError, parse_command, parse_set_images
from kubetui.k8s.debug.plans import PULL_POLICIES, DebugPlan, DebugSpec
from kubetui.k8s.debug.profiles import COPY, EPHEMERAL, NODE, PROFILES
from kubetui.k8s.debug.target import MODE_LABELS, DebugTarget
from kubetui.k8s.rbac.access import Need
from kubetui.safe_text import plain, plain_lines, visible

NEVER_REMOVED = ("An ephemeral container can never be removed from the pod: it stays in its spec "
                 "(and its status) until the pod is deleted.")
CREATES_POD = "Creates pod {pod}; kubetui offers to delete it when you end the session or quit."


class DebugForm(Guarded, ModalScreen[DebugPlan | None]):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Create", id="debugform.submit"),
        Binding("escape", "cancel", "Cancel", id="debugform.cancel"),
    ]
    DEFAULT_CSS = """
    DebugForm { align: center middle; }
    DebugForm > Vertical { width: 100%; max-width: 120; height: 100%; max-height: 40;
                           border: round $accent; background: $surface; padding: 0 1; }
    DebugForm #debug-title { text-style: bold; height: 1; }
    DebugForm .row { height: 1; }
    DebugForm .row Label { width: 15; color: $text-muted; }
    DebugForm .row Input, DebugForm .row Select { width: 1fr; }
    DebugForm .row Checkbox { width: auto; margin-right: 2; }
    DebugForm #debug-problem { color: $error; height: auto; }
    DebugForm #debug-warning { color: $warning; height: auto; }
    DebugForm #debug-preview-scroll { height: 1fr; min-height: 3; border-top: solid $panel; }
    DebugForm #debug-keys { color: $text-muted; height: 1; dock: bottom; }
    """

    def __init__(self, target: DebugTarget, image: str,
                 missing: Callable[[str], tuple[Need, ...]], suffix: str = "") -> None:
        super().__init__()
        self._suffix = suffix  # the generated names' suffix, stable while the user types
        self.target = target
        self._image = image
        self._missing = missing
        self.plan: DebugPlan | None = None
        self.problem = ""

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.target
        modes = [(MODE_LABELS[m].replace("its node", f"node {t.node}" if t.node else "its node"), m)
                 for m in (EPHEMERAL, COPY, NODE)]
        containers = [(Text(visible(c)), c) for c in t.containers]
        with Vertical():
            yield Static(plain(f"debug pod {t.namespace}/{t.pod}"), id="debug-title")
            yield self._row("Debug with", Select(modes, value=EPHEMERAL, allow_blank=False,
                                                 id="mode", compact=True))
            yield self._row("Image", Input(self._image, id="image", compact=True))
            yield self._row("Profile", Select([(p, p) for p in PROFILES], value="general",
                                              allow_blank=False, id="profile", compact=True))
            yield self._row("Target", Select(containers, value=t.containers[0] if containers
                                             else Select.NULL, prompt="(no process sharing)",
                                             id="target", compact=True), "ephemeral-only")
            yield self._row("Command", Input(placeholder="the image's entrypoint (e.g. sh)",
                                             id="command", compact=True))
            yield self._row("Pull policy", Select([(p, p) for p in PULL_POLICIES],
                                                  value="IfNotPresent", allow_blank=False,
                                                  id="pull", compact=True))
            yield self._row("Container", Input(placeholder="debugger-xxxxx", id="name",
                                               compact=True))
            yield self._row("Copy name", Input(placeholder=f"{t.pod}-debug", id="copy-name",
                                               compact=True), "copy-only")
            yield self._row("Set images", Input(placeholder="app=IMAGE,*=IMAGE (optional)",
                                                id="set-images", compact=True), "copy-only")
            with Horizontal(classes="row"):
                yield Label("Session")
                yield Checkbox("stdin", True, id="stdin", compact=True)
                yield Checkbox("tty", True, id="tty", compact=True)
                yield Checkbox("same node", False, id="same-node", compact=True,
                               classes="copy-only")
            yield Static(id="debug-problem")
            yield Static(id="debug-warning")
            with VerticalScroll(id="debug-preview-scroll"):
                yield Static(id="debug-preview")
            yield Static("ctrl+s / enter: review and create    esc: cancel    tab: next field",
                         id="debug-keys")

    @staticmethod
    def _row(label: str, widget, classes: str = "") -> Horizontal:
        return Horizontal(Label(label), widget, classes=f"row {classes}".strip())

    def on_mount(self) -> None:
        self.query_one("#image", Input).focus()
        self.replan()

    # -- planning ----------------------------------------------------------------------------
    def _value(self, selector: str):
        widget = self.query_one(selector)
        value = widget.value
        return None if value is Select.NULL else value

    def spec(self) -> DebugSpec:
        """The form as a ``DebugSpec``; raises ``DebugInputError`` for input that cannot parse."""
        mode = self._value("#mode")
        target = self._value("#target") if mode == EPHEMERAL else None
        return DebugSpec(
            self.target.namespace, self.target.pod, self._value("#image").strip(),
            target=target or "", profile=self._value("#profile"),
            command=parse_command(self._value("#command")), pull_policy=self._value("#pull"),
            name=self._value("#name").strip(), stdin=self._value("#stdin"),
            tty=self._value("#tty") and self._value("#stdin"), mode=mode,
            copy_name=self._value("#copy-name").strip(),
            same_node=self._value("#same-node"),
            set_images=parse_set_images(self._value("#set-images")) if mode == COPY else (),
            node=self.target.node)

    def _token(self):
        """The same ``debugger-xxxxx`` on every keystroke (a fresh one only if it is taken)."""
        if not self._suffix:
            return None
        first = [self._suffix]
        return lambda: first.pop() if first else secrets.token_hex(3)[:5]

    def replan(self) -> None:
        mode = self._value("#mode")
        for widget in self.query(".copy-only"):
            widget.display = mode == COPY
        for widget in self.query(".ephemeral-only"):
            widget.display = mode == EPHEMERAL
        self.plan, self.problem = None, ""
        warnings: list[str] = []
        try:
            self.plan = self.target.plan(self.spec(), self._token())
        except DebugInputError as exc:
            self.problem = str(exc)
        missing = self._missing(mode)
        if missing and not self.problem:
            self.problem = (f"You may not {', '.join(map(str, missing))} in "
                            f"{self.target.namespace}: ask for that RBAC rule. Nothing is sent.")
        plan = self.plan
        if plan is not None:
            warnings.append(NEVER_REMOVED if plan.mode == EPHEMERAL else
                            CREATES_POD.format(pod=plan.pod))
            warnings += [f"Not applied: {n}" for n in plan.not_applied]
            if plan.mode == NODE:
                warnings.append("The node pod runs with the profile's host access "
                                "(general: / at /host, host PID/network/IPC).")
        problem = self.query_one("#debug-problem", Static)
        problem.update(plain_lines(self.problem))
        problem.display = bool(self.problem)
        self.query_one("#debug-warning", Static).update(plain_lines("\n".join(warnings)))
        if plan is not None and plan.container:  # the name that will be used
            self.query_one("#name", Input).placeholder = plan.container
        preview = "" if plan is None else \
            f"kubectl equivalent:\n{plan.kubectl}\n\nRequest:\n{plan.write.describe()}"
        self.query_one("#debug-preview", Static).update(plain_lines(preview))

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.is_mounted:
            self.replan()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        self.replan()
        if self.plan is None or self.problem:
            self.notify(self.problem or "nothing to create", title="Debug",
                        severity="error")
            return
        self.dismiss(self.plan)

    def action_cancel(self) -> None:
        self.dismiss(None)
