"""Evidence from events: the latest of some reasons, and an event as one line of evidence."""

from __future__ import annotations

from collections.abc import Sequence

from kubetui.formatting import human_duration
from kubetui.k8s.core.events import EventRow
from kubetui.k8s.triage.findings import Evidence


def latest(events: Sequence[EventRow], *reasons: str, container: str = "") -> EventRow | None:
    """The most recent event with one of ``reasons`` (about ``container``, when given)."""
    found = [e for e in events if e.reason in reasons and (not container or
                                                           e.container in ("", container))]
    return max(found, key=lambda e: e.last_seen or 0, default=None)


def event_evidence(event: EventRow, now: float) -> Evidence:
    ago = f", last {human_duration(now - event.last_seen)} ago" if event.last_seen else ""
    return Evidence(f"event {event.reason} ×{event.count}{ago}",
                    event.full_message or event.message)


def first_line(message: str, limit: int = 200) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
