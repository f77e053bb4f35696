"""An HTTP request through one forward (``r`` in the forwards view): typed as a line
(``GET /healthz -H 'Accept: application/json'``), answered with the status, the time it took,
the headers and the first KB of the body as plain text. The curl and kubectl equivalents are
shown, so the same check can be run by hand from another shell."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kubetui.guard import Guarded
from kubetui.intents.forwards import CheckForward
from kubetui.k8s.forward.http_check import PREVIEW, HttpCheck, curl_command, parse_check
from kubetui.k8s.forward.ports import PortError
from kubetui.safe_text import plain, plain_lines
from kubetui.widgets.line_input import LineInput


def answer_text(result) -> str:
    """A ``CheckResult`` in words (the body as text: cluster text is data)."""
    if result.answer is None:
        return f"No answer: {result.error} ({result.seconds * 1000:.0f} ms)"
    a = result.answer
    via = f" · pod {result.pod}" if result.pod else ""
    lines = [f"HTTP {a.status} {a.reason} · {result.seconds * 1000:.0f} ms{via}", ""]
    lines += [f"{name}: {value}" for name, value in a.headers]
    body = a.body.decode("utf-8", errors="replace")
    lines += ["", f"Body (first {PREVIEW} bytes{', more follows' if a.more else ''}):"
              if a.body else "(no body)", body]
    return "\n".join(lines)


class HttpCheckScreen(Guarded, ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="check.close")]
    DEFAULT_CSS = """
    HttpCheckScreen { align: center middle; }
    HttpCheckScreen > Vertical { width: 100%; max-width: 110; height: 100%; max-height: 36;
                                 border: round $accent; background: $surface; padding: 0 1; }
    HttpCheckScreen #check-title { text-style: bold; height: 1; }
    HttpCheckScreen #check-request { height: 1; }
    HttpCheckScreen #check-equivalents { color: $text-muted; height: auto; }
    HttpCheckScreen #check-answer-scroll { height: 1fr; border-top: solid $panel; }
    HttpCheckScreen #check-keys { color: $text-muted; height: 1; dock: bottom; }
    """

    def __init__(self, row) -> None:
        """``row``: the forward's ``ForwardRow``."""
        super().__init__()
        self.row = row
        self.check: HttpCheck | None = HttpCheck()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"HTTP request through {self.row.local} → {self.row.target}:"
                               f"{self.row.remote}"), id="check-title")
            yield LineInput("GET /", placeholder="[METHOD] /PATH [-H 'Name: value'] [-d BODY]",
                        id="check-request", compact=True)
            yield Static(id="check-equivalents")
            with VerticalScroll(id="check-answer-scroll"):
                yield Static(id="check-answer")
            yield Static(plain("enter: send    esc: close"), id="check-keys")

    def on_mount(self) -> None:
        self._equivalents("GET /")
        self.query_one(Input).focus()

    def _equivalents(self, typed: str) -> None:
        shown = self.query_one("#check-equivalents", Static)
        try:
            self.check = parse_check(typed)
        except PortError as error:
            self.check = None
            shown.update(plain_lines(str(error)))
            return
        shown.update(plain_lines(
            f"curl: {curl_command(self.row.address, self.row.port, self.check)}\n"
            f"with: {self.row.kubectl}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._equivalents(event.value)

    def on_input_submitted(self) -> None:
        if self.check is None:
            self.notify("the request does not parse (see above)", title="HTTP check",
                        severity="error")
            return
        self.query_one("#check-answer", Static).update(plain("sending…"))
        self.post_message(CheckForward(self.row.number, self.check, self.answered))

    def answered(self, result) -> None:
        if self.is_attached:
            self.query_one("#check-answer", Static).update(plain_lines(answer_text(result)))

