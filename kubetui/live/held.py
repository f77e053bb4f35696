"""The stores one view holds, given back together when the view closes.

A view (the pod detail, a terminal session, the probe runner) acquires a few stores on mount
and must release each and stop listening to it on unmount, or a closed screen would keep its
watch running and receive changes. ``Held`` does both in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.registry import LiveStores
from kubetui.live.store import LiveStore, StoreChange


class Held:
    def __init__(self, registry: LiveStores,
                 on_change: Callable[[StoreChange], Any] | None = None) -> None:
        self.registry = registry
        self.on_change = on_change
        self.stores: dict[str, LiveStore] = {}
        self._unsubscribe: list[Callable[[], None]] = []

    def acquire(self, name: str, scope: ResourceScope, transform: Callable[[dict], Any], *,
                covering: bool = False, what: str | None = None,
                listen: Callable[[StoreChange], Any] | None = None) -> LiveStore:
        """``listen``: told of this store's changes (instead of ``on_change``)."""
        store = self.registry.acquire(scope, transform, covering=covering, what=what)
        self.stores[name] = store
        listener = listen or self.on_change
        if listener is not None:
            self._unsubscribe.append(store.subscribe(listener))
        return store

    def get(self, name: str) -> LiveStore | None:
        return self.stores.get(name)

    def objects(self, name: str) -> list[Any] | None:
        """The whole objects of a store of ``Whole`` rows (``k8s/triage/run.whole``); None when
        it is not held or its watch failed (a 403: the checks go without it)."""
        store = self.stores.get(name)
        if store is None or store.status.state == "failed":
            return None
        return [row.obj for row in store.rows.values()]

    def name_of(self, store: LiveStore) -> str | None:
        return next((name for name, held in self.stores.items() if held is store), None)

    def release(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        for store in self.stores.values():
            self.registry.release(store)
        self.stores, self._unsubscribe = {}, []
