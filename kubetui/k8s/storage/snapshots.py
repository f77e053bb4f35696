"""CSI VolumeSnapshots: rows, class choice, and the request builders (pure, no I/O).

Every action is a ``SnapshotPlan``: the ``Write`` sent through the shared write path, the
kubectl equivalent and the manifest as YAML, so the confirm screen shows exactly what is sent.
The API version comes from discovery (``Capabilities.snapshot_version``: v1, else v1beta1).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import dataclass
from urllib.parse import quote

import yaml

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.storage.claims import quantity
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.transport.writes import Write

GROUP = "snapshot.storage.k8s.io"
DEFAULT_CLASS = "snapshot.storage.kubernetes.io/is-default-class"
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
NO_CRDS = ("The VolumeSnapshot CRDs are not installed on this cluster (no snapshot.storage.k8s.io "
           "in discovery). Install them and a snapshot controller from "
           "github.com/kubernetes-csi/external-snapshotter (client/config/crd and "
           "deploy/kubernetes/snapshot-controller), and a CSI driver that supports snapshots.")
NO_CONTROLLER = ("No status after {seconds} s: no snapshot controller seems to run (it is what "
                 "fills readyToUse; external-snapshotter's snapshot-controller), or the CSI "
                 "driver has no snapshot sidecar.")


class SnapshotInputError(ValueError):
    """Input the API would refuse, said before anything is sent."""


def check_name(name: str, what: str = "name") -> str:
    name = name.strip()
    if not name or len(name) > 253 or not _DNS_SUBDOMAIN.fullmatch(name):
        raise SnapshotInputError(f"{what} {name!r} is not a valid name (lower-case letters, "
                                 "digits, '-' and '.'; at most 253)")
    return name


@dataclass(frozen=True)
class SnapshotRow:
    uid: str
    namespace: str
    name: str
    source_pvc: str
    source_content: str  # a pre-provisioned snapshot's content
    class_name: str
    ready: bool | None  # None: no status yet
    restore_size: str
    bound_content: str
    creation_time: float | None  # when the storage took it (status)
    created: float | None  # the object's creation
    error: str

    @property
    def key(self) -> str:
        return self.uid

    @property
    def source(self) -> str:
        return self.source_pvc or (f"content/{self.source_content}" if self.source_content
                                   else "")


def snapshot_row(vs: dict) -> SnapshotRow:
    meta, spec, status = (mapping(vs.get(k)) for k in ("metadata", "spec", "status"))
    source = mapping(spec.get("source"))
    ready = status.get("readyToUse")
    return SnapshotRow(
        uid=text(meta.get("uid")), namespace=text(meta.get("namespace")),
        name=text(meta.get("name")), source_pvc=text(source.get("persistentVolumeClaimName")),
        source_content=text(source.get("volumeSnapshotContentName")),
        class_name=text(spec.get("volumeSnapshotClassName")),
        ready=ready if isinstance(ready, bool) else None,
        restore_size=text(status.get("restoreSize")),
        bound_content=text(status.get("boundVolumeSnapshotContentName")),
        creation_time=parse_time(text(status.get("creationTime"))),
        created=parse_time(text(meta.get("creationTimestamp"))),
        error=text(mapping(status.get("error")).get("message")))


@dataclass(frozen=True)
class SnapshotClassRow:
    uid: str
    name: str
    driver: str
    deletion_policy: str  # Delete | Retain
    default: bool

    @property
    def key(self) -> str:
        return self.uid


def snapshot_class_row(vsc: dict) -> SnapshotClassRow:
    meta = mapping(vsc.get("metadata"))
    return SnapshotClassRow(text(meta.get("uid")), text(meta.get("name")),
                            text(vsc.get("driver")), text(vsc.get("deletionPolicy")),
                            mapping(meta.get("annotations")).get(DEFAULT_CLASS) == "true")


@dataclass(frozen=True)
class ClassChoice:
    classes: tuple[SnapshotClassRow, ...]  # those whose driver is the PVC's
    preselected: str | None
    warning: str = ""


def choose_classes(classes: list[SnapshotClassRow] | tuple[SnapshotClassRow, ...],
                   driver: str) -> ClassChoice:
    """Only classes of the claim's driver; the default one preselected (a warning when
    several claim to be the default: the snapshot controller then refuses to pick)."""
    matching = tuple(sorted((c for c in classes if c.driver == driver and driver),
                            key=lambda c: c.name))
    defaults = [c for c in matching if c.default]
    warning = ""
    if len(defaults) > 1:
        warning = (f"{len(defaults)} classes for {driver} are marked default "
                   f"({', '.join(c.name for c in defaults)}): the snapshot controller refuses a "
                   "snapshot without a class then, so one is chosen here explicitly.")
    elif not matching:
        warning = (f"no VolumeSnapshotClass for this claim's driver ({driver or 'unknown'}): "
                   "the driver cannot snapshot it, or its class is missing.")
    pre = defaults[0].name if defaults else (matching[0].name if len(matching) == 1 else None)
    return ClassChoice(matching, pre, warning)


def default_name(pvc: str, now: float) -> str:
    stamp = dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{pvc[:253 - len(stamp) - 1]}-{stamp}"


@dataclass(frozen=True)
class SnapshotPlan:
    write: Write
    kubectl: str
    manifest: str  # the object as YAML ("" for a delete)
    name: str


def _base(version: str, namespace: str, plural: str) -> str:
    return f"/apis/{GROUP}/{version}/namespaces/{quote(namespace)}/{plural}"


def _create_kubectl(manifest: str) -> str:
    return f"kubectl create -f - <<'EOF'\n{manifest}EOF"


def plan_snapshot(namespace: str, pvc: str, name: str, class_name: str,
                  version: str) -> SnapshotPlan:
    name = check_name(name, "snapshot name")
    if not class_name:
        raise SnapshotInputError("choose a VolumeSnapshotClass for this claim's driver")
    body = {"apiVersion": f"{GROUP}/{version}", "kind": "VolumeSnapshot",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"volumeSnapshotClassName": class_name,
                     "source": {"persistentVolumeClaimName": pvc}}}
    path = _base(version, namespace, "volumesnapshots")
    write = Write("POST", path, body, f"create VolumeSnapshot {name}",
                  f"{path}/{quote(name)}", lambda obj: obj is not None)
    manifest = yaml.safe_dump(body, sort_keys=False)
    return SnapshotPlan(write, _create_kubectl(manifest), manifest, name)


def deletion_meaning(policy: str) -> str:
    if policy == "Retain":
        return ("deletionPolicy Retain: the VolumeSnapshotContent and the snapshot in the "
                "storage stay; only this VolumeSnapshot object goes. Delete the content "
                "yourself to free the storage.")
    if policy == "Delete":
        return ("deletionPolicy Delete: the VolumeSnapshotContent and the snapshot's data in "
                "the storage are deleted with it. Claims already restored from it keep "
                "their data.")
    return "the class's deletionPolicy is unknown: what happens to the data is up to it."


def plan_delete(row: SnapshotRow, version: str) -> SnapshotPlan:
    path = f"{_base(version, row.namespace, 'volumesnapshots')}/{quote(row.name)}"
    write = Write("DELETE", path, None, f"delete VolumeSnapshot {row.name}", path,
                  lambda obj: obj is None)
    kubectl = shlex.join(["kubectl", "delete", "volumesnapshot", row.name, "-n", row.namespace])
    return SnapshotPlan(write, kubectl, "", row.name)


def plan_restore(snapshot: SnapshotRow, name: str, storage_class: str, size: str,
                 access: tuple[str, ...]) -> SnapshotPlan:
    """A new PVC from ``snapshot`` (``dataSource``), at least ``restoreSize`` big."""
    name = check_name(name, "claim name")
    if snapshot.ready is not True:
        raise SnapshotInputError(f"snapshot {snapshot.name} is not ready to use yet")
    wanted = quantity(size.strip())
    if wanted is None or wanted <= 0:
        raise SnapshotInputError(f"size {size.strip()!r} is not a quantity (e.g. 1Gi, 500Mi)")
    restore = quantity(snapshot.restore_size)
    if restore is not None and wanted < restore:
        raise SnapshotInputError(f"size {size.strip()} is smaller than the snapshot's "
                                 f"restoreSize {snapshot.restore_size}: the claim must hold it")
    if not access:
        raise SnapshotInputError("choose at least one access mode")
    spec: dict = {"accessModes": list(access),
                  "resources": {"requests": {"storage": size.strip()}},
                  "dataSource": {"apiGroup": GROUP, "kind": "VolumeSnapshot",
                                 "name": snapshot.name}}
    if storage_class:
        spec["storageClassName"] = storage_class
    body = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": snapshot.namespace}, "spec": spec}
    path = f"/api/v1/namespaces/{quote(snapshot.namespace)}/persistentvolumeclaims"
    write = Write("POST", path, body, f"create PersistentVolumeClaim {name}",
                  f"{path}/{quote(name)}", lambda obj: obj is not None)
    manifest = yaml.safe_dump(body, sort_keys=False)
    return SnapshotPlan(write, _create_kubectl(manifest), manifest, name)


def content_check(snapshot: SnapshotRow, content: dict | None) -> str:
    """Is the bound VolumeSnapshotContent bound back to this snapshot (both ways)?"""
    if not snapshot.bound_content:
        return "no VolumeSnapshotContent bound yet"
    if content is None:
        return f"VolumeSnapshotContent {snapshot.bound_content} does not exist"
    ref = mapping(mapping(content.get("spec")).get("volumeSnapshotRef"))
    if text(ref.get("name")) != snapshot.name or text(ref.get("namespace")) != \
            snapshot.namespace or (ref.get("uid") and text(ref.get("uid")) != snapshot.uid):
        return (f"VolumeSnapshotContent {snapshot.bound_content} points at "
                f"{text(ref.get('namespace'))}/{text(ref.get('name'))}, not at this snapshot")
    handle = text(mapping(content.get("status")).get("snapshotHandle"))
    policy = text(mapping(content.get("spec")).get("deletionPolicy"))
    return (f"bound both ways to VolumeSnapshotContent {snapshot.bound_content} "
            f"(deletionPolicy {policy or '?'}" + (f", handle {handle}" if handle else "") + ")")


def describe(row: SnapshotRow) -> str:
    return json.dumps({"name": row.name, "source": row.source, "class": row.class_name,
                       "readyToUse": row.ready, "restoreSize": row.restore_size,
                       "boundVolumeSnapshotContentName": row.bound_content,
                       "error": row.error}, indent=2)


async def fetch_content(cluster: Cluster, version: str, name: str) -> dict | None:
    """The VolumeSnapshotContent ``name`` (None: there is none by that name)."""
    try:
        return await cluster.get_json(f"/apis/{GROUP}/{version}/volumesnapshotcontents/{name}",
                                      what=f"get VolumeSnapshotContent {name}")
    except KubeError as error:
        if error.kind != ErrorKind.NOT_FOUND:
            raise
        return None
