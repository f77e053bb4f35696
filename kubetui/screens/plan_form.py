"""The form in front of every mutating action: fields, re-planned on every change, and the exact
request below them.

A subclass yields its fields (``fields``) and builds its plan from them (``build``) with a pure
builder; an input the server would refuse raises ``ValueError`` and is shown in red, as is a
``refusal`` (a missing RBAC rule), and ``ctrl+s`` (or enter in a text field) is refused until it
plans. The preview shows the kubectl equivalent and the exact request, so what is confirmed next
is what was seen here. Dismisses with the plan (``self.plan``) or ``None``. The debug form, the
snapshot form and the restore form are the examples (``kubetui/ACTIONS.md``).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from kubetui.guard import Guarded
from kubetui.safe_text import plain, plain_lines


class PlanForm(Guarded, ModalScreen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Review", id="planform.submit"),
        Binding("escape", "cancel", "Cancel", id="planform.cancel"),
    ]
    DEFAULT_CSS = """
    PlanForm { align: center middle; }
    PlanForm > Vertical { width: 100%; max-width: 110; height: 100%; max-height: 36;
                          border: round $accent; background: $surface; padding: 0 1; }
    PlanForm .form-title { text-style: bold; height: auto; }
    PlanForm .row { height: 1; }
    PlanForm .row Label { width: 15; color: $text-muted; }
    PlanForm .row Input, PlanForm .row Select { width: 1fr; }
    PlanForm .row Checkbox { width: auto; margin-right: 2; }
    PlanForm .form-problem { color: $error; height: auto; }
    PlanForm .form-warning { color: $warning; height: auto; }
    PlanForm .form-preview-scroll { height: 1fr; min-height: 3; border-top: solid $panel; }
    PlanForm .form-keys { color: $text-muted; height: 1; dock: bottom; }
    """
    title_text = ""
    verb = "create"
    prefix = "plan"  # the parts' ids: #plan-problem, #plan-warning, #plan-preview

    def __init__(self) -> None:
        super().__init__()
        self.plan: Any = None
        self.problem = ""

    @property
    def result(self) -> Any:
        return self.plan

    # -- for subclasses ----------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def build(self) -> Any:
        """The plan from the fields; raises ``ValueError`` (the builders' input errors)."""
        raise NotImplementedError

    def warnings(self) -> list[str]:
        return []

    def refusal(self) -> str:
        """Why the plan may not be sent even though it builds (a missing RBAC rule)."""
        return ""

    def planned(self) -> None:
        """After each plan (a subclass shows or hides fields by it)."""

    def preamble(self) -> str:
        """Text shown above the kubectl equivalent (the undo's template diff), or ""."""
        return ""

    # -- the shared part ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        p = self.prefix
        with Vertical():
            yield Static(plain(self.title_text), id=f"{p}-title", classes="form-title")
            yield from self.fields()
            yield Static(id=f"{p}-problem", classes="form-problem")
            yield Static(id=f"{p}-warning", classes="form-warning")
            with VerticalScroll(id=f"{p}-preview-scroll", classes="form-preview-scroll"):
                yield Static(id=f"{p}-preview")
            yield Static(plain(f"ctrl+s / enter: review and {self.verb}    esc: cancel    "
                               "tab: next field"), id=f"{p}-keys", classes="form-keys")

    @staticmethod
    def row(label: str, widget, classes: str = "") -> Horizontal:
        return Horizontal(Label(label), widget, classes=f"row {classes}".strip())

    def value(self, selector: str):
        value = getattr(self.query_one(selector), "value", None)
        return None if value is Select.NULL else value

    def on_mount(self) -> None:
        self.replan()

    def replan(self) -> None:
        self.plan, self.problem = None, ""
        try:
            self.plan = self.build()
        except ValueError as exc:
            self.problem = str(exc)
        self.problem = self.problem or self.refusal()
        self.planned()
        p = self.prefix
        problem = self.query_one(f"#{p}-problem", Static)
        problem.update(plain_lines(self.problem))
        problem.display = bool(self.problem)
        self.query_one(f"#{p}-warning", Static).update(plain_lines("\n".join(self.warnings())))
        preview = "" if self.plan is None else (
            f"{self.preamble()}kubectl equivalent:\n{self.plan.kubectl}\n\nRequest:\n"
            + "\n\n".join(w.describe() for w in _writes(self.plan)))
        self.query_one(f"#{p}-preview", Static).update(plain_lines(preview))

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
            self.notify(self.problem or f"nothing to {self.verb}", title=self.title_text,
                        severity="error")
            return
        self.dismiss(self.plan)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _writes(plan: Any) -> tuple:
    """A plan's writes: one (``plan.write``: a snapshot, a debug container) or several
    (``plan.writes``: a fix, ``k8s/fixes/plan.py``)."""
    writes = getattr(plan, "writes", None)
    return tuple(writes) if writes is not None else (plan.write,)
