"""The last debug image used on each cluster, remembered across runs.

Kept in ``$XDG_STATE_HOME/kubetui/debug-images.json`` (keyed by the API server's URL), so an SRE
who chose ``nicolaka/netshoot`` for production gets it again there, and the config file's
``debug_image`` everywhere else. A broken or unwritable file is ignored: it is a convenience.
"""

from __future__ import annotations

import json
from pathlib import Path

from platformdirs import user_state_path


def memory_path() -> Path:
    return user_state_path("kubetui", appauthor=False) / "debug-images.json"


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def remembered_image(server: str, default: str, path: Path | None = None) -> str:
    return _load(path or memory_path()).get(server, default)


def remember_image(server: str, image: str, path: Path | None = None) -> None:
    path = path or memory_path()
    data = _load(path)
    data[server] = image
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, sort_keys=True))
    except OSError:
        pass
