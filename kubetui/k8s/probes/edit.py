"""An edited probe, never applied: the new spec, its diff, its YAML, the patch for its owner.

The runner's edit form changes a probe's command (or path and port), timeout, period and
thresholds to run it again; nothing is sent to the pod (a pod's probes are immutable anyway).
What it offers instead, all pure: the container spec's diff, the probe as YAML to copy, and the
``kubectl patch`` (strategic merge, containers merged by name) that would apply it to the
workload that owns the pod: shown, never sent.
"""

from __future__ import annotations

import copy
import difflib
import json
import shlex
from dataclasses import dataclass

import yaml

from kubetui.k8s.probes.config import DEFAULTS
from kubetui.k8s.probes.run import ProbeInputError
from kubetui.k8s.transport.shapes import mapping, text

#: Owner kinds whose pod template can be patched, with their kubectl resource name.
PATCHABLE = {"Deployment": "deployment", "StatefulSet": "statefulset",
             "DaemonSet": "daemonset", "ReplicaSet": "replicaset",
             "ReplicationController": "replicationcontroller"}


@dataclass(frozen=True)
class ProbeEdit:
    timeout: int
    period: int
    success: int
    failure: int
    initial_delay: int
    command: tuple[str, ...] | None = None  # exec
    path: str | None = None  # httpGet
    port: int | str | None = None  # httpGet, tcpSocket


def parse_int(label: str, value: str, minimum: int = 1) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ProbeInputError(f"{label}: a whole number of seconds or runs, not "
                              f"{value.strip()!r}") from None
    if number < minimum:
        raise ProbeInputError(f"{label} must be at least {minimum}")
    return number


def parse_port(value: str) -> int | str:
    value = value.strip()
    if value.isdigit():
        return int(value)
    if not value:
        raise ProbeInputError("port: a number or the name of a container port")
    return value


def parse_probe_command(value: str) -> tuple[str, ...]:
    try:
        words = tuple(shlex.split(value))
    except ValueError as exc:
        raise ProbeInputError(f"command does not parse: {exc}") from None
    if not words:
        raise ProbeInputError("command: the exec probe needs one")
    return words


def edited_probe(probe: dict, kind: str, handler: str, edit: ProbeEdit) -> dict:
    """The probe with the edit applied; raises ``ProbeInputError`` for what the API refuses."""
    if kind in ("liveness", "startup") and edit.success != 1:
        raise ProbeInputError(f"successThreshold must be 1 for a {kind} probe (the API "
                              "refuses anything else)")
    new = copy.deepcopy(mapping(probe))
    for name, value in (("timeoutSeconds", edit.timeout), ("periodSeconds", edit.period),
                        ("successThreshold", edit.success),
                        ("failureThreshold", edit.failure),
                        ("initialDelaySeconds", edit.initial_delay)):
        if name in new or value != DEFAULTS[name]:  # a default left out stays out of the diff
            new[name] = value
    action = dict(mapping(new.get(handler)))
    if handler == "exec" and edit.command is not None:
        action["command"] = list(edit.command)
    if handler == "httpGet" and edit.path is not None:
        action["path"] = edit.path if edit.path.startswith("/") else "/" + edit.path
    if handler in ("httpGet", "tcpSocket") and edit.port is not None:
        action["port"] = edit.port
    new[handler] = action
    return new


def _container_yaml(container: dict) -> list[str]:
    return yaml.safe_dump(container, sort_keys=True, default_flow_style=False,
                          width=1000).splitlines()


def spec_diff(container: dict, kind: str, probe: dict) -> str:
    """A unified diff of the container spec, before and after the edit."""
    after = dict(mapping(container))
    after[f"{kind}Probe"] = probe
    name = text(mapping(container).get("name"))
    lines = difflib.unified_diff(_container_yaml(mapping(container)), _container_yaml(after),
                                 f"container {name} (now)", f"container {name} (edited)",
                                 lineterm="", n=2)
    return "\n".join(lines) or "(no change)"


def probe_yaml(kind: str, probe: dict) -> str:
    return yaml.safe_dump({f"{kind}Probe": probe}, sort_keys=False, default_flow_style=False)


@dataclass(frozen=True)
class Owner:
    """The workload whose pod template holds the probe (a Deployment, not its ReplicaSet)."""

    kind: str
    name: str
    note: str = ""  # how it was found, or why only the ReplicaSet is known


def owner_patch(owner: Owner | None, namespace: str, container: str, init: bool, kind: str,
                probe: dict) -> tuple[str | None, str]:
    """(the ``kubectl patch`` command, a note) for the owner; (None, why) if there is none."""
    if owner is None:
        return None, ("a bare pod: its probes cannot be changed in place; change its manifest "
                      "and recreate it")
    resource = PATCHABLE.get(owner.kind)
    if resource is None:
        why = {"Job": "a Job's pod template is immutable: change the Job (or its CronJob) "
                      "and create it again"}.get(owner.kind, f"owned by a {owner.kind}: "
                                                 "change the probe where that object "
                                                 "defines its pods")
        return None, why
    key = "initContainers" if init else "containers"
    body = {"spec": {"template": {"spec": {key: [{"name": container,
                                                  f"{kind}Probe": probe}]}}}}
    command = shlex.join(["kubectl", "patch", resource, owner.name, "-n", namespace,
                          "--type=strategic", "-p", json.dumps(body, separators=(",", ":"))])
    note = "rolls the workload's pods" if owner.kind != "ReplicaSet" else \
        "a ReplicaSet does not replace running pods: delete them to apply it"
    return command, "; ".join(n for n in (owner.note, note) if n)


def owner_of(metadata: dict) -> tuple[str, str] | None:
    """(kind, name) of the controller in ``ownerReferences``."""
    refs = [mapping(r) for r in mapping(metadata).get("ownerReferences") or ()]
    ref = next((r for r in refs if r.get("controller")), refs[0] if refs else None)
    return (text(ref.get("kind")), text(ref.get("name"))) if ref else None
