"""What the CPU and memory figures add to a pod's triage, when the user has them (``u``).

Two causes need them to be told whole:

* a container **killed for memory**: how close it was to its limit in the last samples before
  (the working set at 90 % of the limit or more says the limit is too small for the load;
  far below it says a spike, or memory the working set does not count);
* a **probe that times out** while the container's CPU is pinned at its limit: the probe waits
  for CPU the limit does not give (throttling), so the sentence says so.

Pure: the report, the pod and each container's recent figures in, a report out.
"""

from __future__ import annotations

from dataclasses import replace

from kubetui.k8s.core.pods import container_resources
from kubetui.k8s.metrics.usage import (
    Limits,
    bytes_text,
    cores_text,
    limits_of,
    percent_text,
    sparkline,
)
from kubetui.k8s.transport.shapes import mapping
from kubetui.k8s.triage.findings import Evidence, Finding, Report

PINNED = 0.9  # CPU at this share of its limit or above: throttled
TIMEOUTS = ("timeout", "timed out", "deadline exceeded")

Series = tuple[list, list]  # cpu cores, memory bytes; oldest first (None: not measured)


def with_usage(report: Report, pod: dict, history: dict[str, Series]) -> Report:
    if not history or not report.findings:
        return report
    limits = limits_of(container_resources(mapping(pod.get("spec"))))
    findings = tuple(_finding(f, limits, history) for f in report.findings)
    return replace(report, findings=findings)


def _finding(finding: Finding, limits: dict[str, Limits], history: dict[str, Series]) -> Finding:
    name = finding.steps[0].container if finding.steps else ""
    series = history.get(name)
    limit = limits.get(name) or Limits()
    if series is None:
        return finding
    cpu, memory = ([v for v in values if v is not None] for values in series)
    if finding.check == "crashes" and "killed for memory" in finding.cause and memory:
        before = memory[-1]
        said = f"{bytes_text(int(before))}"
        if limit.memory_limit:
            said += (f" of its {bytes_text(limit.memory_limit)} limit "
                     f"({percent_text(before / limit.memory_limit)}%)")
        return replace(finding, evidence=(*finding.evidence, Evidence(
            "memory, the last samples", f"{said}; {sparkline(series[1], limit.memory_limit)}")))
    if finding.check == "probes" and any(t in finding.cause.lower() for t in TIMEOUTS) \
            and cpu and limit.cpu_limit and cpu[-1] >= PINNED * limit.cpu_limit:
        pinned = (f"{cores_text(cpu[-1])} of its {cores_text(limit.cpu_limit)} limit "
                  f"({percent_text(cpu[-1] / limit.cpu_limit)}%)")
        return replace(finding, cause=f"{finding.cause}; its CPU is pinned at the limit "
                                      f"({pinned}): the probe waits for CPU it is not given",
                       evidence=(*finding.evidence, Evidence(
                           "CPU, the last samples",
                           f"{pinned}; {sparkline(series[0], limit.cpu_limit)}")))
    return finding
