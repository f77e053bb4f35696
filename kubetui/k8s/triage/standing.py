"""The health overview, kept standing: given each store's changes, it names again only the
objects whose cause may have changed, and keeps every other line as it was.

Why: the overview is open while a cluster of 10,000 pods changes a hundred times a second.
Naming every object again on each refresh cost 130-260 ms of CPU at that size, and that thread
held the interpreter lock the UI needed for the keys. What an object's checks read is known
(``run.inputs_of``), so a change marks what reads it:

* the object itself, and its controllers up the chain (a pod's ReplicaSet and Deployment, a
  Job's CronJob): their triage reads their pods' reports;
* for a pod, the Services of its namespace whose selector shares a label with it (before or
  after the change), and, when its labels changed, the Services that select no pod (their
  cause names the labels the pods have instead);
* for an event, the object it is about, and so on up;
* a change of what the checks read of the nodes marks every object; of the StorageClasses,
  every claim.

Pure: no I/O, no clock. The health view owns one per scope and calls it from one thread at a
time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.overview import Entry, entry_of, ordered
from kubetui.k8s.triage.world import JOBS, PODS, REPLICASETS, World, controllers, label_pairs

EVENTS, NODES, CLASSES = "events", "nodes", "storageclasses"
#: the overview kinds the World indexes as well (their owners read them)
INDEXED = {("", "Pod"): PODS, ("apps", "ReplicaSet"): REPLICASETS, ("batch", "Job"): JOBS}
SERVICE, CLAIM = ("", "Service"), ("", "PersistentVolumeClaim")
BREATHE_EVERY = 50  # objects: well under a millisecond of checks


def store_name(group: str, kind: str) -> str:
    """The name a kind's store is given to ``apply`` under."""
    return f"{group}/{kind}"


@dataclass(frozen=True)
class Change:
    """One store's changes since the last refresh: ``rows`` by store key, None for a row that
    is gone. ``whole``: ``rows`` is everything the store holds (a first list, a relist), any
    other row is gone. ``rows`` None: the store cannot be read (a 403): the checks go without
    it (the nodes, the StorageClasses) or it holds nothing."""

    store: str
    rows: Mapping[Hashable, Any] | None
    whole: bool = False


class StandingOverview:
    def __init__(self) -> None:
        self.world = World()
        self._objects: dict[tuple[str, str], dict[Hashable, dict]] = {}
        self._where: dict[Hashable, tuple[str, str]] = {}  # key -> (group, kind)
        self._named: dict[tuple[str, str, str], Hashable] = {}  # (ns, kind, name) -> key
        self._selecting: dict[tuple[str, str, str], set[Hashable]] = {}  # (ns, k, v) -> svcs
        self._lonely: dict[str, set[Hashable]] = {}  # ns -> Services that select no pod
        self._dirty: set[Hashable] = set()
        self._all_dirty = True  # every object is named on the next pass (the first, new nodes)
        self._entries: dict[Hashable, Entry] = {}
        self._list: list[Entry] = []
        self._changed = True

    # -- changes ------------------------------------------------------------------------------
    def apply(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.store == NODES:
                nodes = list(change.rows.values()) if change.rows is not None else None
                if self.world.set_nodes(nodes):
                    self._all_dirty = True
            elif change.store == CLASSES:
                classes = list(change.rows.values()) if change.rows is not None else None
                if _identities(classes) != _identities(self.world.storageclasses):
                    self.world.storageclasses = classes
                    self._dirty.update(self._objects.get(CLAIM, {}))
            elif change.store == EVENTS:
                self._apply_events(change)
            else:
                group, _, kind = change.store.partition("/")
                self._apply_objects((group, kind), change)

    def _apply_objects(self, gk: tuple[str, str], change: Change) -> None:
        held = self._objects.setdefault(gk, {})
        rows = change.rows or {}
        gone = [k for k in held if k not in rows] if change.whole or change.rows is None else []
        for key in gone:
            self._set(gk, key, None)
        for key, obj in rows.items():
            if obj is not held.get(key):
                self._set(gk, key, obj)

    def _set(self, gk: tuple[str, str], key: Hashable, obj: dict | None) -> None:
        held = self._objects[gk]
        old = held.get(key)
        if old is not None:
            self._unname(key, old)
            if gk == SERVICE:
                self._index_service(key, old, add=False)
        if obj is None:
            held.pop(key, None)
            self._where.pop(key, None)
            if gk in INDEXED:
                self.world.drop(INDEXED[gk], key)
            if self._entries.pop(key, None) is not None:
                self._changed = True
        else:
            held[key] = obj
            self._where[key] = gk
            meta = mapping(obj.get("metadata"))
            self._named[(text(meta.get("namespace")), gk[1], text(meta.get("name")))] = key
            if gk in INDEXED:
                self.world.put(INDEXED[gk], key, obj)
            if gk == SERVICE:
                self._index_service(key, obj, add=True)
        self._touch(key, old, obj, pod=gk == ("", "Pod"))

    def _apply_events(self, change: Change) -> None:
        world = self.world
        rows = change.rows or {}
        if change.whole or change.rows is None:
            for key in [k for k in world.events if k not in rows]:
                self._touch_about(world.drop_event(key))
        for key, event in rows.items():
            old = world.events.get(key)
            if event is None:
                self._touch_about(world.drop_event(key))
            elif event is not old:
                world.put_event(key, event)
                self._touch_about(old)
                self._touch_about(event)

    # -- what a change marks ------------------------------------------------------------------
    def _touch(self, key: Hashable, old: dict | None, new: dict | None, *, pod: bool) -> None:
        if self._all_dirty:
            return  # nothing to mark: the next pass names every object
        self._dirty.add(key)
        for obj in (old, new):
            if obj is not None:
                for uid in controllers(obj):
                    self._up(uid)
        if pod:
            before = set(label_pairs(old)) if old is not None else set()
            after = set(label_pairs(new)) if new is not None else set()
            for pair in before | after:
                self._dirty.update(self._selecting.get(pair, ()))
            if before != after:
                ns = text(mapping((new or old or {}).get("metadata")).get("namespace"))
                self._dirty.update(self._lonely.get(ns, ()))

    def _up(self, uid: str) -> None:
        """Mark a controller and its own controllers (a cycle, if a cluster had one, ends)."""
        while uid and uid not in self._dirty:
            self._dirty.add(uid)
            gk = self._where.get(uid)
            obj = self._objects[gk].get(uid) if gk is not None else None
            above = controllers(obj) if obj is not None else []
            uid = above[0] if above else ""

    def _touch_about(self, event) -> None:
        if event is None:
            return
        key = event.object_uid if event.object_uid in self._where else self._named.get(
            (event.namespace, event.object_kind, event.object_name))
        gk = self._where.get(key) if key is not None else None
        if gk is not None:
            obj = self._objects[gk][key]
            self._touch(key, obj, obj, pod=gk == ("", "Pod"))

    def _unname(self, key: Hashable, obj: dict) -> None:
        meta = mapping(obj.get("metadata"))
        named = (text(meta.get("namespace")), self._where.get(key, ("", ""))[1],
                 text(meta.get("name")))
        if self._named.get(named) == key:
            del self._named[named]

    def _index_service(self, key: Hashable, svc: dict, *, add: bool) -> None:
        ns = text(mapping(svc.get("metadata")).get("namespace"))
        for k, v in mapping(mapping(svc.get("spec")).get("selector")).items():
            keys = self._selecting.setdefault((ns, str(k), text(v)), set())
            if add:
                keys.add(key)
            else:
                keys.discard(key)
        if not add:
            self._lonely.get(ns, set()).discard(key)

    # -- naming -------------------------------------------------------------------------------
    def name(self, now: float, breathe: Callable[[], object] | None = None
             ) -> tuple[list[Entry], bool]:
        """Name the marked objects again: (every line worst first, whether any changed since
        the last call). ``breathe`` is called every ``BREATHE_EVERY`` objects (the thread lets
        the UI run then)."""
        self.world.new_pass()
        dirty = list(self._where) if self._all_dirty else self._dirty
        self._dirty, self._all_dirty = set(), False
        for i, key in enumerate(dirty):
            if breathe is not None and i % BREATHE_EVERY == BREATHE_EVERY - 1:
                breathe()
            gk = self._where.get(key)
            if gk is None:
                continue  # a controller that is not held (or gone)
            obj = self._objects[gk][key]
            entry = entry_of(gk[0], gk[1], obj, self.world, now)
            if gk == SERVICE:
                self._note_lonely(key, obj)
            old = self._entries.get(key)
            if entry is None:
                if old is not None:
                    del self._entries[key]
                    self._changed = True
            elif entry != old:  # an equal line keeps its object: fewer for the collector
                self._entries[key] = entry
                self._changed = True
        changed, self._changed = self._changed, False
        if changed:
            self._list = ordered(list(self._entries.values()))
        return self._list, changed

    def _note_lonely(self, key: Hashable, svc: dict) -> None:
        meta, spec = mapping(svc.get("metadata")), mapping(svc.get("spec"))
        ns = text(meta.get("namespace"))
        selector = {str(k): text(v) for k, v in mapping(spec.get("selector")).items()}
        lonely = self._lonely.setdefault(ns, set())
        if selector and not self.world.selected(selector, ns):
            lonely.add(key)
        else:
            lonely.discard(key)


def _identities(objects: list[dict] | None) -> list[int] | None:
    return None if objects is None else [id(o) for o in objects]
