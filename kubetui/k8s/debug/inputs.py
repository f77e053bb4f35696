"""The debug form's input, checked as the server would check it: nothing invalid is sent.

Image references (the Docker reference grammar, simplified), pod and container names (DNS
subdomain and label), container names unique across the pod's containers, init containers and
ephemeral containers (kubectl's ``debugger-xxxxx``), and commands split as a shell would split
them, with unbalanced quotes refused and the reason given.
"""

from __future__ import annotations

import re
import secrets
import shlex

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# Docker reference grammar, simplified: [registry[:port]/]path[:tag][@digest]
_IMAGE = re.compile(
    r"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?")


class DebugInputError(ValueError):
    """Input the form refuses, with the reason; nothing is sent."""


def parse_command(text: str) -> tuple[str, ...]:
    """Shell-like words; unbalanced quotes are refused with the reason."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise DebugInputError(f"the command does not parse: {exc}") from None


def parse_set_images(text: str) -> tuple[tuple[str, str], ...]:
    """``app=busybox:1.35,*=alpine`` (kubectl's ``--set-image``) into pairs, images checked."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        container, sep, image = item.partition("=")
        if not sep or not container.strip():
            raise DebugInputError(f"set image: {item!r} is not CONTAINER=IMAGE (or *=IMAGE)")
        pairs.append((container.strip(), check_image(image)))
    return tuple(pairs)


def check_image(image: str) -> str:
    image = image.strip()
    if not image or not _IMAGE.fullmatch(image):
        raise DebugInputError(f"not an image reference: {image!r} "
                              "(e.g. busybox:1.35 or registry.example.com/tools/netshoot:v1)")
    return image


def check_pod_name(name: str) -> str:
    if len(name) > 253 or not _DNS_SUBDOMAIN.fullmatch(name):
        raise DebugInputError(f"{name!r} is not a valid pod name (lower-case letters, digits, "
                              "'-' and '.', at most 253)")
    return name


def container_names(pod: dict) -> set[str]:
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    return {c.get("name") for key in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(key) or () if isinstance(c, dict)}


def _token() -> str:
    return secrets.token_hex(3)[:5]


def debugger_name(pod: dict, wanted: str = "", token=_token, *, existing_ok: bool = False) -> str:
    """``wanted`` if it is a free DNS label, else a new ``debugger-xxxxx`` free in the pod."""
    taken = container_names(pod)
    if wanted:
        if len(wanted) > 63 or not _DNS_LABEL.fullmatch(wanted):
            raise DebugInputError(f"{wanted!r} is not a valid container name (a DNS label: "
                                  "lower-case letters, digits and '-', at most 63)")
        if wanted in taken and not existing_ok:
            raise DebugInputError(f"the pod already has a container named {wanted!r}")
        return wanted
    while True:
        name = f"debugger-{token()}"
        if name not in taken:
            return name
