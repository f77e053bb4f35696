"""Kinds whose Table lacks what an SRE needs, read with the object: a Deployment's rollout in
words, a ReplicaSet's revision, a Job's failures, a ConfigMap's keys and sizes...

Such a kind's row is built from a Table row and its object (``{"cells", "object"}``; the view's
scope says ``include_object``, and the two come as two streams, ``watch/joined.py``). The kind's
``facts`` function reads the few fields it needs (declared as a ``TypedDict``: a list of 10,000
ReplicaSets decodes those and skips the rest, ``pruned.py``). The facts become extra cells after
the server's own, a health (the row's colour) and a revision. A kind registers its
columns, fields and function with ``@rich(group, kind, columns, fields)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from kubetui.k8s.kinds.table import ColumnDef, RichMeta, TableRow, row_with
from kubetui.k8s.transport.shapes import SHAPE_ERRORS, mapping
from kubetui.k8s.watch.pruned import reads


@dataclass(frozen=True, slots=True)
class Facts:
    cells: tuple[str, ...]  # one per ``Rich.columns``
    health: str = ""  # running (fine), pending (on its way), failed, succeeded: the colour
    revision: int = 0


@dataclass(frozen=True)
class Rich:
    group: str
    kind: str
    columns: tuple[ColumnDef, ...]
    facts: Callable[[dict], Facts]
    transform: Callable[[dict], TableRow]


RICH: dict[tuple[str, str], Rich] = {}


def rich_for(group: str, kind: str) -> Rich | None:
    # They register on import.
    from kubetui.k8s.kinds import config, network, workloads  # noqa: F401

    return RICH.get((group, kind))


def rich(group: str, kind: str, columns: tuple[ColumnDef, ...],
         fields: type) -> Callable[[Callable[[dict], Facts]], Callable[[dict], Facts]]:
    """Register ``facts`` for a kind; ``fields``: the ``TypedDict`` of the object's fields it
    reads (spec and status; the metadata is read for every row)."""
    def register(facts: Callable[[dict], Facts]) -> Callable[[dict], Facts]:
        object_fields = TypedDict(  # type: ignore[misc]  # noqa: UP013
            f"{kind}Object", {**fields.__annotations__, "metadata": RichMeta}, total=False)
        row_fields = TypedDict(  # type: ignore[misc]  # noqa: UP013
            f"{kind}Row", {"cells": list[Any], "object": object_fields}, total=False)
        blank = Facts(("?",) * len(columns))

        @reads(row_fields)
        def transform(item: dict) -> TableRow:
            try:
                found = facts(mapping(item.get("object")))
            except SHAPE_ERRORS:
                found = blank  # a field of another shape: the server's cells still show
            return row_with(item, found.cells, found.health, found.revision)

        functools.update_wrapper(transform, facts, assigned=("__name__", "__doc__"))
        RICH[(group, kind)] = Rich(group, kind, columns, facts, transform)
        return facts
    return register


def revision_of(meta: dict) -> int:
    text = mapping(meta.get("annotations")).get("deployment.kubernetes.io/revision")
    try:
        return int(text) if text else 0
    except (TypeError, ValueError):
        return 0


def count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def condition(status: dict, kind: str) -> dict:
    for c in status.get("conditions") or ():
        if isinstance(c, dict) and c.get("type") == kind:
            return c
    return {}
