"""Events as the events pane shows them, from either API shape.

core/v1 Events carry ``involvedObject``, ``count``, ``firstTimestamp``/``lastTimestamp`` and (when
written through events.k8s.io) ``series`` and ``eventTime``; events.k8s.io/v1 Events carry
``regarding``, ``note``, ``series.count``/``lastObservedTime`` and ``deprecated*`` copies of the
old fields. 1.20 components still write a null ``eventTime``. Every field is optional here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, TypedDict

from kubetui.formatting import human_duration
from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.watch.pruned import reads


@dataclass(frozen=True, slots=True)
class EventRow:
    uid: str
    namespace: str
    type: str  # Normal | Warning
    reason: str
    object_kind: str
    object_name: str
    object_uid: str
    message: str
    count: int
    last_seen: float | None
    source: str
    first_seen: float | None = None
    # The message as written (the table's copy has its whitespace folded onto one line).
    full_message: str = ""
    # The container it is about, from the object's fieldPath (``spec.containers{app}``).
    container: str = ""

    @property
    def key(self) -> str:
        return self.uid

    @property
    def object_ref(self) -> str:
        return f"{self.object_kind.lower()}/{self.object_name}" if self.object_kind else \
            self.object_name

    @property
    def is_warning(self) -> bool:
        return self.type == "Warning"


def about_object(event: EventRow, kind: str, uid: str, name: str, namespace: str) -> bool:
    """Whether ``event`` is about that object: it carries the object's uid, or, written
    without one (by a script, ``kubectl create``), it names the object. An event that carries
    another uid is about an earlier object of the same name, not this one. The events pane's
    follow mode and every describe's Events section ask this."""
    if event.object_uid:
        return event.object_uid == uid
    return event.object_kind == kind and event.object_name == name and \
        event.namespace == namespace


def about_pod(event: EventRow, uid: str, name: str, namespace: str) -> bool:
    return about_object(event, "Pod", uid, name, namespace)


def _map(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _count(*values: object) -> int:
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    return 1


def _container(field_path: str) -> str:
    return field_path[field_path.find("{") + 1:field_path.rfind("}")] if "{" in field_path \
        else ""


def _time(value: object) -> float | None:
    return parse_time(value) if isinstance(value, str) else None


class _Meta(TypedDict, total=False):
    uid: Any
    namespace: Any
    creationTimestamp: Any


class _Ref(TypedDict, total=False):
    kind: Any
    name: Any
    uid: Any
    fieldPath: Any


class _Series(TypedDict, total=False):
    count: Any
    lastObservedTime: Any


class _Source(TypedDict, total=False):
    component: Any


class EventFields(TypedDict, total=False):
    """What ``event_row`` reads (``pruned.py``): a list of 50,000 events skips
    ``managedFields`` and the rest. The leaves are ``Any``: ``event_row`` checks every type
    itself (1.20 writes a null ``eventTime``), so an odd value never sends a run of events the
    slow way."""

    metadata: _Meta
    involvedObject: _Ref
    regarding: _Ref
    series: _Series
    firstTimestamp: Any
    deprecatedFirstTimestamp: Any
    eventTime: Any
    lastTimestamp: Any
    deprecatedLastTimestamp: Any
    message: Any
    note: Any
    type: Any
    reason: Any
    count: Any
    deprecatedCount: Any
    reportingController: Any
    source: _Source
    deprecatedSource: _Source


@reads(EventFields)
def event_row(ev: dict) -> EventRow:
    meta = _map(ev.get("metadata"))
    obj = _map(ev.get("involvedObject")) or _map(ev.get("regarding"))
    series = _map(ev.get("series"))
    first = (_time(ev.get("firstTimestamp")) or _time(ev.get("deprecatedFirstTimestamp"))
             or _time(ev.get("eventTime")) or _time(meta.get("creationTimestamp")))
    last = (_time(series.get("lastObservedTime")) or _time(ev.get("lastTimestamp"))
            or _time(ev.get("deprecatedLastTimestamp")) or _time(ev.get("eventTime"))
            or _time(ev.get("firstTimestamp")) or _time(meta.get("creationTimestamp")))
    message = _str(ev.get("message")) or _str(ev.get("note"))
    return EventRow(
        uid=_str(meta.get("uid")), namespace=_str(meta.get("namespace")),
        type=_str(ev.get("type")) or "Normal", reason=_str(ev.get("reason")),
        object_kind=_str(obj.get("kind")), object_name=_str(obj.get("name")),
        object_uid=_str(obj.get("uid")), container=_container(_str(obj.get("fieldPath"))),
        message=" ".join(message.split()), full_message=message, first_seen=first,
        count=_count(series.get("count"), ev.get("count"), ev.get("deprecatedCount")),
        last_seen=last,
        source=_str(ev.get("reportingController")) or _str(_map(ev.get("source")).get("component"))
        or _str(_map(ev.get("deprecatedSource")).get("component")))


def event_text(row: EventRow, now: float) -> str:
    """One event whole, as ``enter`` shows it: the table cuts the message and hides fields."""
    def when(t: float | None) -> str:
        if t is None:
            return "?"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        return f"{stamp} ({human_duration(now - t)} ago)"

    lines = [f"Type:        {row.type}", f"Reason:      {row.reason}",
             f"Object:      {row.object_ref}"
             + (f" in {row.namespace}" if row.namespace else ""),
             f"Count:       {row.count}", f"First seen:  {when(row.first_seen)}",
             f"Last seen:   {when(row.last_seen)}", f"Source:      {row.source or '?'}"]
    if row.object_uid:
        lines.insert(3, f"Object UID:  {row.object_uid}")
    return "\n".join(lines) + "\n\nMessage:\n" + (row.full_message or row.message)
