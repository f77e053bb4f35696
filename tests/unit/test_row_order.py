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
