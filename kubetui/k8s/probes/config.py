"""A container's probes as the kubelet reads and judges them: pure functions, no I/O.

The groundwork of the probe runner: the probe config with the kubelet's defaults, the command
expansion the kubelet applies before ``ExecSync``, the 10 KiB output cap, and the thresholds
that turn a run of results into the kubelet's verdict.

Expansion is ``kubecontainer.ExpandContainerCommandOnlyStatic`` (the forked
``expansion.Expand``): ``$(NAME)`` becomes the container's ``env[].value`` for NAME (the last
entry of that name wins; a ``valueFrom`` entry has no static value, so it becomes the empty
string, not its runtime value); an unknown NAME stays ``$(NAME)`` literally; ``$$`` is ``$``;
a ``$`` before anything else, or an unclosed ``$(``, is kept as written. Env values are not
themselves expanded.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.transport.shapes import mapping, text

KINDS = ("liveness", "readiness", "startup")
OUTPUT_CAP = 10 * 1024  # the kubelet keeps this much of an exec probe's combined output
DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
            "failureThreshold": 3, "initialDelaySeconds": 0}


def static_env(container: dict) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in mapping(container).get("env") or ():
        item = mapping(item)
        name = text(item.get("name"))
        if name:
            env[name] = text(item.get("value"))
    return env


def expand(word: str, env: dict[str, str]) -> str:
    """One argument, expanded as the kubelet expands it."""
    out: list[str] = []
    checkpoint, cursor = 0, 0
    while cursor < len(word):
        if word[cursor] == "$" and cursor + 1 < len(word):
            out.append(word[checkpoint:cursor])
            rest = word[cursor + 1:]
            if rest[0] == "$":
                out.append("$")
                advance = 1
            elif rest[0] == "(":
                end = rest.find(")", 1)
                if end == -1:
                    out.append("$(")
                    advance = 1
                else:
                    name = rest[1:end]
                    out.append(env[name] if name in env else f"$({name})")
                    advance = end + 1
            else:
                out.append("$" + rest[0])
                advance = 1
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + word[checkpoint:]


def expand_command(command: list[str] | tuple[str, ...], container: dict) -> tuple[str, ...]:
    env = static_env(container)
    return tuple(expand(str(word), env) for word in command)


def cap_output(data: bytes) -> tuple[bytes, bool]:
    """The combined output as the kubelet keeps it, and whether some was cut."""
    return (data[:OUTPUT_CAP], True) if len(data) > OUTPUT_CAP else (data, False)


@dataclass(frozen=True)
class ProbeConfig:
    kind: str  # liveness | readiness | startup
    handler: str  # exec | httpGet | tcpSocket | grpc | unknown
    action: dict  # the handler's own fields, as written
    timeout: int
    period: int
    success_threshold: int
    failure_threshold: int
    initial_delay: int
    termination_grace: int | None  # probe-level terminationGracePeriodSeconds (1.21+ gate)
    defaulted: tuple[str, ...]  # fields the spec left out (the kubelet's default applies)


def probe_config(container: dict, kind: str) -> ProbeConfig | None:
    probe = mapping(container).get(f"{kind}Probe")
    if not isinstance(probe, dict):
        return None
    handler = next((h for h in ("exec", "httpGet", "tcpSocket", "grpc") if h in probe),
                   "unknown")
    values = {}
    defaulted = []
    for field, default in DEFAULTS.items():
        value = probe.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            value = default
            defaulted.append(field)
        values[field] = value
    grace = probe.get("terminationGracePeriodSeconds")
    return ProbeConfig(kind, handler, dict(mapping(probe.get(handler))),
                       max(1, values["timeoutSeconds"]), max(1, values["periodSeconds"]),
                       max(1, values["successThreshold"]), max(1, values["failureThreshold"]),
                       values["initialDelaySeconds"],
                       grace if isinstance(grace, int) else None, tuple(defaulted))


SUCCESS, FAILURE, TIMEOUT, ERROR = "success", "failure", "timeout", "error"


@dataclass(frozen=True)
class Verdict:
    state: str  # healthy | failing | would-restart | would-mark-unready | unknown
    consecutive_failures: int
    consecutive_successes: int

    def __str__(self) -> str:
        return {"healthy": "healthy", "failing": "failing, under failureThreshold",
                "would-restart": "would restart the container",
                "would-mark-unready": "would mark the pod unready",
                "unknown": "none yet (a run that could not run the probe does not count)"}[
                    self.state]


def verdict(config: ProbeConfig, results: list[str] | tuple[str, ...]) -> Verdict:
    """What the kubelet concludes from ``results`` (oldest first). A timeout is a failure
    (1.20+); an error (the probe could not run) changes nothing, as the kubelet treats it."""
    failures = successes = 0
    state = "unknown"
    for result in results:
        if result == ERROR:
            continue
        if result == SUCCESS:
            successes, failures = successes + 1, 0
            if successes >= config.success_threshold:
                state = "healthy"
        else:
            failures, successes = failures + 1, 0
            if failures >= config.failure_threshold:
                state = "would-mark-unready" if config.kind == "readiness" else "would-restart"
            elif state in ("unknown", "healthy"):
                state = "failing" if state == "unknown" else state
    return Verdict(state, failures, successes)
