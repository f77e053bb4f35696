"""The timeline's file: one JSON line per entry, appended and flushed as each happens, so a
dropped SSH session or a killed process loses nothing written before it (the kernel holds what
was flushed). One file per session, ``<start, UTC>-<context>.jsonl``, in
``$XDG_STATE_HOME/kubetui/incidents``; files older than the kept days are removed at start."""

from __future__ import annotations

import re
import time
from pathlib import Path

from platformdirs import user_state_path

from kubetui.timeline.entries import Entry, parse_line

SUFFIX = ".jsonl"


def default_dir() -> Path:
    return user_state_path("kubetui", appauthor=False) / "incidents"


def session_name(start: float, context: str) -> str:
    stamp = time.strftime("%Y-%m-%dT%H-%M-%SZ", time.gmtime(start))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", context)[:80] or "context"
    return f"{stamp}-{safe}{SUFFIX}"


class Journal:
    """Appends entries to one session's file. A write that fails (a full disk) is said once by
    the caller and the session goes on: the timeline must never stop the incident's work."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the session

    def write(self, entry: Entry) -> None:
        self._file.write(entry.line() + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read(path: Path) -> list[Entry]:
    """The entries of a session, in order; a line cut by a crash (the last) is left out."""
    entries = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            entry = parse_line(line)
            if entry is not None:
                entries.append(entry)
    return entries


def sessions(folder: Path) -> list[Path]:
    """The session files, oldest first (their names start with the UTC start time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file())


def prune(folder: Path, keep_days: int, now: float) -> list[Path]:
    """Remove the sessions last written more than ``keep_days`` ago; the removed ones."""
    removed = []
    for path in sessions(folder):
        try:
            if now - path.stat().st_mtime > keep_days * 86400:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed
