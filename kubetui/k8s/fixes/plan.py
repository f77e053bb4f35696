"""What every fix builder returns (the dry run shown before the confirm: ``writes.dry_run``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kubetui.k8s.transport.writes import Write


@dataclass(frozen=True)
class Fix:
    """Writes sent in order through the one write path, and what kubectl would run."""

    writes: tuple[Write, ...]
    kubectl: str
    summary: str  # one line: what will happen ("delete 3 pods of kubetui-demo, grace 30 s")
    warnings: tuple[str, ...] = ()


def namespaced(api: str, namespace: str, plural: str, name: str = "") -> str:
    """``/api/v1/namespaces/NS/pods/NAME`` or ``/apis/apps/v1/namespaces/NS/deployments/NAME``
    (``api``: "v1" or "apps/v1")."""
    root = "/api/v1" if api == "v1" else f"/apis/{api}"
    path = f"{root}/namespaces/{quote(namespace)}/{plural}"
    return f"{path}/{quote(name)}" if name else path
