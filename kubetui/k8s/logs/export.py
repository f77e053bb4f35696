"""A log view saved to a file: a header that names the sources, the time range and how the
lines were chosen, then one line per log line (RFC 3339 time, source, text) exactly as held.
Cluster text is written as the kubelet gave it; the file is data for ``grep``, not a screen,
so nothing is interpreted on the way out (the view is what makes text visible)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.lines import rfc3339


class SaveError(ValueError):
    """The file cannot be written as asked; the message says why (nothing was written)."""


def file_lines(buffer: LogBuffer, indexes: Iterable[int], names: Sequence[str]) -> list[str]:
    out = []
    for i in indexes:
        line = buffer.line(i)
        name = names[line.source] if 0 <= line.source < len(names) else "kubetui"
        out.append(f"{rfc3339(line.ns, 9) if line.ns else '-'} {name} {line.text}")
    return out


def header(title: str, namespace: str, names: Sequence[str], chosen: str, buffer: LogBuffer,
           indexes: Sequence[int]) -> list[str]:
    times = [buffer.line(i).ns for i in (indexes[0], indexes[-1])] if indexes else []
    span = (f"{rfc3339(times[0], 9)} to {rfc3339(times[1], 9)}" if times and all(times)
            else "no lines")
    out = [f"# kubetui logs of {title} in namespace {namespace}",
           f"# {len(indexes):,} lines, {span} (UTC)", f"# lines: {chosen}"]
    if buffer.first:
        out.append(f"# {buffer.first:,} older lines were dropped from the view before this "
                   "(its memory cap)")
    out.append(f"# sources ({len(names)}): " + ", ".join(names))
    return out


def target_path(typed: str, default: str) -> Path:
    """The file the user named (``~`` expanded; a directory: ``default`` inside it)."""
    path = Path(os.path.expanduser(typed.strip() or default))
    if path.is_dir():
        path = path / default
    if path.exists():
        raise SaveError(f"{path} exists: name another file (nothing is overwritten)")
    if not path.parent.is_dir():
        raise SaveError(f"{path.parent} is not a directory")
    return path


def write_new(path: Path, lines: Sequence[str]) -> int:
    """Writes a file that did not exist (``x`` mode: a file made meanwhile is not replaced);
    returns the bytes written."""
    data = "\n".join(lines) + "\n"
    try:
        with path.open("x", encoding="utf-8", errors="backslashreplace") as out:
            out.write(data)
    except FileExistsError:
        raise SaveError(f"{path} exists: name another file (nothing is overwritten)") from None
    except OSError as error:
        raise SaveError(f"{path}: {error.strerror or error}") from None
    return len(data.encode("utf-8", "backslashreplace"))
