"""The app's one way to copy: ``copy_text(text, what)`` routes it (``kubetui.clipboard``) and
always says what was copied, how many bytes, and how it travelled."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from kubetui.clipboard import Route, choose, copied_message, osc52

if TYPE_CHECKING:
    from kubetui.config import Settings

    _Base = App[int]
else:
    _Base = object


class ClipboardActions(_Base):
    """Mixed into the app (needs ``settings``, ``notify``, ``copy_to_clipboard``)."""

    settings: Settings

    def copy_to_clipboard(self, text: str) -> None:
        """Textual's own copies (a mouse selection with ctrl+c, an Input's copy) take the same
        road as kubetui's: tmux/screen passthrough or pyperclip as the session needs, and a
        notification saying what was copied."""
        self.copy_text(text, "the selected text")

    def copy_text(self, text: str, what: str) -> None:
        route = choose(self.settings.clipboard, os.environ)
        if route.method == "pyperclip":
            self._copy_with_pyperclip(text, what, route)
            return
        self._copy_through_terminal(text, what, route)

    def _copy_through_terminal(self, text: str, what: str, route: Route,
                               note: str = "") -> None:
        if route.method == "osc52":
            if route.wrap:
                driver = self._driver
                if driver is not None:
                    driver.write(osc52(text, route.wrap))
                    driver.flush()
            else:
                App.copy_to_clipboard(self, text)  # type: ignore[arg-type]  # Textual's OSC 52
        message, warn = copied_message(what, len(text.encode()), route)
        self.notify(message + note, title="Copied" if route.method != "off" else  # type: ignore
                    "Clipboard", severity="warning" if warn or note else "information")

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _copy_with_pyperclip(self, text: str, what: str, route: Route) -> None:
        import pyperclip  # lazily: only a local desktop session needs it

        try:
            pyperclip.copy(text)
        except pyperclip.PyperclipException as error:
            if self.settings.clipboard == "pyperclip":
                self.call_from_thread(
                    self.notify, f"Not copied ({what}): pyperclip found no clipboard "
                    f"program ({error}). Install xclip or wl-clipboard, or set clipboard = "
                    "osc52.", title="Clipboard", severity="error")
                return
            self.call_from_thread(
                self._copy_through_terminal, text, what, Route("osc52"),
                f" pyperclip found no clipboard program ({error}).")
            return
        message, _ = copied_message(what, len(text.encode()), route)
        self.call_from_thread(self.notify, message, title="Copied")  # type: ignore
