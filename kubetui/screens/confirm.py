"""Confirm before anything that cannot be taken back: what will happen, the exact request and
the kubectl equivalent, all as plain text. ``y``/``enter`` confirms, ``n``/``esc`` cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.safe_text import plain, plain_lines


class ConfirmScreen(Guarded, ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
                               border: thick $warning; background: $surface; padding: 0 1; }
    ConfirmScreen #confirm-title { text-style: bold; dock: top; }
    ConfirmScreen VerticalScroll { height: auto; max-height: 30; }
    ConfirmScreen #confirm-keys { color: $text-muted; dock: bottom; }
    """

    def __init__(self, title: str, body: str, *, request: str = "", kubectl: str = "",
                 dry_run: str = "") -> None:
        super().__init__()
        self._title, self._body, self._request, self._kubectl = title, body, request, kubectl
        self._dry_run = dry_run  # the server's answer to the same request with dryRun=All

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self._title), id="confirm-title")
            with VerticalScroll():
                yield Static(plain_lines(self._body), id="confirm-body")
                if self._dry_run:
                    yield Static(plain_lines("\nThe server's dry run:\n" + self._dry_run),
                                 id="confirm-dry-run")
                if self._request:
                    yield Static(plain_lines("\nRequest:\n" + self._request), id="confirm-request")
                if self._kubectl:
                    yield Static(plain_lines("\nkubectl equivalent:\n" + self._kubectl),
                                 id="confirm-kubectl")
            yield Static(plain("y / enter: yes    n / esc: no"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
