"""The incremental List parser: whatever the chunking, exactly what ``json.loads`` reads."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubetui.k8s.watch.list_stream import ListStream

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)
items = st.lists(st.dictionaries(st.text(max_size=5), json_values, max_size=4), max_size=8)


def parse(body: bytes, cuts: list[int]) -> tuple[list[dict], dict]:
    stream, out, last = ListStream(), [], 0
    for cut in sorted(set(cuts)):
        out += stream.feed(body[last:cut])
        last = cut
    out += stream.feed(body[last:])
    out += stream.close()
    return out, stream.fields


@given(items=items, meta=st.dictionaries(st.text(), json_values, max_size=3),
       items_first=st.booleans(), indent=st.sampled_from([None, 0, 2]), data=st.data())
def test_any_chunking_reads_what_json_loads_reads(items, meta, items_first, indent, data):
    doc = {"items": items, "metadata": meta, "kind": "PodList"} if items_first else \
        {"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": items}
    body = json.dumps(doc, indent=indent, ensure_ascii=False).encode()
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=12))
    got, fields = parse(body, cuts)
    assert got == items
    assert fields == {k: v for k, v in doc.items() if k != "items"}


def test_one_byte_at_a_time_with_multibyte_text():
    doc = {"metadata": {"resourceVersion": "7", "remainingItemCount": 12345},
           "items": [{"metadata": {"name": "é‮☃", "uid": "u"}}, {"n": 1.5e3}]}
    body = json.dumps(doc, ensure_ascii=False).encode()
    assert parse(body, list(range(len(body)))) == (doc["items"], {"metadata": doc["metadata"]})


def test_items_arrive_before_the_body_ends():
    body = json.dumps({"metadata": {}, "items": [{"a": i} for i in range(3)]}).encode()
    stream = ListStream()
    first = stream.feed(body[:body.index(b'{"a": 2}')])
    assert first == [{"a": 0}, {"a": 1}]
    assert stream.count == 2


def test_null_items_and_empty_list():
    assert parse(b'{"items": null, "metadata": {}}', []) == ([], {"items": None, "metadata": {}})
    assert parse(b'{"items": []}', [3, 9]) == ([], {})


@pytest.mark.parametrize("body", [b'{"items": [{"a": 1}', b'{"items": [{"a": 1}]', b"[1, 2]",
                                  b'{"items": [1}', b'{"items": [{}]} x', b'{"a" 1}', b""])
def test_truncated_or_malformed_bodies_are_refused(body):
    with pytest.raises(ValueError):
        parse(body, [len(body) // 2])
