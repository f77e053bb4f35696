"""Columns a kind's view joins from another kind's store: a Service's ENDPOINTS from the
namespace's EndpointSlices (or Endpoints).

A join names its columns, the store it needs (chosen by discovery) and how a row's cells come
out of that store. The view holds the store beside its own, repaints when it changes, and asks
``cells`` per row on screen: nothing is copied into the rows, so an endpoint that turns ready
repaints its Service's line without touching the Services' store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.kinds.endpoints import endpoint_scope, endpoints_text, readiness, selector_labels
from kubetui.k8s.kinds.owners import NO_SELECTOR
from kubetui.k8s.kinds.table import ColumnDef, TableRow, cell_text
from kubetui.k8s.transport.discovery import Discovery
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.store import LiveStore

Cells = tuple[tuple[str, ...], str]  # the join's cells for a row, and the row's health
Sources = dict[str, tuple[ResourceScope, Any]]  # name -> (scope, row builder)


@dataclass(frozen=True)
class KindJoin:
    columns: tuple[ColumnDef, ...]
    sources: Callable[[Discovery, str | None], Sources]
    cells: Callable[[dict[str, LiveStore], TableRow, tuple[ColumnDef, ...]], Cells]


def _by_service(s) -> tuple[tuple[str, str], ...]:
    return ((s.namespace, s.service),)


def service_readiness(store: LiveStore, namespace: str, name: str):
    return readiness(store.lookup("service", _by_service, (namespace, name)))


def _labels_of(pod) -> tuple[tuple[str, str], ...]:
    return pod.labels


def _column(row: TableRow, columns: tuple[ColumnDef, ...], name: str) -> str:
    for i, column in enumerate(columns):
        if column.name.lower() == name and i < len(row.cells):
            return cell_text(row.cells[i])
    return ""


def _service_sources(discovery: Discovery, namespace: str | None) -> Sources:
    """The endpoints, and the pods (the main screen's store of the namespace: one watch) to
    tell a selector that matches nothing from pods that have no address yet."""
    return {"endpoints": endpoint_scope(discovery, namespace),
            "pods": (ResourceScope("v1", "pods", namespace), pod_row)}


def _service_cells(stores: dict[str, LiveStore], row: TableRow,
                   columns: tuple[ColumnDef, ...]) -> Cells:
    endpoints, pods = stores["endpoints"], stores["pods"]
    if not endpoints.synced:
        return ("…",), ""
    found = service_readiness(endpoints, row.namespace, row.name)
    selector = _column(row, columns, "selector")
    matching = None
    if selector not in NO_SELECTOR and pods.synced:
        wanted = selector_labels(selector)
        first = next(iter(wanted.items()), None)
        candidates = pods.lookup("label", _labels_of, first) if first else []
        matching = sum(1 for pod in candidates if pod.namespace == row.namespace
                       and wanted.items() <= set(pod.labels))
    words, health = endpoints_text(found, selector not in NO_SELECTOR,
                                   _column(row, columns, "type") == "ExternalName", matching)
    return (words,), health


ENDPOINTS = ColumnDef("Endpoints", width=len("none: selects no pod"),
                      description="ready / not ready endpoints (EndpointSlices)")
JOINS = {("", "Service"): KindJoin((ENDPOINTS,), _service_sources, _service_cells)}


def join_for(group: str, kind: str) -> KindJoin | None:
    return JOINS.get((group, kind))
