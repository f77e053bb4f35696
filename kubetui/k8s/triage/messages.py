"""Reading what the kubelet and the scheduler wrote: image pull failures, FailedScheduling,
configuration errors and exit codes, each into what it means.

The formats are the kubelet's and kube-scheduler's of 1.20 to 1.35 (containerd and Docker
messages for pulls; ``had taint {…}, that the pod didn't tolerate`` before 1.24 and ``had
untolerated taint {…}`` after; ``didn't match node selector`` on 1.20/1.21 and ``didn't match
Pod's node affinity/selector`` from 1.22; the ``preemption: …`` tail of 1.24+ ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# -- images --------------------------------------------------------------------------------------
NOT_FOUND, UNAUTHORIZED, UNREACHABLE, INVALID, RATE_LIMITED, PULL_FAILED = (
    "not found", "unauthorized", "unreachable", "invalid", "rate limited", "failed")
_PULL_PATTERNS = (
    (INVALID, ("invalid reference format", "invalidimagename", "couldn't parse image reference",
               "must be lowercase")),
    (RATE_LIMITED, ("toomanyrequests", "429 too many requests", "rate limit")),
    (UNAUTHORIZED, ("unauthorized", "authentication required", "403 forbidden",
                    "access denied", "pull access denied", "denied: ", "failed to authorize",
                    "no basic auth credentials")),
    (NOT_FOUND, (": not found", "manifest unknown", "not found: manifest", "404 not found",
                 "repository does not exist", "name unknown", "manifest for")),
    (UNREACHABLE, ("no such host", "i/o timeout", "connection refused", "network is unreachable",
                   "tls handshake timeout", "x509:", "dial tcp", "context deadline exceeded",
                   "server misbehaving")),
)


def pull_failure(message: str) -> str:
    """What an image pull message says went wrong (``PULL_FAILED`` when it says nothing known)."""
    low = message.lower()
    for kind, needles in _PULL_PATTERNS:
        if any(n in low for n in needles):
            if kind == UNAUTHORIZED and "repository does not exist" in low:
                return NOT_FOUND if "may require" not in low else UNAUTHORIZED
            return kind
    return PULL_FAILED


def pull_sentence(kind: str, image: str, message: str) -> str:
    registry = registry_of(image)
    if kind == NOT_FOUND:
        return f"the image `{image}` does not exist in the registry {registry}"
    if kind == UNAUTHORIZED:
        return (f"the registry {registry} refuses to serve `{image}` without credentials "
                "(an imagePullSecret is missing or wrong, or the repository is private)")
    if kind == UNREACHABLE:
        return (f"the node cannot reach the registry {registry} to pull `{image}`"
                + (f" ({_unreachable_detail(message)})" if _unreachable_detail(message) else ""))
    if kind == INVALID:
        return f"`{image}` is not a valid image name"
    if kind == RATE_LIMITED:
        return f"the registry {registry} rate-limits pulls of `{image}`"
    return f"the image `{image}` cannot be pulled"


def _unreachable_detail(message: str) -> str:
    for needle, words in (("no such host", "its name does not resolve"),
                          ("connection refused", "connection refused"),
                          ("i/o timeout", "the connection times out"),
                          ("x509:", "its TLS certificate is not trusted"),
                          ("tls handshake timeout", "the TLS handshake times out")):
        if needle in message.lower():
            return words
    return ""


def registry_of(image: str) -> str:
    """The registry host an image reference pulls from (docker.io when it names none)."""
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


# -- scheduling -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unschedulable:
    """One reason of a FailedScheduling message, with the number of nodes it applies to."""

    nodes: int
    reason: str  # "insufficient", "taint", "selector", "affinity", "unbound-pvc", ...
    detail: str = ""  # the resource ("cpu") or the taint ("node-role.kubernetes.io/master")
    text: str = ""  # the scheduler's words


_PART = re.compile(r"(\d+) (.+?)(?=, \d+ |\.?$)")
_TAINT = re.compile(r"taint \{([^}:]*)(?::\s*([^}]*))?\}")


def scheduling_reasons(message: str) -> tuple[int, list[Unschedulable]]:
    """(nodes in the cluster, the reasons) of ``0/3 nodes are available: 1 Insufficient cpu, 2
    node(s) had taint {…}, that the pod didn't tolerate.``; (0, [one]) for the messages without
    counts (``pod has unbound immediate PersistentVolumeClaims``)."""
    head, sep, rest = message.partition(" nodes are available: ")
    if not sep:
        return 0, [_reason(1, message.strip().rstrip("."))]
    total = head.rsplit("/", 1)[-1]
    rest = rest.split(" preemption: ", 1)[0].strip()
    parts = [_reason(int(m.group(1)), m.group(2).strip()) for m in _PART.finditer(rest)]
    return (int(total) if total.isdigit() else 0), parts


def _reason(count: int, text: str) -> Unschedulable:
    low = text.lower()
    if low.startswith("insufficient "):
        return Unschedulable(count, "insufficient", text.split(" ", 1)[1], text)
    if "taint" in low:
        m = _TAINT.search(text)
        return Unschedulable(count, "taint", m.group(1).strip() if m else "", text)
    if "node selector" in low or "node affinity/selector" in low:
        return Unschedulable(count, "selector", "", text)
    if "node affinity" in low:
        return Unschedulable(count, "affinity", "", text)
    if "unbound" in low and "persistentvolumeclaim" in low:
        return Unschedulable(count, "unbound-pvc", "", text)
    if "volume node affinity" in low:
        return Unschedulable(count, "volume-zone", "", text)
    if "too many pods" in low:
        return Unschedulable(count, "too-many-pods", "", text)
    if "unschedulable" in low:
        return Unschedulable(count, "cordoned", "", text)
    if "free ports" in low:
        return Unschedulable(count, "ports", "", text)
    if "anti-affinity" in low or "pod affinity" in low:
        return Unschedulable(count, "pod-affinity", "", text)
    if "persistentvolumeclaim" in low and "not found" in low:
        return Unschedulable(count, "missing-pvc", "", text)
    return Unschedulable(count, "other", "", text)


# -- configuration --------------------------------------------------------------------------------
_MISSING_OBJECT = re.compile(r'(configmap|secret)s? "([^"]+)" not found', re.I)
_MISSING_KEY = re.compile(r"couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)/(\S+)", re.I)


def missing_config(message: str) -> tuple[str, str, str] | None:
    """("ConfigMap"|"Secret", name, key or "") named missing by a kubelet message."""
    m = _MISSING_KEY.search(message)
    if m:
        kind = "ConfigMap" if m.group(2).lower() == "configmap" else "Secret"
        return kind, m.group(4), m.group(1)
    m = _MISSING_OBJECT.search(message)
    if m:
        return ("ConfigMap" if m.group(1).lower() == "configmap" else "Secret"), m.group(2), ""
    return None


_NOT_IN_PATH = re.compile(r'exec: "([^"]+)": (executable file not found in \$PATH|'
                          r"stat [^:]+: no such file or directory|permission denied)")


def command_problem(message: str) -> tuple[str, str] | None:
    """(command, what is wrong) from a ``StartError``/``RunContainerError`` message."""
    m = _NOT_IN_PATH.search(message)
    if not m:
        return None
    what = "is not executable" if "permission denied" in m.group(2) else "is not in the image"
    return m.group(1), what


# -- exit codes -----------------------------------------------------------------------------------
SIGNALS = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
           8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"}


def exit_meaning(code: int, reason: str = "") -> str:
    """What an exit code says, as a clause: "it was killed for memory (OOMKilled, exit 137)"."""
    if reason == "OOMKilled":
        return f"it was killed for memory (OOMKilled, exit {code})"
    if code == 0:
        return "its process exits successfully (exit 0), and the pod restarts it"
    if code == 126:
        return "its command is not executable (exit 126)"
    if code == 127:
        return "its command is not found (exit 127)"
    if code == 2:
        return "it exits with code 2 (bad arguments or shell misuse)"
    if code == 1:
        return "it exits with code 1 (an error in the application)"
    if code > 128 and code - 128 in SIGNALS:
        signal = SIGNALS[code - 128]
        why = {"SIGKILL": "killed by SIGKILL, not for memory (a failed liveness probe, a "
                          "grace period that ran out, or the node)",
               "SIGTERM": "stopped by SIGTERM",
               "SIGSEGV": "it crashed with a segmentation fault",
               "SIGABRT": "it aborted (SIGABRT)"}.get(signal, f"killed by {signal}")
        return f"{why} (exit {code})"
    return f"it exits with code {code}"
