"""Typed settings: defaults, then the XDG config file, then ``KUBETUI_*`` environment variables.

The file is ``$XDG_CONFIG_HOME/kubetui/config.toml`` (``KUBETUI_CONFIG_FILE`` overrides the path).
Credentials are never stored here: the kubeconfig is the source of truth. A broken file does not
stop kubetui; each problem becomes a warning shown once at start-up and the default is used.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import user_config_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Ubuntu 22.04 bastions): the same parser, from PyPI
    import tomli as tomllib

@dataclass(frozen=True)
class Settings:
    # Empty: chosen by the terminal (kubetui-ansi under 256 colours, else kubetui-dark).
    theme: str = ""
    # Binding id -> key(s), e.g. {"pane.pods" = "p"}; see `?` in the app for every id.
    keymap: dict[str, str] = field(default_factory=dict)
    # How often the APF pane polls the debug dump and metrics while it is visible.
    flows_poll_seconds: float = 2.0
    # Memory a workload's log view may hold (text plus ~100 bytes a line); past it the oldest
    # lines are dropped, a tenth at a time, and the view says how many.
    log_view_mib: int = 64
    # The debug container's image when none was used on the cluster before (``D`` on a pod).
    debug_image: str = "busybox:1.35"
    # Where copies go: auto (OSC 52 over SSH and in tmux/screen, pyperclip on a local desktop,
    # OSC 52 when pyperclip has no backend), osc52, pyperclip, or off.
    clipboard: str = "auto"
    # A blinking cursor repaints its line twice a second, a steady stream over SSH: off unless
    # asked for.
    cursor_blink: bool = False
    # The incident timeline: every action, probe run and forward of a session, one JSON line
    # each, in timeline_dir (empty: $XDG_STATE_HOME/kubetui/incidents), kept timeline_keep_days.
    timeline: bool = True
    timeline_dir: str = ""
    timeline_keep_days: int = 30
    # CPU and memory per pod (``u`` in the pods pane): sampled every usage_seconds while shown,
    # never otherwise; usage_columns shows them from the start.
    usage_seconds: float = 10.0
    usage_columns: bool = False
    warnings: tuple[str, ...] = ()


_CHOICES = {"clipboard": ("auto", "osc52", "pyperclip", "off")}
_BOOLEAN = {"true": True, "yes": True, "on": True, "1": True,
            "false": False, "no": False, "off": False, "0": False}
_NUMERIC = {"flows_poll_seconds": (float, 0.5, 60.0), "log_view_mib": (int, 8, 2048),
            "timeline_keep_days": (int, 1, 3650), "usage_seconds": (float, 2.0, 300.0)}
#: settings that were, with what replaced them
_OBSOLETE = {"log_buffer_lines": "log views hold log_view_mib of lines"}


def config_dir() -> Path:
    return user_config_path("kubetui", appauthor=False)


def config_file() -> Path:
    override = os.environ.get("KUBETUI_CONFIG_FILE")
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def _coerce(name: str, value: object, warnings: list[str], origin: str) -> object | None:
    if name == "timeline_dir":
        if isinstance(value, str):
            return value.strip()
        warnings.append(f"{origin}: {name} must be a path (a string)")
        return None
    if name in ("theme", "debug_image"):
        if isinstance(value, str) and value.strip():
            return value.strip()
        warnings.append(f"{origin}: {name} must be a non-empty string")
        return None
    if name in _CHOICES:
        if isinstance(value, str) and value.strip().lower() in _CHOICES[name]:
            return value.strip().lower()
        warnings.append(f"{origin}: {name} must be one of {', '.join(_CHOICES[name])}")
        return None
    if name in ("cursor_blink", "timeline", "usage_columns"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOLEAN:
            return _BOOLEAN[value.strip().lower()]
        warnings.append(f"{origin}: {name} must be true or false")
        return None
    if name == "keymap":
        if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in value.items()):
            return dict(value)
        warnings.append(f"{origin}: [keymap] must map binding ids to key strings")
        return None
    kind, low, high = _NUMERIC[name]
    try:
        number = kind(value)  # type: ignore[operator]
    except (TypeError, ValueError):
        warnings.append(f"{origin}: {name} must be a number")
        return None
    if not low <= number <= high:
        warnings.append(f"{origin}: {name} must be between {low} and {high}")
        return None
    return number


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    path = path or config_file()
    warnings: list[str] = []
    values: dict[str, object] = {}
    known = {f.name for f in fields(Settings)} - {"warnings"}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            warnings.append(f"{path}: ignored, it is not valid TOML ({exc})")
            data = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            if name in _OBSOLETE:
                warnings.append(f"{path}: '{key}' is no longer used ({_OBSOLETE[name]})")
                continue
            if name not in known:
                warnings.append(f"{path}: unknown setting '{key}' ignored")
                continue
            coerced = _coerce(name, value, warnings, str(path))
            if coerced is not None:
                values[name] = coerced
    for name in known - {"keymap"}:
        raw = env.get(f"KUBETUI_{name.upper()}")
        if raw is not None:
            coerced = _coerce(name, raw, warnings, f"KUBETUI_{name.upper()}")
            if coerced is not None:
                values[name] = coerced
    return replace(Settings(), **values, warnings=tuple(warnings))  # type: ignore[arg-type]
