"""Themes are data: TOML files validated into Textual ``Theme`` objects.

Built-in themes ship in the package (``themes/`` in the source tree, ``kubetui/_themes`` in the
wheel); users add their own in ``$XDG_CONFIG_HOME/kubetui/themes/*.toml``. kubetui's own colours
(``$pod-failed``, ``$apf-rejected``...) live in ``Theme.variables``; ``THEME_VARIABLE_DEFAULTS``
gives them values under Textual's built-in themes too. A broken theme file is reported and
skipped, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from kubetui.config import config_dir, tomllib

COLOR_KEYS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground",
              "background", "surface", "panel", "boost")
APP_VARIABLES = ("pod-running", "pod-pending", "pod-failed", "pod-succeeded", "pod-terminating",
                 "event-warning", "event-normal", "apf-queued", "apf-rejected", "readonly-badge")
# Used when a theme (Textual's own, or a partial user theme) leaves an app variable out.
THEME_VARIABLE_DEFAULTS = {
    "pod-running": "ansi_green", "pod-pending": "ansi_yellow", "pod-failed": "ansi_red",
    "pod-succeeded": "ansi_bright_black", "pod-terminating": "ansi_magenta",
    "event-warning": "ansi_yellow", "event-normal": "ansi_bright_black",
    "apf-queued": "ansi_yellow", "apf-rejected": "ansi_red", "readonly-badge": "ansi_yellow",
}


class ThemeError(ValueError):
    pass


@dataclass(frozen=True)
class ThemeLoad:
    themes: tuple[Theme, ...]
    problems: tuple[str, ...]


def _color(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ThemeError(f"{where} must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeError(f"{where}: '{value}' is not a colour") from exc
    return value


def parse_theme(data: dict, source: str) -> Theme:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(f"{source}: 'name' is required")
    colors = data.get("colors") or {}
    variables = data.get("variables") or {}
    if not isinstance(colors, dict) or not isinstance(variables, dict):
        raise ThemeError(f"{source}: [colors] and [variables] must be tables")
    unknown = set(colors) - set(COLOR_KEYS)
    if unknown:
        raise ThemeError(f"{source}: unknown colour(s) {', '.join(sorted(unknown))}")
    if "primary" not in colors:
        raise ThemeError(f"{source}: colors.primary is required")
    kwargs = {k: _color(v, f"{source}: colors.{k}") for k, v in colors.items()}
    merged = dict(THEME_VARIABLE_DEFAULTS)
    for key, value in variables.items():
        merged[str(key)] = _color(value, f"{source}: variables.{key}")
    ansi = data.get("ansi", False)
    if not isinstance(ansi, bool):
        raise ThemeError(f"{source}: 'ansi' must be true or false")
    return Theme(name=name.strip(), dark=bool(data.get("dark", True)), ansi=ansi,
                 variables=merged, **kwargs)


DEFAULT_THEME = "kubetui-dark"
ANSI_THEME = "kubetui-ansi"


def automatic_theme(color_system: str | None) -> str:
    """The theme when none was chosen: the 16-colour one where the terminal cannot show 256
    colours (what Rich detects from ``TERM``/``COLORTERM``, or ``TEXTUAL_COLOR_SYSTEM``).
    There Textual would squeeze every RGB colour into the 16 it has; the ANSI theme uses the
    terminal's own palette instead, so text keeps its contrast."""
    return ANSI_THEME if color_system in (None, "standard", "windows") else DEFAULT_THEME


def builtin_theme_dir() -> Path:
    packaged = Path(__file__).parent / "_themes"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "themes"


def load_theme_files(*directories: Path) -> ThemeLoad:
    themes: list[Theme] = []
    problems: list[str] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                themes.append(parse_theme(tomllib.loads(path.read_text()), str(path)))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                problems.append(f"theme {path} ignored: {exc}")
            except ThemeError as exc:
                problems.append(f"theme ignored: {exc}")
    return ThemeLoad(tuple(themes), tuple(problems))


def load_all_themes() -> ThemeLoad:
    return load_theme_files(builtin_theme_dir(), config_dir() / "themes")
