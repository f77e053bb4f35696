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
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, Select

from kubetui.k8s.debug.inputs import parse_command, parse_set_images
from kubetui.k8s.debug.plans import PULL_POLICIES, DebugPlan, DebugSpec
from kubetui.k8s.debug.profiles import COPY, EPHEMERAL, NODE, PROFILES
from kubetui.k8s.debug.target import MODE_LABELS, DebugTarget
from kubetui.k8s.rbac.access import Need
from kubetui.safe_text import visible
from kubetui.screens.plan_form import PlanForm
from kubetui.widgets.line_input import LineInput

NEVER_REMOVED = ("An ephemeral container can never be removed from the pod: it stays in its spec "
                 "(and its status) until the pod is deleted.")
CREATES_POD = "Creates pod {pod}; kubetui offers to delete it when you end the session or quit."


class DebugForm(PlanForm):
    """A ``PlanForm``: its fields are kubectl debug's flags, its builder ``DebugTarget.plan``."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create", id="debugform.submit"),
        Binding("escape", "cancel", "Cancel", id="debugform.cancel"),
    ]
    DEFAULT_CSS = """
    DebugForm > Vertical { max-width: 120; max-height: 40; }
    DebugForm #debug-title { height: 1; }
    """
    prefix = "debug"

    def __init__(self, target: DebugTarget, image: str,
                 missing: Callable[[str], tuple[Need, ...]], suffix: str = "") -> None:
        super().__init__()
        self._suffix = suffix  # the generated names' suffix, stable while the user types
        self.target = target
        self._image = image
        self._missing = missing
        self.title_text = f"debug pod {target.namespace}/{target.pod}"

    # -- layout ----------------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        t = self.target
        modes = [(MODE_LABELS[m].replace("its node", f"node {t.node}" if t.node else "its node"), m)
                 for m in (EPHEMERAL, COPY, NODE)]
        containers = [(Text(visible(c)), c) for c in t.containers]
        row = self.row
        yield row("Debug with", Select(modes, value=EPHEMERAL, allow_blank=False, id="mode",
                                       compact=True))
        yield row("Image", LineInput(self._image, id="image", compact=True))
        yield row("Profile", Select([(p, p) for p in PROFILES], value="general",
                                    allow_blank=False, id="profile", compact=True))
        yield row("Target", Select(containers, value=t.first_running or Select.NULL,
                                   prompt="(no process sharing)",
                                   id="target", compact=True), "ephemeral-only")
        yield row("Command", LineInput(placeholder="the image's entrypoint (e.g. sh)",
                                   id="command", compact=True))
        yield row("Pull policy", Select([(p, p) for p in PULL_POLICIES], value="IfNotPresent",
                                        allow_blank=False, id="pull", compact=True))
        yield row("Container", LineInput(placeholder="debugger-xxxxx", id="name", compact=True))
        yield row("Copy name", LineInput(placeholder=f"{t.pod}-debug", id="copy-name",
                                     compact=True), "copy-only")
        yield row("Set images", LineInput(placeholder="app=IMAGE,*=IMAGE (optional)",
                                      id="set-images", compact=True), "copy-only")
        with Horizontal(classes="row"):
            yield Label("Session")
            yield Checkbox("stdin", True, id="stdin", compact=True)
            yield Checkbox("tty", True, id="tty", compact=True)
            yield Checkbox("same node", False, id="same-node", compact=True,
                           classes="copy-only")

    def on_mount(self) -> None:
        self.query_one("#image", Input).focus()
        super().on_mount()

    # -- planning ----------------------------------------------------------------------------
    def spec(self) -> DebugSpec:
        """The form as a ``DebugSpec``; raises ``DebugInputError`` for input that cannot parse."""
        value = self.value
        mode = value("#mode")
        target = value("#target") if mode == EPHEMERAL else None
        return DebugSpec(
            self.target.namespace, self.target.pod, value("#image").strip(),
            target=target or "", profile=value("#profile"),
            command=parse_command(value("#command")), pull_policy=value("#pull"),
            name=value("#name").strip(), stdin=value("#stdin"),
            tty=value("#tty") and value("#stdin"), mode=mode,
            copy_name=value("#copy-name").strip(), same_node=value("#same-node"),
            set_images=parse_set_images(value("#set-images")) if mode == COPY else (),
            node=self.target.node)

    def _token(self):
        """The same ``debugger-xxxxx`` on every keystroke (a fresh one only if it is taken)."""
        if not self._suffix:
            return None
        first = [self._suffix]
        return lambda: first.pop() if first else secrets.token_hex(3)[:5]

    def build(self) -> DebugPlan:
        return self.target.plan(self.spec(), self._token())

    def refusal(self) -> str:
        missing = self._missing(self.value("#mode"))
        return (f"You may not {', '.join(map(str, missing))} in {self.target.namespace}: ask "
                "for that RBAC rule. Nothing is sent.") if missing else ""

    def planned(self) -> None:
        mode = self.value("#mode")
        for widget in self.query(".copy-only"):
            widget.display = mode == COPY
        for widget in self.query(".ephemeral-only"):
            widget.display = mode == EPHEMERAL
        if self.plan is not None and self.plan.container:  # the name that will be used
            self.query_one("#name", Input).placeholder = self.plan.container

    def warnings(self) -> list[str]:
        plan = self.plan
        if plan is None:
            return []
        out = [NEVER_REMOVED if plan.mode == EPHEMERAL else CREATES_POD.format(pod=plan.pod)]
        out += [f"Not applied: {n}" for n in plan.not_applied]
        stopped = dict(self.target.stopped)
        target = self.value("#target") if plan.mode == EPHEMERAL else None
        if target in stopped:
            out.append(f"Target {target} is not running ({stopped[target]}): the kubelet "
                       "cannot start a debugger in its processes; choose (no process sharing).")
        elif plan.mode == EPHEMERAL and not target and stopped:
            out.append("No process sharing: " + ", ".join(
                f"{name} is {state}" for name, state in self.target.stopped) + ".")
        if plan.mode == NODE:
            out.append("The node pod runs with the profile's host access "
                       "(general: / at /host, host PID/network/IPC).")
        return out
