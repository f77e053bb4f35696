"""Events from either API shape, with any field missing (1.20 writes a null eventTime)."""

from hypothesis import given
from hypothesis import strategies as st

from kubetui.k8s.core.events import event_row, event_text
from kubetui.k8s.core.pods import parse_time

CORE_1_20 = {  # as a 1.20 kubelet writes it (core/v1)
    "metadata": {"uid": "e1", "namespace": "demo", "name": "p.16b",
                 "creationTimestamp": "2026-11-24T10:00:00Z"},
    "involvedObject": {"kind": "Pod", "name": "p", "namespace": "demo", "uid": "pod-uid"},
    "reason": "Unhealthy", "message": "Liveness probe failed:  \n", "type": "Warning",
    "count": 7, "firstTimestamp": "2026-11-24T10:00:00Z",
    "lastTimestamp": "2026-11-24T10:05:00Z", "eventTime": None,
    "source": {"component": "kubelet", "host": "localhost"},
}
EVENTS_V1_SERIES = {  # events.k8s.io/v1 with a series (1.28+ components)
    "metadata": {"uid": "e2", "namespace": "demo", "creationTimestamp": "2026-11-24T09:00:00Z"},
    "regarding": {"kind": "Pod", "name": "q", "uid": "q-uid"},
    "reason": "BackOff", "note": "Back-off restarting failed container", "type": "Warning",
    "eventTime": "2026-11-24T09:00:00.000000Z",
    "series": {"count": 42, "lastObservedTime": "2026-11-24T10:10:00.123456Z"},
    "reportingController": "kubelet", "deprecatedCount": 0,
}
CORE_WITH_SERIES = {  # core/v1 view of an event written through events.k8s.io
    "metadata": {"uid": "e3", "namespace": "demo"},
    "involvedObject": {"kind": "Node", "name": "n1"},
    "reason": "Rebooted", "message": "m", "type": "Normal",
    "eventTime": "2026-11-24T08:00:00.000000Z", "count": None,
    "series": {"count": 3, "lastObservedTime": "2026-11-24T08:30:00.000000Z"},
    "reportingController": "kubelet",
}


def test_core_v1_counts():
    row = event_row(CORE_1_20)
    assert (row.type, row.reason, row.count, row.object_ref, row.object_uid) == (
        "Warning", "Unhealthy", 7, "pod/p", "pod-uid")
    assert row.last_seen == parse_time("2026-11-24T10:05:00Z")
    assert row.message == "Liveness probe failed:"
    assert row.source == "kubelet" and row.is_warning


def test_events_v1_series():
    row = event_row(EVENTS_V1_SERIES)
    assert row.count == 42
    assert row.message.startswith("Back-off")
    assert row.object_ref == "pod/q"
    assert abs(row.last_seen - parse_time("2026-11-24T10:10:00Z") - 0.123456) < 1e-3


def test_core_view_with_series_and_null_count():
    row = event_row(CORE_WITH_SERIES)
    assert row.count == 3 and row.object_ref == "node/n1" and not row.is_warning
    assert row.last_seen == parse_time("2026-11-24T08:30:00Z")


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                           lambda c: st.lists(c, max_size=3) |
                           st.dictionaries(st.text(max_size=8), c, max_size=3), max_leaves=10)


@given(st.dictionaries(st.sampled_from(["metadata", "involvedObject", "regarding", "series",
                                        "reason", "type", "message", "note", "count"]),
                       st.none() | st.text(max_size=5) | st.dictionaries(
                           st.sampled_from(["uid", "name", "kind", "count"]),
                           st.none() | st.text(max_size=5), max_size=3), max_size=6))
def test_odd_shapes_never_raise(data):
    try:
        event_row(data)
    except (AttributeError, TypeError, ValueError) as exc:  # pragma: no cover - reported below
        raise AssertionError(f"event_row raised {exc!r} on {data!r}") from exc


def test_the_whole_event_keeps_what_the_table_folds():
    row = event_row(CORE_1_20)
    now = parse_time("2026-11-24T10:06:00Z")
    text = event_text(row, now)
    assert row.message == "Liveness probe failed:"  # folded for the table
    assert text.endswith("Message:\nLiveness probe failed:  \n")  # as written
    assert "First seen:  2026-11-24T10:00:00Z (6m ago)" in text
    assert "Last seen:   2026-11-24T10:05:00Z (60s ago)" in text
    assert "Count:       7" in text and "Object UID:  pod-uid" in text
    assert "Object:      pod/p in demo" in text and "Source:      kubelet" in text


def test_about_pod_by_uid_else_by_name_and_never_an_earlier_pod_of_that_name():
    from kubetui.k8s.core.events import about_pod

    this = event_row(CORE_1_20)  # carries pod-uid
    assert about_pod(this, "pod-uid", "p", "demo")
    assert not about_pod(this, "new-uid", "p", "demo")  # an earlier pod named p
    unowned = event_row({**CORE_1_20, "involvedObject": {"kind": "Pod", "name": "p",
                                                         "namespace": "demo"}})
    assert about_pod(unowned, "new-uid", "p", "demo")
    assert not about_pod(unowned, "new-uid", "q", "demo")
    assert not about_pod(unowned, "new-uid", "p", "other")
