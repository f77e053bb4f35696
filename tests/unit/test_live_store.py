"""The live store layer without a cluster: stores, indexes, the registry's sharing and reference
counts, and the one event-matching rule. (The reflector that feeds a store is tested against the
real apiserver in tests/integration/test_reflector.py and test_live_registry.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pods import PodRow
from kubetui.k8s.watch.reflector import Delta, ReflectorStatus, ResourceScope
from kubetui.live import queries
from kubetui.live.held import Held
from kubetui.live.registry import LiveStores
from kubetui.live.store import LiveStore, StoreKey


def pod(uid: str, name: str, node: str = "n1", ns: str = "a", claims=()) -> PodRow:
    return PodRow(uid, ns, name, "1/1", "Running", "running", 0, None, 0.0, node, "", (), "1",
                  claims=tuple(claims))


def event(uid: str, *, about_uid: str = "", name: str = "p", ns: str = "a", kind: str = "Pod",
          last: float = 0.0) -> EventRow:
    return EventRow(uid, ns, "Warning", "BackOff", kind, name, about_uid, "m", 1, last, "kubelet")


def store() -> LiveStore:
    return LiveStore(StoreKey(ResourceScope("v1", "pods", "a"), lambda o: o))


def test_apply_keeps_rows_version_and_sync():
    s = store()
    seen = []
    s.subscribe(seen.append)
    s.apply(Delta({"1": pod("1", "x")}, reset=True, synced=False))
    assert not s.synced and s.version == 1
    s.apply(Delta({"2": pod("2", "y")}, resource_version="7"))
    s.apply(Delta({}, frozenset({"1"})))
    assert set(s.rows) == {"2"} and s.resource_version == "7" and s.version == 3
    s.apply(Delta({"3": pod("3", "z")}, reset=True, synced=True))
    assert set(s.rows) == {"3"} and s.synced
    s.set_status(ReflectorStatus("watching"))
    assert [c.delta is not None for c in seen] == [True, True, True, True, False]
    assert seen[-1].status.state == "watching" and all(c.store is s for c in seen)


def test_unsubscribe_stops_changes():
    s = store()
    seen = []
    stop = s.subscribe(seen.append)
    s.apply(Delta({"1": pod("1", "x")}))
    stop()
    s.apply(Delta({"2": pod("2", "y")}))
    assert len(seen) == 1


def test_index_is_built_on_first_lookup_then_kept_by_batches():
    s = store()
    s.apply(Delta({"1": pod("1", "x", "n1"), "2": pod("2", "y", "n2")}, reset=True))
    built = []

    def by_node(row):
        built.append(row.uid)
        return (row.node,)

    assert [r.name for r in s.lookup("node", by_node, "n1")] == ["x"]
    assert sorted(built) == ["1", "2"]
    built.clear()
    s.apply(Delta({"1": pod("1", "x", "n2"), "3": pod("3", "z", "n1")}, frozenset({"2"})))
    assert sorted(built) == ["1", "3"]  # only the batch's rows were indexed again
    assert [r.name for r in s.lookup("node", by_node, "n1")] == ["z"]
    assert [r.name for r in s.lookup("node", by_node, "n2")] == ["x"]
    assert s.count("node", by_node, "gone") == 0
    s.apply(Delta({"9": pod("9", "w", "n9")}, reset=True))  # a relist: rebuilt when asked
    assert [r.name for r in s.lookup("node", by_node, "n9")] == ["w"]
    assert s.count("node", by_node, "n1") == 0


def test_queries_over_indexes():
    pods = store()
    pods.apply(Delta({"1": pod("1", "x", claims=("data",)), "2": pod("2", "y", "n2", ns="b"),
                      "3": pod("3", "z", claims=("data", "logs"))}, reset=True))
    assert queries.named(pods, "b", "y").uid == "2" and queries.named(pods, "a", "y") is None
    assert queries.pods_on_node(pods, "n1") == 2 and queries.pods_on_node(None, "n1") == 0
    assert queries.pods_using_claim(pods, "a", "data") == ["x", "z"]
    assert queries.pods_using_claim(pods, "b", "data") == []


def test_one_event_rule_keeps_uidless_events_and_drops_an_earlier_pod_of_the_same_name():
    events = store()
    events.apply(Delta({
        "e1": event("e1", about_uid="new", last=3.0),
        "e2": event("e2", last=5.0),  # written without a uid (kubectl create, a script)
        "e3": event("e3", about_uid="old", last=9.0),  # the earlier pod named p
        "e4": event("e4", name="q"),
        "e5": event("e5", kind="Deployment"),  # a Deployment named p is not the pod p
        "e6": event("e6", ns="b"),
    }, reset=True))
    found = queries.events_about_pod(events, "new", "p", "a")
    assert [e.uid for e in found] == ["e2", "e1"]  # newest first
    pods = store()
    pods.apply(Delta({"new": pod("new", "p")}, reset=True))
    row, evs = queries.pod_context(pods, events, "a", "p")
    assert row.uid == "new" and [e.uid for e in evs] == ["e2", "e1"]
    assert queries.pod_context(pods, events, "a", "missing") == (None, [])


@dataclass
class Spawned:
    name: str
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class Spawner:
    def __init__(self):
        self.running: list[Spawned] = []

    def __call__(self, work, name):
        work.close()  # no cluster here: the coroutine is not run
        self.running.append(Spawned(name))
        return self.running[-1]


def registry() -> tuple[LiveStores, Spawner]:
    spawn = Spawner()
    return LiveStores(cluster=None, spawn=spawn), spawn  # type: ignore[arg-type]


def transform(obj):
    return obj


def test_same_scope_shares_one_watch_and_the_last_release_stops_it():
    stores, spawn = registry()
    scope = ResourceScope("v1", "pods", "a")
    one = stores.acquire(scope, transform)
    two = stores.acquire(ResourceScope("v1", "pods", "a"), transform)
    assert one is two and one.refs == 2 and len(spawn.running) == 1
    other = stores.acquire(ResourceScope("v1", "pods", "b"), transform)
    assert other is not one and len(spawn.running) == 2
    stores.release(one)
    assert not spawn.running[0].cancelled
    stores.release(two)
    assert spawn.running[0].cancelled and one.stopped
    again = stores.acquire(scope, transform)
    assert again is not one and len(spawn.running) == 3  # a new store, a new watch
    stores.release(one)  # releasing a stopped store does nothing
    assert not spawn.running[2].cancelled


def test_covering_store_serves_a_namespace():
    stores, spawn = registry()
    everywhere = stores.acquire(ResourceScope("v1", "events"), transform)
    mine = stores.acquire(ResourceScope("v1", "events", "a"), transform, covering=True)
    assert mine is everywhere and len(spawn.running) == 1
    selected = stores.acquire(ResourceScope("v1", "events", None, label_selector="x=y"),
                              transform)
    assert selected is not everywhere
    # without covering, or with another row builder, a namespace gets its own watch
    assert stores.acquire(ResourceScope("v1", "events", "a"), transform) is not everywhere
    assert stores.acquire(ResourceScope("v1", "events", "a"), lambda o: o,
                          covering=True) is not everywhere


def test_close_stops_everything_and_held_gives_back_together():
    stores, spawn = registry()
    seen = []
    held = Held(stores, seen.append)
    pods = held.acquire("pods", ResourceScope("v1", "pods", "a"), transform)
    held.acquire("events", ResourceScope("v1", "events", "a"), transform)
    assert held.name_of(pods) == "pods" and held.get("events") is not None
    pods.apply(Delta({"1": {}}))
    assert len(seen) == 1
    held.release()
    assert all(s.cancelled for s in spawn.running) and held.get("pods") is None
    pods.apply(Delta({"2": {}}))
    assert len(seen) == 1  # unsubscribed
    a = stores.acquire(ResourceScope("v1", "nodes"), transform)
    stores.close()
    assert a.stopped and spawn.running[-1].cancelled and stores.stores() == []
