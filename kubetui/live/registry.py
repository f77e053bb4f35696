"""The app's live stores: started on first use, shared, stopped when the last view lets go.

A view asks for a scope with ``acquire`` and gets the store (a new one with its reflector, or
the one already running for that scope and row builder); it gives it back with ``release``. At
zero references the reflector is cancelled and its rows are dropped, so a closed pod detail
stops its watch and two views of one namespace share one LIST and one WATCH.

``acquire(..., covering=True)`` accepts a wider store already running: a view that wants the
events of one namespace is served by the events pane's store of every namespace (it looks rows
up by namespace anyway) instead of opening a second watch.

The registry is I/O-free itself: reflectors run through ``spawn`` (the app's worker runner, so
a reflector that fails reaches the app's error funnel), and one registry belongs to one cluster
(a context switch closes it and starts another).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.watch.joined import JoinedReflector, joins
from kubetui.k8s.watch.reflector import Reflector, ResourceScope
from kubetui.live.store import LiveStore, StoreKey


class Running(Protocol):
    def cancel(self) -> None: ...


Spawn = Callable[[Coroutine[Any, Any, None], str], Running]


class LiveStores:
    def __init__(self, cluster: Cluster, spawn: Spawn, *, min_interval: float = 0.1) -> None:
        self.cluster = cluster
        self._spawn = spawn
        self._min_interval = min_interval
        self._stores: dict[StoreKey, LiveStore] = {}
        self._running: dict[StoreKey, Running] = {}
        self.closed = False

    def acquire(self, scope: ResourceScope, transform: Callable[[dict], Any], *,
                covering: bool = False, what: str | None = None) -> LiveStore:
        key = StoreKey(scope, transform)
        store = self._stores.get(key)
        if store is None and covering:
            store = self._covering(key)
        if store is None:
            store = self._start(key, what)
        store.refs += 1
        return store

    def release(self, store: LiveStore | None) -> None:
        """Give a store back; the last release stops its reflector. Releasing a store of a
        closed registry (a context switch happened meanwhile) does nothing."""
        if store is None or store.stopped:
            return
        store.refs -= 1
        if store.refs <= 0:
            self._stop(store.key)

    def close(self) -> None:
        """Stop every store (another cluster): the views holding one keep its last rows."""
        self.closed = True
        for key in list(self._stores):
            self._stop(key)

    def stores(self) -> list[LiveStore]:
        return list(self._stores.values())

    # -- inside ----------------------------------------------------------------------------
    def _covering(self, key: StoreKey) -> LiveStore | None:
        """A running store of the same kind and row builder over every namespace, with no
        selector: its rows include all of ``key``'s."""
        want = key.scope
        for other in self._stores.values():
            scope = other.key.scope
            if (other.key.transform is key.transform and scope.plural == want.plural
                    and scope.group_version == want.group_version and scope.namespace is None
                    and not scope.label_selector and not scope.field_selector):
                return other
        return None

    def _start(self, key: StoreKey, what: str | None) -> LiveStore:
        store: LiveStore = LiveStore(key)
        self._stores[key] = store
        if self.closed:
            store.stopped = True
            return store
        label = what or f"watch {key.scope.plural}"
        # A kind view's Table is read as two cheaper streams (``watch/joined.py``).
        kind = JoinedReflector if joins(key.scope) else Reflector
        reflector = kind(self.cluster, key.scope, key.transform, store.apply,
                         on_status=store.set_status, min_interval=self._min_interval,
                         what=label)

        async def run() -> None:
            try:
                await reflector.run()
            finally:
                reflector.release()

        self._running[key] = self._spawn(run(), label)
        return store

    def _stop(self, key: StoreKey) -> None:
        store = self._stores.pop(key, None)
        running = self._running.pop(key, None)
        if running is not None:
            running.cancel()
        if store is not None:
            store.stopped = True
            store.refs = 0
