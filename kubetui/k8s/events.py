"""Events as the events pane shows them, from either API shape.

core/v1 Events carry ``involvedObject``, ``count``, ``firstTimestamp``/``lastTimestamp`` and (when
written through events.k8s.io) ``series`` and ``eventTime``; events.k8s.io/v1 Events carry
``regarding``, ``note``, ``series.count``/``lastObservedTime`` and ``deprecated*`` copies of the
old fields. 1.20 components still write a null ``eventTime``. Every field is optional here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.pods import parse_time


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


def _map(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _count(*values: object) -> int:
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    return 1


def _time(value: object) -> float | None:
    return parse_time(value) if isinstance(value, str) else None


def event_row(ev: dict) -> EventRow:
    meta = _map(ev.get("metadata"))
    obj = _map(ev.get("involvedObject")) or _map(ev.get("regarding"))
    series = _map(ev.get("series"))
    last = (_time(series.get("lastObservedTime")) or _time(ev.get("lastTimestamp"))
            or _time(ev.get("deprecatedLastTimestamp")) or _time(ev.get("eventTime"))
            or _time(ev.get("firstTimestamp")) or _time(meta.get("creationTimestamp")))
    return EventRow(
        uid=_str(meta.get("uid")), namespace=_str(meta.get("namespace")),
        type=_str(ev.get("type")) or "Normal", reason=_str(ev.get("reason")),
        object_kind=_str(obj.get("kind")), object_name=_str(obj.get("name")),
        object_uid=_str(obj.get("uid")),
        message=" ".join((_str(ev.get("message")) or _str(ev.get("note"))).split()),
        count=_count(series.get("count"), ev.get("count"), ev.get("deprecatedCount")),
        last_seen=last,
        source=_str(ev.get("reportingController")) or _str(_map(ev.get("source")).get("component"))
        or _str(_map(ev.get("deprecatedSource")).get("component")))
