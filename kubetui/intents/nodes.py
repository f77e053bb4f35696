"""What the user asks of a node (the nodes pane)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenNode(Message):
    """The node audit."""

    name: str
