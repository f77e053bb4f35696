"""LIST then WATCH one kind in one scope, keeping a cache and emitting coalesced deltas.

kr8s's own ``watch`` ends when the server closes the stream and, on 410 Gone, retries with the same
stale resourceVersion; it has no bookmarks. This is the client-go reflector instead:

* the first LIST with ``resourceVersion=0``, as client-go's reflector does: the apiserver answers
  from its watch cache (on 10,000 pods 0.25 s instead of 0.6-0.9 s of paged reads from etcd, and
  etcd pays nothing); the watch that follows from its resourceVersion makes it current at once;
* every later LIST (after 410 Gone) without ``resourceVersion``: a consistent read, paged with
  ``limit``/``continue``, so a relist never goes back in time behind what was already shown;
  remember the list's ``metadata.resourceVersion``;
* WATCH from it with ``allowWatchBookmarks=true``; when the server ends the stream (its
  ``timeoutSeconds``), resume from the last resourceVersion seen, events and bookmarks alike;
* on 410 Gone / ``Expired`` (the RV was compacted away), LIST again and reconcile: objects missing
  from the new list are reported deleted, so nothing is duplicated or left behind;
* back off exponentially with jitter on errors; honour 429 ``Retry-After``;
* never poll: after the first LIST, a LIST happens only on 410 or after an error.

A scope with ``table=True`` is read in the server's Table form (any kind, as ``kubectl get``
prints it): the list's ``rows`` are its items, each watch event is a one-row Table, and the
column definitions (the list's, or a later event's) travel with the deltas as ``columns``.

Objects are turned into immutable rows by ``transform`` as they arrive, a LIST's items as their
bytes come in (``list_stream.py``; the raw JSON is not kept); a transform that declares the
fields it reads (``pruned.reads``) gets only those, in lists and watch events alike. Changes
are delivered to ``sink`` as ``Delta`` batches at most every ``min_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError, from_exception, from_response
from kubetui.k8s.transport.shapes import mapping, text, uid_of
from kubetui.k8s.watch.list_stream import ListStream
from kubetui.k8s.watch.pruned import ItemDecoder

Row = TypeVar("Row")
# A cold start's first page is small, so that the first rows show while the rest is read; every
# later page, and every page of a relist (nothing is shown until it ends), is bigger: a relist of
# 100,000 pods in pages of 500 took 200 round trips to etcd (about 9 s here).
PAGE_SIZE = 500
RELIST_PAGE_SIZE = 5000
TABLE_ACCEPT = "application/json;as=Table;g=meta.k8s.io;v=v1,application/json"


@dataclass(frozen=True)
class ResourceScope:
    """What to reflect: an API path prefix, a plural, an optional namespace and selectors."""

    group_version: str  # "v1" or "apps/v1"
    plural: str
    namespace: str | None = None  # None: all namespaces (or a cluster-scoped kind)
    label_selector: str = ""
    field_selector: str = ""
    table: bool = False  # rows as the server prints them (``kinds/table.py``)
    include_object: bool = False  # each Table row with its whole object (``kinds/rich.py``)
    # What a Table row carries when ``include_object`` is not set: "" (the server's default,
    # the metadata), "None" (cells only: ``joined.py`` reads the objects apart) or "Metadata".
    row_objects: str = ""

    @property
    def path(self) -> str:
        base = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        ns = f"/namespaces/{self.namespace}" if self.namespace else ""
        return f"{base}{ns}/{self.plural}"

    def headers(self) -> dict[str, str]:
        return {"Accept": TABLE_ACCEPT} if self.table else {}

    def params(self) -> dict[str, str]:
        p: dict[str, str] = {}
        if self.label_selector:
            p["labelSelector"] = self.label_selector
        if self.field_selector:
            p["fieldSelector"] = self.field_selector
        if self.table and (self.include_object or self.row_objects):
            p["includeObject"] = "Object" if self.include_object else self.row_objects
        return p


def _uid_key(item: dict) -> str:
    return uid_of(item) or uid_of(item.get("object"))  # an object, or a Table's row


@dataclass(frozen=True)
class Delta(Generic[Row]):
    """A batch of changes. ``reset``: the receiver must drop everything not in ``upserts``."""

    upserts: dict[Hashable, Row] = field(default_factory=dict)
    deletes: frozenset[Hashable] = frozenset()
    reset: bool = False
    synced: bool = True  # False until the first LIST has been fully delivered
    resource_version: str = ""
    received_at: float = 0.0  # monotonic time the oldest change in the batch arrived
    columns: list | None = None  # a Table's columnDefinitions, when this batch brought them


@dataclass(frozen=True)
class ReflectorStatus:
    """Connection state for the UI: live, reconnecting (with the reason), or failed."""

    state: str  # "listing" | "watching" | "backoff" | "failed"
    error: KubeError | None = None
    retry_in: float = 0.0
    lists: int = 0
    watches: int = 0


class Reflector(Generic[Row]):
    def __init__(self, cluster: Cluster, scope: ResourceScope,
                 transform: Callable[[dict], Row], sink: Callable[[Delta[Row]], Any],
                 *, on_status: Callable[[ReflectorStatus], Any] | None = None,
                 min_interval: float = 0.1, watch_timeout: int = 290,
                 max_backoff: float = 30.0, what: str | None = None,
                 key_of: Callable[[dict], Hashable] | None = None) -> None:
        """``key_of``: a row's key from its item (an object, or a Table's row); the uid unless
        given (a Table without objects has none: ``joined.py`` keys its rows by name)."""
        self.cluster, self.scope = cluster, scope
        self.key_of = key_of or _uid_key
        self.answered: Callable[[], Any] = lambda: None  # a LIST's answer began to arrive
        self.transform, self.sink = transform, sink
        self.decoder = ItemDecoder(transform)
        self.on_status = on_status or (lambda s: None)
        self.min_interval, self.watch_timeout, self.max_backoff = (
            min_interval, watch_timeout, max_backoff)
        self.what = what or f"watch {scope.plural}"
        self.keys: set[Hashable] = set()  # uids currently known
        self.resource_version = ""
        self.lists = 0
        self.watches = 0
        self.gone = 0  # 410s seen
        self.list_sources: list[str] = []  # per LIST: "cache" (resourceVersion=0) or "consistent"
        self.list_pages: list[int] = []  # per LIST: the requests it took
        self.pruned = 0  # listed items decoded with only the fields the transform reads
        self.columns: list | None = None  # a Table scope's column definitions, as sent
        self._columns_changed = False
        # A Table's watch event is a Table, not the row the transform reads: decoded whole.
        self._event = json.loads if scope.table else self.decoder.event
        self._pending_up: dict[Hashable, Row] = {}
        self._pending_del: set[Hashable] = set()
        self._pending_since = 0.0
        self._last_flush = 0.0
        self._flush_handle: asyncio.TimerHandle | None = None

    # -- the loop --------------------------------------------------------------------------
    async def run(self, resume: bool = False) -> None:
        """Runs until cancelled. Errors back off and retry; 401/403/404 stop with a status.

        ``resume``: continue a reflector that was stopped (a hidden pane) from its last
        resourceVersion instead of listing again; the server says 410 if it cannot.
        """
        failures = 0
        need_list = not (resume and self.resource_version)
        while True:
            try:
                if need_list:
                    self._status("listing")
                    await self._list(from_cache=self.lists == 0)
                    need_list = False
                self._status("watching")
                await self._watch()
                failures = 0  # the server closed a healthy stream: resume from the last RV
            except KubeError as exc:
                if exc.kind is ErrorKind.GONE:
                    # Our resourceVersion was compacted away (or the apiserver restarted and its
                    # watch cache starts later): relist and reconcile, no backoff needed.
                    self.gone += 1
                    self._status("listing", exc)
                    need_list = True
                    continue
                if exc.kind in (ErrorKind.FORBIDDEN, ErrorKind.UNAUTHORIZED,
                                ErrorKind.NOT_FOUND, ErrorKind.UNSUPPORTED):
                    self._status("failed", exc)
                    return
                failures += 1
                delay = self._backoff(failures, exc)
                self._status("backoff", exc, delay)
                await asyncio.sleep(delay)
                # After a transport error the watch may have missed events: resume from the
                # last RV; the server answers 410 if it cannot, and we relist then.

    def release(self) -> None:
        """Forget the keys and pending changes (a reflector that will not run again): its
        worker may be kept a while after it was cancelled, 100,000 uids with it."""
        self.keys = set()
        self._drop_pending()

    def _backoff(self, failures: int, exc: KubeError) -> float:
        if exc.retry_after is not None:
            return exc.retry_after + random.uniform(0, 0.5)
        base = min(self.max_backoff, 0.5 * 2 ** (failures - 1))
        return base * random.uniform(0.5, 1.0)

    def _status(self, state: str, error: KubeError | None = None, retry_in: float = 0.0) -> None:
        self.on_status(ReflectorStatus(state, error, retry_in, self.lists, self.watches))

    # -- LIST --------------------------------------------------------------------------------
    async def _list(self, from_cache: bool) -> None:
        """``from_cache``: ``resourceVersion=0``, the watch cache's latest state (the server may
        ignore ``limit`` then and answer in one piece; a ``continue`` is followed either way)."""
        self.lists += 1
        self.list_sources.append("cache" if from_cache else "consistent")
        params = {**self.scope.params(),
                  "limit": str(RELIST_PAGE_SIZE if self.keys else PAGE_SIZE)}
        if from_cache:
            params["resourceVersion"] = "0"
        rows: dict[Hashable, Row] = {}
        received = time.monotonic()
        first_page = True
        self.list_pages.append(0)
        while True:
            self.list_pages[-1] += 1
            stream = ListStream(self.decoder)
            async with self.cluster.stream(self.scope.path, what=self.what, params=params,
                                           read_timeout=60,
                                           headers=self.scope.headers()) as response:
                self.answered()
                async for chunk in self._chunks(response):
                    items = self._parsed(stream.feed, chunk)
                    self._list_columns(stream)  # before the rows: a key may read them
                    self._take(items, rows)
                    if first_page and len(rows) >= PAGE_SIZE and not self.keys:
                        # A cold start shows the first rows while the rest is on the wire.
                        self._emit(Delta(dict(rows), reset=True, synced=False,
                                         received_at=received,
                                         columns=self._list_columns(stream)))
                        first_page = False
                    await asyncio.sleep(0)  # let the UI paint between chunks of a long list
                self._take(self._parsed(stream.close), rows)
            self.pruned += stream.pruned
            self._list_columns(stream)
            meta = mapping(stream.fields.get("metadata"))
            token = meta.get("continue")
            if first_page and token and not self.keys and rows:
                self._emit(Delta(dict(rows), reset=True, synced=False, received_at=received,
                                 columns=self._list_columns(stream)))
            first_page = False
            if not token:
                self.resource_version = text(meta.get("resourceVersion"))
                break
            params = {**self.scope.params(), "limit": str(RELIST_PAGE_SIZE),
                      "continue": token}
        self._drop_pending()
        self.keys = set(rows)
        self._emit(Delta(rows, reset=True, synced=True,
                         resource_version=self.resource_version, received_at=received,
                         columns=self.columns))

    def _list_columns(self, stream: ListStream) -> list | None:
        """A Table list's column definitions (they come before its rows)."""
        defs = stream.fields.get("columnDefinitions")
        if isinstance(defs, list):
            self.columns = defs
        return self.columns

    async def _chunks(self, response):
        """The body's bytes; a connection broken mid-way is a KubeError like any other."""
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except KubeError:
            raise
        except Exception as exc:
            raise from_exception(exc, self.what, self.cluster.server_url) from None

    def _parsed(self, step: Callable[..., list[dict]], *chunk: bytes) -> list[dict]:
        try:
            return step(*chunk)
        except ValueError as exc:
            raise KubeError(ErrorKind.SERVER, f"{self.what}: the server's list could not be "
                            f"read ({exc})") from None

    def _take(self, items: list[dict], rows: dict[Hashable, Row]) -> None:
        key_of, transform = self.key_of, self.transform
        for item in items:
            key = key_of(item)
            if key:
                rows[key] = transform(item)

    # -- WATCH -------------------------------------------------------------------------------
    async def _watch(self) -> None:
        self.watches += 1
        params = {**self.scope.params(), "watch": "1", "allowWatchBookmarks": "true",
                  "resourceVersion": self.resource_version,
                  "timeoutSeconds": str(self.watch_timeout)}
        async with self.cluster.stream(self.scope.path, what=self.what, params=params,
                                       read_timeout=self.watch_timeout + 30,
                                       headers=self.scope.headers()) as response:
            try:
                async for line in response.aiter_lines():
                    if line:
                        self._on_event(line)
            except KubeError:
                raise
            except Exception as exc:  # the stream broke mid-way (apiserver went away)
                raise from_exception(exc, self.what, self.cluster.server_url) from None
        self._flush()

    def _on_event(self, line: str) -> None:
        try:
            event = mapping(self._event(line))
        except ValueError:
            return  # not a watch event: skip it rather than drop a healthy stream
        kind, obj = event.get("type"), mapping(event.get("object"))
        if kind == "ERROR":
            code = obj.get("code")
            raise from_response(code if isinstance(code, int) else 500, json.dumps(obj),
                                self.what)
        for meta, item in self._objects(obj):
            rv = text(meta.get("resourceVersion"))
            if rv:
                self.resource_version = rv
            if kind == "BOOKMARK":
                continue
            uid = self.key_of(item)
            if not uid:
                continue
            if not self._pending_up and not self._pending_del:
                self._pending_since = time.monotonic()
            if kind == "DELETED":
                self.keys.discard(uid)
                self._pending_up.pop(uid, None)
                self._pending_del.add(uid)
            else:
                self.keys.add(uid)
                self._pending_del.discard(uid)
                self._pending_up[uid] = self.transform(item)
            self._schedule_flush()

    def _objects(self, obj: dict) -> list[tuple[dict, dict]]:
        """(metadata, what the transform reads) of each object an event carries: the object
        itself, or each row of a Table (whose first event repeats the column definitions)."""
        if obj.get("kind") != "Table":
            return [(mapping(obj.get("metadata")), obj)]
        rv = text(mapping(obj.get("metadata")).get("resourceVersion"))
        if rv:  # a Table without objects has only its own
            self.resource_version = rv
        defs = obj.get("columnDefinitions")
        if isinstance(defs, list) and defs and defs != self.columns:
            self.columns, self._columns_changed = defs, True
            self._schedule_flush()
        rows = obj.get("rows")
        return [(mapping(mapping(mapping(row).get("object")).get("metadata")), mapping(row))
                for row in (rows if isinstance(rows, list) else ())]

    # -- coalescing ---------------------------------------------------------------------------
    def _schedule_flush(self) -> None:
        if self._flush_handle is not None:
            return
        wait = max(0.0, self.min_interval - (time.monotonic() - self._last_flush))
        self._flush_handle = asyncio.get_running_loop().call_later(wait, self._flush)

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if not self._pending_up and not self._pending_del and not self._columns_changed:
            return
        delta = Delta(self._pending_up, frozenset(self._pending_del),
                      resource_version=self.resource_version, received_at=self._pending_since,
                      columns=self.columns if self._columns_changed else None)
        self._pending_up, self._pending_del = {}, set()
        self._columns_changed = False
        self._emit(delta)

    def _drop_pending(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._pending_up, self._pending_del = {}, set()

    def _emit(self, delta: Delta[Row]) -> None:
        self._last_flush = time.monotonic()
        self.sink(delta)
