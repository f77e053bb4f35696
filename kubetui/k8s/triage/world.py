"""What one triage (or one overview refresh) reads, indexed once: objects by their controller's
uid, events by the object they are about, pods by label. The overview triages hundreds of
objects per refresh; without the indexes each would scan every pod and event again."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kubetui.k8s.core.events import EventRow
from kubetui.k8s.transport.shapes import mapping, text


@dataclass(frozen=True)
class World:
    """What the stores held for a triage hold now (None: not readable, or not held)."""

    pods: Sequence[dict] = ()
    replicasets: Sequence[dict] = ()
    jobs: Sequence[dict] = ()
    events: Sequence[EventRow] = ()
    nodes: Sequence[dict] | None = None
    storageclasses: Sequence[dict] | None = None
    extra: dict = field(default_factory=dict)
    #: the previous refresh's results: {key: (stamp, result)} — see ``carry``
    carried: Mapping[Hashable, tuple[Any, Any]] = field(default_factory=dict)

    @cached_property
    def kept(self) -> dict[Hashable, tuple[Any, Any]]:
        """This refresh's results, to be carried into the next one (only those asked for
        again: the others fall away with the old World)."""
        return {}

    def carry(self, key: Hashable, stamp: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, or the previous refresh's result for ``key`` when its inputs
        (``stamp``) are the same: an overview of 10,000 pods checks again only the pods that
        changed (a pod's uid: its resourceVersion, events and the nodes), and keeps the
        entries of unchanged reports (a report's id: the report, kept alive by the pair)."""
        old = self.carried.get(key) if key else None
        if old is not None and old[0] == stamp:
            self.kept[key] = old  # the old pair, not a new one: fewer objects for the collector
            return old[1]
        result = compute()
        if key:
            self.kept[key] = (stamp, result)
        return result

    @cached_property
    def nodes_stamp(self) -> Hashable:
        """What the checks read of the nodes, without what changes every few seconds
        (heartbeat times, the image list): a node's resourceVersion would move on with every
        heartbeat and every pod would be checked again."""
        if self.nodes is None:
            return None
        return tuple(_node_stamp(n) for n in self.nodes)

    @cached_property
    def _memo(self) -> dict[Hashable, Any]:
        return {}

    def remembered(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per World: a pod named by its Deployment, by its Service and by
        itself is triaged once per refresh."""
        memo = self._memo
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @cached_property
    def _by_controller(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for objects in (self.pods, self.replicasets, self.jobs):
            for obj in objects:
                for ref in mapping(obj.get("metadata")).get("ownerReferences") or ():
                    ref = mapping(ref)
                    if ref.get("controller") is True:
                        out.setdefault(text(ref.get("uid")), []).append(obj)
        return out

    def owned(self, uid: str) -> list[dict]:
        """The pods, ReplicaSets or Jobs whose controller is ``uid``."""
        return self._by_controller.get(uid, [])

    @cached_property
    def _events(self) -> tuple[dict[str, list[EventRow]], dict[tuple[str, str], list[EventRow]]]:
        by_uid: dict[str, list[EventRow]] = {}
        by_name: dict[tuple[str, str], list[EventRow]] = {}
        for e in self.events:
            if e.object_uid:
                by_uid.setdefault(e.object_uid, []).append(e)
            else:
                by_name.setdefault((e.object_kind, e.object_name), []).append(e)
        return by_uid, by_name

    def events_of(self, obj: dict, kind: str = "") -> list[EventRow]:
        """The events about ``obj``: by uid, and those that name it without one."""
        meta = mapping(obj.get("metadata"))
        by_uid, by_name = self._events
        kind = kind or text(obj.get("kind"))
        return by_uid.get(text(meta.get("uid")), []) + by_name.get((kind, text(meta.get("name"))),
                                                                    [])

    @cached_property
    def _labels(self) -> dict[tuple[str, str], list[dict]]:
        out: dict[tuple[str, str], list[dict]] = {}
        for pod in self.pods:
            for k, v in mapping(mapping(pod.get("metadata")).get("labels")).items():
                out.setdefault((str(k), str(v)), []).append(pod)
        return out

    def label_values(self, keys: set[str]) -> dict[tuple[str, str], list[dict]]:
        """The pods by (key, value), for the label keys ``keys``."""
        return {kv: pods for kv, pods in self._labels.items() if kv[0] in keys}

    def selected(self, selector: dict[str, str]) -> list[dict]:
        """The pods that carry every label of ``selector`` (none for an empty selector)."""
        if not selector:
            return []
        lists = sorted((self._labels.get((k, v), []) for k, v in selector.items()), key=len)
        first, rest = lists[0], lists[1:]
        if not rest:
            return list(first)
        others = [{id(p) for p in group} for group in rest]
        return [p for p in first if all(id(p) in ids for ids in others)]


def _node_stamp(node: dict) -> Hashable:
    meta, spec, status = (mapping(node.get(k)) for k in ("metadata", "spec", "status"))
    return (text(meta.get("name")), repr(sorted(mapping(meta.get("labels")).items())),
            repr(spec.get("taints")), spec.get("unschedulable") is True,
            repr(sorted(mapping(status.get("allocatable")).items())),
            tuple((text(c.get("type")), text(c.get("status")), text(c.get("reason")),
                   text(c.get("message")))
                  for c in map(mapping, status.get("conditions") or ())))
