"""What a log view asks the kubelet for, as ``pods/NAME/log`` query parameters; the
user's ``since`` (``5m``, ``1h30m``, ``2d``, an RFC 3339 time) and tail read and checked here,
so a typo is a message, not a 400 from the server."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubetui.k8s.logs.lines import NS, Stamps, rfc3339

_DURATION = re.compile(r"(\d+)([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_TAIL = 1_000_000


class LogRequestError(ValueError):
    """What the user typed cannot be sent; the message says why."""


@dataclass(frozen=True)
class Since:
    """Either a duration back from now or a point in time; neither: from the tail."""

    seconds: int = 0
    time: str = ""  # RFC 3339, as typed

    def __str__(self) -> str:
        if self.time:
            return self.time
        if not self.seconds:
            return ""
        parts, rest = [], self.seconds
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            if rest >= size:
                parts.append(f"{rest // size}{unit}")
                rest %= size
        return "".join(parts)


def parse_since(typed: str) -> Since:
    """``5m``, ``1h30m``, ``90s``, ``2d`` or ``2026-12-06T19:00:00Z``; empty: none."""
    typed = typed.strip()
    if not typed:
        return Since()
    if Stamps().parse(typed) is not None:
        return Since(time=typed)
    pos, seconds = 0, 0
    for match in _DURATION.finditer(typed):
        if match.start() != pos:
            break
        seconds += int(match.group(1)) * _UNIT[match.group(2)]
        pos = match.end()
    if pos != len(typed) or seconds <= 0:
        raise LogRequestError(f"since {typed!r}: a duration like 5m, 1h30m, 2d, or an RFC 3339 "
                              "time like 2026-12-06T19:00:00Z")
    return Since(seconds=seconds)


def parse_tail(typed: str) -> int:
    """Lines from the end of each container's log; -1: all of them (``all`` or empty)."""
    typed = typed.strip().lower()
    if typed in ("", "all", "-1"):
        return -1
    if not typed.isdigit() or not 0 <= int(typed) <= MAX_TAIL:
        raise LogRequestError(f"tail {typed!r}: a number of lines (0–{MAX_TAIL:,}) or all")
    return int(typed)


@dataclass(frozen=True)
class LogQuery:
    """What every container of a view is asked for (the view's toggles)."""

    since: Since = Since()
    tail: int = 500  # per container; -1: all
    previous: bool = False  # the previous instances too (containers that restarted)

    @property
    def reach(self) -> str:
        """How far back the view reads, for its title: ``since 5m``, ``tail 500``."""
        if str(self.since):
            return f"since {self.since}"
        return f"tail {self.tail}" if self.tail >= 0 else "all lines"


def log_params(container: str, query: LogQuery, *, follow: bool, previous: bool = False,
               after_ns: int = 0) -> dict[str, str]:
    """``after_ns``: a stream opened again (the container restarted, the connection dropped)
    starts at the last line it had, not at the tail again: the second the line was in (the
    server's ``sinceTime`` has no finer grain; the reader drops what it already has)."""
    params = {"container": container, "timestamps": "true"}
    if previous:
        params["previous"] = "true"
    elif follow:
        params["follow"] = "true"
    if after_ns:
        params["sinceTime"] = rfc3339(after_ns // NS * NS, digits=0)
        return params
    if query.since.time:
        params["sinceTime"] = query.since.time
    elif query.since.seconds:
        params["sinceSeconds"] = str(query.since.seconds)
    if query.tail >= 0:
        params["tailLines"] = str(query.tail)
    return params


def kubectl_logs(namespace: str, selector: str, query: LogQuery) -> str:
    """The kubectl command closest to the view (the README's comparison, the saved file)."""
    parts = ["kubectl", "logs", "-n", namespace, "-l", selector, "--all-containers",
             "--prefix", "--timestamps", "-f", "--max-log-requests=20"]
    if str(query.since):
        parts.append(f"--since-time={query.since}" if query.since.time else
                     f"--since={query.since}")
    if query.tail >= 0:
        parts.append(f"--tail={query.tail}")
    return " ".join(parts)
