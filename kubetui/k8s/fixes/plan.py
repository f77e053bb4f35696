"""What every fix builder returns, and the dry run the confirm screen shows first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote

from kubetui.k8s.transport.writes import Write


@dataclass(frozen=True)
class Fix:
    """Writes sent in order through the one write path, and what kubectl would run."""

    writes: tuple[Write, ...]
    kubectl: str
    summary: str  # one line: what will happen ("delete 3 pods of kubetui-demo, grace 30 s")
    warnings: tuple[str, ...] = ()


def dry_run(write: Write) -> Write:
    """The same request with ``dryRun=All``: the server validates it, runs admission (a webhook
    refusing the change says so here) and answers with what it would store, storing nothing."""
    joiner = "&" if "?" in write.path else "?"
    return replace(write, path=f"{write.path}{joiner}dryRun=All", what=f"{write.what} (dry run)")


def namespaced(api: str, namespace: str, plural: str, name: str = "") -> str:
    """``/api/v1/namespaces/NS/pods/NAME`` or ``/apis/apps/v1/namespaces/NS/deployments/NAME``
    (``api``: "v1" or "apps/v1")."""
    root = "/api/v1" if api == "v1" else f"/apis/{api}"
    path = f"{root}/namespaces/{quote(namespace)}/{plural}"
    return f"{path}/{quote(name)}" if name else path
