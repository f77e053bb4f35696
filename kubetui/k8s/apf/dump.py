"""What the apiserver says of APF while it runs: the priority levels' debug dump
(``/debug/api_priority_and_fairness/dump_priority_levels``) and the ``apiserver_flowcontrol_*``
metrics, parsed into seats, queues and rates for the flows pane."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass

# -- the debug dump ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorityLevelState:
    name: str
    active_queues: int | None
    is_idle: bool | None
    is_quiescing: bool | None
    waiting: int | None
    executing: int | None
    dispatched: int | None = None
    rejected: int | None = None
    timed_out: int | None = None
    cancelled: int | None = None


_DUMP_COLUMNS = {
    "prioritylevelname": "name",
    "activequeues": "active_queues",
    "isidle": "is_idle",
    "isquiescing": "is_quiescing",
    "waitingrequests": "waiting",
    "executingrequests": "executing",
    "dispatchedrequests": "dispatched",
    "rejectedrequests": "rejected",
    "timedoutrequests": "timed_out",
    "cancelledrequests": "cancelled",
}
_BOOLS = {"is_idle", "is_quiescing"}


def _cell(field_name: str, raw: str) -> object:
    value = raw.strip()
    if field_name == "name":
        return value
    if value in ("", "<none>"):
        return None
    if field_name in _BOOLS:
        return {"true": True, "false": False}.get(value.lower())
    try:
        return int(value)
    except ValueError:
        return None


def parse_priority_levels_dump(text: str) -> list[PriorityLevelState]:
    """Parse by header: unknown columns are ignored, missing ones are None."""
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error:
        return []
    if not rows:
        return []
    header = [_DUMP_COLUMNS.get(h.strip().lower()) for h in rows[0]]
    if "name" not in header:
        return []
    out = []
    for row in rows[1:]:
        values: dict[str, object] = {}
        for name, raw in zip(header, row, strict=False):
            if name:
                values[name] = _cell(name, raw)
        if values.get("name"):
            out.append(
                PriorityLevelState(
                    name=str(values["name"]),
                    **{
                        k: values.get(k)
                        for k in (
                            "active_queues",
                            "is_idle",
                            "is_quiescing",
                            "waiting",
                            "executing",
                            "dispatched",
                            "rejected",
                            "timed_out",
                            "cancelled",
                        )
                    },
                )
            )
    return out


# -- metrics ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]
    value: float

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, "")


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str, prefix: str = "apiserver_flowcontrol_") -> list[Sample]:
    """Prometheus text exposition, just the samples whose name starts with ``prefix``."""
    out = []
    for line in text.splitlines():
        if not line.startswith(prefix):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        labels = tuple(
            (k, v.replace('\\"', '"').replace("\\\\", "\\"))
            for k, v in _LABEL.findall(m.group(3) or "")
        )
        out.append(Sample(m.group(1), labels, value))
    return out


def per_level(samples: list[Sample], name: str) -> dict[str, float]:
    """Sum one metric by ``priority_level`` (histograms: pass the ``_count``/``_sum`` name)."""
    totals: dict[str, float] = {}
    for s in samples:
        if s.name == name and not math.isnan(s.value):
            level = s.label("priority_level")
            totals[level] = totals.get(level, 0.0) + s.value
    return totals


def per_level_and(samples: list[Sample], name: str, label: str) -> dict[str, float]:
    """Sum one metric by ``priority_level`` and another label, keyed "level/value"."""
    totals: dict[str, float] = {}
    for s in samples:
        if s.name == name and not math.isnan(s.value):
            key = f"{s.label('priority_level')}/{s.label(label)}"
            totals[key] = totals.get(key, 0.0) + s.value
    return totals


def mean_over(before_sum: dict[str, float], before_count: dict[str, float],
              after_sum: dict[str, float], after_count: dict[str, float]) -> dict[str, float]:
    """Mean of a histogram between two polls (Δsum/Δcount), for keys that saw observations."""
    out = {}
    for key, count in after_count.items():
        d_count = count - before_count.get(key, 0.0)
        if d_count > 0:
            out[key] = (after_sum.get(key, 0.0) - before_sum.get(key, 0.0)) / d_count
    return out


def rates(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Per-second increase of counters between two polls (a reset counts from zero)."""
    if seconds <= 0:
        return {}
    out = {}
    for key, value in after.items():
        prev = before.get(key, 0.0)
        out[key] = (value - prev if value >= prev else value) / seconds
    return out


