"""Every parser of outside input, fuzzed: nothing escapes as an exception.

Kubeconfig files, the config and theme TOML, filter and label-selector input, jump commands, and
pod/event/node JSON with missing or wrongly typed fields. A parser may refuse input, but only
with its own error (``KubeError`` for a kubeconfig, a warning for settings and themes).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetui.config import load_settings
from kubetui.formatting import restarts_text
from kubetui.jump import parse_jump
from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pod_detail import pod_detail
from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.kinds.catalog import Catalog
from kubetui.k8s.nodes.rows import node_row
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.kubeconfig import load_kubeconfig
from kubetui.themes import load_theme_files
from kubetui.widgets.live_pane import text_matcher
from kubetui.widgets.pods_pane import PodsPane, pod_cells

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

scalars = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(
    allow_nan=True) | st.text(max_size=30)
json_like = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=15), inner, max_size=4),
                         max_leaves=25)


def shaped(keys: dict[str, list[str]]) -> st.SearchStrategy:
    """Objects with the real field names, any values: the wrongly-typed-field case."""
    return st.fixed_dictionaries({}, optional={
        top: st.one_of(json_like, st.fixed_dictionaries({}, optional={
            k: json_like for k in inner})) for top, inner in keys.items()})


POD_KEYS = {"metadata": ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                         "labels", "annotations", "ownerReferences"],
            "spec": ["nodeName", "containers", "initContainers", "ephemeralContainers",
                     "volumes", "readinessGates"],
            "status": ["phase", "reason", "message", "podIP", "conditions", "containerStatuses",
                       "initContainerStatuses", "startTime", "qosClass"]}
EVENT_KEYS = {"metadata": ["name", "namespace", "uid", "creationTimestamp"],
              "involvedObject": ["kind", "name", "namespace", "uid"],
              "regarding": ["kind", "name", "namespace", "uid"],
              "series": ["count", "lastObservedTime"], "source": ["component", "host"]}
NODE_KEYS = {"metadata": ["name", "uid", "creationTimestamp", "labels"],
             "spec": ["unschedulable", "taints"],
             "status": ["conditions", "nodeInfo", "addresses", "allocatable", "capacity"]}


@FUZZ
@given(shaped(POD_KEYS))
def test_pod_json(pod):
    row = pod_row(pod)
    pod_cells(row, 1.7e9)
    restarts_text(row, 1.7e9)
    pod_detail(pod, 1.7e9)


@FUZZ
@given(shaped(EVENT_KEYS) | st.dictionaries(st.sampled_from(
    ["reason", "message", "type", "count", "firstTimestamp", "lastTimestamp", "eventTime",
     "note", "deprecatedCount"]), json_like))
def test_event_json(ev):
    event_row(ev)


@FUZZ
@given(shaped(NODE_KEYS))
def test_node_json(node):
    row = node_row(node)
    assert isinstance(row.status, str) and row.health and isinstance(row.dockershim, bool)


@FUZZ
@given(st.text(max_size=60))
def test_jump_commands(text):
    jump = parse_jump(text)
    assert jump.action in {"pane", "kind", "namespace", "context", "quit", "forwards",
                           "timeline", "logs", "error"}
    if jump.action == "kind":  # a word the catalog can look up, nothing else
        assert jump.value and jump.value == jump.value.strip().lower()
        assert all(c.isalnum() or c in ".-" for c in jump.value)
        Catalog([]).resolve(jump.value)  # an unknown name is an answer, not an exception


@FUZZ
@given(st.text(max_size=40))
def test_filter_and_selector_input(text):
    text_matcher(text)("some pod name 10.0.0.1 Running")
    pane = PodsPane(False, lambda: 0.0)
    pane.filter_text = text
    assert isinstance(pane.label_selector, str)


toml_values = st.one_of(st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=20),
                        st.lists(st.integers(), max_size=3))


def toml_text(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            continue
        lines.append(f'"{key}" = {toml_literal(value)}')
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f'["{key}"]')
            lines += [f'"{k}" = {toml_literal(v)}' for k, v in value.items()]
    return "\n".join(lines)


def toml_literal(value) -> str:
    import json
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value)


key_names = st.sampled_from(["theme", "flows-poll-seconds", "log-buffer-lines", "keymap",
                             "unknown", "name", "dark", "primary", "variables", "pod-failed"])


@FUZZ
@given(st.dictionaries(key_names, toml_values | st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda k: '"' not in k and "\\" not in k),
    toml_values, max_size=3), max_size=5) | st.text(max_size=80).map(lambda t: {"_raw": t}))
def test_config_and_theme_toml(data):
    text = data["_raw"] if "_raw" in data else toml_text(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "config.toml")
        path.write_text(text)
        load_settings(path, environ={})
        Path(tmp, "fuzzed.toml").write_text(text)
        load_theme_files(Path(tmp))


@FUZZ
@given(json_like | st.fixed_dictionaries({}, optional={
    "current-context": json_like,
    "contexts": st.lists(st.fixed_dictionaries({"name": st.text(max_size=8)},
                                               optional={"context": json_like}), max_size=3)
    | json_like,
    "clusters": st.lists(st.fixed_dictionaries({"name": st.text(max_size=8)},
                                               optional={"cluster": json_like}), max_size=3),
    "users": st.lists(st.fixed_dictionaries({"name": st.text(max_size=8)},
                                            optional={"user": json_like}), max_size=3)}))
def test_kubeconfig(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "kubeconfig")
        path.write_text(yaml.safe_dump(data))
        try:
            cfg = load_kubeconfig(str(path))
            for name in [None, *cfg.context_names]:
                try:
                    cfg.context(name)
                except KubeError:
                    pass
        except KubeError:
            pass
