"""The one shape every mutating action takes, after its form: confirm, send once, answer back.

A pure builder (``kubetui.k8s``) makes a ``Write`` and its kubectl equivalent; ``confirm_write``
shows both on the confirm screen with what will happen; on yes, one worker sends it through
``send_write`` (the shared request path: never retried blindly), and the result comes back as a
``WriteDone`` message whose handler calls the action's continuation. Errors take the app's one
error funnel (``Worker.StateChanged``): a notification naming the request, nothing half-done
hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual import work
from textual.message import Message

from kubetui.k8s.writes import Write, WriteResult, send_write
from kubetui.screens.confirm import ConfirmScreen

Then = Callable[[WriteResult], None]


@dataclass
class WriteDone(Message):
    write: Write
    result: WriteResult
    then: Then | None = field(default=None, compare=False)


class WriteActions:
    """Mixed into the app: ``confirm_write`` and ``send``."""

    last_kubectl = ""  # the kubectl equivalent of the last write the user confirmed

    def action_copy_kubectl(self) -> None:
        if not self.last_kubectl:
            self.notify("No action sent yet: nothing to copy.",  # type: ignore[attr-defined]
                        title="Clipboard")
            return
        self.copy_text(self.last_kubectl,  # type: ignore[attr-defined]
                       "the last action's kubectl command")

    def confirm_write(self, title: str, body: str, write: Write, kubectl: str,
                      then: Then | None = None) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.last_kubectl = kubectl  # ctrl+k copies it
                self.send(write, then)

        self.push_screen(ConfirmScreen(title, body, request=write.describe(),  # type: ignore[attr-defined]
                                       kubectl=kubectl), answered)

    @work(group="writes", exit_on_error=False)
    async def send(self, write: Write, then: Then | None = None) -> WriteResult:
        result = await send_write(self.cluster, write)  # type: ignore[attr-defined]
        self.post_message(WriteDone(write, result, then))  # type: ignore[attr-defined]
        return result

    def on_write_done(self, message: WriteDone) -> None:
        if message.result.confirmed_after_unknown:
            self.notify(f"{message.write.what}: the answer was lost, but the server shows "  # type: ignore[attr-defined]
                        "it was done (checked before anything was sent again).",
                        title="Done", timeout=6)
        if message.then is not None:
            message.then(message.result)
