"""The text rule: whatever the cluster says is shown, literally, and never acted on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kubetui.safe_text import MAX_LINE, is_safe, plain, plain_lines, visible, visible_lines

HOSTILE = [
    "[/]", "[bold red]x[/bold red]", "[@click=app.quit]q[/]",
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: set the title
    "\x1b[2J\x1b[H",  # CSI: clear the screen, home
    "a\x00b", "\x9b31m", "\ud800lone", "abc\u202edcba", "\u2066iso\u2069", "x\ry",
]


def test_escape_sequences_become_visible_symbols():
    assert visible("\x1b]0;pwned\x07") == "␛]0;pwned␇"
    assert visible("\x1b[2J") == "␛[2J"
    assert visible("a\x00b") == "a␀b"
    assert visible("\x9b31m") == "⟨U+009B⟩31m"
    assert visible("abc\u202edcba") == "abc⟨U+202E⟩dcba"
    assert visible("\ud800x") == "\ufffdx"
    assert visible("x\ry") == "x␍y"


def test_one_line_stays_one_line_and_many_lines_keep_their_breaks():
    assert visible("a\nb\tc") == "a␊b c"
    assert visible_lines("a\r\nb\tc\x1b") == "a\nb       c␛"
    assert visible_lines("plain\ntext") == "plain\ntext"


def test_markup_is_text_not_markup():
    text = plain("[bold]x[/bold] [/]")
    assert text.plain == "[bold]x[/bold] [/]"
    assert text.spans == []
    assert plain_lines("[/]\n[@click=app.quit]").plain == "[/]\n[@click=app.quit]"


def test_long_lines_are_capped_and_counted():
    line = "x" * (64 * 1024)
    shown = visible(line)
    assert shown.startswith("x" * MAX_LINE)
    assert shown.endswith(f"(+{64 * 1024 - MAX_LINE} characters)")
    lines = visible_lines(f"short\n{line}")
    assert lines.split("\n")[0] == "short" and "(+" in lines.split("\n")[1]


def test_safe_strings_are_returned_unchanged():
    s = "web-7f9c5d-x2 Running 10.0.0.1 ünïcødé ✓"
    assert visible(s) is s


@given(st.text())
def test_nothing_survives_that_a_terminal_would_act_on(s):
    assert is_safe(visible(s))
    assert is_safe(visible_lines(s))
    assert "\n" not in visible(s)


def test_hostile_corpus():
    for s in HOSTILE:
        assert is_safe(visible(s)), s
