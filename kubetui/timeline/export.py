"""A session's timeline for the postmortem: Markdown (a title, the context and namespaces, a
table of what happened with UTC times, each action's kubectl equivalent in a code block, the
notes) and JSON. Pure: entries in, text out.

Cluster text is data in both: in JSON by JSON's escaping; in Markdown every control character is
made visible and the characters Markdown would read (``*``, ``_``, ``|``, a backtick, ``<``...)
are escaped, so a pod named or an event worded to look like markup prints as written.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict

from kubetui.safe_text import visible
from kubetui.timeline.entries import ACTION, FORWARD, NOTE, Entry

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>|~])")


def utc(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def cell(text: str) -> str:
    """Text for a table cell or a line of prose: visible, escaped, on one line."""
    return _MARKDOWN.sub(r"\\\1", visible(text.replace("\n", " ")))


def fenced(text: str, info: str = "") -> str:
    """A code block whose fence no backtick run inside can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(visible(line) for line in text.splitlines())
    return f"{fence}{info}\n{body}\n{fence}"


def markdown(entries: list[Entry], source: str = "") -> str:
    if not entries:
        return "# Incident timeline\n\nNothing was recorded.\n"
    contexts = sorted({e.context for e in entries if e.context})
    namespaces = sorted({e.namespace for e in entries if e.namespace})
    out = [f"# Incident timeline: {cell(', '.join(contexts) or 'no context')}, "
           f"{utc(entries[0].time)} to {utc(entries[-1].time)} UTC", ""]
    out.append(f"- Context: {cell(', '.join(contexts) or '-')}")
    out.append(f"- Namespaces: {cell(', '.join(namespaces) or '-')}")
    if source:
        out.append(f"- Recorded in: {cell(source)}")
    out += ["", "## What happened", "", "| time (UTC) | what | object | summary | outcome |",
            "| --- | --- | --- | --- | --- |"]
    for e in entries:
        where = "/".join(p for p in (e.namespace, e.object) if p)
        out.append(f"| {utc(e.time)} | {e.kind} | {cell(where)} | {cell(e.summary)} | "
                   f"{cell(e.outcome)} |")
    actions = [e for e in entries if e.kind in (ACTION, FORWARD) and e.kubectl]
    if actions:
        out += ["", "## Actions"]
        for e in actions:
            out += ["", f"### {utc(e.time)} {cell(e.summary)}", ""]
            if e.outcome:
                out += [f"Outcome: {cell(e.outcome)}", ""]
            out.append(fenced(e.kubectl, "sh"))
            if e.dry_run:
                out += ["", "The server's dry run:", "", fenced(e.dry_run)]
    notes = [e for e in entries if e.kind == NOTE]
    if notes:
        out += ["", "## Notes", ""]
        out += [f"- {utc(e.time)}: {cell(e.summary)}" for e in notes]
    return "\n".join(out) + "\n"


def as_json(entries: list[Entry]) -> str:
    return json.dumps([{k: v for k, v in asdict(e).items() if v not in ("", {}, None)}
                       for e in entries], ensure_ascii=False, indent=2) + "\n"
