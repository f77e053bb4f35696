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


def dry_run_answer(method: str, response: object) -> str:
    """What the server says it would do, from its answer to a ``dryRun=All`` request: the
    object as it would be stored (its decisive fields), a deletion, or a Status's message."""
    obj = response if isinstance(response, dict) else {}
    kind = obj.get("kind")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if kind == "Status":
        message = obj.get("message") or obj.get("status") or "accepted"
        return f"accepted: {message}" if obj.get("status") != "Failure" else str(message)
    if kind == "Scale":
        return f"accepted: replicas would be {spec.get('replicas', 0)}"
    if meta.get("deletionTimestamp"):
        grace = meta.get("deletionGracePeriodSeconds")
        return "accepted: it would be deleted" + (
            f", grace {grace} s" if isinstance(grace, int) else "")
    if kind and meta.get("name"):
        if "unschedulable" in spec or kind == "Node":
            return f"accepted: unschedulable would be {bool(spec.get('unschedulable'))}"
        if kind == "CronJob":
            return f"accepted: suspend would be {bool(spec.get('suspend'))}"
        if method == "POST":
            return f"accepted: {kind} {meta['name']} would be created"
        return f"accepted: {kind} {meta['name']} as it would be stored, generation " \
               f"{meta.get('generation', '?')}"
    return "accepted"
