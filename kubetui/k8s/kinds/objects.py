"""One object of any kind, read whole, and shown as YAML without what must not be drawn.

A Secret's values never leave this module: ``data`` and ``stringData`` become ``<N bytes>``
per key, and the ``kubectl.kubernetes.io/last-applied-configuration`` annotation (which holds
the values ``kubectl apply`` sent) is replaced by its size. ``managedFields`` are left out, as
``kubectl get -o yaml`` does since 1.21.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

import yaml

from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.shapes import mapping

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def object_path(kind: Kind, namespace: str, name: str) -> str:
    base = f"/apis/{kind.group_version}" if kind.group else f"/api/{kind.version}"
    ns = f"/namespaces/{quote(namespace, safe='')}" if kind.namespaced and namespace else ""
    return f"{base}{ns}/{kind.plural}/{quote(name, safe='')}"


async def read_object(cluster: Cluster, kind: Kind, namespace: str, name: str) -> dict:
    return await cluster.get_json(object_path(kind, namespace, name),
                                  what=f"get {kind.singular or kind.kind.lower()} {name}")


def value_size(encoded: object) -> int:
    """Bytes of a Secret's base64 value (its length when it is not base64)."""
    if not isinstance(encoded, str):
        return 0
    try:
        return len(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return len(encoded)


def without_secrets(obj: dict) -> dict:
    """A copy that is safe to draw: a Secret's values replaced by their sizes; managedFields
    dropped from every kind."""
    clean = dict(mapping(obj))
    meta = dict(mapping(clean.get("metadata")))
    meta.pop("managedFields", None)
    if clean.get("kind") == "Secret":
        annotations = dict(mapping(meta.get("annotations")))
        if LAST_APPLIED in annotations:
            annotations[LAST_APPLIED] = (f"<{len(str(annotations[LAST_APPLIED]))} bytes, "
                                         "hidden: it holds the values of the Secret>")
            meta["annotations"] = annotations
        for field in ("data", "stringData"):
            values = clean.get(field)
            if isinstance(values, dict):
                measure = value_size if field == "data" else (
                    lambda v: len(v.encode()) if isinstance(v, str) else 0)
                clean[field] = {k: f"<{measure(v)} bytes>" for k, v in values.items()}
    clean["metadata"] = meta
    return clean


def object_yaml(obj: dict) -> str:
    return yaml.safe_dump(without_secrets(obj), sort_keys=False, default_flow_style=False,
                          width=100)
