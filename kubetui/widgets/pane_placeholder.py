"""A pane whose live view is not built yet: says plainly what it will show and for which scope."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.safe_text import plain_lines

DESCRIPTIONS = {
    "pvc": "PVCs and VolumeSnapshots: snapshot, readyToUse, restore",
}


class PanePlaceholder(Guarded, Static):
    scope: reactive[str] = reactive("")

    def __init__(self, pane: str, scope: str) -> None:
        super().__init__(id=f"placeholder-{pane}", classes="pane-placeholder")
        self.pane = pane
        self.set_reactive(PanePlaceholder.scope, scope)

    def render(self) -> Text:
        return plain_lines(f"{DESCRIPTIONS[self.pane]}\n\nScope: {self.scope}\n\n"
                           "This view is not built yet.")
