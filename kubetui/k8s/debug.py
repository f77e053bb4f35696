"""Ephemeral debug containers, as pure request builders (``kubectl debug`` without kubectl).

Profiles follow kubectl's (``pkg/cmd/debug``) for the ephemeral-container target: general adds
SYS_PTRACE, baseline clears the securityContext, restricted hardens it, netadmin adds NET_ADMIN
and NET_RAW, sysadmin runs privileged, legacy changes nothing. Bodies are built with the
``kubernetes`` package's typed models and serialised by its ``ApiClient``.

The request matches the server: 1.16–1.21 take an ``EphemeralContainers`` object on
``pods/NAME/ephemeralcontainers``, 1.22+ a Pod; both accept a strategic-merge PATCH that names
only the new container. 1.22+'s Pod-shaped PATCH sent to a 1.20 server answers 200 and adds
nothing (what breaks kubectl 1.32 against 1.20), so the shape is chosen by version and the write
is confirmed by reading the pod. Servers before 1.23 reject a securityContext on an ephemeral
container: the profile's part is left out there, and ``DebugPlan.not_applied`` says so.
Ephemeral containers can never be removed from the pod.
"""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass

from kubetui.k8s.discovery import ServerVersion
from kubetui.k8s.writes import STRATEGIC_MERGE_PATCH, Write

PROFILES = ("general", "baseline", "restricted", "netadmin", "sysadmin", "legacy")
PULL_POLICIES = ("IfNotPresent", "Always", "Never")

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
# Docker reference grammar, simplified: [registry[:port]/]path[:tag][@digest]
_IMAGE = re.compile(
    r"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?")


class DebugInputError(ValueError):
    """Input the form refuses, with the reason; nothing is sent."""


@dataclass(frozen=True)
class DebugSpec:
    namespace: str
    pod: str
    image: str
    target: str = ""  # container whose processes the debugger sees
    profile: str = "general"
    command: tuple[str, ...] = ()
    pull_policy: str = "IfNotPresent"
    name: str = ""  # default: debugger-xxxxx
    stdin: bool = True
    tty: bool = True


@dataclass(frozen=True)
class DebugPlan:
    container: dict  # the ephemeral container, as sent
    write: Write
    kubectl: str
    not_applied: tuple[str, ...]  # parts of the profile this server refuses


def parse_command(text: str) -> tuple[str, ...]:
    """Shell-like words; unbalanced quotes are refused with the reason."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise DebugInputError(f"the command does not parse: {exc}") from None


def check_image(image: str) -> str:
    image = image.strip()
    if not image or not _IMAGE.fullmatch(image):
        raise DebugInputError(f"not an image reference: {image!r} "
                              "(e.g. busybox:1.35 or registry.example.com/tools/netshoot:v1)")
    return image


def container_names(pod: dict) -> set[str]:
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    return {c.get("name") for key in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(key) or () if isinstance(c, dict)}


def debugger_name(pod: dict, wanted: str = "", token=lambda: secrets.token_hex(3)[:5]) -> str:
    """``wanted`` if it is a free DNS label, else a new ``debugger-xxxxx`` free in the pod."""
    taken = container_names(pod)
    if wanted:
        if len(wanted) > 63 or not _DNS_LABEL.fullmatch(wanted):
            raise DebugInputError(f"{wanted!r} is not a valid container name (a DNS label: "
                                  "lower-case letters, digits and '-', at most 63)")
        if wanted in taken:
            raise DebugInputError(f"the pod already has a container named {wanted!r}")
        return wanted
    while True:
        name = f"debugger-{token()}"
        if name not in taken:
            return name


def security_context(profile: str) -> dict | None:
    """The ephemeral container's securityContext for ``profile`` (kubectl's table)."""
    from kubernetes.client import V1Capabilities, V1SeccompProfile, V1SecurityContext

    if profile not in PROFILES:
        raise DebugInputError(f"unknown profile {profile!r} (one of: {', '.join(PROFILES)})")
    context = {
        "general": V1SecurityContext(capabilities=V1Capabilities(add=["SYS_PTRACE"])),
        "baseline": None,
        "restricted": V1SecurityContext(
            run_as_non_root=True, allow_privilege_escalation=False,
            capabilities=V1Capabilities(drop=["ALL"]),
            seccomp_profile=V1SeccompProfile(type="RuntimeDefault")),
        "netadmin": V1SecurityContext(capabilities=V1Capabilities(add=["NET_ADMIN", "NET_RAW"])),
        "sysadmin": V1SecurityContext(privileged=True),
        "legacy": None,
    }[profile]
    return _serialise(context) if context is not None else None


def plan_ephemeral(spec: DebugSpec, pod: dict, version: ServerVersion) -> DebugPlan:
    """Validate ``spec`` against the pod and build the request for this server."""
    from kubernetes.client import V1EphemeralContainer

    image = check_image(spec.image)
    if spec.pull_policy not in PULL_POLICIES:
        raise DebugInputError(f"unknown pull policy {spec.pull_policy!r}")
    if spec.target and spec.target not in container_names(pod):
        raise DebugInputError(f"the pod has no container {spec.target!r} to target")
    name = debugger_name(pod, spec.name)
    context = security_context(spec.profile)
    not_applied = ()
    if context is not None and not version.at_least(1, 23):
        not_applied = (f"the {spec.profile} profile's securityContext "
                       f"({', '.join(sorted(context))}): Kubernetes {version} rejects a "
                       "securityContext on ephemeral containers",)
        context = None
    container = _serialise(V1EphemeralContainer(
        name=name, image=image, image_pull_policy=spec.pull_policy,
        command=list(spec.command) or None, stdin=spec.stdin, tty=spec.tty,
        target_container_name=spec.target or None, termination_message_policy="File"))
    if context is not None:
        container["securityContext"] = context
    base = f"/api/v1/namespaces/{spec.namespace}/pods/{spec.pod}"
    if version.at_least(1, 22):
        body: dict = {"spec": {"ephemeralContainers": [container]}}
    else:
        body = {"apiVersion": "v1", "kind": "EphemeralContainers",
                "metadata": {"name": spec.pod}, "ephemeralContainers": [container]}
    write = Write("PATCH", f"{base}/ephemeralcontainers", body,
                  what=f"add debug container {name} to {spec.namespace}/{spec.pod}",
                  confirm_path=base, applied=lambda obj: _has_ephemeral(obj, name),
                  content_type=STRATEGIC_MERGE_PATCH)
    return DebugPlan(container, write, kubectl_debug(spec, name), not_applied)


def _has_ephemeral(obj: dict | None, name: str) -> bool:
    spec = (obj or {}).get("spec") if isinstance((obj or {}).get("spec"), dict) else obj or {}
    return any(isinstance(c, dict) and c.get("name") == name
               for c in spec.get("ephemeralContainers") or ())


def kubectl_debug(spec: DebugSpec, name: str) -> str:
    parts = ["kubectl", "debug", "-n", spec.namespace, spec.pod, f"--image={spec.image}",
             f"--container={name}", f"--profile={spec.profile}",
             f"--image-pull-policy={spec.pull_policy}"]
    if spec.target:
        parts.append(f"--target={spec.target}")
    if spec.stdin:
        parts.append("-i")
    if spec.tty:
        parts.append("-t")
    if spec.command:
        parts += ["--", *spec.command]
    return shlex.join(parts)


def _serialise(model) -> dict:
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(model)
