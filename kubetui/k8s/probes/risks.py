"""Probe settings that hurt in production, found from the spec and what the pod has shown.

Pure functions of the container spec and the pod's status; each flag says what happens and
what to change. The "observed start" is how long the container took to become ready this time:
from its ``startedAt`` to the pod's ``ContainersReady`` transition (known only once ready).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.probes.config import KINDS, ProbeConfig, probe_config
from kubetui.k8s.transport.shapes import mapping, text

SLOW_START = 30  # seconds: a container this slow to start wants a startup probe


@dataclass(frozen=True)
class Risk:
    probe: str  # liveness | readiness | startup
    # exec-default-timeout | liveness-is-readiness | no-startup-probe | killed-before-ready
    code: str
    text: str


def observed_start(pod: dict, container: str) -> float | None:
    """Seconds from the container's start to the pod's ContainersReady, when both are known
    and ready came after the start (this instance of the container)."""
    status = mapping(pod.get("status"))
    for cs in status.get("containerStatuses") or ():
        cs = mapping(cs)
        if cs.get("name") != container or not cs.get("ready"):
            continue
        started = parse_time(text(mapping(mapping(cs.get("state")).get("running"))
                                  .get("startedAt")))
        for condition in status.get("conditions") or ():
            condition = mapping(condition)
            if condition.get("type") == "ContainersReady" and condition.get("status") == "True":
                ready = parse_time(text(condition.get("lastTransitionTime")))
                if started is not None and ready is not None and ready >= started:
                    return ready - started
    return None


def _same_check(a: ProbeConfig, b: ProbeConfig) -> bool:
    return a.handler == b.handler and a.action == b.action


def risks(container: dict, pod: dict | None = None) -> tuple[Risk, ...]:
    configs = {kind: probe_config(container, kind) for kind in KINDS}
    found: list[Risk] = []
    for kind, config in configs.items():
        if config is not None and config.handler == "exec" and config.timeout == 1:
            how = "left at the default" if "timeoutSeconds" in config.defaulted else "set to"
            found.append(Risk(kind, "exec-default-timeout",
                              f"exec probe with timeoutSeconds {how} 1 s: since 1.20 a run "
                              "longer than 1 s is a failure (a shell start on a busy node can "
                              "take that long). Measure it with r and give it room."))
    live, ready, start = configs["liveness"], configs["readiness"], configs["startup"]
    if live is not None and ready is not None and _same_check(live, ready):
        found.append(Risk("liveness", "liveness-is-readiness",
                          "liveness runs the same check as readiness: when a dependency is "
                          "down the kubelet restarts the container instead of only taking it "
                          "out of the Service. Make liveness check only the process itself."))
    observed = observed_start(pod, text(mapping(container).get("name"))) if pod else None
    if live is not None and start is None:
        window = live.initial_delay + live.failure_threshold * live.period
        if live.initial_delay >= SLOW_START or (observed is not None and observed >= SLOW_START):
            seen = (f"it took {observed:.0f} s to become ready" if observed is not None
                    else f"liveness waits initialDelaySeconds {live.initial_delay}")
            found.append(Risk("liveness", "no-startup-probe",
                              f"no startup probe in front of liveness on a slow starter ({seen})"
                              ": a startupProbe protects the start without slowing down the "
                              "detection of a hung container later."))
        if observed is not None and observed > window:
            found.append(Risk("liveness", "killed-before-ready",
                              f"liveness gives up after {window} s (initialDelaySeconds "
                              f"{live.initial_delay} + failureThreshold {live.failure_threshold}"
                              f" × periodSeconds {live.period}) but the container took "
                              f"{observed:.0f} s to become ready: a slower start is killed."))
    if start is not None and observed is not None:
        window = start.initial_delay + start.failure_threshold * start.period
        if observed > window:
            found.append(Risk("startup", "killed-before-ready",
                              f"the startup probe gives up after {window} s but the container "
                              f"took {observed:.0f} s to become ready: raise failureThreshold."))
    return tuple(found)
