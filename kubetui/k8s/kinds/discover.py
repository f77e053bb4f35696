"""Read the server's kinds: one aggregated answer where the server gives one, else one request
per group version, all at once.

Aggregated discovery (``apidiscovery.k8s.io``, beta in 1.26, ``v2`` from 1.30) is asked for by
content type, as kubectl does: the ``Accept`` header offers it first and plain JSON last, so a
server without it (the local 1.20) answers ``/api`` and ``/apis`` as always and the answer's
``kind`` says which shape came. The older path fetches ``/api/v1`` and every ``/apis/G/V``
together; a group version that fails (an aggregated API server that is down: a common
``metrics.k8s.io`` 503) is named in ``Catalog.unavailable`` instead of failing the catalog.

Not read at connect: start-up pays for ``/api`` and ``/apis`` only; the catalog is read the
first time a ``:`` prompt opens (the app keeps it per cluster).
"""

from __future__ import annotations

import asyncio

from kubetui.k8s.kinds.catalog import Catalog
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.discovery import Discovery
from kubetui.k8s.transport.errors import KubeError

AGGREGATED_ACCEPT = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                     "application/json")
AGGREGATED_KIND = "APIGroupDiscoveryList"


async def load_catalog(cluster: Cluster) -> Catalog:
    headers = {"Accept": AGGREGATED_ACCEPT}
    api, apis = await asyncio.gather(
        cluster.get_json("/api", what="discover the core API", headers=headers),
        cluster.get_json("/apis", what="discover API groups", headers=headers))
    if api.get("kind") == AGGREGATED_KIND and apis.get("kind") == AGGREGATED_KIND:
        return Catalog.from_aggregated(api, apis)
    return await _per_group_version(cluster, Discovery.from_json(api, apis))


def group_versions(discovery: Discovery) -> list[tuple[str, str]]:
    """Every (group, version) to read, each group's preferred version first."""
    out = [("", v) for v in discovery.core_versions]
    for group in discovery.groups:
        ordered = [group.preferred, *(v for v in group.versions if v != group.preferred)]
        out += [(group.name, v) for v in ordered if v]
    return out


async def _per_group_version(cluster: Cluster, discovery: Discovery) -> Catalog:
    wanted = group_versions(discovery)

    async def one(group: str, version: str) -> dict | KubeError:
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        try:
            return await cluster.get_json(path, what=f"discover {group or 'core'}/{version}")
        except KubeError as error:
            return error

    answers = await asyncio.gather(*(one(g, v) for g, v in wanted))
    lists, unavailable = [], []
    for (group, version), answer in zip(wanted, answers, strict=True):
        if isinstance(answer, KubeError):
            unavailable.append(f"{group}/{version}" if group else version)
        else:
            lists.append((group, version, answer))
    return Catalog.from_resource_lists(lists, unavailable)
