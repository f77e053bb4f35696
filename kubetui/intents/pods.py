"""What the user asks of a pod: from the pods pane, the pod detail or a session."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from textual.message import Message


class StreamKind(Enum):
    SHELL = "shell"
    ATTACH = "attach"
    COMMAND = "command"  # a command the user types, instead of a shell


@dataclass
class OpenPod(Message):
    """The pod's detail screen, on ``tab`` (describe, logs, yaml)."""

    ns: str
    name: str
    tab: str = "describe"


@dataclass
class OpenStream(Message):
    """A shell, an attach or a typed command in one of the pod's containers (the flow asks
    which when there are several)."""

    ns: str
    name: str
    kind: StreamKind


@dataclass
class DebugPod(Message):
    ns: str
    name: str


@dataclass
class OpenProbes(Message):
    ns: str
    name: str
    container: str | None = None


@dataclass
class DeletePods(Message):
    """``ctrl+d``: the marked pods (``space``), or the one under the cursor; each as
    ``(namespace, name)``."""

    pods: tuple[tuple[str, str], ...]


@dataclass
class PodsLogs(Message):
    """``L``: the marked pods (or the one under the cursor), every container, in one
    searchable log; marked pods of one namespace only (a log view reads one namespace)."""

    ns: str
    names: tuple[str, ...]


@dataclass
class ForwardPorts(Message):
    """``F``: a port-forward to a pod, or to a Service (``kind``: "pod" or "service")."""

    ns: str
    kind: str
    name: str
