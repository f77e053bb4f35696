"""What the user asks of a node (the nodes pane)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenNode(Message):
    """The node audit."""

    name: str


@dataclass
class CordonNode(Message):
    """``C``: cordon the node, or uncordon it when it is cordoned."""

    name: str
    cordoned: bool  # as the row shows it now


@dataclass
class DrainNode(Message):
    """``X``: cordon, then evict every pod a drain evicts (``flows/drain.py``)."""

    name: str
