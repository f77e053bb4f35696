"""Any kind's rows as the server prints them: the ``Table`` form of LIST and WATCH.

Asked with ``Accept: application/json;as=Table;g=meta.k8s.io;v=v1``, the apiserver answers a
list as ``{"columnDefinitions": [...], "rows": [{"cells": [...], "object": {...}}]}`` and each
watch event as a one-row Table (only the first event repeats the column definitions). The
columns are kubectl's for built-in kinds and a CRD's ``additionalPrinterColumns``; ``object``
is the object's metadata (``includeObject=Metadata``, the default): enough for the uid, the
age, the labels and the owners, so a view of 10,000 ReplicaSets never holds their specs.

A server that cannot print a kind as a Table (``Accept`` offers plain JSON last) answers a
plain list: its items become rows with NAME and AGE only.

Ages are not taken from the server's cells (``"3h"`` at the time of the LIST): a column named
``Age`` and every ``date`` column are drawn from timestamps, so they keep moving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.watch.pruned import reads


@dataclass(frozen=True)
class ColumnDef:
    name: str
    type: str = "string"  # string, integer, number, boolean, date
    format: str = ""  # "name" for the NAME column
    priority: int = 0  # 0: shown by kubectl get; more: kubectl get -o wide
    description: str = ""
    width: int = 0  # at least this wide (a column kubetui adds, whose cells it knows)

    @property
    def is_age(self) -> bool:
        return self.type == "date" or self.name.lower() == "age"


NAME_AND_AGE = (ColumnDef("Name", format="name"), ColumnDef("Age", type="date"))


def columns_of(definitions: Any) -> tuple[ColumnDef, ...]:
    out = []
    for d in definitions if isinstance(definitions, list) else ():
        d = mapping(d)
        priority = d.get("priority")
        out.append(ColumnDef(text(d.get("name")), text(d.get("type")) or "string",
                             text(d.get("format")),
                             priority if isinstance(priority, int) else 0,
                             text(d.get("description"))))
    return tuple(out)


@dataclass(frozen=True)
class OwnerRef:
    kind: str
    name: str
    uid: str
    controller: bool = False


@dataclass(frozen=True, slots=True)
class TableRow:
    """One object of any kind as the server printed it (``cells`` follow the store's
    ``columns``), with what every view needs from its metadata."""

    uid: str
    name: str
    namespace: str
    cells: tuple[Any, ...]
    created: float | None
    labels: tuple[tuple[str, str], ...] = ()
    owners: tuple[OwnerRef, ...] = ()
    deleting: bool = False  # deletionTimestamp set: on its way out
    health: str = ""  # a kind kubetui reads more of (``rich.py``): running, pending, failed...
    revision: int = 0  # a Deployment's or ReplicaSet's ``deployment.kubernetes.io/revision``
    ref: str = ""  # "namespace/name": the key of a row read in two streams (``watch/joined.py``)

    @property
    def key(self) -> str:
        return self.ref or self.uid

    @property
    def controller(self) -> OwnerRef | None:
        return next((o for o in self.owners if o.controller), None)


class Meta(TypedDict, total=False):
    name: str
    namespace: str
    uid: str
    creationTimestamp: str
    deletionTimestamp: str
    labels: dict[str, str]
    ownerReferences: list[dict[str, Any]]


class RichMeta(Meta, total=False):
    """What the kinds ``rich.py`` reads more of also read in the metadata."""

    generation: int
    annotations: dict[str, str]


class _Object(TypedDict, total=False):
    metadata: Meta


class _RowFields(TypedDict, total=False):
    cells: list[Any]
    object: _Object
    metadata: Meta  # a plain list's item (a server that printed no Table)


@reads(_RowFields)
def table_row(item: dict) -> TableRow:
    """A Table row (``{"cells", "object"}``), or a plain object when the server sent a list."""
    return row_with(item)


def row_with(item: dict, more: tuple[str, ...] = (), health: str = "",
             revision: int = 0) -> TableRow:
    """``table_row`` with the cells, health and revision a kind kubetui reads more of adds
    (``rich.py``): the row is built once. An item read in two streams names its ``ref``."""
    if "cells" in item:
        cells = item.get("cells")
        meta = mapping(mapping(item.get("object")).get("metadata"))
        values = tuple(cells) if isinstance(cells, list) else ()
    else:
        meta = mapping(item.get("metadata"))
        values = (text(meta.get("name")), text(meta.get("creationTimestamp")))
    labels = meta.get("labels")
    refs = meta.get("ownerReferences")
    owners = ()
    if refs:
        owners = tuple(OwnerRef(text(ref.get("kind")), text(ref.get("name")),
                                text(ref.get("uid")), ref.get("controller") is True)
                       for ref in map(mapping, refs if isinstance(refs, list) else ()))
    stamp = meta.get("creationTimestamp")
    return TableRow(uid=text(meta.get("uid")), name=text(meta.get("name")),
                    namespace=text(meta.get("namespace")),
                    cells=values + more if more else values,
                    created=parse_time(stamp) if stamp and isinstance(stamp, str) else None,
                    labels=tuple(sorted((str(k), str(v)) for k, v in labels.items()))
                    if labels and isinstance(labels, dict) else (),
                    owners=owners, deleting=bool(meta.get("deletionTimestamp")),
                    health=health, revision=revision, ref=item.get("ref") or "")


def cell_text(value: Any) -> str:
    """A cell as kubectl prints it: lists joined by commas, None as "<none>", booleans in
    lower case."""
    if value is None:
        return "<none>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(cell_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
