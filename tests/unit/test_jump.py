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
    ("deploy", Jump("kind", "deploy")),
    (":STS -A", Jump("kind", "sts", all_namespaces=True)),
    ("deployments.apps", Jump("kind", "deployments.apps")),
    ("crontabs.v1.stable.example.com all", Jump("kind", "crontabs.v1.stable.example.com",
                                                all_namespaces=True)),
    ("ns", Jump("kind", "namespaces")),
    ("nodesx", Jump("kind", "nodesx")),
    (":pf", Jump("forwards")),
    ("port-forward", Jump("forwards")),
    (":timeline", Jump("timeline")),
])
def test_valid_jumps(text, expected):
    assert parse_jump(text) == expected


@pytest.mark.parametrize("text", ["", ":", "ns a b", "ctx", "pods extra", "q now", "deploy x",
                                  "de$ploy", "-A", "pods/log"])
def test_invalid_jumps_explain_themselves(text):
    jump = parse_jump(text)
    assert jump.action == "error"
    assert jump.value and len(jump.value) > 10


def test_recent_kinds_most_recent_first_and_bounded(tmp_path):
    from kubetui.recent import KEEP, recent_kinds, remember_kind

    path = tmp_path / "state" / "recent-kinds"
    assert recent_kinds(path) == []
    for name in ("deploy", "svc", "deploy"):
        remember_kind(name, path)
    assert recent_kinds(path) == ["deploy", "svc"]
    for i in range(KEEP + 3):
        remember_kind(f"k{i}", path)
    assert len(recent_kinds(path)) == KEEP and recent_kinds(path)[0] == f"k{KEEP + 2}"
    path.write_bytes(b"\xff\xfe not text")
    assert recent_kinds(path) == []  # an unreadable file costs the list, not the prompt


@pytest.mark.parametrize("text,selector", [
    ("logs app=web", "app=web"), (":logs -l app=web,tier!=db", "app=web,tier!=db"),
    ("log -l tier in (a, b),!canary", "tier in (a, b),!canary"),
    ("logs app.kubernetes.io/name==shop", "app.kubernetes.io/name==shop"),
])
def test_logs_take_a_label_selector(text, selector):
    assert parse_jump(text) == Jump("logs", selector)


@pytest.mark.parametrize("text", ["logs", "logs -l", "logs app=we b", "logs a=(b)", "logs ,"])
def test_logs_refuse_what_is_not_a_selector(text):
    jump = parse_jump(text)
    assert jump.action == "error" and "logs -l LABEL-SELECTOR" in jump.value
