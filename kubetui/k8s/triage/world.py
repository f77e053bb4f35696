"""What one triage (or the overview) reads, indexed: objects by their controller's uid, events
by the object they are about, pods by namespace and label.

A triage view builds one from lists for each refresh (a few objects). The health overview keeps
one for as long as it is open and gives it each store's changes (``put``/``drop``): the indexes
move with the changed objects only, so a refresh at 10,000 pods costs what changed, not what is
held. The checks read it through the same methods either way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.transport.shapes import mapping, text

PODS, REPLICASETS, JOBS = "pods", "replicasets", "jobs"


def key_of(obj: dict) -> Hashable:
    """An object's key in the indexes: its uid (an object made by hand in a test may have
    none: then itself)."""
    return text(mapping(obj.get("metadata")).get("uid")) or id(obj)


def controllers(obj: dict) -> list[str]:
    """The uids of the object's controllers (one, in practice)."""
    return [text(mapping(r).get("uid")) for r in mapping(obj.get("metadata")).get(
        "ownerReferences") or () if mapping(r).get("controller") is True]


def label_pairs(obj: dict) -> list[tuple[str, str, str]]:
    """(namespace, key, value) of each label: a selector matches within its namespace."""
    meta = mapping(obj.get("metadata"))
    ns = text(meta.get("namespace"))
    return [(ns, str(k), text(v)) for k, v in mapping(meta.get("labels")).items()]


class World:
    """What the stores held for a triage hold now (``nodes``/``storageclasses`` None: not
    readable, or not held)."""

    def __init__(self, pods: Iterable[dict] = (), replicasets: Iterable[dict] = (),
                 jobs: Iterable[dict] = (), events: Iterable[EventRow] = (),
                 nodes: Sequence[dict] | None = None,
                 storageclasses: Sequence[dict] | None = None) -> None:
        self.objects: dict[str, dict[Hashable, dict]] = {PODS: {}, REPLICASETS: {}, JOBS: {}}
        self._by_controller: dict[str, dict[Hashable, dict]] = {}
        self._labels: dict[tuple[str, str], dict[str, dict[Hashable, dict]]] = {}
        self.events: dict[Hashable, EventRow] = {}
        self._events_by_uid: dict[str, dict[Hashable, EventRow]] = {}
        self._events_by_name: dict[tuple[str, str], dict[Hashable, EventRow]] = {}
        self.nodes: Sequence[dict] | None = None
        self.nodes_stamp: Hashable = None
        self.storageclasses = storageclasses
        self._carried: dict[Hashable, tuple[Any, Any]] = {}
        self._memo: dict[Hashable, Any] = {}
        for store, objects in ((PODS, pods), (REPLICASETS, replicasets), (JOBS, jobs)):
            for obj in objects:
                self.put(store, key_of(obj), obj)
        for event in events:
            self.put_event(event.uid or id(event), event)
        self.set_nodes(nodes)

    # -- kept up to date ----------------------------------------------------------------------
    def put(self, store: str, key: Hashable, obj: dict) -> dict | None:
        """Hold ``obj`` (a pod, ReplicaSet or Job) under ``key``; returns the one it replaces."""
        old = self._unindex(store, key)
        self.objects[store][key] = obj
        for uid in controllers(obj):
            self._by_controller.setdefault(uid, {})[key] = obj
        if store == PODS:
            for ns, k, v in label_pairs(obj):
                self._labels.setdefault((ns, k), {}).setdefault(v, {})[key] = obj
        return old

    def drop(self, store: str, key: Hashable) -> dict | None:
        """Let go of the object under ``key`` and what was kept of it; returns it (None: there
        was none)."""
        self._carried.pop(key, None)
        return self._unindex(store, key)

    def _unindex(self, store: str, key: Hashable) -> dict | None:
        old = self.objects[store].pop(key, None)
        if old is None:
            return None
        for uid in controllers(old):
            _discard(self._by_controller, uid, key)
        if store == PODS:
            for ns, k, v in label_pairs(old):
                values = self._labels.get((ns, k))
                if values is not None:
                    _discard(values, v, key)
                    if not values:
                        del self._labels[(ns, k)]
        return old

    def put_event(self, key: Hashable, event: EventRow) -> EventRow | None:
        old = self.drop_event(key)
        self.events[key] = event
        if event.object_uid:
            self._events_by_uid.setdefault(event.object_uid, {})[key] = event
        else:
            self._events_by_name.setdefault((event.object_kind, event.object_name),
                                            {})[key] = event
        return old

    def drop_event(self, key: Hashable) -> EventRow | None:
        old = self.events.pop(key, None)
        if old is not None:
            if old.object_uid:
                _discard(self._events_by_uid, old.object_uid, key)
            else:
                _discard(self._events_by_name, (old.object_kind, old.object_name), key)
        return old

    def set_nodes(self, nodes: Sequence[dict] | None) -> bool:
        """The nodes now; True when what the checks read of them changed (every pod's report
        may have: the overview checks them all again)."""
        self.nodes = nodes
        stamp = None if nodes is None else tuple(_node_stamp(n) for n in nodes)
        changed = stamp != self.nodes_stamp
        self.nodes_stamp = stamp
        return changed

    def new_pass(self) -> None:
        """A new refresh: what ``remembered`` held is computed again."""
        self._memo = {}

    # -- read by the checks ---------------------------------------------------------------
    def carry(self, key: Hashable, stamp: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, or the result kept for ``key`` when its inputs (``stamp``) are the
        same: an overview of 10,000 pods checks again only the pods that changed (a pod's
        uid: its resourceVersion, events and the nodes)."""
        old = self._carried.get(key) if key else None
        if old is not None and old[0] == stamp:
            return old[1]
        result = compute()
        if key:
            self._carried[key] = (stamp, result)
        return result

    def remembered(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per refresh: a pod named by its Deployment, by its Service and by
        itself is triaged once."""
        memo = self._memo
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def owned(self, uid: str) -> list[dict]:
        """The pods, ReplicaSets or Jobs whose controller is ``uid``."""
        return list(self._by_controller.get(uid, {}).values())

    def events_of(self, obj: dict, kind: str = "") -> list[EventRow]:
        """The events about ``obj``: by uid, and those that name it without one (in its
        namespace, when it has one)."""
        meta = mapping(obj.get("metadata"))
        kind = kind or text(obj.get("kind"))
        ns = text(meta.get("namespace"))
        by_name = self._events_by_name.get((kind, text(meta.get("name"))), {}).values()
        return list(self._events_by_uid.get(text(meta.get("uid")), {}).values()) + [
            e for e in by_name if not ns or e.namespace == ns]

    def label_values(self, keys: set[str], namespace: str) -> dict[tuple[str, str], list[dict]]:
        """The pods of ``namespace`` by (key, value), for the label keys ``keys``."""
        return {(k, v): list(pods.values()) for k in keys
                for v, pods in self._labels.get((namespace, k), {}).items()}

    def selected(self, selector: dict[str, str], namespace: str) -> list[dict]:
        """The pods of ``namespace`` that carry every label of ``selector`` (none for an empty
        selector)."""
        if not selector:
            return []
        groups = sorted((self._labels.get((namespace, k), {}).get(v, {})
                         for k, v in selector.items()), key=len)
        first, rest = groups[0], groups[1:]
        return [p for key, p in first.items() if all(key in group for group in rest)]


def _discard(index: dict, at: Hashable, key: Hashable) -> None:
    group = index.get(at)
    if group is not None:
        group.pop(key, None)
        if not group:
            del index[at]


def _node_stamp(node: dict) -> Hashable:
    """What the checks read of a node, without what changes every few seconds (heartbeat
    times, the image list): a node's resourceVersion moves on with every heartbeat, and every
    pod would be checked again."""
    meta, spec, status = (mapping(node.get(k)) for k in ("metadata", "spec", "status"))
    return (text(meta.get("name")), repr(sorted(mapping(meta.get("labels")).items())),
            repr(spec.get("taints")), spec.get("unschedulable") is True,
            repr(sorted(mapping(status.get("allocatable")).items())),
            tuple((text(c.get("type")), text(c.get("status")), text(c.get("reason")),
                   text(c.get("message")))
                  for c in map(mapping, status.get("conditions") or ())))
