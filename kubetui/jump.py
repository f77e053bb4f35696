"""The ``:`` command line, k9s style: ``:pods``, ``:deploy``, ``:sts -A``, ``:ns kube-system``,
``:ctx prod``, ``:q``.

Parsing is a pure function so every spelling is unit-tested; the app only acts on the result.
The panes kubetui has (pods, events, ...) are found here; any other word is a kind, resolved by
the server's catalog (``k8s/kinds/catalog.py``): ``Jump("kind", word)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PANES = ("pods", "events", "flows", "pvc", "nodes", "snapshots")
ALIASES = {
    "pods": "pods", "pod": "pods", "po": "pods",
    "events": "events", "event": "events", "ev": "events",
    "flows": "flows", "flow": "flows", "apf": "flows", "flowschemas": "flows", "fs": "flows",
    "prioritylevels": "flows", "pl": "flows",
    "pvc": "pvc", "pvcs": "pvc", "persistentvolumeclaims": "pvc", "snapshots": "snapshots",
    "snapshot": "snapshots", "vs": "snapshots", "volumesnapshots": "snapshots",
    "nodes": "nodes", "node": "nodes", "no": "nodes",
}
NAMESPACE_WORDS = ("ns", "namespace", "namespaces")
CONTEXT_WORDS = ("ctx", "context", "contexts")
QUIT_WORDS = ("q", "q!", "quit", "exit")
LOG_WORDS = ("logs", "log")
FORWARD_WORDS = ("pf", "portforward", "portforwards", "port-forward", "forwards")
TIMELINE_WORDS = ("timeline", "tl", "incident")
# One requirement of a label selector: key=v, key==v, key!=v, key in (a,b), key notin (a), key, !key
_KEY = r"([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)"
_VALUE = r"[-a-z0-9A-Z_.]*"
REQUIREMENT = re.compile(rf"!?{_KEY}|{_KEY}\s*(==?|!=)\s*{_VALUE}|{_KEY}\s+(in|notin)\s*"
                         rf"\(\s*{_VALUE}(\s*,\s*{_VALUE})*\s*\)")
ALL_WORDS = ("all", "-a", "*", "-A")
# A resource's name, optionally with version and group: deployments, deploy.apps, foos.v1.x.io
KIND_WORD = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
SUGGESTIONS = tuple(sorted(set(PANES) | {"ns ", "ctx ", "quit", "pf", "timeline"}))


@dataclass(frozen=True)
class Jump:
    # "pane" | "kind" | "namespace" | "context" | "quit" | "forwards" | "timeline" | "logs"
    # | "error"
    action: str
    value: str | None = None
    all_namespaces: bool = False  # a kind's view over every namespace (``:deploy -A``)


def parse_jump(text: str) -> Jump:
    words = text.strip().lstrip(":").split()
    if not words:
        return Jump("error", "type a view (pods, events, flows, pvc), ns NAME or ctx NAME")
    head, rest = words[0].lower(), words[1:]
    if head in QUIT_WORDS and not rest:
        return Jump("quit")
    if head in NAMESPACE_WORDS and rest:
        if len(rest) != 1:
            return Jump("error", "usage: ns NAME, or ns all")
        return Jump("namespace", None if rest[0] in ALL_WORDS else rest[0])
    if head in CONTEXT_WORDS:
        if len(rest) != 1:
            return Jump("error", "usage: ctx NAME")
        return Jump("context", rest[0])
    if head in LOG_WORDS:
        return _logs(rest)
    if head in FORWARD_WORDS and not rest:
        return Jump("forwards")
    if head in TIMELINE_WORDS and not rest:
        return Jump("timeline")
    if head in ALIASES and not rest:
        return Jump("pane", ALIASES[head])
    if head in NAMESPACE_WORDS:
        return Jump("kind", "namespaces")
    if not KIND_WORD.fullmatch(head):
        return Jump("error", f"not a view or a kind: '{text.strip()}' (try deploy, svc, pods, "
                             "ns NAME, ctx NAME, q)")
    if not rest:
        return Jump("kind", head)
    if len(rest) == 1 and rest[0] in ALL_WORDS:
        return Jump("kind", head, all_namespaces=True)
    return Jump("error", f"usage: {head}, or {head} -A for every namespace")


def _split_requirements(selector: str) -> list[str]:
    """At the commas outside parentheses (``a in (x,y),b`` is two requirements)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(selector):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(selector[start:i])
            start = i + 1
    return out + [selector[start:]]


def _logs(rest: list[str]) -> Jump:
    """``:logs app=web`` or ``:logs -l app=web,tier!=db``: the pods it selects, in one log."""
    if rest and rest[0] in ("-l", "--selector"):
        rest = rest[1:]
    selector = " ".join(rest).strip()
    usage = "usage: logs -l LABEL-SELECTOR (app=web, tier in (a,b), !canary)"
    if not selector:
        return Jump("error", usage)
    if not all(REQUIREMENT.fullmatch(r.strip()) for r in _split_requirements(selector)):
        return Jump("error", f"not a label selector: '{selector}' ({usage})")
    return Jump("logs", selector)
