"""Which containers a log view reads now, decided from the pods it holds: pure, so the
cases (a pod that joins, one that restarts, one that goes away) are unit-tested.

A container is read once it has started (the kubelet has no log before). Its stream ends when
the container stops; it is read again when it runs again (its restart count grew), from the
last line the view has. A pod that leaves the view's pods (deleted, or relabelled out of the
selector) is marked once, with kubetui's own line in the stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kubetui.k8s.logs.sources import Container, containers_of
from kubetui.k8s.transport.shapes import mapping, text


@dataclass
class Reading:
    """What the view knows of one container's stream."""

    container: Container
    open: bool = False  # a stream runs
    restarts: int = -1  # the restart count when it was last opened
    gone: bool = False  # its pod left the view
    previous_read: bool = False  # its previous instance was read


@dataclass
class Plan:
    open: list[Container] = field(default_factory=list)
    previous: list[Container] = field(default_factory=list)  # read the previous instance
    gone: list[str] = field(default_factory=list)  # pods that left: marked
    back: list[str] = field(default_factory=list)  # pods seen again (the same name)


def plan(pods: Iterable[dict], readings: dict[str, Reading], *,
         chosen: Sequence[str] | None = None, previous: bool = False) -> Plan:
    """``readings``: by ``pod/container``, updated in place (the new ones added).
    ``chosen``: container names to read (None: all)."""
    out = Plan()
    present: set[str] = set()
    for pod in pods:
        if text(mapping(pod.get("metadata")).get("deletionTimestamp")):
            continue  # it is going: its streams end on their own
        for c in containers_of(pod):
            if chosen is not None and c.container not in chosen:
                continue
            present.add(c.pod)
            reading = readings.setdefault(c.name, Reading(c))
            reading.container = c
            if reading.gone:
                reading.gone = False
                out.back.append(c.pod)
            if previous and c.restarts > 0 and not reading.previous_read:
                reading.previous_read = True
                if not c.waiting:  # waiting, its log is the previous instance's: read once
                    out.previous.append(c)
            if c.readable and not reading.open and c.restarts != reading.restarts:
                reading.open = True
                reading.restarts = c.restarts
                out.open.append(c)
    for reading in readings.values():
        pod = reading.container.pod
        if pod not in present and not reading.gone:
            reading.gone = True
            if pod not in out.gone:
                out.gone.append(pod)
    return out


def ended(readings: dict[str, Reading], name: str) -> None:
    """A stream ended (the container stopped, or the server closed it): it is opened again
    when the container runs again."""
    reading = readings.get(name)
    if reading is not None:
        reading.open = False
