"""The form in front of a mutating action: fields, re-planned on every change, and the exact
request below them.

A subclass yields its fields (``fields``) and builds its plan from them (``plan``) with a pure
builder; an input the server would refuse raises and is shown in red, and ``ctrl+s`` (or enter in
a text field) is refused until it plans. The preview shows the kubectl equivalent and the exact
request, so what is confirmed next is what was seen here. Dismisses with the plan or ``None``.
"""

from __future__ import annotations

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
    PlanForm #plan-title { text-style: bold; height: auto; }
    PlanForm .row { height: 1; }
    PlanForm .row Label { width: 15; color: $text-muted; }
    PlanForm .row Input, PlanForm .row Select { width: 1fr; }
    PlanForm .row Checkbox { width: auto; margin-right: 2; }
    PlanForm #plan-problem { color: $error; height: auto; }
    PlanForm #plan-warning { color: $warning; height: auto; }
    PlanForm #plan-preview-scroll { height: 1fr; min-height: 3; border-top: solid $panel; }
    PlanForm #plan-keys { color: $text-muted; height: 1; dock: bottom; }
    """
    title_text = ""
    verb = "create"

    def __init__(self) -> None:
        super().__init__()
        self.result = None
        self.problem = ""

    # -- for subclasses ----------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def plan(self):
        """The plan from the fields; raises ``ValueError`` (the builders' input errors)."""
        raise NotImplementedError

    def warnings(self) -> list[str]:
        return []

    # -- the shared part ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), id="plan-title")
            yield from self.fields()
            yield Static(id="plan-problem")
            yield Static(id="plan-warning")
            with VerticalScroll(id="plan-preview-scroll"):
                yield Static(id="plan-preview")
            yield Static(plain(f"ctrl+s / enter: review and {self.verb}    esc: cancel    "
                               "tab: next field"), id="plan-keys")

    @staticmethod
    def row(label: str, widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="row")

    def value(self, selector: str):
        value = self.query_one(selector).value  # type: ignore[attr-defined]
        return None if value is Select.NULL else value

    def on_mount(self) -> None:
        self.replan()

    def replan(self) -> None:
        self.result, self.problem = None, ""
        try:
            self.result = self.plan()
        except ValueError as exc:
            self.problem = str(exc)
        problem = self.query_one("#plan-problem", Static)
        problem.update(plain_lines(self.problem))
        problem.display = bool(self.problem)
        self.query_one("#plan-warning", Static).update(plain_lines("\n".join(self.warnings())))
        preview = "" if self.result is None else (
            f"kubectl equivalent:\n{self.result.kubectl}\n\nRequest:\n"
            f"{self.result.write.describe()}")
        self.query_one("#plan-preview", Static).update(plain_lines(preview))

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
        if self.result is None:
            self.notify(self.problem or "nothing to send", title=self.title_text,
                        severity="error")
            return
        self.dismiss(self.result)

    def action_cancel(self) -> None:
        self.dismiss(None)
