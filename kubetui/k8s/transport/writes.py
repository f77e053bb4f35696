"""The one path every mutating action takes: sent once, never retried blindly.

A create or patch whose answer never arrives (a timeout, a dropped connection) may or may not
have happened. Sending it again could create a second snapshot or add a second debug container.
So a ``Write`` carries, besides its request, how to tell whether it took effect: a path to GET and
a pure predicate on what comes back. When the outcome is unknown, kubetui asks the server first;
only when the object shows the write did not happen is it sent once more. Request builders give
every object an explicit name (never ``generateName``), so even that second send cannot
duplicate anything: the server refuses a second object of the same name.

Actions build ``Write`` values with pure functions (no I/O, unit-tested) and hand them to
``send_write`` from their worker; the confirm screen shows ``Write.describe()`` and the kubectl
equivalent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"

UNKNOWN_OUTCOME = (ErrorKind.TIMEOUT, ErrorKind.UNREACHABLE)


@dataclass(frozen=True)
class Write:
    method: str  # POST, PUT, PATCH, DELETE
    path: str
    body: object | None
    what: str  # "create VolumeSnapshot data-20261125-101500"
    confirm_path: str  # GET this to learn whether the write took effect
    applied: Callable[[dict | None], bool] = field(compare=False)  # None: confirm_path is 404
    content_type: str = JSON
    timeout: float = 30.0
    # Turns the server's refusal into what it means for this action (a 404 from a disabled
    # feature is not "not found"); pure, from the builder.
    explain: Callable[[KubeError], KubeError] | None = field(default=None, compare=False)

    def describe(self) -> str:
        """The exact request, as the confirm screen shows it."""
        body = "" if self.body is None else "\n" + json.dumps(self.body, indent=2)
        return f"{self.method} {self.path}\nContent-Type: {self.content_type}{body}"


def dry_run(write: Write) -> Write:
    """The same request with ``dryRun=All``: the server validates it, runs admission (a webhook
    refusing the change says so here) and answers with what it would store, storing nothing."""
    joiner = "&" if "?" in write.path else "?"
    body = write.body
    if isinstance(body, dict) and body.get("kind") == "DeleteOptions":
        # a DELETE with a body takes its options from the body alone: the query's dryRun
        # would be ignored and the object deleted for real
        body = {**body, "dryRun": ["All"]}
    elif isinstance(body, dict) and body.get("kind") == "Eviction":
        body = {**body, "deleteOptions": {**(body.get("deleteOptions") or {}),
                                          "dryRun": ["All"]}}
    return replace(write, path=f"{write.path}{joiner}dryRun=All", body=body,
                   what=f"{write.what} (dry run)")


@dataclass(frozen=True)
class WriteResult:
    response: dict
    confirmed_after_unknown: bool = False  # the answer was lost; a GET showed it took effect
    sent: int = 1


async def send_write(cluster: Cluster, write: Write) -> WriteResult:
    """Send ``write``; if its outcome is unknown, check before sending it (once) again."""
    try:
        return await _send_once_or_confirm(cluster, write)
    except KubeError as exc:
        if write.explain is None:
            raise
        raise write.explain(exc) from None


async def _send_once_or_confirm(cluster: Cluster, write: Write) -> WriteResult:
    try:
        return WriteResult(await _send(cluster, write))
    except KubeError as exc:
        if exc.kind not in UNKNOWN_OUTCOME:
            raise
        first_error = exc
    seen = await _confirm(cluster, write, first_error)
    if write.applied(seen):
        return WriteResult(seen or {}, confirmed_after_unknown=True)
    try:
        return WriteResult(await _send(cluster, write), sent=2)
    except KubeError as exc:
        if exc.kind not in (*UNKNOWN_OUTCOME, ErrorKind.CONFLICT):
            raise
        seen = await _confirm(cluster, write, exc)
        if write.applied(seen):
            return WriteResult(seen or {}, confirmed_after_unknown=True, sent=2)
        raise KubeError(exc.kind, f"{write.what}: no answer from the server, twice",
                        "the change was not made (checked); try again later") from None


async def _send(cluster: Cluster, write: Write) -> dict:
    response = await cluster.request(write.method, write.path, what=write.what,
                                     json=write.body, content_type=write.content_type,
                                     timeout=write.timeout)
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def _confirm(cluster: Cluster, write: Write, cause: KubeError) -> dict | None:
    try:
        return await cluster.get_json(write.confirm_path, what=f"check {write.what}")
    except KubeError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            return None
        raise KubeError(cause.kind, f"{write.what}: the outcome is unknown",
                        f"{cause.summary}; checking failed too ({exc.summary}). Not sent again: "
                        "look before you retry") from None
