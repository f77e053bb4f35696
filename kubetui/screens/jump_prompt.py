"""The ``:`` prompt: one line at the bottom, with completion of views and commands."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input

from kubetui.bindings import MODAL_BINDINGS
from kubetui.guard import Guarded
from kubetui.jump import ALIASES, SUGGESTIONS


class JumpPrompt(Guarded, ModalScreen[str | None]):
    BINDINGS = MODAL_BINDINGS

    def __init__(self, contexts: tuple[str, ...] = ()) -> None:
        super().__init__(id="jump")
        words = set(SUGGESTIONS) | set(ALIASES) | {f"ctx {c}" for c in contexts}
        self._suggester = SuggestFromList(sorted(words), case_sensitive=False)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="pods | events | flows | pvc | ns NAME | ctx NAME | q",
                    suggester=self._suggester, id="jump-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
