"""The kinds opened with ``:`` lately, most recent first: offered first by the prompt.

Kept in the state directory (next to the error log), one name per line, at most ``KEEP``. A
file that cannot be read or written costs the list, never the command.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_state_path

KEEP = 12


def recent_path() -> Path:
    return user_state_path("kubetui", appauthor=False) / "recent-kinds"


def recent_kinds(path: Path | None = None) -> list[str]:
    try:
        text = (path or recent_path()).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    names = [line.strip() for line in text.splitlines()]
    return [n for n in names if n and n.isprintable() and len(n) < 200][:KEEP]


def remember_kind(name: str, path: Path | None = None) -> list[str]:
    """Put ``name`` first; returns the new list."""
    path = path or recent_path()
    names = [name, *(n for n in recent_kinds(path) if n != name)][:KEEP]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
    except OSError:
        pass
    return names
