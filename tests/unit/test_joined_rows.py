"""The join of a kind's two streams (``watch/joined.py``), delta by delta: the server's cells
first, the objects after, rows keyed by namespace/name throughout."""

from __future__ import annotations

from dataclasses import replace

from kubetui.k8s.kinds.rich import rich_for
from kubetui.k8s.kinds.table import table_row
from kubetui.k8s.watch.joined import Joined, joins, name_index, object_fields
from kubetui.k8s.watch.reflector import Delta, ResourceScope

RS = rich_for("apps", "ReplicaSet")
COLUMNS = [{"name": "Name", "type": "string", "format": "name"},
           {"name": "Desired", "type": "integer"}, {"name": "Current", "type": "integer"},
           {"name": "Ready", "type": "integer"}, {"name": "Age", "type": "string"}]


def rs(name: str, uid: str, replicas: int = 2, ready: int = 2, revision: str = "3") -> dict:
    return {"metadata": {"name": name, "namespace": "ns", "uid": uid,
                         "creationTimestamp": "2026-12-01T00:00:00Z",
                         "annotations": {"deployment.kubernetes.io/revision": revision},
                         "ownerReferences": [{"kind": "Deployment", "name": "web",
                                              "uid": "d1", "controller": True}]},
            "spec": {"replicas": replicas}, "status": {"replicas": replicas,
                                                       "readyReplicas": ready}}


def cells(name: str, desired: int = 2, ready: int = 2) -> list:
    return [name, desired, desired, ready, "5d"]


def joined() -> Joined:
    return Joined(RS.transform, "ns")


def objects(j: Joined, *objs: dict, reset: bool = True, synced: bool = True,
            deletes: frozenset = frozenset()) -> Delta | None:
    return j.take_objects(Delta({o["metadata"]["uid"]: j.object_row(o) for o in objs},
                                deletes, reset=reset, synced=synced))


def printed(j: Joined, *rows: list, reset: bool = True, synced: bool = True,
            deletes: frozenset = frozenset(), columns: list | None = COLUMNS) -> Delta | None:
    return j.take_cells(Delta({("ns", r[0]): r for r in rows}, deletes, reset=reset,
                              synced=synced, columns=columns))


def test_the_server_cells_draw_every_row_before_the_objects_then_the_same_keys_fill_in():
    j = joined()
    early = printed(j, cells("a"), cells("b"))
    assert early is not None and early.reset and not early.synced
    assert early.columns == COLUMNS
    assert set(early.upserts) == {"ns/a", "ns/b"}
    a = early.upserts["ns/a"]
    assert (a.uid, a.name, a.namespace, a.key) == ("", "a", "ns", "ns/a")
    assert a.cells == ("a", 2, 2, 2, "5d", "…")  # the kind's own column waits for the object
    assert a.owners == () and a.created is None

    full = objects(j, rs("a", "u1"), rs("b", "u2", ready=1))
    assert full is not None and full.reset and full.synced
    assert set(full.upserts) == {"ns/a", "ns/b"}  # the same keys: rows stay where they are
    a, b = full.upserts["ns/a"], full.upserts["ns/b"]
    assert (a.uid, a.key, a.revision, a.health) == ("u1", "ns/a", 3, "running")
    assert a.cells == ("a", 2, 2, 2, "5d", "3")
    assert a.controller is not None and a.controller.uid == "d1"
    assert b.health == "pending"  # one of two ready
    # the row is the one a single Table row with its object gives
    assert a == RS.transform({"cells": cells("a"), "object": rs("a", "u1"), "ref": "ns/a"})


def test_nothing_is_shown_until_the_cells_are_listed_and_an_object_then_waits_for_none():
    j = joined()
    assert objects(j, rs("a", "u1")) is None  # the cells have not come: wait
    full = printed(j, cells("a"))
    assert full is not None and full.synced and full.reset
    assert full.upserts["ns/a"].uid == "u1"
    assert full.upserts["ns/a"].cells[:5] == tuple(cells("a"))


def test_changes_of_either_side_rebuild_only_their_rows():
    j = joined()
    printed(j, cells("a"), cells("b"))
    objects(j, rs("a", "u1"), rs("b", "u2"))
    # the server prints new cells for a: its row keeps its own cells and facts
    d = printed(j, cells("a", desired=3, ready=2), reset=False, columns=None)
    assert d is not None and set(d.upserts) == {"ns/a"} and not d.deletes
    assert d.upserts["ns/a"].cells == ("a", 3, 3, 2, "5d", "3")
    # the object changes (a new revision): its row takes the cells printed last
    d = objects(j, rs("a", "u1", replicas=3, revision="4"), reset=False)
    assert d is not None and d.upserts["ns/a"].cells == ("a", 3, 3, 2, "5d", "4")
    assert d.upserts["ns/a"].revision == 4
    # deleted: the object's delete removes the row, whatever the cells side says
    d = objects(j, reset=False, deletes=frozenset({"u2"}))
    assert d is not None and d.deletes == {"ns/b"}
    assert printed(j, reset=False, deletes=frozenset({("ns", "b")}), columns=None) is None


def test_an_object_before_its_cells_shows_its_name_and_cells_without_an_object_wait():
    j = joined()
    printed(j, cells("a"))
    objects(j, rs("a", "u1"))
    d = objects(j, rs("new", "u9"), reset=False)
    assert d is not None
    assert d.upserts["ns/new"].cells == ("new", "", "", "", "", "3")
    d = printed(j, cells("new", desired=1, ready=0), reset=False, columns=None)
    assert d is not None and d.upserts["ns/new"].cells == ("new", 1, 1, 0, "5d", "3")
    assert printed(j, cells("ghost"), reset=False, columns=None) is None  # no object: not shown


def test_a_relist_of_the_objects_is_a_reset_and_new_columns_rebuild_every_row():
    j = joined()
    printed(j, cells("a"), cells("b"))
    objects(j, rs("a", "u1"), rs("b", "u2"))
    d = objects(j, rs("a", "u1"))  # listed again after a 410: b is gone
    assert d is not None and d.reset and d.synced and set(d.upserts) == {"ns/a"}
    wider = [*COLUMNS, {"name": "Images", "type": "string", "priority": 1}]
    d = printed(j, [*cells("a"), "busybox"], reset=False, columns=wider)
    assert d is not None and d.columns == wider
    assert d.upserts["ns/a"].cells == ("a", 2, 2, 2, "5d", "busybox", "3")


def test_before_the_objects_the_cells_rows_follow_the_watch():
    j = joined()
    printed(j, cells("a"), cells("b"))
    d = printed(j, cells("c"), reset=False, deletes=frozenset({("ns", "a")}), columns=None)
    assert d is not None and not d.synced and not d.reset
    assert set(d.upserts) == {"ns/c"} and d.deletes == {"ns/a"}


def test_the_cells_keys_name_column_metadata_and_bookmarks():
    j = joined()
    j.printing = lambda: [{"name": "Age"}, {"name": "Name", "format": "name"}]
    assert name_index(j.printing()) == 1
    assert j.cells_key({"cells": ["5d", "web"], "object": None}) == ("ns", "web")
    # every namespace: the rows come with their metadata
    assert j.cells_key({"cells": ["5d", "web"],
                        "object": {"metadata": {"namespace": "x", "name": "web"}}}) == ("x", "web")
    assert j.cells_key({"cells": ["", ""], "object": None}) is None  # a bookmark's empty row
    assert name_index(None) == 0


def test_the_objects_are_pruned_to_what_the_row_reads():
    fields = object_fields(RS.transform)
    assert fields is not None
    assert {"metadata", "spec", "status"} <= set(fields.__annotations__)
    assert object_fields(lambda item: item) is None


def test_a_kind_without_cells_of_its_own_reads_its_objects_as_table_rows_with_metadata():
    j = Joined(table_row, "ns")
    early = j.take_cells(Delta({("ns", "g"): ["g", "red", "5d"]}, reset=True, synced=True,
                               columns=COLUMNS[:1] + [{"name": "Color"}, {"name": "Age"}]))
    assert early is not None and early.upserts["ns/g"].cells == ("g", "red", "5d")
    item = {"cells": ["g", "red", "5d"],
            "object": {"metadata": {"name": "g", "namespace": "ns", "uid": "u1",
                                    "labels": {"app": "x"}}}}
    full = j.take_objects(Delta({"u1": j.object_row(item)}, reset=True, synced=True))
    assert full is not None and full.synced
    g = full.upserts["ns/g"]
    assert (g.uid, g.key, g.labels, g.cells) == ("u1", "ns/g", (("app", "x"),), ("g", "red", "5d"))
    assert j.rows["ns/g"][0] is g  # equal cells from both sides: the row is not built again
    assert j._current("ns/g") is g


def test_which_scopes_are_read_in_two_streams():
    kind = ResourceScope("apps/v1", "replicasets", "ns", table=True)
    assert joins(kind)
    assert joins(replace(kind, namespace=None, include_object=True))  # cells with metadata
    assert not joins(replace(kind, namespace=None))  # every namespace: one Table, as before
    assert not joins(ResourceScope("v1", "pods", "ns"))  # not a Table: a pane's store
