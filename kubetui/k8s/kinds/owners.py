"""The owner chain downwards: what enter on an object shows.

A Deployment owns ReplicaSets, a CronJob owns Jobs; ReplicaSets, StatefulSets, DaemonSets, Jobs
and ReplicationControllers own pods (their ``ownerReferences`` name the controller's uid); a
Service owns nothing but selects pods by label. Pure: decided from the kind and the row.

Upwards, ``owner_chain`` follows each object's controller reference (a pod's ReplicaSet, its
Deployment) with one GET per step, to the top controller: what a pod's describe names and its
``O`` key opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.kinds.catalog import Catalog
from kubetui.k8s.kinds.objects import read_object
from kubetui.k8s.kinds.table import ColumnDef, TableRow, cell_text
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import mapping, text

#: (group, kind) -> (group, plural) of the objects it controls, other than pods
OWNS = {("apps", "Deployment"): ("apps", "replicasets"),
        ("batch", "CronJob"): ("batch", "jobs")}
#: (group, kind) whose controller owns pods directly
OWNS_PODS = {("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
             ("batch", "Job"), ("", "ReplicationController")}
NO_SELECTOR = ("", "<none>")


@dataclass(frozen=True)
class Children:
    """What to show for an owner: pods or another kind (``group``, ``plural``), in the owner's
    namespace, narrowed by owner uid or by a label selector."""

    group: str
    plural: str  # "pods", "replicasets", "jobs"
    namespace: str
    owner_uid: str = ""
    label_selector: str = ""
    service: str = ""  # the Service whose selector this is (its pods show their endpoints)
    title: str = ""  # "pods of replicaset web-5d4f", "pods selected by service web (app=web)"
    problem: str = ""  # why there is nothing to show (a Service without a selector)

    @property
    def pods(self) -> bool:
        return self.group == "" and self.plural == "pods"


def lists_on_enter(group: str, kind: str) -> tuple[str, str] | None:
    """The (group, plural) enter lists for an object of this kind; None: its YAML instead (what
    the key needs, for ``AccessAware``)."""
    if (group, kind) in OWNS:
        return OWNS[(group, kind)]
    if (group, kind) in OWNS_PODS or (group, kind) == ("", "Service"):
        return ("", "pods")
    return None


def children_of(group: str, kind: str, row: TableRow,
                columns: tuple[ColumnDef, ...] = ()) -> Children | None:
    """None: the kind owns nothing kubetui follows (enter shows its YAML instead)."""
    what = f"{kind.lower()} {row.name}"
    owned = OWNS.get((group, kind))
    if owned is not None:
        return Children(owned[0], owned[1], row.namespace, owner_uid=row.uid,
                        title=f"{owned[1]} of {what}")
    if (group, kind) in OWNS_PODS:
        return Children("", "pods", row.namespace, owner_uid=row.uid, title=f"pods of {what}")
    if (group, kind) == ("", "Service"):
        selector = service_selector(row, columns)
        if selector in NO_SELECTOR:
            return Children("", "pods", row.namespace, title=f"pods selected by {what}",
                            problem=f"service {row.name} has no selector: its endpoints are "
                                    "managed by hand (or by a controller), not by pod labels")
        return Children("", "pods", row.namespace, label_selector=selector, service=row.name,
                        title=f"pods selected by {what} ({selector})")
    return None


def service_selector(row: TableRow, columns: tuple[ColumnDef, ...]) -> str:
    """The Service's selector as the server printed it (``kubectl get svc -o wide``'s
    SELECTOR: ``app=web,tier=frontend`` or ``<none>``)."""
    for i, column in enumerate(columns):
        if column.name.lower() == "selector" and i < len(row.cells):
            return cell_text(row.cells[i])
    return ""


@dataclass(frozen=True)
class Link:
    """One controller up the chain, as the owner reference names it."""

    api_version: str  # "apps/v1"
    kind: str  # "ReplicaSet"
    name: str

    @property
    def group(self) -> str:
        return self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else ""

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


MAX_CHAIN = 6


def controller_link(meta: dict) -> Link | None:
    for ref in meta.get("ownerReferences") or ():
        ref = mapping(ref)
        if ref.get("controller") is True:
            return Link(text(ref.get("apiVersion")), text(ref.get("kind")), text(ref.get("name")))
    return None


async def owner_chain(cluster: Cluster, catalog: Catalog, namespace: str,
                      meta: dict) -> tuple[tuple[Link, ...], str]:
    """The controllers above an object, nearest first, and why the walk stopped early (a
    kind the server does not serve, an owner gone or not readable: ""when it reached the top)."""
    links: list[Link] = []
    link = controller_link(meta)
    while link is not None and len(links) < MAX_CHAIN:
        links.append(link)
        kind = catalog.of_kind(link.group, link.kind)
        if kind is None:
            return tuple(links), f"{link.kind} is not a kind this server lists"
        try:
            obj = await read_object(cluster, kind, namespace, link.name)
        except KubeError as error:
            return tuple(links), f"{link}: {error.summary}"
        link = controller_link(mapping(obj.get("metadata")))
    return tuple(links), ""


def chain_text(links: tuple[Link, ...], stopped: str = "") -> str:
    text_ = " ← ".join(str(link) for link in links) or "<none>"
    return f"{text_} ({stopped})" if stopped else text_
