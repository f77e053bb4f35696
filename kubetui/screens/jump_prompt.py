"""The ``:`` prompt: one line at the bottom, with completion of views and commands."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input

from kubetui.bindings import MODAL_BINDINGS
from kubetui.guard import Guarded
from kubetui.jump import ALIASES, SUGGESTIONS
from kubetui.recent import recent_kinds
from kubetui.widgets.line_input import LineInput


class JumpSuggester(Suggester):
    """Completes from the recent kinds first, then kubetui's views and commands, then every
    kind the server serves (read when the prompt opened: offered as soon as it is there)."""

    def __init__(self, fixed: list[str], kinds: Callable[[], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.fixed, self.kinds = fixed, kinds

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        for word in (*recent_kinds(), *self.fixed, *self.kinds()):
            if word.startswith(value) and word != value:
                return word
        return None


class JumpPrompt(Guarded, ModalScreen[str | None]):
    BINDINGS = MODAL_BINDINGS

    def __init__(self, contexts: tuple[str, ...] = (),
                 kinds: Callable[[], list[str]] = list) -> None:
        super().__init__(id="jump")
        words = sorted(set(SUGGESTIONS) | set(ALIASES) | {f"ctx {c}" for c in contexts})
        self._suggester = JumpSuggester(words, kinds)

    def compose(self) -> ComposeResult:
        yield LineInput(placeholder="deploy | svc | pods | any kind | ns NAME | ctx NAME | q",
                    suggester=self._suggester, id="jump-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
