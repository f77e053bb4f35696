"""One revealed Secret value: shown once, as plain text, with no copy key; closing the dialog
drops the only reference kubetui had to it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.safe_text import plain, plain_lines


class RevealedValue(Guarded, ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="revealed.close")]
    DEFAULT_CSS = """
    RevealedValue { align: center middle; }
    RevealedValue > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
                               border: thick $warning; background: $surface; padding: 0 1; }
    RevealedValue #revealed-title { text-style: bold; height: 1; }
    RevealedValue VerticalScroll { height: auto; max-height: 20; }
    RevealedValue #revealed-keys { color: $text-muted; height: 1; }
    """

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self._title = title
        self._value: str | None = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self._title), id="revealed-title")
            with VerticalScroll():
                yield Static(plain_lines(self._value or ""), id="revealed-value")
            yield Static(plain("esc: close (not copied, not kept)"), id="revealed-keys")

    def action_close(self) -> None:
        self._value = None
        self.query_one("#revealed-value", Static).update("")
        self.dismiss(None)
