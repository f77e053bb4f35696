"""kubectl's debug profiles, as pure functions on a pod (JSON, camelCase), for all three targets.

The table is kubectl's ``pkg/cmd/debug/profiles.go``:

========== ======================= ================================== ==========================
profile    ephemeral container     pod copy                           node pod
========== ======================= ================================== ==========================
legacy     (nothing)               drop labels                        ``/`` at ``/host``, host
                                                                      PID/network/IPC
general    add SYS_PTRACE          drop labels, annotations, probes,  ``/host``, clear the
                                   init containers; SYS_PTRACE;       securityContext, host
                                   shareProcessNamespace              namespaces
baseline   clear securityContext   clear securityContext; drops as    clear securityContext
                                   general; shareProcessNamespace
restricted clear, then runAsNonRoot, no privilege escalation, drop ALL capabilities, seccomp
           RuntimeDefault (all targets); the copy also drops and shares as general
netadmin   add NET_ADMIN, NET_RAW  + drops; shareProcessNamespace     + host namespaces
sysadmin   privileged              + drops; shareProcessNamespace     + host namespaces, /host
========== ======================= ================================== ==========================

Each function takes the pod as it will be sent (with the debug container already in it) and the
debug container's name, and returns a changed deep copy; the caller's pod is never touched.
New security settings are built with the ``kubernetes`` package's typed models.
"""

from __future__ import annotations

import copy

PROFILES = ("general", "baseline", "restricted", "netadmin", "sysadmin", "legacy")
EPHEMERAL, COPY, NODE = "ephemeral", "copy", "node"
STYLES = (EPHEMERAL, COPY, NODE)
HOST_ROOT_VOLUME = "host-root"


class ProfileError(ValueError):
    pass


def apply_profile(profile: str, style: str, pod: dict, container: str) -> dict:
    """The pod after ``profile`` for a debug session of ``style`` on ``container``."""
    if profile not in PROFILES:
        raise ProfileError(f"unknown profile {profile!r} (one of: {', '.join(PROFILES)})")
    if style not in STYLES:
        raise ProfileError(f"unknown debug target {style!r}")
    pod = copy.deepcopy(pod)
    pod.setdefault("spec", {})
    _STEPS[profile](pod, style, container)
    return pod


# -- the profiles --------------------------------------------------------------------------
def _legacy(pod: dict, style: str, name: str) -> None:
    if style == NODE:
        _mount_root(pod, name)
        _host_namespaces(pod)
    else:
        _drop_labels(pod)


def _general(pod: dict, style: str, name: str) -> None:
    if style == NODE:
        _mount_root(pod, name)
        _clear_security_context(pod, name)
        _host_namespaces(pod)
    elif style == COPY:
        _copy_drops(pod)
        _add_capabilities(pod, name, "SYS_PTRACE")
        _share_processes(pod)
    else:
        _drop_labels(pod)
        _add_capabilities(pod, name, "SYS_PTRACE")


def _baseline(pod: dict, style: str, name: str) -> None:
    _clear_security_context(pod, name)
    _after_common(pod, style)


def _restricted(pod: dict, style: str, name: str) -> None:
    from kubernetes.client import V1Capabilities, V1SeccompProfile, V1SecurityContext

    _clear_security_context(pod, name)
    _merge_security_context(pod, name, V1SecurityContext(
        run_as_non_root=True, allow_privilege_escalation=False,
        capabilities=V1Capabilities(drop=["ALL"]),
        seccomp_profile=V1SeccompProfile(type="RuntimeDefault")))
    _after_common(pod, style)


def _netadmin(pod: dict, style: str, name: str) -> None:
    _add_capabilities(pod, name, "NET_ADMIN", "NET_RAW")
    if style == NODE:
        _host_namespaces(pod)
    else:
        _after_common(pod, style)


def _sysadmin(pod: dict, style: str, name: str) -> None:
    from kubernetes.client import V1SecurityContext

    _merge_security_context(pod, name, V1SecurityContext(privileged=True))
    if style == NODE:
        _host_namespaces(pod)
        _mount_root(pod, name)
    else:
        _after_common(pod, style)


def _after_common(pod: dict, style: str) -> None:
    """What every profile but legacy and general does to a copy or an ephemeral target."""
    if style == COPY:
        _copy_drops(pod)
        _share_processes(pod)
    elif style == EPHEMERAL:
        _drop_labels(pod)


_STEPS = {"legacy": _legacy, "general": _general, "baseline": _baseline,
          "restricted": _restricted, "netadmin": _netadmin, "sysadmin": _sysadmin}


# -- the steps (kubectl's helpers) ------------------------------------------------------------
def _containers(pod: dict, name: str):
    spec = pod["spec"]
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or ():
            if c.get("name") == name:
                yield c


def _drop_labels(pod: dict) -> None:
    pod.setdefault("metadata", {}).pop("labels", None)


def _copy_drops(pod: dict) -> None:
    """A copy must not join the original's Services, nor be killed by its probes."""
    meta = pod.setdefault("metadata", {})
    meta.pop("labels", None)
    meta.pop("annotations", None)
    for c in pod["spec"].get("containers") or ():
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            c.pop(probe, None)
    pod["spec"].pop("initContainers", None)


def _share_processes(pod: dict) -> None:
    pod["spec"].setdefault("shareProcessNamespace", True)


def _host_namespaces(pod: dict) -> None:
    pod["spec"].update(hostNetwork=True, hostPID=True, hostIPC=True)


def _mount_root(pod: dict, name: str) -> None:
    from kubernetes.client import V1HostPathVolumeSource, V1Volume, V1VolumeMount

    pod["spec"].setdefault("volumes", []).append(_serialise(V1Volume(
        name=HOST_ROOT_VOLUME, host_path=V1HostPathVolumeSource(path="/"))))
    for c in pod["spec"].get("containers") or ():
        if c.get("name") == name:
            c.setdefault("volumeMounts", []).append(
                _serialise(V1VolumeMount(mount_path="/host", name=HOST_ROOT_VOLUME)))
            break


def _clear_security_context(pod: dict, name: str) -> None:
    for c in _containers(pod, name):
        c.pop("securityContext", None)


def _merge_security_context(pod: dict, name: str, model) -> None:
    wanted = _serialise(model)
    for c in _containers(pod, name):
        context = c.setdefault("securityContext", {})
        for key, value in wanted.items():
            if key == "capabilities":  # restricted: drop ALL and add nothing
                context["capabilities"] = dict(value)
            else:
                context[key] = value


def _add_capabilities(pod: dict, name: str, *capabilities: str) -> None:
    for c in _containers(pod, name):
        caps = c.setdefault("securityContext", {}).setdefault("capabilities", {})
        caps["add"] = [*caps.get("add", ()), *capabilities]


def _serialise(model) -> dict:
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(model)
