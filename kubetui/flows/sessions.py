"""The open terminal sessions (shells, attaches, commands, debug sessions), owned by the app.

A session is an installed screen: going back to the panes keeps it, and its stream, alive;
``T`` lists them to return to one. The list is the app's (``app.sessions``), so any screen can
open one without finding another screen on the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from kubetui.palette import palette_label

if TYPE_CHECKING:
    from kubetui.screens.terminal_session import TerminalSession


class Sessions(list):
    """The sessions in the order they were opened (a list: tests and ``T`` read it so)."""

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app

    def open(self, session: TerminalSession) -> None:
        self.app.install_screen(session, name=f"session-{id(session)}")
        self.append(session)
        self.app.push_screen(session)

    def closed(self, session: TerminalSession) -> None:
        if session in self:
            self.remove(session)

    def pick(self) -> None:
        if not self:
            self.app.notify("No terminal sessions are open (s on a pod opens a shell).",
                            title="Sessions")
            return
        self.app.search_commands(
            [(palette_label(f"{s.title_text}{'' if s.running else ' · ended'}"),
              (lambda s=s: self.app.push_screen(s)), None) for s in self],
            placeholder="Return to a terminal session…")
