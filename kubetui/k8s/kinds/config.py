"""A ConfigMap's and a Secret's keys with their sizes, never a Secret's values.

A Secret's values are read as raw JSON text (``msgspec.Raw``: the base64 is never decoded into
a Python string on the fast path) and only their lengths are kept; a value seen whole (an object
the fast path could not read) is measured and dropped the same way. The row holds key names and
sizes, nothing else; the value of one key is fetched only when the user reveals it
(``reveal_request``), shown once, and kept nowhere.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

from kubetui.k8s.kinds.objects import value_size
from kubetui.k8s.kinds.rich import Facts, rich
from kubetui.k8s.kinds.table import ColumnDef
from kubetui.k8s.transport.shapes import mapping

KEYS = ColumnDef("Keys", description="each key and the size of its value")


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


def _raw_size(value: Any, base64: bool) -> int:
    """The size of a value as the server sent it: raw JSON text (the fast path) or a str."""
    if isinstance(value, msgspec.Raw):
        text = bytes(value)
        if text[:1] != b'"':
            return 0
        inner = text[1:-1]
        if base64:
            return max(0, len(inner) * 3 // 4 - inner[-2:].count(b"="))
        return len(msgspec.json.decode(text, type=str).encode())
    if isinstance(value, str):
        return value_size(value) if base64 else len(value.encode())
    return 0


def keys_text(sizes: dict[str, int]) -> str:
    if not sizes:
        return "(no keys)"
    return ", ".join(f"{key} ({size_text(size)})" for key, size in sorted(sizes.items()))


class ConfigMapFields(TypedDict, total=False):
    data: dict[str, str]
    binaryData: dict[str, msgspec.Raw]


class SecretFields(TypedDict, total=False):
    data: dict[str, msgspec.Raw]
    type: str


@rich("", "ConfigMap", (KEYS,), ConfigMapFields)
def config_map_facts(obj: dict) -> Facts:
    sizes = {str(k): _raw_size(v, False) for k, v in mapping(obj.get("data")).items()}
    sizes.update({str(k): _raw_size(v, True) for k, v in mapping(obj.get("binaryData")).items()})
    return Facts((keys_text(sizes),))


@rich("", "Secret", (KEYS,), SecretFields)
def secret_facts(obj: dict) -> Facts:
    sizes = {str(k): _raw_size(v, True) for k, v in mapping(obj.get("data")).items()}
    return Facts((keys_text(sizes),))


def secret_keys(cell: str) -> list[str]:
    """The key names back from a KEYS cell (``a (3 B), b (1.0 KiB)``)."""
    if cell in ("", "(no keys)", "?"):
        return []
    return [part.rsplit(" (", 1)[0] for part in cell.split(", ")]


def revealed_value(secret: dict, key: str) -> str:
    """One key's value, decoded for display: text when it is UTF-8, else a note of its size."""
    import base64
    import binascii

    raw = mapping(secret.get("data")).get(key)
    if not isinstance(raw, str):
        return f"(the Secret has no key {key!r} any more)"
    try:
        value = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return "(the value is not base64: the server sent something unexpected)"
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return f"(binary, {len(value)} bytes: not shown)"
