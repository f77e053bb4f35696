"""The objects the incident timeline follows: each one the user touched or opened.

Every timeline entry that names an object (an action on it, a pod opened, an object described,
a triage shown, a probe run, a forward) starts following it, if its kind is one whose changes
mean something (``timeline/changes.py``). Following is two narrow watches through the live
stores, never polling: the object by name (``fieldSelector=metadata.name=…``) and the warning
events about it (``involvedObject.kind/name``, ``type=Warning``). Each version is compared with
the last one seen and what changed is recorded as a ``change`` entry.

At most ``LIMIT`` objects are followed; naming one more lets go of the one named longest ago.
A context switch lets go of all (the watches belonged to the other cluster). A watch the
server refuses (no ``watch`` right on events, say) is recorded once and the rest goes on.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from kubetui.host import host
from kubetui.timeline.entries import CHANGE, Entry

if TYPE_CHECKING:
    from textual.app import App

    from kubetui.k8s.kinds.catalog import Catalog
    from kubetui.live.held import Held
    from kubetui.live.store import StoreChange

LIMIT = 12
# Kinds served at one version on every server kubetui supports (1.20-1.35); a CronJob's
# version (batch/v1 from 1.21, v1beta1 before) comes from the server's catalog.
FIXED_VERSION = {"": "v1", "apps": "apps/v1"}
FIXED_KINDS = {("batch", "jobs"): "batch/v1"}

Key = tuple[str, str, str]  # namespace ("" for a node), plural, name


class Follow:
    """One followed object: its two watches, the versions seen and the warnings told."""

    def __init__(self, key: Key, kind: str, held: Held) -> None:
        self.key, self.kind, self.held = key, kind, held
        self.seen: dict[str, dict] = {}  # uid -> the last version
        self.uids: set[str] = set()  # every uid this name has had (events name their object's)
        self.told: dict[str, int] = {}  # event uid -> the count last recorded
        self.based = False  # the object's first LIST is in: later versions are changes
        self.refused: set[str] = set()  # the stores whose watch the server refused (said once)


class Followed:
    def __init__(self, app: App) -> None:
        self.app = app
        self.follows: OrderedDict[Key, Follow] = OrderedDict()
        host(app).timeline.subscribe(self._entry)

    def _entry(self, entry: Entry) -> None:
        if entry.kind == CHANGE or "/" not in entry.object or "drain" in entry.details:
            return  # a drain's pods: its own screen records their fate
        plural, name = entry.object.split("/", 1)
        if "/" in name or not name:
            return
        from kubetui.timeline.changes import FOLLOWED

        if plural in FOLLOWED:
            self.follow(entry.namespace, plural, name)

    def follow(self, namespace: str, plural: str, name: str) -> None:
        from kubetui.timeline.changes import FOLLOWED

        group, kind = FOLLOWED[plural]
        key: Key = ("" if kind == "Node" else namespace, plural, name)
        if key in self.follows:
            self.follows.move_to_end(key)
            return
        version = FIXED_VERSION.get(group) or FIXED_KINDS.get((group, plural))
        if version is not None:
            self._start(key, kind, version)
            return

        def step(catalog: Catalog) -> None:
            found = catalog.find(group, plural)
            if found is not None and found.listable and key not in self.follows:
                self._start(key, kind, found.group_version)

        host(self.app).flows.kinds.with_catalog(step)

    def _start(self, key: Key, kind: str, group_version: str) -> None:
        from kubetui.k8s.core.events import event_row
        from kubetui.k8s.triage.run import whole
        from kubetui.k8s.watch.reflector import ResourceScope
        from kubetui.live.held import Held

        stores = host(self.app).stores
        if stores is None:
            return
        while len(self.follows) >= LIMIT:
            self.follows.popitem(last=False)[1].held.release()
        namespace, plural, name = key
        follow = Follow(key, kind, Held(stores, lambda change: self._changed(follow, change)))
        self.follows[key] = follow
        follow.held.acquire("object", ResourceScope(
            group_version, plural, namespace or None, field_selector=f"metadata.name={name}"),
            whole, what=f"watch {plural}/{name} (timeline)")
        follow.held.acquire("events", ResourceScope(
            "v1", "events", namespace or None, field_selector=(
                f"involvedObject.kind={kind},involvedObject.name={name},type=Warning")),
            event_row, what=f"watch warnings about {plural}/{name} (timeline)")

    def _changed(self, follow: Follow, change: StoreChange) -> None:
        name = follow.held.name_of(change.store)
        if change.status is not None:
            if change.status.state == "failed" and name not in follow.refused:
                follow.refused.add(name or "")
                error = change.status.error
                what = "warning events" if name == "events" else "changes"
                why = error.summary if error is not None else "the watch failed"
                self._record(follow, f"not followed ({what}): {why}")
            return
        if name == "object":
            self._object(follow, change.store.rows)
        self._events(follow)

    def _object(self, follow: Follow, rows: dict) -> None:
        from kubetui.timeline.changes import changes, recreated

        store = follow.held.get("object")
        if store is None or not store.synced:
            return
        now = {uid: row.obj for uid, row in rows.items()}
        follow.uids.update(now)
        if not follow.based:
            follow.seen, follow.based = now, True
            return
        for uid in [uid for uid in follow.seen if uid not in now]:
            del follow.seen[uid]
            self._record(follow, "deleted")
        for uid, obj in now.items():
            before = follow.seen.get(uid)
            if before is None:
                self._record(follow, recreated(follow.kind, obj))
            elif before is not obj:
                for phrase in changes(follow.kind, before, obj):
                    self._record(follow, phrase)
            follow.seen[uid] = obj

    def _events(self, follow: Follow) -> None:
        """Warnings about this object (or about an earlier one of its name: not those), once
        the object's own LIST says which uids it has had."""
        from kubetui.timeline.changes import warning_news

        store = follow.held.get("events")
        if store is None or not store.synced or not follow.based:
            return
        rows = sorted(store.rows.values(), key=lambda e: (e.last_seen or 0, e.uid))
        for event in rows:
            if event.object_uid and event.object_uid not in follow.uids:
                continue
            told = follow.told.get(event.uid, 0)
            news = warning_news(event, told)
            if news:
                follow.told[event.uid] = event.count
                self._record(follow, news)

    def _record(self, follow: Follow, summary: str) -> None:
        namespace, plural, name = follow.key
        host(self.app).timeline.record(CHANGE, summary, namespace=namespace,
                                       object=f"{plural}/{name}")

    def reset(self) -> None:
        """Another cluster (or the app ends): every watch given back."""
        for follow in self.follows.values():
            follow.held.release()
        self.follows.clear()
