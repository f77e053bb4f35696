"""Text a widget wants shown whole (an event, a snapshot's details): the screen opens the
viewer, so widgets never import a screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ShowText(Message):
    title: str
    text: str
    what: str  # how the copy key names it ("the event", "the snapshot's details")
