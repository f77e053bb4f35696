"""One log line as kubetui keeps it, and the kubelet's timestamps read fast.

``GET pods/NAME/log?timestamps=true`` prefixes each line with its time in RFC 3339 with up
to nine fractional digits (Go trims trailing zeros, so the width varies):
``2026-12-06T19:53:26.123456789Z text``. A line is kept as ``(ns, source, seq, text)``: sorted
as tuples, that is time order, then a stable order between sources, then each container's own
order (``seq``) when two of its lines share a nanosecond.
"""

from __future__ import annotations

import calendar
import re
import time
from typing import NamedTuple

NS = 1_000_000_000
_SECOND = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")


#: A line as the buffer holds it: ``(ns, source, seq, text)`` as a plain tuple. The cyclic
#: collector stops tracking a plain tuple of ints and a str after one look, never a
#: ``NamedTuple``'s (a subclass): 300,000 tracked lines made each full collection ~250 ms.
Raw = tuple[int, int, int, str]


class Line(NamedTuple):
    ns: int  # the kubelet's time, nanoseconds since the epoch (0: it gave none)
    source: int  # the index of its source (``Sources``); -1: kubetui's own marker line
    seq: int  # its place in its source's stream
    text: str


class Stamps:
    """RFC 3339 -> nanoseconds, with the seconds part cached: the lines of one second share
    it, so the calendar arithmetic runs once per second of log, not once per line."""

    def __init__(self) -> None:
        self._seconds: dict[str, int] = {}

    def parse(self, stamp: str) -> int | None:
        """None: not a timestamp the kubelet writes."""
        if len(stamp) > 20 and stamp[-1] == "Z" and stamp[19] in ".Z":
            head, frac = stamp[:19], stamp[20:-1]
            seconds = self._seconds.get(head)
            if seconds is not None and (not frac or frac.isdigit()):
                return seconds * NS + (int(frac.ljust(9, "0")) if frac else 0)
        match = _SECOND.match(stamp)
        if match is None:
            return None
        head, frac, zone = match.groups()
        try:
            seconds = calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S"))
        except ValueError:
            return None
        if zone == "Z":
            if len(self._seconds) > 4096:
                self._seconds.clear()
            self._seconds[head] = seconds
        else:
            sign = 1 if zone[0] == "+" else -1
            seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
        return seconds * NS + (int(frac.ljust(9, "0")) if frac else 0)

    def split(self, raw: str) -> tuple[int, str]:
        """(ns, text) of one line as the kubelet sent it; a line without a timestamp (a
        server that ignored ``timestamps``) keeps its text whole, at time 0."""
        stamp, sep, text = raw.partition(" ")
        ns = self.parse(stamp) if sep else None
        return (0, raw) if ns is None else (ns, text)


def rfc3339(ns: int, digits: int = 6) -> str:
    """``2026-12-06T19:53:26.123456Z`` (UTC), for the timestamps column and saved files."""
    seconds, rest = divmod(ns, NS)
    head = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    if digits <= 0:
        return head + "Z"
    return f"{head}.{str(rest).rjust(9, '0')[:digits]}Z"
