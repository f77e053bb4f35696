"""What views ask the stores, answered from indexes: one rule for each question.

``events_about`` is the one event-matching rule of the whole UI (the events pane's follow
mode, the pod detail's Events section, the terminal session's header and the probe runner all
use it): an event that carries a uid is about the object with that uid; one written without a
uid (by a script, ``kubectl create``) is about the object it names. So an event about an earlier
pod of the same name is never shown for the new one, and one written without a uid is not lost.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from kubetui.k8s.core.events import EventRow, about_object
from kubetui.k8s.core.pods import PodRow
from kubetui.live.store import LiveStore


# -- index keys (module-level functions: the same function is the same index) -------------
def by_name(row: Any) -> tuple[Hashable, ...]:
    return ((row.namespace, row.name),)


def by_node(row: PodRow) -> tuple[Hashable, ...]:
    return (row.node,)


def by_claim(row: PodRow) -> Iterable[Hashable]:
    return ((row.namespace, claim) for claim in row.claims)


def by_source_claim(row: Any) -> tuple[Hashable, ...]:
    return ((row.namespace, row.source_pvc),)


def by_involved_object(event: EventRow) -> tuple[Hashable, ...]:
    if event.object_uid:
        return (("uid", event.object_uid),)
    return (("name", event.object_kind, event.namespace, event.object_name),)


# -- questions ---------------------------------------------------------------------------
def named(store: LiveStore | None, namespace: str, name: str) -> Any | None:
    """The row of the object ``namespace/name`` (the newest, if a store holds two)."""
    if store is None:
        return None
    rows = store.lookup("name", by_name, (namespace, name))
    return rows[-1] if rows else None


def pods_on_node(pods: LiveStore | None, node: str) -> int:
    return pods.count("node", by_node, node) if pods is not None else 0


def pods_using_claim(pods: LiveStore | None, namespace: str, claim: str) -> list[str]:
    if pods is None:
        return []
    return sorted(p.name for p in pods.lookup("claim", by_claim, (namespace, claim)))


def snapshots_of_claim(snapshots: LiveStore | None, namespace: str, claim: str) -> int:
    if snapshots is None:
        return 0
    return snapshots.count("source", by_source_claim, (namespace, claim))


def pods_with_runtime_class(pods: LiveStore | None, runtime_class: str) -> list[str]:
    if pods is None:
        return []
    return sorted(f"{p.namespace}/{p.name}" for p in pods.rows.values()
                  if p.runtime_class == runtime_class)


def events_about(events: LiveStore | None, kind: str, uid: str, name: str,
                 namespace: str) -> list[EventRow]:
    """An object's events, newest first (see the module's docstring for the rule)."""
    if events is None:
        return []
    found = events.lookup("object", by_involved_object, ("uid", uid)) if uid else []
    found += events.lookup("object", by_involved_object, ("name", kind, namespace, name))
    found = [e for e in found if about_object(e, kind, uid, name, namespace)]
    found.sort(key=lambda e: e.last_seen or 0, reverse=True)
    return found


def events_about_pod(events: LiveStore | None, uid: str, name: str,
                     namespace: str) -> list[EventRow]:
    return events_about(events, "Pod", uid, name, namespace)


def pod_context(pods: LiveStore | None, events: LiveStore | None, namespace: str,
                name: str) -> tuple[PodRow | None, list[EventRow]]:
    """A pod's live row and its events, newest first: what a session's header shows."""
    row = named(pods, namespace, name)
    uid = row.uid if row is not None else ""
    return row, events_about_pod(events, uid, name, namespace) if row is not None else []
