"""A one-line question at the bottom of the screen (search text, a name): enter answers,
esc cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input

from kubetui.bindings import MODAL_BINDINGS
from kubetui.guard import Guarded
from kubetui.widgets.line_input import LineInput


class TextPrompt(Guarded, ModalScreen[str | None]):
    BINDINGS = MODAL_BINDINGS
    DEFAULT_CSS = """
    TextPrompt { align: left bottom; background: $background 0%; }
    TextPrompt > Input, TextPrompt > Input:focus {
        dock: bottom; width: 100%; border: none; height: 1; padding: 0 1;
    }
    """

    def __init__(self, placeholder: str, value: str = "") -> None:
        super().__init__()
        self._placeholder, self._value = placeholder, value

    def compose(self) -> ComposeResult:
        yield LineInput(value=self._value, placeholder=self._placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
