"""``kubectl debug`` without kubectl: pure request builders for its three targets.

* an **ephemeral container** added to the pod (``plan_ephemeral``);
* a **copy** of the pod with a debug container, or with changed images or command
  (``plan_copy``, kubectl's ``--copy-to``);
* a **node-debugger pod** on the pod's node (``plan_node``, kubectl's ``debug node/NAME``).

Profiles are ``debug_profiles.apply_profile``; bodies are built with the ``kubernetes`` package's
typed models and serialised by its ``ApiClient``. Every plan is a ``Write`` (sent once through
``writes.send_write``), the equivalent kubectl command, what the server will not apply, and what
it creates that can be deleted again (copies and node pods; an ephemeral container can never be
removed from its pod).

The ephemeral request matches the server: 1.16–1.21 take an ``EphemeralContainers`` object on
``pods/NAME/ephemeralcontainers``, 1.22+ a Pod; both accept a strategic-merge PATCH that names
only the new container. 1.22+'s Pod-shaped PATCH sent to a 1.20 server answers 200 and adds
nothing (what breaks kubectl 1.32 against 1.20), so the shape is chosen by version and the write
is confirmed by reading the pod. Servers before 1.23 reject a securityContext on an ephemeral
container: the profile's part is left out there, and ``DebugPlan.not_applied`` says so.
"""

from __future__ import annotations

import copy
import json
import shlex
from dataclasses import dataclass

from kubetui.k8s.debug.inputs import (
    DebugInputError,
    _token,
    check_image,
    check_pod_name,
    container_names,
    debugger_name,
)
from kubetui.k8s.debug.profiles import COPY, EPHEMERAL, NODE, PROFILES, ProfileError, apply_profile
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.writes import JSON, STRATEGIC_MERGE_PATCH, Write

PULL_POLICIES = ("IfNotPresent", "Always", "Never")
MANAGED_BY = ("app.kubernetes.io/managed-by", "kubetui-debug")

@dataclass(frozen=True)
class DebugSpec:
    namespace: str
    pod: str
    image: str
    target: str = ""  # ephemeral: the container whose processes the debugger sees
    profile: str = "general"
    command: tuple[str, ...] = ()
    pull_policy: str = "IfNotPresent"
    name: str = ""  # default: debugger-xxxxx (copy: an existing name changes that container)
    stdin: bool = True
    tty: bool = True
    mode: str = EPHEMERAL  # ephemeral | copy | node
    copy_name: str = ""  # copy: default <pod>-debug
    same_node: bool = False  # copy: keep the original's nodeName
    share_processes: bool | None = None  # copy: None = kubectl's default (true)
    set_images: tuple[tuple[str, str], ...] = ()  # copy: (container or "*", image)
    node: str = ""  # node: the node to debug (default: the pod's)


@dataclass(frozen=True)
class DebugPlan:
    mode: str
    namespace: str
    pod: str  # where the debugger runs: the original pod, the copy or the node pod
    container: str  # the debugger's container name ("" for a set-image-only copy)
    write: Write
    kubectl: str
    not_applied: tuple[str, ...] = ()  # parts of the profile this server refuses
    creates: tuple[str, ...] = ()  # pods created (copies, node pods): deletable afterwards
    body_container: dict | None = None  # the debug container as sent


def security_context(profile: str, style: str = EPHEMERAL) -> dict | None:
    """The debug container's securityContext for ``profile`` (kubectl's table)."""
    pod = {"spec": {"containers": [{"name": "d"}]}}
    try:
        after = apply_profile(profile, style, pod, "d")
    except ProfileError as exc:
        raise DebugInputError(str(exc)) from None
    return after["spec"]["containers"][0].get("securityContext")


def _check_common(spec: DebugSpec) -> str:
    if spec.profile not in PROFILES:
        raise DebugInputError(f"unknown profile {spec.profile!r} (one of: {', '.join(PROFILES)})")
    if spec.pull_policy not in PULL_POLICIES:
        raise DebugInputError(f"unknown pull policy {spec.pull_policy!r}")
    return check_image(spec.image)


def plan(spec: DebugSpec, pod: dict, version: ServerVersion, token=_token) -> DebugPlan:
    """The plan for ``spec.mode``; input the server would refuse is refused here first."""
    builders = {EPHEMERAL: plan_ephemeral, COPY: plan_copy, NODE: plan_node}
    if spec.mode not in builders:
        raise DebugInputError(f"unknown debug target {spec.mode!r}")
    return builders[spec.mode](spec, pod, version, token)


def plan_ephemeral(spec: DebugSpec, pod: dict, version: ServerVersion,
                   token=_token) -> DebugPlan:
    """Validate ``spec`` against the pod and build the request for this server."""
    from kubernetes.client import V1EphemeralContainer

    image = _check_common(spec)
    if spec.target and spec.target not in container_names(pod):
        raise DebugInputError(f"the pod has no container {spec.target!r} to target")
    name = debugger_name(pod, spec.name, token)
    container = _serialise(V1EphemeralContainer(
        name=name, image=image, image_pull_policy=spec.pull_policy,
        command=list(spec.command) or None, stdin=spec.stdin, tty=spec.tty,
        target_container_name=spec.target or None, termination_message_policy="File"))
    profiled = apply_profile(spec.profile, EPHEMERAL,
                             {"spec": {"ephemeralContainers": [container]}}, name)
    container = profiled["spec"]["ephemeralContainers"][0]
    not_applied: tuple[str, ...] = ()
    context = container.get("securityContext")
    if context and not version.at_least(1, 23):
        not_applied = (f"the {spec.profile} profile's securityContext "
                       f"{json.dumps(context, separators=(',', ':'))}: Kubernetes {version} "
                       "rejects a securityContext on ephemeral containers (before 1.23)",)
        container.pop("securityContext")
    base = f"/api/v1/namespaces/{spec.namespace}/pods/{spec.pod}"
    if version.at_least(1, 22):
        body: dict = {"spec": {"ephemeralContainers": [container]}}
    else:
        body = {"apiVersion": "v1", "kind": "EphemeralContainers",
                "metadata": {"name": spec.pod}, "ephemeralContainers": [container]}
    write = Write("PATCH", f"{base}/ephemeralcontainers", body,
                  what=f"add debug container {name} to {spec.namespace}/{spec.pod}",
                  confirm_path=base, applied=lambda obj: _has_ephemeral(obj, name),
                  content_type=STRATEGIC_MERGE_PATCH,
                  explain=lambda exc: explain_ephemeral_error(exc, spec.pod, version))
    return DebugPlan(EPHEMERAL, spec.namespace, spec.pod, name, write,
                     kubectl_debug(spec, name), not_applied, body_container=container)


def plan_copy(spec: DebugSpec, pod: dict, version: ServerVersion, token=_token) -> DebugPlan:
    """A new pod from the original's spec, with the debug container added (or a container
    changed, when ``spec.name`` names one), as ``kubectl debug --copy-to`` builds it."""
    from kubernetes.client import V1Container

    image = _check_common(spec)
    copy_name = check_pod_name(spec.copy_name or f"{spec.pod}-debug"[:253])
    original = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    meta = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
    pod_spec = copy.deepcopy(original)
    pod_spec.pop("ephemeralContainers", None)
    if not spec.same_node:
        pod_spec.pop("nodeName", None)
    # kubectl's --share-processes defaults to true and is set before any profile: a legacy
    # copy shares the process namespace too
    pod_spec["shareProcessNamespace"] = (True if spec.share_processes is None
                                         else spec.share_processes)
    containers = pod_spec.setdefault("containers", [])
    for container_name, _ in spec.set_images:
        if container_name != "*" and container_name not in {c.get("name") for c in containers}:
            raise DebugInputError(f"set image: the pod has no container {container_name!r}")
    images = dict(spec.set_images)
    for c in containers:
        override = images.get(c.get("name"), images.get("*"))
        if override:
            c["image"] = override
    name = debugger_name({"spec": pod_spec}, spec.name, token, existing_ok=True)
    debug = next((c for c in containers if c.get("name") == name), None)
    if debug is None:
        debug = _serialise(V1Container(name=name, termination_message_policy="File"))
        containers.append(debug)
    if spec.command:
        debug["command"] = list(spec.command)
        debug.pop("args", None)
    debug.update(image=image, imagePullPolicy=spec.pull_policy, stdin=spec.stdin, tty=spec.tty)
    copied = {"apiVersion": "v1", "kind": "Pod",
              "metadata": {k: v for k, v in (("name", copy_name),
                                             ("namespace", spec.namespace),
                                             ("labels", meta.get("labels")),
                                             ("annotations", meta.get("annotations"))) if v},
              "spec": pod_spec}
    copied = apply_profile(spec.profile, COPY, copied, name)
    return _create_pod_plan(COPY, spec, copied, name, kubectl_debug(spec, name, copy_name))


def plan_node(spec: DebugSpec, pod: dict, version: ServerVersion, token=_token) -> DebugPlan:
    """A pod on the node with the host's filesystem and namespaces as the profile says,
    tolerating every taint, never restarted (``kubectl debug node/NAME``)."""
    from kubernetes.client import V1Container, V1ObjectMeta, V1Pod, V1PodSpec, V1Toleration

    image = _check_common(spec)
    node = spec.node or ((pod.get("spec") or {}).get("nodeName") or "")
    if not node:
        raise DebugInputError("the pod is not scheduled on a node yet: no node to debug")
    name = spec.name or "debugger"
    debugger_name({}, name)  # a DNS label
    pod_name = check_pod_name(f"node-debugger-{node}-{token()}"[:253])
    body = _serialise(V1Pod(
        api_version="v1", kind="Pod",
        metadata=V1ObjectMeta(name=pod_name, namespace=spec.namespace,
                              labels={MANAGED_BY[0]: MANAGED_BY[1]}),
        spec=V1PodSpec(
            containers=[V1Container(name=name, image=image, image_pull_policy=spec.pull_policy,
                                    command=list(spec.command) or None, stdin=spec.stdin,
                                    tty=spec.tty, termination_message_policy="File")],
            node_name=node, restart_policy="Never",
            tolerations=[V1Toleration(operator="Exists")])))
    body = apply_profile(spec.profile, NODE, body, name)
    return _create_pod_plan(NODE, spec, body, name, kubectl_debug_node(spec, node, name))


def _create_pod_plan(mode: str, spec: DebugSpec, body: dict, container: str,
                     kubectl: str) -> DebugPlan:
    pod_name = body["metadata"]["name"]
    path = f"/api/v1/namespaces/{spec.namespace}/pods"
    what = {COPY: f"create debug copy {pod_name} of {spec.namespace}/{spec.pod}",
            NODE: f"create node-debugger pod {spec.namespace}/{pod_name}"}[mode]
    write = Write("POST", path, body, what=what, confirm_path=f"{path}/{pod_name}",
                  applied=lambda obj: obj is not None, content_type=JSON)
    debug = next((c for c in body["spec"]["containers"] if c.get("name") == container), None)
    return DebugPlan(mode, spec.namespace, pod_name, container, write, kubectl,
                     creates=(pod_name,), body_container=debug)


def delete_pod_write(namespace: str, name: str) -> Write:
    """Delete a pod kubetui created for debugging (a copy or a node-debugger pod)."""
    path = f"/api/v1/namespaces/{namespace}/pods/{name}"
    # A debugger's shell (PID 1) ignores SIGTERM: without this, every cleanup waits the full
    # 30 s grace period. One second lets the kubelet stop it cleanly, then kill it.
    body = {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 1}
    return Write("DELETE", path, body, what=f"delete debug pod {namespace}/{name}",
                 confirm_path=path,
                 applied=lambda obj: obj is None or bool(
                     (obj.get("metadata") or {}).get("deletionTimestamp")))


def explain_ephemeral_error(exc: KubeError, pod: str, version: ServerVersion) -> KubeError:
    """A 404 that does not name the pod: the subresource is not served (the feature is off)."""
    if exc.kind is ErrorKind.NOT_FOUND and f'"{pod}"' not in exc.hint:
        gate = ("the EphemeralContainers feature gate is off (alpha until 1.22: it must be "
                "enabled on the apiserver and the kubelets)" if not version.at_least(1, 23)
                else "the server does not serve pods/ephemeralcontainers")
        return KubeError(ErrorKind.UNSUPPORTED,
                         f"ephemeral containers are not available on this server ({version})",
                         f"{gate}; a debug copy (--copy-to) works without them", exc.status)
    return exc


def _has_ephemeral(obj: dict | None, name: str) -> bool:
    spec = (obj or {}).get("spec") if isinstance((obj or {}).get("spec"), dict) else obj or {}
    return any(isinstance(c, dict) and c.get("name") == name
               for c in spec.get("ephemeralContainers") or ())


def _stream_flags(spec: DebugSpec) -> list[str]:
    flags = [f"--image={spec.image}", f"--profile={spec.profile}",
             f"--image-pull-policy={spec.pull_policy}"]
    if spec.stdin:
        flags.append("-i")
    if spec.tty:
        flags.append("-t")
    return flags


def kubectl_debug(spec: DebugSpec, name: str, copy_to: str = "") -> str:
    parts = ["kubectl", "debug", "-n", spec.namespace, spec.pod, *_stream_flags(spec),
             f"--container={name}"]
    if copy_to:
        parts.append(f"--copy-to={copy_to}")
        if spec.same_node:
            parts.append("--same-node")
        if spec.share_processes is not None:
            parts.append(f"--share-processes={str(spec.share_processes).lower()}")
        if spec.set_images:
            parts.append("--set-image=" + ",".join(f"{c}={i}" for c, i in spec.set_images))
    elif spec.target:
        parts.append(f"--target={spec.target}")
    if spec.command:
        parts += ["--", *spec.command]
    return shlex.join(parts)


def kubectl_debug_node(spec: DebugSpec, node: str, name: str) -> str:
    parts = ["kubectl", "debug", "-n", spec.namespace, f"node/{node}", *_stream_flags(spec)]
    if name != "debugger":
        parts.append(f"--container={name}")
    if spec.command:
        parts += ["--", *spec.command]
    return shlex.join(parts)


def _serialise(model) -> dict:
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(model)
