"""Namespace names, for the namespace switcher."""

from __future__ import annotations

from kubetui.k8s.transport.cluster import Cluster


async def list_namespace_names(cluster: Cluster) -> tuple[str, ...]:
    """One paginated LIST of namespaces (names only are kept)."""
    names: list[str] = []
    params = {"limit": "500"}
    while True:
        body = await cluster.get_json("/api/v1/namespaces", what="list namespaces", params=params)
        names.extend(str(i.get("metadata", {}).get("name", "")) for i in body.get("items") or [])
        token = (body.get("metadata") or {}).get("continue")
        if not token:
            break
        params = {"limit": "500", "continue": token}
    return tuple(sorted(n for n in names if n))
