"""How times and counts read in a table cell: kubectl's ages and the RESTARTS column.

Pure text formatting, shared by the row builders (``kubetui.k8s``: describe, events) and the
widgets (the ages they repaint only when their text changes). Nothing here reads the cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubetui.k8s.core.pods import PodRow


def human_duration(seconds: float) -> str:
    """kubectl's ages (apimachinery's HumanDuration): 90s, 5m3s, 75m, 3h20m, 30h, 2d5h, 45d, 3y."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 180:
        return f"{m}m"
    h = m // 60
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    if h < 24 * 8:
        return f"{h // 24}d{h % 24}h" if h % 24 else f"{h // 24}d"
    if h < 24 * 365 * 2:
        return f"{h // 24}d"
    if h < 24 * 365 * 8:
        days = (h // 24) % 365
        return f"{h // 24 // 365}y{days}d" if days else f"{h // 24 // 365}y"
    return f"{h // 24 // 365}y"


def _age_step(s: int) -> int:
    """The unit ``human_duration`` shows at ``s`` seconds: its text changes only on multiples."""
    if s < 600:
        return 1
    if s < 8 * 3600:
        return 60
    if s < 24 * 8 * 3600:
        return 3600
    return 86400


def age_changes_in(seconds: float) -> float:
    """Seconds until ``human_duration(seconds)`` shows another text: 1 s under ten minutes,
    a minute under eight hours, then an hour, then a day. Tables repaint an age only then."""
    if seconds < 0:
        return -seconds
    s = int(seconds)
    step = _age_step(s)
    return (s // step + 1) * step - seconds


def restarts_text(row: PodRow, now: float) -> str:
    if row.restarts and row.last_restart:
        return f"{row.restarts} ({human_duration(now - row.last_restart)} ago)"
    return str(row.restarts)


def human_bytes(n: int) -> str:
    """A byte count in a few cells: 512B, 3.4K, 120M, 1.1G (binary units)."""
    if n < 1024:
        return f"{n}B"
    value = float(n)
    for unit in "KMG":
        value /= 1024
        if value < 1024 or unit == "G":
            break
    return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"
