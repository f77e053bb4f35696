"""What the user asks of an object of any kind (the kind views)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.table import ColumnDef, TableRow


@dataclass
class OpenKind(Message):
    """A kind's view, in the current scope (``:deploy``)."""

    kind: Kind


@dataclass
class OpenOwned(Message):
    """Enter on an object: what it owns or selects (a Deployment's ReplicaSets, a
    ReplicaSet's pods, a Service's pods), or its YAML when it owns nothing kubetui shows."""

    kind: Kind
    row: TableRow
    columns: tuple[ColumnDef, ...] = ()  # the view's (a Service's SELECTOR is read from them)


@dataclass
class OpenOwnedBy(Message):
    """What a named object owns, when the asker has its owner reference, not its row (the
    triage of a Deployment: the pods of the ReplicaSet its failing pod belongs to)."""

    group: str
    kind: str  # "ReplicaSet"
    ns: str
    name: str
    uid: str


@dataclass
class OpenObject(Message):
    """The object's YAML (a Secret's values masked)."""

    kind: Kind
    ns: str
    name: str


@dataclass
class DescribeObject(Message):
    """The object described, with its events (``d``)."""

    kind: Kind
    ns: str
    name: str


@dataclass
class RevealSecret(Message):
    """Show one key's value of a Secret, once, after a confirm (``v`` on a Secret)."""

    kind: Kind
    ns: str
    name: str
    keys: tuple[str, ...]


@dataclass
class OpenController(Message):
    """A controller's row in its kind's view (``O`` in a pod's detail: the top controller)."""

    group: str
    kind: str  # "Deployment"
    ns: str
    name: str


@dataclass
class TriageObject(Message):
    """``!``: why this object is broken, or why it is fine."""

    group: str
    kind: str  # "Pod", "Deployment"
    ns: str
    name: str


@dataclass(frozen=True)
class ObjectRef:
    """An object as events name it (``involvedObject``)."""

    kind: str  # "Deployment"
    uid: str
    name: str
    ns: str


@dataclass
class ObjectSelected(Message):
    """The cursor of a kind's view moved to an object: the events pane follows it (``f``)."""

    ref: ObjectRef


@dataclass
class FixObject(Message):
    """A fix on an object of a kind's view (``flows/fixes.py``): ``restart`` (``R``: kubectl
    rollout restart), ``scale`` (``S``), ``undo`` (``U``: rollout undo), ``trigger`` (``t``: a
    CronJob's Job now), ``suspend`` (``s``: suspend or resume a CronJob), ``delete`` (``ctrl+d``:
    a Job and its pods)."""

    action: str
    kind: Kind
    ns: str
    name: str


@dataclass
class OpenLogs(Message):
    """``L`` on a workload, a Service or a CronJob: its pods' logs in one stream."""

    group: str
    kind: str
    ns: str
    name: str
