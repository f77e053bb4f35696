"""What the user asks of the open port-forwards (the forwards view)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class StopForwards(Message):
    """``x``: the marked forwards, or the one under the cursor (by number)."""

    numbers: tuple[int, ...]


@dataclass
class MoveForward(Message):
    """``p``: another local port (typed; 0 a free one)."""

    number: int
    typed: str


@dataclass
class CheckForward(Message):
    """``r``: an HTTP request through the forward; ``reply`` gets the ``CheckResult``."""

    number: int
    check: Any  # HttpCheck
    reply: Callable[[Any], None]
