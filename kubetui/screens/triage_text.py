"""A triage report as the screen draws it: the cause first, then its evidence, the other
findings, and the keys for the next step. Every string from the cluster goes through
``visible``: names, messages and values are data."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from kubetui.k8s.triage.findings import CRITICAL, WARNING, Finding, Report
from kubetui.safe_text import visible

MARK = {CRITICAL: ("✗ ", "bold red"), WARNING: ("! ", "bold yellow")}


def _mark(finding: Finding) -> tuple[str, str]:
    return MARK.get(finding.severity, ("· ", "bold"))


def report_text(report: Report, key_of: Callable[[str], str],
                tail: list[str] | None = None) -> Text:
    """``key_of(step action)``: the key bound to a step ("" when none is); ``tail``: the last
    lines of the failing container (its crashed instance), once read."""
    out = Text()
    if not report.findings:
        out.append("✓ ", style="bold green")
        out.append(visible(report.healthy) + "\n", style="bold")
    else:
        first = report.findings[0]
        mark, style = _mark(first)
        out.append(mark, style=style)
        out.append(visible(first.cause) + "\n", style="bold")
        if first.about:
            out.append(f"  seen on {visible(first.about)}\n", style="dim")
        if first.evidence:
            out.append("\nEvidence\n", style="underline")
            for e in first.evidence:
                out.append(f"  {visible(e.label)}: ", style="dim")
                out.append(visible(e.value) + "\n")
        if tail:
            out.append("  its last log lines:\n", style="dim")
            for line in tail:
                out.append("    " + visible(line) + "\n")
        if len(report.findings) > 1:
            out.append("\nAlso\n", style="underline")
            for finding in report.findings[1:]:
                mark, style = _mark(finding)
                out.append("  " + mark, style=style)
                out.append(visible(finding.cause) + "\n")
        steps = [(key_of(s.action), s.label) for finding in report.findings
                 for s in finding.steps]
        seen: set[str] = set()
        lines = [(k, label) for k, label in steps if k and not (k in seen or seen.add(k))]
        if lines:
            out.append("\nNext\n", style="underline")
            for key, label in lines:
                out.append(f"  {key:<3}", style="bold")
                out.append(visible(label) + "\n")
    if report.checked:
        out.append(f"\nchecked: {', '.join(report.checked)} · live", style="dim")
    return out
