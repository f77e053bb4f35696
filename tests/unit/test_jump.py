import pytest

from kubetui.jump import Jump, parse_jump


@pytest.mark.parametrize("text,expected", [
    ("pods", Jump("pane", "pods")),
    (":po", Jump("pane", "pods")),
    ("  EV ", Jump("pane", "events")),
    ("apf", Jump("pane", "flows")),
    ("vs", Jump("pane", "snapshots")),
    (":snapshots", Jump("pane", "snapshots")),
    ("pvc", Jump("pane", "pvc")),
    ("ns kube-system", Jump("namespace", "kube-system")),
    ("namespace all", Jump("namespace", None)),
    ("ns -A", Jump("namespace", None)),
    ("ctx prod-eu", Jump("context", "prod-eu")),
    ("q", Jump("quit")),
    (":quit", Jump("quit")),
])
def test_valid_jumps(text, expected):
    assert parse_jump(text) == expected


@pytest.mark.parametrize("text", ["", ":", "nodesx", "ns", "ns a b", "ctx", "pods extra", "q now"])
def test_invalid_jumps_explain_themselves(text):
    jump = parse_jump(text)
    assert jump.action == "error"
    assert jump.value and len(jump.value) > 10
