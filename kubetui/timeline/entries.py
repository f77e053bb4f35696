"""One entry of the incident timeline, and its line of JSON.

An entry is what happened (``kind``: an action sent, a probe run, a note...), when (UTC, epoch
seconds), where (context, namespace, the object) and how it ended. Cluster text is kept as the
server sent it and made safe by the format that carries it: JSON escapes every control
character, the Markdown export makes them visible. No entry holds a Secret's value: the flows
that record never pass one (a reveal is recorded as the key's name only).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

START, ACTION, FORWARD, PROBE, EXEC, SESSION, LOOK, CHANGE, NOTE = (
    "start", "action", "forward", "probe", "exec", "session", "look", "change", "note")
KINDS = (START, ACTION, FORWARD, PROBE, EXEC, SESSION, LOOK, CHANGE, NOTE)


@dataclass(frozen=True)
class Entry:
    time: float  # epoch seconds (UTC)
    kind: str  # one of KINDS
    summary: str  # one line: what happened
    context: str = ""
    namespace: str = ""
    object: str = ""  # "pod/web-1", "deployment/checkout", "node/n1"
    kubectl: str = ""  # the kubectl equivalent, for an action
    outcome: str = ""  # "done", "refused: ...", a probe's verdict, an exit code
    dry_run: str = ""  # the server's dry-run answer shown before the confirm
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """The entry as one line of JSON (no newline inside: JSON escapes them)."""
        data = {k: v for k, v in asdict(self).items() if v not in ("", {}, None)}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def parse_line(line: str) -> Entry | None:
    """An entry from its line; None for a line that is not one (a line cut by a crash)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("time"), (int, float)) \
            or data.get("kind") not in KINDS or not isinstance(data.get("summary"), str):
        return None
    known = {f: data[f] for f in ("context", "namespace", "object", "kubectl", "outcome",
                                  "dry_run") if isinstance(data.get(f), str)}
    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    return Entry(float(data["time"]), data["kind"], data["summary"], details=details, **known)
