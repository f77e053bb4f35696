"""One live store: the current rows of one kind in one scope, as one reflector delivers them.

The store is the single copy of what the cluster holds that every view reads: the panes bind to
it, the pod detail, the terminal session's header, the probe runner and the node audit look rows
up in it. It keeps the rows by uid, the reflector's status, whether the first LIST has been
delivered (``synced``) and the last resourceVersion, and tells its subscribers about each
change (a ``Delta`` batch or a new status) in the order they happened.

Indexes (by node, by claim, by involved object, …) are declared by the views that need them
(``index``). One is built on its first lookup and kept up to date by every later batch (only
the rows in the batch are re-indexed), so a store nobody asks by node never pays for it, and an
index over 100,000 pods is not rebuilt on every event.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kubetui.k8s.watch.reflector import Delta, ReflectorStatus, ResourceScope

Row = TypeVar("Row")
IndexKeys = Callable[[Any], Iterable[Hashable]]


@dataclass(frozen=True)
class StoreKey:
    """What a store reflects: the scope (kind, namespace, selectors) and the row builder.
    Two views asking for the same key share one store and one watch."""

    scope: ResourceScope
    transform: Callable[[dict], Any]


@dataclass(frozen=True)
class StoreChange:
    """One change, as subscribers receive it: a batch of rows, or a new status."""

    store: LiveStore
    delta: Delta | None = None
    status: ReflectorStatus | None = None


class Index:
    """Rows grouped by the keys ``keys_of`` gives each row (a row may have several)."""

    def __init__(self, keys_of: IndexKeys) -> None:
        self.keys_of = keys_of
        self.groups: dict[Hashable, dict[Hashable, None]] | None = None  # None: not built
        self._keys: dict[Hashable, tuple[Hashable, ...]] = {}  # uid -> its index keys

    def build(self, rows: dict[Hashable, Any]) -> None:
        self.groups, self._keys = {}, {}
        for uid, row in rows.items():
            self._add(uid, row)

    def drop(self) -> None:
        self.groups, self._keys = None, {}

    def _add(self, uid: Hashable, row: Any) -> None:
        keys = tuple(self.keys_of(row))
        self._keys[uid] = keys
        assert self.groups is not None
        for key in keys:
            self.groups.setdefault(key, {})[uid] = None

    def _remove(self, uid: Hashable) -> None:
        assert self.groups is not None
        for key in self._keys.pop(uid, ()):
            group = self.groups.get(key)
            if group is not None:
                group.pop(uid, None)
                if not group:
                    del self.groups[key]

    def update(self, upserts: dict[Hashable, Any], deletes: Iterable[Hashable]) -> None:
        if self.groups is None:
            return
        for uid in deletes:
            self._remove(uid)
        for uid, row in upserts.items():
            self._remove(uid)
            self._add(uid, row)

    def uids(self, key: Hashable) -> Iterable[Hashable]:
        assert self.groups is not None
        return self.groups.get(key, {}).keys()


class LiveStore(Generic[Row]):
    """Rows by uid, status and subscribers for one ``StoreKey``; fed by ``apply`` and
    ``set_status`` (the registry wires a reflector to them)."""

    def __init__(self, key: StoreKey) -> None:
        self.key = key
        self.rows: dict[Hashable, Row] = {}  # read-only for everyone but ``apply``
        self.status = ReflectorStatus("listing")
        self.synced = False
        self.resource_version = ""
        self.version = 0  # bumped on every batch: cheap "did anything change" for views
        self.columns: list | None = None  # a Table scope's column definitions, as the server sent
        self.refs = 0  # views holding the store (the registry stops it at 0)
        self.stopped = False
        self._subscribers: list[Callable[[StoreChange], Any]] = []
        self._indexes: dict[str, Index] = {}

    @property
    def scope(self) -> ResourceScope:
        return self.key.scope

    # -- fed by the reflector ------------------------------------------------------------
    def apply(self, delta: Delta[Row]) -> None:
        self.version += 1
        if delta.reset:
            self.rows = dict(delta.upserts)
            for index in self._indexes.values():
                index.drop()  # rebuilt on its next lookup
        else:
            for uid in delta.deletes:
                self.rows.pop(uid, None)
            self.rows.update(delta.upserts)
            for index in self._indexes.values():
                index.update(delta.upserts, delta.deletes)
        if delta.resource_version:
            self.resource_version = delta.resource_version
        if delta.columns is not None:
            self.columns = delta.columns
        if delta.synced:
            self.synced = True
        self._tell(StoreChange(self, delta=delta))

    def set_status(self, status: ReflectorStatus) -> None:
        self.status = status
        self._tell(StoreChange(self, status=status))

    def _tell(self, change: StoreChange) -> None:
        for subscriber in tuple(self._subscribers):
            subscriber(change)

    # -- read by the views ---------------------------------------------------------------
    def subscribe(self, subscriber: Callable[[StoreChange], Any]) -> Callable[[], None]:
        """Call ``subscriber`` on every change from now on; returns the unsubscribe."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def get(self, uid: Hashable) -> Row | None:
        return self.rows.get(uid)

    def index(self, name: str, keys_of: IndexKeys) -> Index:
        """The index ``name`` (declared with ``keys_of`` by its first user), built now if it
        is not."""
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = Index(keys_of)
        if index.groups is None:
            index.build(self.rows)
        return index

    def lookup(self, name: str, keys_of: IndexKeys, key: Hashable) -> list[Row]:
        """The rows ``keys_of`` files under ``key``, in the store's order."""
        rows = self.rows
        return [rows[uid] for uid in self.index(name, keys_of).uids(key) if uid in rows]

    def count(self, name: str, keys_of: IndexKeys, key: Hashable) -> int:
        return len(self.index(name, keys_of).uids(key))  # type: ignore[arg-type]
