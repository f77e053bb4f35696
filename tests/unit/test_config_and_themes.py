"""Settings and themes: broken input becomes a warning, never an exception."""

import textwrap

import pytest
from rich.console import Console

from kubetui.config import load_settings
from kubetui.themes import APP_VARIABLES, automatic_theme, builtin_theme_dir, load_theme_files


def test_defaults_without_a_file(tmp_path):
    s = load_settings(tmp_path / "missing.toml", environ={})
    assert s.theme == "" and s.warnings == ()


def test_file_and_env_override(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(textwrap.dedent("""
        theme = "kubetui-light"
        flows-poll-seconds = 5
        [keymap]
        "pane.pods" = "p"
    """))
    s = load_settings(f, environ={"KUBETUI_THEME": "kubetui-contrast"})
    assert s.theme == "kubetui-contrast"
    assert s.flows_poll_seconds == 5.0
    assert s.keymap == {"pane.pods": "p"}
    assert s.warnings == ()


def test_bad_values_warn_and_keep_defaults(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('flows_poll_seconds = 0.01\nbogus = 1\nkeymap = "x"\nlog_buffer_lines = 9\n')
    s = load_settings(f, environ={"KUBETUI_LOG_VIEW_MIB": "lots"})
    assert s.flows_poll_seconds == 2.0 and s.log_view_mib == 64
    assert len(s.warnings) == 5
    assert any("'log_buffer_lines' is no longer used" in w for w in s.warnings)


def test_invalid_toml_is_one_warning(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("theme = [unclosed")
    s = load_settings(f, environ={})
    assert s.theme == "" and "not valid TOML" in s.warnings[0]


def test_builtin_themes_define_every_app_variable():
    loaded = load_theme_files(builtin_theme_dir())
    assert loaded.problems == ()
    names = {t.name for t in loaded.themes}
    assert {"kubetui-dark", "kubetui-light", "kubetui-contrast", "kubetui-ansi"} <= names
    for theme in loaded.themes:
        assert set(APP_VARIABLES) <= set(theme.variables)


def test_broken_user_themes_are_reported_not_raised(tmp_path):
    (tmp_path / "a.toml").write_text('name = "a"\n[colors]\nprimary = "not-a-colour"\n')
    (tmp_path / "b.toml").write_text("name = ")
    (tmp_path / "c.toml").write_text('[colors]\nprimary = "#fff"\n')
    (tmp_path / "d.toml").write_text('name = "ok"\n[colors]\nprimary = "#123456"\n'
                                     '[variables]\npod-failed = "#ff0000"\n')
    loaded = load_theme_files(tmp_path)
    assert [t.name for t in loaded.themes] == ["ok"]
    assert len(loaded.problems) == 3
    assert loaded.themes[0].variables["pod-failed"] == "#ff0000"
    assert loaded.themes[0].variables["pod-running"]  # default filled in


def test_debug_image_from_file_and_env(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text('debug-image = "nicolaka/netshoot:v0.13"\n')
    assert load_settings(f, environ={}).debug_image == "nicolaka/netshoot:v0.13"
    assert load_settings(f, environ={"KUBETUI_DEBUG_IMAGE": "alpine:3.20"}).debug_image == \
        "alpine:3.20"
    f.write_text('debug-image = "  "\n')
    s = load_settings(f, environ={})
    assert s.debug_image == "busybox:1.35" and any("debug_image" in w for w in s.warnings)


def test_the_ansi_theme_uses_only_the_terminals_palette():
    """Every colour of kubetui-ansi is one of the 16 (or the terminal's default): nothing for
    Textual to approximate on a 16-colour terminal."""
    theme = next(t for t in load_theme_files(builtin_theme_dir()).themes
                 if t.name == "kubetui-ansi")
    assert theme.ansi is True
    colours = [theme.primary, theme.secondary, theme.accent, theme.warning, theme.error,
               theme.success, theme.foreground, theme.background, theme.surface, theme.panel]
    assert all(c.startswith("ansi_") for c in colours + list(theme.variables.values())), colours


@pytest.mark.parametrize(("environ", "expected"), [
    ({"TERM": "linux"}, "kubetui-ansi"),
    ({"TERM": "screen"}, "kubetui-ansi"),
    ({"TERM": "xterm-16color"}, "kubetui-ansi"),
    ({}, "kubetui-ansi"),
    ({"TERM": "xterm-256color"}, "kubetui-dark"),
    ({"TERM": "screen-256color"}, "kubetui-dark"),
    ({"TERM": "xterm", "COLORTERM": "truecolor"}, "kubetui-dark"),
])
def test_the_theme_follows_the_terminals_colours(environ, expected):
    """Rich's detection, as Textual's console makes it, decides the automatic theme."""
    system = Console(force_terminal=True, _environ=environ).color_system
    assert automatic_theme(system) == expected


def test_ansi_must_be_a_boolean(tmp_path):
    (tmp_path / "a.toml").write_text('name = "a"\nansi = "yes"\n[colors]\nprimary = "#123456"\n')
    loaded = load_theme_files(tmp_path)
    assert loaded.themes == () and "'ansi' must be true or false" in loaded.problems[0]


def test_theme_colours_become_styles_rich_can_parse():
    """The probe view styles text with the theme's colours through Rich, which has no
    ``ansi_*`` names: an ANSI theme must still give it colours it parses."""
    from rich.style import Style

    from kubetui.widgets.probe_view import palette

    theme = next(t for t in load_theme_files(builtin_theme_dir()).themes
                 if t.name == "kubetui-ansi")
    pal = palette({"success": theme.success, "error": theme.error, "warning": theme.warning})
    assert pal["success"] == "color(2)" and pal["error"] == "color(1)"
    for colour in pal.values():
        Style.parse(f"bold {colour}")
    assert palette({"success": "#00ff00"})["success"] == "#00ff00"
