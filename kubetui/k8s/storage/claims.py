"""PersistentVolumeClaims, their volumes' CSI drivers and sizes: row transforms, pure.

The PVC pane joins four live caches: PVCs (namespaced), StorageClasses and PersistentVolumes
(cluster-scoped: a PVC's CSI driver is its PV's ``spec.csi.driver``, else its StorageClass's
``provisioner``), and the pods pane's rows (which pods mount the claim). Quantities are compared
with ``kubernetes.utils.parse_quantity`` (``1Gi`` == ``1073741824``), never by text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.transport.shapes import mapping, text

ACCESS_SHORT = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX",
                "ReadWriteOncePod": "RWOP"}


def quantity(value: object) -> Decimal | None:
    """A Kubernetes quantity as a number of bytes (or units); None when absent or malformed."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return _quantity_text(value)
    return _parse(value)


@lru_cache(maxsize=4096)
def _quantity_text(value: str) -> Decimal | None:
    """Parsed once per distinct text: a namespace's pods repeat a few requests ("100m")."""
    return _parse(value)


def _parse(value: object) -> Decimal | None:
    # Imported here: the kubernetes package costs ~0.13 s to import, paid by the first claim
    # shown rather than by every start-up.
    from kubernetes.utils import parse_quantity

    try:
        return parse_quantity(value)
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class PvcRow:
    uid: str
    namespace: str
    name: str
    phase: str  # Pending | Bound | Lost
    capacity: str  # status.capacity.storage, as written
    requested: str  # spec.resources.requests.storage
    access: tuple[str, ...]  # ReadWriteOnce, ...
    storage_class: str
    volume: str  # spec.volumeName
    data_source: str  # "VolumeSnapshot/data-20261125-101500" for a restored claim
    created: float | None

    @property
    def key(self) -> str:
        return self.uid

    @property
    def access_text(self) -> str:
        return ",".join(ACCESS_SHORT.get(a, a) for a in self.access) or "-"

    @property
    def size(self) -> Decimal | None:
        return quantity(self.capacity) or quantity(self.requested)


def pvc_row(pvc: dict) -> PvcRow:
    meta, spec, status = (mapping(pvc.get(k)) for k in ("metadata", "spec", "status"))
    source = mapping(spec.get("dataSource")) or mapping(spec.get("dataSourceRef"))
    return PvcRow(
        uid=text(meta.get("uid")), namespace=text(meta.get("namespace")),
        name=text(meta.get("name")), phase=text(status.get("phase")) or "Pending",
        capacity=text(mapping(status.get("capacity")).get("storage")),
        requested=text(mapping(mapping(spec.get("resources")).get("requests")).get("storage")),
        access=tuple(text(a) for a in spec.get("accessModes") or ()),
        storage_class=text(spec.get("storageClassName")), volume=text(spec.get("volumeName")),
        data_source=f"{text(source.get('kind'))}/{text(source.get('name'))}" if source else "",
        created=parse_time(text(meta.get("creationTimestamp"))))


@dataclass(frozen=True)
class DriverOf:
    """A cluster-scoped object reduced to the CSI driver it names (a PV or a StorageClass)."""

    uid: str
    name: str
    driver: str
    default: bool = False  # StorageClass: the cluster's default class

    @property
    def key(self) -> str:
        return self.uid


def pv_driver(pv: dict) -> DriverOf:
    meta = mapping(pv.get("metadata"))
    return DriverOf(text(meta.get("uid")), text(meta.get("name")),
                    text(mapping(mapping(pv.get("spec")).get("csi")).get("driver")))


def storage_class_driver(sc: dict) -> DriverOf:
    meta = mapping(sc.get("metadata"))
    annotations = mapping(meta.get("annotations"))
    default = any(annotations.get(k) == "true" for k in (
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class"))
    return DriverOf(text(meta.get("uid")), text(meta.get("name")), text(sc.get("provisioner")),
                    default)


def csi_driver(row: PvcRow, pvs: dict[str, str], classes: dict[str, str]) -> str:
    """The claim's driver: its bound PV's ``spec.csi.driver``, else its class's provisioner.
    ``pvs`` and ``classes`` map names to drivers."""
    return pvs.get(row.volume) or classes.get(row.storage_class) or ""
