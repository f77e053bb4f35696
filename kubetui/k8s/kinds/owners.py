"""The owner chain downwards: what enter on an object shows.

A Deployment owns ReplicaSets, a CronJob owns Jobs; ReplicaSets, StatefulSets, DaemonSets, Jobs
and ReplicationControllers own pods (their ``ownerReferences`` name the controller's uid); a
Service owns nothing but selects pods by label. Pure: decided from the kind and the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.kinds.table import ColumnDef, TableRow, cell_text

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
