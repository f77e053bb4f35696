"""A whole text in a modal: one probe run's detail and output, and whatever else a table cell
cuts short. Plain text, control characters made visible; ``y`` copies it, ``esc`` closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.safe_text import plain, plain_lines


class TextView(Guarded, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,enter", "dismiss", "Close", id="textview.close"),
        Binding("y", "copy", "Copy", id="textview.copy"),
    ]
    DEFAULT_CSS = """
    TextView { align: center middle; }
    TextView > Vertical { width: 100%; max-width: 120; height: auto; max-height: 90%;
                          border: round $accent; background: $surface; padding: 0 1; }
    TextView #text-view-title { text-style: bold; height: 1; }
    TextView VerticalScroll { height: auto; max-height: 100%; }
    TextView #text-view-keys { color: $text-muted; height: 1; }
    """

    def __init__(self, title: str, text: str, what: str) -> None:
        super().__init__()
        self.title_text, self.text, self.what = title, text, what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), id="text-view-title")
            with VerticalScroll():
                yield Static(plain_lines(self.text, limit=100_000), id="text-view-body")
            yield Static("esc: close   y: copy", id="text-view-keys")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_copy(self) -> None:
        host(self.app).copy_text(self.text, self.what)
