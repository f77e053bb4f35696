"""RowOrder: the sorted keys are walked by each filter; texts are built once per row version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from kubetui.widgets.row_order import RowOrder


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    status: str = "Running"


def by_name(row: Row) -> str:
    return row.name


def expected(rows: dict, pattern: str | None, predicate=None, reverse=False) -> list[str]:
    ordered = sorted(rows.values(), key=by_name, reverse=reverse)
    return [r.key for r in ordered
            if (pattern is None or re.search(pattern, f"{r.name} {r.status}"))
            and (predicate is None or predicate(r))]


def test_filters_walk_the_sorted_keys_and_texts_are_built_once():
    built = []
    order = RowOrder(lambda r: built.append(r.key) or f"{r.name} {r.status}")
    rows = {f"u{i}": Row(f"u{i}", f"pod-{i:03d}") for i in range(50)}
    assert order.keys(rows, by_name, False) == expected(rows, None)
    for typed in ("p", "po", "pod-0", "pod-01", "pod-01[0-4]"):
        order.text_match = re.compile(typed).search
        assert order.keys(rows, by_name, False) == expected(rows, typed)
    assert sorted(built) == sorted(rows)  # one text per row for all five keystrokes


def test_a_changed_row_refilters_only_when_the_filter_decides_differently():
    order = RowOrder(lambda r: f"{r.name} {r.status}")
    rows = {"a": Row("a", "api"), "b": Row("b", "db")}
    order.text_match = re.compile("Crash").search
    assert order.keys(rows, by_name, False) == []
    new = Row("a", "api", "CrashLoopBackOff")
    assert order.changed("a", rows["a"], new) is True
    rows["a"] = new
    assert order.keys(rows, by_name, False) == ["a"]
    same = Row("b", "db", "Running")
    assert order.changed("b", rows["b"], same) is False
    order.predicate = lambda r: r.name != "api"
    assert order.changed("a", new, Row("a", "api", "Crashed")) is False  # excluded before, after
    assert order.changed("x", None, Row("x", "x")) is True  # a new row


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["Running", "Failed"])),
                max_size=30),
       st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["Running", "Failed"]),
                          st.booleans()), max_size=20),
       st.sampled_from([None, "Failed", "a|c", "^b"]), st.booleans(), st.booleans())
def test_after_any_changes_the_order_equals_a_fresh_sort_and_filter(
        initial, changes, pattern, with_predicate, reverse):
    order = RowOrder(lambda r: f"{r.name} {r.status}")
    rows = {f"k{i}": Row(f"k{i}", f"{n}{i:02d}", s) for i, (n, s) in enumerate(initial)}
    predicate = (lambda r: not r.name.startswith("e")) if with_predicate else None
    order.predicate = predicate
    order.text_match = re.compile(pattern).search if pattern else None
    order.keys(rows, by_name, reverse)
    for index, status, delete in changes:
        key = f"k{index}"
        if delete:
            if rows.pop(key, None) is not None:
                order.forget(key)
                order.resort()
            continue
        old = rows.get(key)
        row = Row(key, old.name if old else f"f{index:02d}", status)
        rows[key] = row
        order.changed(key, old, row)
        if old is None:
            order.resort()
        assert order.keys(rows, by_name, reverse) == expected(rows, pattern, predicate, reverse)
    assert order.keys(rows, by_name, reverse) == expected(rows, pattern, predicate, reverse)


def by_status_then_name(row: Row) -> tuple[str, str]:
    return (row.status, row.name)


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["Running", "Failed"])),
                max_size=120),
       st.lists(st.lists(st.tuples(st.integers(0, 129), st.sampled_from(
           ["Running", "Failed", "Pending"]), st.booleans()), max_size=8), max_size=12),
       st.sampled_from([None, "Failed", "a|c"]), st.booleans())
def test_rows_placed_one_by_one_keep_the_order_a_fresh_sort_gives(
        initial, batches, pattern, reverse):
    """Batches of arrivals, departures and sort-key changes (ties included: the names repeat)
    are placed into the kept order; after each, the shown rows are the fresh sort's rows and
    their sort keys run in the same order (equal keys may sit in either order)."""
    order = RowOrder(lambda r: f"{r.name} {r.status}")
    rows = {f"k{i}": Row(f"k{i}", n, s) for i, (n, s) in enumerate(initial)}
    order.text_match = re.compile(pattern).search if pattern else None
    key = by_status_then_name
    order.keys(rows, key, reverse)
    for batch in batches:
        gone, moved, arrived = [], [], []
        for index, status, delete in batch:
            k = f"k{index}"
            if delete:
                if rows.pop(k, None) is not None:
                    order.forget(k)
                    gone.append(k)
                continue
            old = rows.get(k)
            row = Row(k, old.name if old else "d", status)
            rows[k] = row
            order.changed(k, old, row)
            if old is None:
                arrived.append(k)
            elif key(old) != key(row):
                moved.append(k)
        order.place(gone, moved, arrived)
        shown = order.keys(rows, key, reverse)
        fresh = [r.key for r in sorted(rows.values(), key=key, reverse=reverse)
                 if pattern is None or re.search(pattern, f"{r.name} {r.status}")]
        assert sorted(shown) == sorted(fresh)
        assert [key(rows[k]) for k in shown] == [key(rows[k]) for k in fresh]


def test_a_few_rows_are_placed_without_sorting_everything_again():
    calls = []

    def counted(row: Row) -> str:
        calls.append(row.key)
        return row.name

    order = RowOrder()
    rows = {f"k{i}": Row(f"k{i}", f"pod-{i:05d}") for i in range(0, 20000, 2)}
    order.keys(rows, counted, True)
    calls.clear()
    rows["k7"] = Row("k7", "pod-00007")
    del rows["k10"]
    rows["k8"] = Row("k8", "pod-00001")  # now sorts elsewhere
    order.place(gone=["k10"], moved=["k8"], arrived=["k7"])
    shown = order.keys(rows, counted, True)
    assert shown == [r.key for r in sorted(rows.values(), key=by_name, reverse=True)]
    assert len(calls) < 100  # a binary search, not 10,000 sort keys
