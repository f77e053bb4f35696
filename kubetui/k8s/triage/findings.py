"""What a triage says: findings (a cause in one sentence, its evidence, the next steps), worst
first, or why the object is healthy.

A check is a pure function over the objects the live stores hold; it returns findings, never
raises on an odd shape (``shapes.py`` readers), and writes cluster text into the sentence as
data: the screen draws it as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRITICAL, WARNING, INFO = "critical", "warning", "info"
RANK = {CRITICAL: 0, WARNING: 1, INFO: 2}

# The next steps a finding can offer; the triage screen binds each to its key.
LOGS, PREVIOUS_LOGS, PROBES, DEBUG, OWNER, PODS, DESCRIBE, EVENTS = (
    "logs", "previous-logs", "probes", "debug", "owner", "pods", "describe", "events")
# ... and the fixes (``k8s/fixes``) it can offer on the subject itself: a rollback, a rollout
# restart, a CronJob's Job now or its resume, a node's cordon (uncordon) and drain
UNDO, RESTART, TRIGGER, RESUME, CORDON, DRAIN = (
    "undo", "restart", "trigger", "resume", "cordon", "drain")


@dataclass(frozen=True)
class Evidence:
    label: str  # "spec.containers[app].image", "event FailedScheduling ×12, 3m ago"
    value: str


@dataclass(frozen=True)
class Step:
    action: str  # one of LOGS ... EVENTS, UNDO ... DRAIN
    label: str  # "logs of app (previous instance)"
    container: str = ""
    probe: str = ""  # liveness | readiness | startup


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str  # "images", "scheduling", "crashes", ...: what the overview groups by
    cause: str  # one sentence
    evidence: tuple[Evidence, ...] = ()
    steps: tuple[Step, ...] = ()
    about: str = ""  # the object it is about, when not the subject ("pod web-7f9c-x2")


@dataclass(frozen=True)
class Report:
    subject: str  # "pod shop/web-7f9c-x2"
    findings: tuple[Finding, ...] = ()
    healthy: str = ""  # why it is fine, when nothing is wrong
    checked: tuple[str, ...] = field(default=())  # the checks that ran

    @property
    def cause(self) -> str:
        return self.findings[0].cause if self.findings else self.healthy

    @property
    def severity(self) -> str:
        return self.findings[0].severity if self.findings else ""


def ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    """Worst first; among equals, the order the checks ran in (an expert's order)."""
    return tuple(sorted(findings, key=lambda f: RANK.get(f.severity, 3)))
