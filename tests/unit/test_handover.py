"""The full-screen handover copies a container's output to the real terminal, minus OSC
sequences (clipboard writes, titles), also when one is split across chunks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kubetui.screens.handover import OscFilter


def test_osc_is_dropped_and_the_rest_kept():
    f = OscFilter()
    assert f(b"a\x1b]52;c;cHduZWQ=\x07b\x1b[31mred\x1b]0;title\x1b\\c") == b"ab\x1b[31mredc"


def test_a_split_osc_is_held_until_its_end():
    f = OscFilter()
    assert f(b"before\x1b]0;pw") == b"before"
    assert f(b"ned\x07after") == b"after"
    assert f(b"x\x1b") == b"x"
    assert f(b"[2J") == b"\x1b[2J"


@given(st.binary(max_size=200), st.integers(min_value=0, max_value=200))
def test_no_osc_survives_any_split(data, cut):
    payload = data + b"\x1b]52;c;Zm9v\x07" + data
    f = OscFilter()
    out = f(payload[:cut]) + f(payload[cut:])
    assert b"\x1b]52;c;Zm9v\x07" not in out
