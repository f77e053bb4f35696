"""Where unexpected exceptions go: a log file, so the UI shows one line and nothing is lost."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from platformdirs import user_state_path


def log_path() -> Path:
    return user_state_path("kubetui", appauthor=False) / "kubetui.log"


def record(exc: BaseException, where: str) -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {where}\n")
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path
