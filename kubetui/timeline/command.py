"""``kubetui timeline``: the recorded sessions from the command line, without the UI.

    kubetui timeline list
    kubetui timeline export [FILE] [--format md|json] [--session NAME|PATH]

``export`` writes the latest session (or the one named) as Markdown or JSON to FILE, or to the
standard output; an existing FILE is not overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kubetui.config import load_settings
from kubetui.timeline.export import as_json, markdown
from kubetui.timeline.journal import default_dir, read, sessions


def folder() -> Path:
    settings = load_settings()
    return Path(settings.timeline_dir).expanduser() if settings.timeline_dir else default_dir()


def build_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{prog} timeline",
                                description="the incident timelines kubetui recorded")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the recorded sessions, oldest first")
    export = sub.add_parser("export", help="a session as Markdown (the default) or JSON")
    export.add_argument("file", nargs="?", help="where to write it (default: standard output)")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--session", metavar="NAME|PATH",
                        help="which session (a file name from `list`, or a path): "
                             "the latest by default")
    return p


def main(argv: list[str], prog: str = "kubetui") -> int:
    args = build_parser(prog).parse_args(argv)
    where = folder()
    if args.command == "list":
        found = sessions(where)
        if not found:
            print(f"no session recorded in {where}")
        for path in found:
            print(path.name)
        return 0
    if args.session:
        path = Path(args.session).expanduser()
        if not path.exists():
            path = where / args.session
    else:
        found = sessions(where)
        if not found:
            print(f"{prog} timeline: error: no session recorded in {where}", file=sys.stderr)
            return 2
        path = found[-1]
    try:
        entries = read(path)
    except OSError as error:
        print(f"{prog} timeline: error: cannot read {path}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    text = markdown(entries, path.name) if args.format == "md" else as_json(entries)
    if not args.file:
        sys.stdout.write(text)
        return 0
    try:
        with open(Path(args.file).expanduser(), "x", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        print(f"{prog} timeline: error: cannot write {args.file}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    print(f"{path.name}: {len(entries)} entries written to {args.file}")
    return 0
