"""A pod's triage, in the order an expert looks: did its node end it, is it scheduled, can its
node start it (sandbox, volumes), then each container, init containers first (image,
configuration, command, crashes), then its probes.

Input is the pod as the live store holds it, its events (``EventRow``, by the one rule of
``live/queries.events_about``), and the nodes when the user may list them (for what a
FailedScheduling message leaves out: the largest node, the labels nodes have).
"""

from __future__ import annotations

from collections.abc import Sequence

from kubetui.formatting import human_duration
from kubetui.k8s.core.events import EventRow
from kubetui.k8s.core.pods import parse_time, pod_status
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.k8s.triage.evidence import event_evidence, first_line, latest
from kubetui.k8s.triage.findings import (
    CRITICAL,
    DEBUG,
    LOGS,
    OWNER,
    PREVIOUS_LOGS,
    PROBES,
    WARNING,
    Evidence,
    Finding,
    Report,
    Step,
    ordered,
)
from kubetui.k8s.triage.messages import (
    command_problem,
    exit_meaning,
    missing_config,
    pull_failure,
    pull_sentence,
)
from kubetui.k8s.triage.scheduling import scheduling_finding
from kubetui.k8s.triage.world import World

IMAGE_WAITING = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")
START_WAITING = ("RunContainerError", "StartError", "ContainerCannotRun")


def pod_report(pod: dict, world: World, now: float) -> Report:
    """A pod's triage within one refresh (once, however many owners and Services name it),
    carried from the previous refresh while the pod, its events and the nodes are the same.
    Only the evidence's "ago" would differ: the cause, the severity and the keys do not."""
    meta = mapping(pod.get("metadata"))
    uid = text(meta.get("uid"))

    def compute() -> Report:
        events = world.events_of(pod, "Pod")
        version = text(meta.get("resourceVersion"))
        if not version:
            return triage_pod(pod, events, now, world.nodes)
        return world.carry(uid, (version, tuple(events), world.nodes_stamp),
                           lambda: triage_pod(pod, events, now, world.nodes))

    return world.remembered(uid or id(pod), compute)  # a uid alone: no key tuple per pod


def triage_pod(pod: dict, events: Sequence[EventRow], now: float,
               nodes: Sequence[dict] | None = None) -> Report:
    meta, spec, status = (mapping(pod.get(k)) for k in ("metadata", "spec", "status"))
    subject = f"pod {text(meta.get('namespace'))}/{text(meta.get('name'))}"
    findings: list[Finding] = []
    ended = _ended_by_node(status)
    if ended is not None:
        findings.append(ended)
    scheduled = _condition(status, "PodScheduled")
    if not text(spec.get("nodeName")) and ended is None:
        findings.append(scheduling_finding(spec, scheduled, events, nodes, now))
    else:
        findings += _node_problems(spec, events, nodes, now, _progressed(status, events))
        findings += container_findings(pod, events, now)
    if not findings:
        return Report(subject, healthy=healthy_pod(pod, now),
                      checked=("node", "scheduling", "volumes", "containers", "probes"))
    return Report(subject, ordered(findings),
                  checked=("node", "scheduling", "volumes", "containers", "probes"))


def healthy_pod(pod: dict, now: float) -> str:
    status = mapping(pod.get("status"))
    phase, ready, total, restarts, _ = pod_status(pod)
    since = parse_time(text(_condition(status, "Ready").get("lastTransitionTime")))
    when = f" for {human_duration(now - since)}" if since else ""
    if phase == "Completed" or text(status.get("phase")) == "Succeeded":
        return "it ran to completion (Succeeded)"
    more = f"; {restarts} restarts in all" if restarts else ""
    return f"{phase}, {ready}/{total} containers ready{when}{more}"


def _condition(status: dict, kind: str) -> dict:
    return next((mapping(c) for c in status.get("conditions") or ()
                 if mapping(c).get("type") == kind), {})


def _ended_by_node(status: dict) -> Finding | None:
    reason = text(status.get("reason"))
    if text(status.get("phase")) != "Failed" or not reason:
        return None
    message = text(status.get("message"))
    if reason == "Evicted":
        cause = f"its node evicted it: {message}" if message else "its node evicted it"
    else:
        cause = f"its node ended it ({reason})" + (f": {message}" if message else "")
    return Finding(CRITICAL, "node", cause, (Evidence("status.reason", reason),
                                             Evidence("status.message", message)),
                   (Step(OWNER, "its owner (it makes a new pod)"),))


#: the kubelet's events of the steps after the sandbox and the volumes (pulling the image,
#: creating and starting the containers, their probes): one seen later says the volumes were up
LATER_STEPS = frozenset({"Pulling", "Pulled", "Failed", "BackOff", "Created", "Started",
                         "Killing", "Unhealthy", "ErrImageNeverPull", "InspectFailed"})


def _progressed(status: dict, events: Sequence[EventRow]) -> float | None:
    """When the pod was last seen past its sandbox and volumes: a container started then, or
    the kubelet pulled an image or created a container (a pod stuck on its image never
    starts one, yet its volumes were mounted)."""
    times = []
    for key in ("initContainerStatuses", "containerStatuses"):
        for c in status.get(key) or ():
            for state in (mapping(mapping(c).get("state")), mapping(mapping(c).get("lastState"))):
                for phase in ("running", "terminated"):
                    stamp = parse_time(text(mapping(state.get(phase)).get("startedAt")))
                    if stamp:
                        times.append(stamp)
    times += [e.last_seen for e in events if e.reason in LATER_STEPS and e.last_seen]
    return max(times) if times else None


def _past(event: EventRow | None, started: float | None) -> bool:
    """A sandbox or mount failure seen before the pod got further is over (a kubelet's
    transient "failed to sync secret cache" must not name the cause of a running pod, nor
    hide the image a pod cannot pull)."""
    return (event is not None and started is not None and event.last_seen is not None
            and event.last_seen <= started)


def _node_problems(spec: dict, events: Sequence[EventRow], nodes: Sequence[dict] | None,
                   now: float, started: float | None = None) -> list[Finding]:
    out = []
    node_name = text(spec.get("nodeName"))
    node = next((n for n in nodes or () if text(mapping(n.get("metadata")).get("name")) ==
                 node_name), None)
    if node is not None:
        ready = _condition(mapping(node.get("status")), "Ready")
        if text(ready.get("status")) != "True":
            out.append(Finding(CRITICAL, "node", f"its node {node_name} is not Ready "
                               f"({text(ready.get('reason')) or 'no heartbeat'})",
                               (Evidence(f"node {node_name} Ready", text(ready.get("message"))),)))
    sandbox = latest(events, "FailedCreatePodSandBox", "FailedKillPod")
    if sandbox is not None and sandbox.type == "Warning" and not (
            sandbox.reason == "FailedCreatePodSandBox" and _past(sandbox, started)):
        out.append(Finding(CRITICAL, "configuration", f"the node cannot start the pod's sandbox "
                           f"(its network or runtime): {first_line(sandbox.message)}",
                           (event_evidence(sandbox, now),), (Step(DEBUG, "debug its node"),)))
    mount = latest(events, "FailedMount", "FailedAttachVolume")
    if mount is not None and not _past(mount, started):
        missing = missing_config(mount.message)
        if missing is not None:
            kind, name, _ = missing
            cause = f"a volume cannot be mounted: {kind} `{name}` does not exist"
        else:
            cause = f"a volume cannot be mounted: {first_line(mount.message)}"
        out.append(Finding(CRITICAL, "volumes", cause, (event_evidence(mount, now),)))
    return out


def container_findings(pod: dict, events: Sequence[EventRow], now: float) -> list[Finding]:
    spec, status = mapping(pod.get("spec")), mapping(pod.get("status"))
    out: list[Finding] = []
    for key, specs in (("initContainerStatuses", "initContainers"),
                       ("containerStatuses", "containers")):
        declared = {text(mapping(c).get("name")): mapping(c) for c in spec.get(specs) or ()}
        for cs in status.get(key) or ():
            cs = mapping(cs)
            name = text(cs.get("name"))
            found = _container(name, cs, declared.get(name, {}), events, now,
                               init=key.startswith("init"), restart_policy=text(
                                   spec.get("restartPolicy")) or "Always")
            out += found
        if out:  # an init container that fails holds the app containers back: it is the cause
            break
    probes = _probe_findings(status, events, now)
    # a container its liveness (or startup) probe keeps killing "crashes" with 137: the probe
    # is the cause, the kill its effect
    killed = {f.steps[0].container for f in probes if f.severity == CRITICAL and f.steps}
    out = [f for f in out if not (f.check == "crashes" and f.steps and
                                  f.steps[0].container in killed and "SIGKILL" in f.cause)]
    return probes + out if killed else out + probes


def _container(name: str, cs: dict, declared: dict, events: Sequence[EventRow], now: float, *,
               init: bool, restart_policy: str) -> list[Finding]:
    state = mapping(cs.get("state"))
    waiting, terminated = mapping(state.get("waiting")), mapping(state.get("terminated"))
    last = mapping(mapping(cs.get("lastState")).get("terminated"))
    reason, message = text(waiting.get("reason")), text(waiting.get("message"))
    what = f"init container `{name}`" if init else f"container `{name}`"
    image = text(declared.get("image")) or text(cs.get("image"))
    if reason in IMAGE_WAITING:
        # the kubelet's own words on the pull ("Failed to pull image …: not found"), not its
        # "Back-off pulling image" or "Error: ImagePullBackOff" that follow
        pulled = latest([e for e in events if "pull" in e.message.lower() and
                         e.message.lower().startswith("failed to pull")], "Failed",
                        container=name) or latest(events, "Failed", container=name)
        detail = pulled.message if pulled is not None and pulled.message.lower().startswith(
            "failed to pull") else (message or (pulled.message if pulled else ""))
        kind = pull_failure(detail if reason != "InvalidImageName" else "invalidimagename")
        evidence = [Evidence(f"spec.containers[{name}].image", image),
                    Evidence(f"state.waiting ({reason})", message or reason)]
        if pulled is not None:
            evidence.append(event_evidence(pulled, now))
        return [Finding(CRITICAL, "images", pull_sentence(kind, image, detail), tuple(evidence),
                        (Step(OWNER, "its owner (the image is set there)"),))]
    if reason == "CreateContainerConfigError":
        missing = missing_config(message)
        if missing is not None:
            kind, obj, key = missing
            cause = (f"{kind} `{obj}` has no key `{key}`" if key else
                     f"{kind} `{obj}` does not exist") + f" ({what} needs it)"
        else:
            cause = f"{what} cannot be configured: {first_line(message)}"
        return [Finding(CRITICAL, "configuration", cause,
                        (Evidence(f"state.waiting ({reason})", message),))]
    if reason in START_WAITING or text(terminated.get("reason")) in START_WAITING or \
            text(last.get("reason")) in START_WAITING:
        detail = message or text(terminated.get("message")) or text(last.get("message"))
        problem = command_problem(detail)
        if problem is not None:
            cause = f"the command `{problem[0]}` of {what} {problem[1]}"
            return [Finding(CRITICAL, "crashes", cause,
                            (Evidence("the runtime said", first_line(detail, 300)),),
                            (Step(DEBUG, "debug: look inside the image"),))]
    ended = terminated if terminated and (restart_policy == "Never" or init) else last
    crashing = reason == "CrashLoopBackOff" or (terminated and text(terminated.get("reason"))
                                               != "Completed" and _code(terminated) != 0)
    if crashing and ended:
        return [_crash(name, what, cs, declared, ended, reason, now,
                       previous=ended is last)]
    return []


def _code(terminated: dict) -> int:
    code = terminated.get("exitCode")
    return code if isinstance(code, int) else 0


def _crash(name: str, what: str, cs: dict, declared: dict, ended: dict, waiting: str,
           now: float, previous: bool) -> Finding:
    code, reason = _code(ended), text(ended.get("reason"))
    restarts = cs.get("restartCount") if isinstance(cs.get("restartCount"), int) else 0
    meaning = exit_meaning(code, reason)
    if reason == "OOMKilled":
        limit = text(mapping(mapping(declared.get("resources")).get("limits")).get("memory"))
        meaning = (f"it was killed for memory: the container used its {limit} limit"
                   if limit else "it was killed for memory (OOMKilled) with no limit of its "
                                 "own: the node ran short")
    loop = f"; {restarts} restarts, in back-off" if waiting == "CrashLoopBackOff" else \
        (f"; {restarts} restarts" if restarts else "")
    finished = parse_time(text(ended.get("finishedAt")))
    evidence = [Evidence("last termination", f"{reason or 'Error'}, exit code {code}" +
                         (f", {human_duration(now - finished)} ago" if finished else ""))]
    if text(ended.get("message")):
        evidence.append(Evidence("termination message", first_line(text(ended["message"]),
                                                                     300)))
    return Finding(CRITICAL, "crashes", f"{what} crashes: {meaning}{loop}", tuple(evidence),
                   (Step(PREVIOUS_LOGS, f"logs of {name}, previous instance", container=name)
                    if previous else Step(LOGS, f"logs of {name}", container=name),
                    Step(DEBUG, "debug beside it")))


def _probe_findings(status: dict, events: Sequence[EventRow], now: float) -> list[Finding]:
    out = []
    restarted = {text(mapping(cs).get("name")): mapping(cs).get("restartCount") or 0
                 for cs in status.get("containerStatuses") or ()}
    unready = {text(mapping(cs).get("name")) for cs in status.get("containerStatuses") or ()
               if mapping(cs).get("ready") is not True}
    for probe in ("Startup", "Liveness", "Readiness"):
        event = next((e for e in sorted(events, key=lambda e: -(e.last_seen or 0))
                      if e.reason == "Unhealthy" and e.message.startswith(f"{probe} probe")),
                     None)
        if event is None:
            continue
        name = event.container
        if probe == "Readiness" and name and name not in unready:
            continue  # it failed once, and passes now
        said = event.message.split("failed:", 1)[-1].strip() or "no output"
        if probe == "Liveness":
            cause = (f"the liveness probe of `{name or '?'}` fails ({said}): the kubelet "
                     f"restarts it ({restarted.get(name, 0)} restarts)")
        elif probe == "Startup":
            cause = f"the startup probe of `{name or '?'}` fails ({said}): it never starts"
        else:
            cause = (f"`{name or '?'}` is not ready: its readiness probe fails ({said}); "
                     "the pod gets no traffic but is not restarted")
        out.append(Finding(CRITICAL if probe != "Readiness" else WARNING, "probes", cause,
                           (event_evidence(event, now),),
                           (Step(PROBES, f"run the {probe.lower()} probe by hand",
                                 container=name, probe=probe.lower()),)))
    return out


def failing_container(pod: dict) -> tuple[str, bool] | None:
    """The container whose logs say why the pod fails, and whether its previous instance
    holds them: an init container before the app containers; a container in back-off (its
    current instance has not started: the crashed one has the logs); one that exited with an
    error; one not ready. None when every container is fine."""
    status = mapping(pod.get("status"))
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or ():
            cs = mapping(cs)
            state = mapping(cs.get("state"))
            term = mapping(state.get("terminated"))
            last = mapping(mapping(cs.get("lastState")).get("terminated"))
            name = text(cs.get("name"))
            if key.startswith("init") and term and term.get("exitCode") == 0:
                continue
            if "waiting" in state and last:
                return name, True
            if term and term.get("exitCode") not in (0, None):
                return name, False
            if cs.get("ready") is not True and (key.startswith("init") or
                                                 cs.get("restartCount") or "running" in state):
                return name, False
    return None
