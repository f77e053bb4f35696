"""Decoding only the fields a row reads: the same rows as from whole objects, whatever comes."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubetui.k8s.core.events import EventFields, event_row
from kubetui.k8s.core.pods import PodFields, pod_row
from kubetui.k8s.watch.list_stream import ListStream
from kubetui.k8s.watch.pruned import ItemDecoder
from tests.unit.test_event_rows import CORE_1_20, CORE_WITH_SERIES, EVENTS_V1_SERIES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANAGED = [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
            "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}}]


def compact(value) -> bytes:
    """As the apiserver writes JSON (Go's encoder: no spaces)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def sample_pod(i: int) -> dict:
    """Pods that take every branch of the row: init containers, restarts, deletion, eviction,
    claims, runtime classes, readiness conditions."""
    kinds = i % 6
    meta = {"name": f"p-{i}", "namespace": "ns", "uid": f"uid-{i}", "resourceVersion": str(i),
            "creationTimestamp": "2026-11-24T10:00:00Z", "labels": {"app": f"a{i % 3}"},
            "annotations": {"note": 'text with },{"metadata": inside'},
            "managedFields": MANAGED}
    spec = {"containers": [{"name": "app", "image": "busybox", "env": [{"name": "A"}]},
                           {"name": "side", "image": "busybox"}],
            "nodeName": "node-1", "volumes": [{"name": "data", "persistentVolumeClaim":
                                               {"claimName": f"claim-{i}"}},
                                              {"name": "tmp", "emptyDir": {}}]}
    running = {"name": "app", "ready": True, "restartCount": i % 4, "image": "busybox",
               "state": {"running": {"startedAt": "2026-11-24T10:01:00Z"}},
               "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                            "finishedAt": "2026-11-24T10:00:30Z"}}}
    status = {"phase": "Running", "podIP": f"10.0.0.{i % 250}", "hostIP": "10.0.0.1",
              "conditions": [{"type": "Ready", "status": "True",
                              "lastTransitionTime": "2026-11-24T10:01:00Z"}],
              "containerStatuses": [running, {**running, "name": "side", "ready": False, "state": {
                  "waiting": {"reason": "CrashLoopBackOff"}}}]}
    if kinds == 1:
        spec["initContainers"] = [{"name": "init", "image": "busybox"}]
        status["phase"] = "Pending"
        status["initContainerStatuses"] = [{"name": "init", "restartCount": 2, "state": {
            "waiting": {"reason": "CrashLoopBackOff"}}}]
    elif kinds == 2:
        meta["deletionTimestamp"] = "2026-11-24T11:00:00Z"
    elif kinds == 3:
        status.update(phase="Failed", reason="Evicted", message="low on memory",
                      containerStatuses=[])
    elif kinds == 4:
        spec["runtimeClassName"] = "gvisor"
        status["containerStatuses"] = [{**running, "state": {"terminated": {
            "exitCode": 0, "reason": "Completed"}}}, running]
        status["conditions"] = [{"type": "Ready", "status": "False"}]
    return {"metadata": meta, "spec": spec, "status": status}


def fixture_pods() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("k8s-*/pod-*.json"))]


def pruned(obj: dict, transform=pod_row) -> dict:
    items = ItemDecoder(transform).items(compact([obj]).decode())
    assert items is not None
    return items[0]


EVENTS = [CORE_1_20, EVENTS_V1_SERIES, CORE_WITH_SERIES,
          {**CORE_1_20, "metadata": {**CORE_1_20["metadata"], "managedFields": MANAGED},
           "count": "seven", "source": {"component": 3}, "lastTimestamp": None}]


def read_list(body: bytes, cuts: list[int], decoder: ItemDecoder | None) -> list[dict]:
    stream, out, last = ListStream(decoder), [], 0
    for cut in sorted(set(cuts)):
        out += stream.feed(body[last:cut])
        last = cut
    out += stream.feed(body[last:])
    return out + stream.close()


def rows(items: list[dict]):
    return [pod_row(item) for item in items]


@pytest.mark.parametrize("pod", [sample_pod(i) for i in range(6)] + fixture_pods(),
                         ids=lambda p: p["metadata"]["name"])
def test_a_pruned_pod_makes_the_same_row(pod):
    small = pruned(pod)
    assert "managedFields" not in small["metadata"]
    assert pod_row(small) == pod_row(pod)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 12), data=st.data())
def test_any_chunking_gives_the_rows_of_whole_objects(n, data):
    pods = [sample_pod(i) for i in range(n)]
    body = compact({"kind": "PodList", "apiVersion": "v1",
                    "metadata": {"resourceVersion": "9"}, "items": pods})
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=10))
    items = read_list(body, cuts, ItemDecoder(pod_row))
    assert rows(items) == rows(pods)


def test_runs_of_items_decode_in_one_call():
    pods = [sample_pod(i) for i in range(50)]
    body = compact({"metadata": {}, "items": pods})
    stream = ListStream(ItemDecoder(pod_row))
    items = stream.feed(body[:len(body) // 2]) + stream.feed(body[len(body) // 2:])
    items += stream.close()
    assert rows(items) == rows(pods) and stream.count == 50
    # Only the first item and the last are read whole: the rest came pruned.
    assert sum("managedFields" in item["metadata"] for item in items) == 2


def test_an_item_of_another_shape_falls_back_without_losing_any():
    pods = [sample_pod(i) for i in range(8)]
    pods[4]["metadata"]["labels"] = None  # not a map: the run is read item by item
    pods[5]["status"]["podIP"] = 7  # not a string
    body = compact({"metadata": {}, "items": pods})
    items = read_list(body, [len(body) // 3], ItemDecoder(pod_row))
    assert [i["metadata"]["uid"] for i in items] == [p["metadata"]["uid"] for p in pods]
    assert rows(items) == rows(pods)


def test_the_separator_inside_an_item_is_not_an_item_boundary():
    pods = [sample_pod(i) for i in range(4)]
    pods[1]["spec"]["extra"] = [{"metadata": {"uid": "not-an-item"}}, {"metadata": {}}]
    pods[2]["metadata"]["labels"]["t"] = '},{"metadata":{"uid":"x"}}'
    body = compact({"metadata": {}, "items": pods})
    for cuts in ([], [body.index(b"not-an-item") + 20], list(range(0, len(body), 97))):
        assert rows(read_list(body, cuts, ItemDecoder(pod_row))) == rows(pods)


def test_items_of_another_first_key_still_stream():
    """A list whose items do not all start alike: read one by one, and still as they arrive
    (after a megabyte without an item start, not only when the body ends)."""
    odd = [{"kind": "Pod", **sample_pod(i), "pad": "x" * 4000} for i in range(1, 600)]
    pods = [sample_pod(0), *odd]
    body = compact({"metadata": {}, "items": pods})
    stream = ListStream(ItemDecoder(pod_row))
    early = stream.feed(body[:len(body) // 2])
    assert len(early) > 100
    assert rows(early + stream.feed(body[len(body) // 2:]) + stream.close()) == rows(pods)


def test_pretty_printed_lists_and_other_kinds_are_read_whole():
    pods = [sample_pod(i) for i in range(3)]
    pretty = json.dumps({"metadata": {}, "items": pods}, indent=2).encode()
    assert read_list(pretty, [100, 2000], ItemDecoder(pod_row)) == pods
    assert read_list(compact({"items": pods}), [], ItemDecoder(lambda obj: obj)) == pods


def test_watch_events_are_pruned_but_errors_and_bookmarks_are_whole():
    decoder = ItemDecoder(pod_row)
    pod = sample_pod(3)
    event = decoder.event(compact({"type": "MODIFIED", "object": pod}).decode())
    assert event["type"] == "MODIFIED" and "managedFields" not in event["object"]["metadata"]
    assert pod_row(event["object"]) == pod_row(pod)
    status = {"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}
    assert decoder.event(compact({"type": "ERROR", "object": status}).decode()) == {
        "type": "ERROR", "object": status}
    bookmark = {"kind": "Pod", "metadata": {"resourceVersion": "12",
                                            "annotations": {"k8s.io/initial-events-end": "true"}}}
    assert decoder.event(compact({"type": "BOOKMARK", "object": bookmark}).decode())[
        "object"] == bookmark
    odd = {**pod, "status": {**pod["status"], "phase": 3}}
    assert decoder.event(compact({"type": "ADDED", "object": odd}).decode())["object"] == odd
    assert decoder.event('{"type": 5}') == {"type": 5}
    with pytest.raises(ValueError):
        decoder.event('{"type": "ADDED", "object": {')
    assert ItemDecoder(lambda o: o).event(compact({"type": "ADDED", "object": pod}).decode())[
        "object"] == pod


class Recorder(dict):
    """A dict that notes every key read from it (and below it) as a dotted path."""

    def __init__(self, value: dict, path: str, seen: set[str]) -> None:
        super().__init__({k: wrap(v, f"{path}{k}.", seen) for k, v in value.items()})
        self._path, self._seen = path, seen

    def get(self, key, default=None):
        self._seen.add(self._path + key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._seen.add(self._path + key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._seen.add(self._path + key)
        return super().__contains__(key)

    def items(self):
        self._seen.update(self._path + k for k in self)
        return super().items()


def wrap(value, path: str, seen: set[str]):
    if isinstance(value, dict):
        return Recorder(value, path, seen)
    if isinstance(value, list):
        return [wrap(v, path, seen) for v in value]
    return value


def declared(fields, path: str = "") -> set[str]:
    """Every dotted path the TypedDict declares; a ``dict[str, Any]`` declares all below it."""
    out = set()
    for key, hint in typing.get_type_hints(fields).items():
        out.add(path + key)
        inner = hint
        while typing.get_origin(inner) is list:
            inner = typing.get_args(inner)[0]
        if typing.is_typeddict(inner):
            out |= declared(inner, f"{path}{key}.")
        elif typing.get_origin(inner) is dict:
            out.add(f"{path}{key}.*")
    return out


@pytest.mark.parametrize("transform,fields,objects", [
    (pod_row, PodFields, [sample_pod(i) for i in range(6)] + fixture_pods()),
    (event_row, EventFields, EVENTS)], ids=["pods", "events"])
def test_the_row_reads_only_declared_fields(transform, fields, objects):
    """The guard for the next change to a row builder: a field it starts reading must be added
    to its fields, or lists would show it as absent while watch events show it."""
    allowed = declared(fields)
    for obj in objects:
        seen: set[str] = set()
        transform(wrap(obj, "", seen))
        stray = {p for p in seen if p not in allowed and not any(
            a.endswith(".*") and p.startswith(a[:-1]) for a in allowed)}
        assert not stray, f"{transform.__name__} reads {sorted(stray)}, not declared"


@pytest.mark.parametrize("event", EVENTS, ids=range(len(EVENTS)))
def test_a_pruned_event_makes_the_same_row(event):
    small = pruned(event, event_row)
    assert "managedFields" not in small["metadata"]
    assert event_row(small) == event_row(event)
