"""Where a copy goes (OSC 52, pyperclip, off) and the bytes sent to the terminal."""

from __future__ import annotations

import base64

from kubetui.clipboard import choose, copied_message, osc52
from kubetui.config import load_settings

SSH = {"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "DISPLAY": "localhost:10.0"}


def test_auto_never_uses_pyperclip_over_ssh_even_with_a_forwarded_display():
    assert choose("auto", SSH, "linux").method == "osc52"
    assert choose("auto", {"SSH_TTY": "/dev/pts/3"}, "darwin").method == "osc52"


def test_auto_uses_pyperclip_on_a_local_desktop_and_osc52_without_a_display():
    assert choose("auto", {"DISPLAY": ":0"}, "linux").method == "pyperclip"
    assert choose("auto", {"WAYLAND_DISPLAY": "wayland-0"}, "linux").method == "pyperclip"
    assert choose("auto", {}, "darwin").method == "pyperclip"
    assert choose("auto", {}, "linux").method == "osc52"  # a console, a container


def test_explicit_settings_win():
    assert choose("osc52", {"DISPLAY": ":0"}, "linux").method == "osc52"
    assert choose("pyperclip", SSH, "linux").method == "pyperclip"
    assert choose("off", SSH, "linux").method == "off"


def test_tmux_and_screen_wrapping():
    tmux = {"TMUX": "/tmp/tmux-0/default,1,0", "SSH_TTY": "/dev/pts/1"}
    assert choose("auto", tmux, "linux", tmux_handles=True).wrap == ""
    assert choose("auto", tmux, "linux", tmux_handles=False).wrap == "tmux"
    assert choose("auto", {"STY": "1234.pts-0"}, "linux").wrap == "screen"


def test_osc52_sequences():
    text = "kubectl -n demo get pod web-1 ✓"
    payload = base64.b64encode(text.encode()).decode()
    assert osc52(text) == f"\x1b]52;c;{payload}\x07"
    wrapped = osc52(text, "tmux")
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x07\x1b\\")
    big = osc52("x" * 5000, "screen")
    chunks = big.split("\x1b\\")[:-1]
    assert all(c.startswith("\x1bP") and len(c) <= 770 for c in chunks)
    assert "".join(c[2:] for c in chunks) == osc52("x" * 5000)


def test_messages_say_bytes_route_and_warn_past_100_kb():
    route = choose("osc52", {}, "linux")
    message, warn = copied_message("the YAML", 2048, route)
    assert "2048 bytes" in message and "OSC 52" in message and not warn
    message, warn = copied_message("the logs", 150_000, route)
    assert warn and "100 KB" in message
    message, warn = copied_message("x", 1, choose("off", {}, "linux"))
    assert warn and "Not copied" in message


def test_clipboard_and_cursor_blink_settings(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('clipboard = "OSC52"\ncursor_blink = true\n')
    settings = load_settings(path, environ={})
    assert settings.clipboard == "osc52" and settings.cursor_blink is True
    path.write_text('clipboard = "xclip"\ncursor-blink = "maybe"\n')
    settings = load_settings(path, environ={"KUBETUI_CLIPBOARD": "off"})
    assert settings.clipboard == "off" and settings.cursor_blink is False
    assert any("clipboard must be one of" in w for w in settings.warnings)
    assert any("cursor_blink must be true or false" in w for w in settings.warnings)
