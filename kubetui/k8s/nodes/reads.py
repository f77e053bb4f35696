"""The node audit's reads: the Node, the kubelet's configz and stats summary through the
apiserver's node proxy, the RuntimeClasses, and cAdvisor's process counts where the summary has
none (1.20 counts no process per pod)."""

from __future__ import annotations

from kubetui.k8s.nodes.audit import (
    CADVISOR,
    CONFIGZ,
    SUMMARY,
    PidUsage,
    cadvisor_processes,
    parse_summary,
    with_cadvisor,
)
from kubetui.k8s.transport.cluster import Cluster

PARTS = {"node": "/api/v1/nodes/{node}", "configz": CONFIGZ, "summary": SUMMARY,
         "runtimeclasses": "/apis/node.k8s.io/v1/runtimeclasses"}


async def read_part(cluster: Cluster, node: str, part: str) -> dict:
    return await cluster.get_json(PARTS[part].format(node=node), what=f"{part} of node {node}")


async def read_pids(cluster: Cluster, node: str) -> PidUsage:
    """The summary; when it counts no process for any pod (1.20), the cAdvisor metrics."""
    usage = parse_summary(await read_part(cluster, node, "summary"))
    if usage.pods and not usage.counted:
        response = await cluster.request("GET", CADVISOR.format(node=node),
                                         what=f"cAdvisor metrics of node {node}")
        usage = with_cadvisor(usage, cadvisor_processes(response.text))
    return usage
