"""What every flow shares: the app, typed (``host``), and how its I/O runs.

A flow's I/O runs in an async worker of the app (``run``: exclusive per group, failures to the
app's error funnel). The worker ends by handing its typed result to the flow's next step with
``then``, which runs it on the app's message loop (Textual's ``call_later`` is a message to the
app): the step that opens a screen or changes state never runs inside the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from textual.app import App

from kubetui.host import Host, host


class Flow:
    def __init__(self, app: App) -> None:
        self.app = app

    @property
    def host(self) -> Host:
        return host(self.app)

    def run(self, work: Coroutine[Any, Any, None], group: str, name: str) -> None:
        self.app.run_worker(work, name=name, group=group, exclusive=True, exit_on_error=False)

    def then(self, step: Callable[..., Any], *args: Any) -> None:
        self.app.call_later(step, *args)

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None) -> None:
        self.app.notify(message, title=title, severity=severity,  # type: ignore[arg-type]
                        timeout=timeout)
