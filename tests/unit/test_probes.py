"""Probes as the kubelet reads and judges them: command expansion (kubelet's forked
expansion.Expand with only static env), defaults, the output cap and the threshold verdict."""

from __future__ import annotations

import pytest

from kubetui.k8s.probes.config import (
    ERROR,
    FAILURE,
    OUTPUT_CAP,
    SUCCESS,
    TIMEOUT,
    cap_output,
    expand,
    expand_command,
    probe_config,
    verdict,
)

ENV = {"PORT": "8080", "EMPTY": "", "NESTED": "$(PORT)"}


@pytest.mark.parametrize("word,expected", [
    ("$(PORT)", "8080"),
    ("http://localhost:$(PORT)/healthz", "http://localhost:8080/healthz"),
    ("$$(PORT)", "$(PORT)"),          # $$ escapes
    ("$$$(PORT)", "$8080"),
    ("$(MISSING)", "$(MISSING)"),     # unresolved: kept literally
    ("$(EMPTY)x", "x"),
    ("$(NESTED)", "$(PORT)"),         # values are not expanded again
    ("$PORT", "$PORT"),               # not a reference
    ("cost: 5$", "cost: 5$"),         # a trailing $
    ("$(PORT", "$(PORT"),             # unclosed
    ("a$(PORT)b$(PORT)", "a8080b8080"),
    ("", ""),
])
def test_expansion_matches_the_kubelet(word, expected):
    assert expand(word, ENV) == expected


def test_only_static_env_and_value_from_is_empty():
    container = {"env": [{"name": "A", "value": "1"},
                         {"name": "SECRET", "valueFrom": {"secretKeyRef": {"name": "s",
                                                                           "key": "k"}}},
                         {"name": "A", "value": "2"}]}
    assert expand_command(["sh", "-c", "echo $(A) [$(SECRET)] $(B)"], container) == (
        "sh", "-c", "echo 2 [] $(B)")


def test_defaults_and_what_was_defaulted():
    cfg = probe_config({"livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 5}},
                       "liveness")
    assert (cfg.handler, cfg.timeout, cfg.period, cfg.failure_threshold,
            cfg.success_threshold, cfg.initial_delay) == ("exec", 1, 5, 3, 1, 0)
    assert "timeoutSeconds" in cfg.defaulted and "periodSeconds" not in cfg.defaulted
    assert cfg.action == {"command": ["true"]}
    assert probe_config({}, "readiness") is None
    grpc = probe_config({"startupProbe": {"grpc": {"port": 9090}, "timeoutSeconds": "x"}},
                        "startup")
    assert grpc.handler == "grpc" and grpc.timeout == 1 and "timeoutSeconds" in grpc.defaulted


def test_output_is_capped_like_the_kubelet():
    assert cap_output(b"ok") == (b"ok", False)
    data, cut = cap_output(b"x" * (OUTPUT_CAP + 5))
    assert len(data) == OUTPUT_CAP and cut


def test_verdicts():
    live = probe_config({"livenessProbe": {"exec": {"command": ["true"]}}}, "liveness")
    ready = probe_config({"readinessProbe": {"exec": {"command": ["true"]},
                                             "successThreshold": 2}}, "readiness")
    assert verdict(live, []).state == "unknown"
    assert verdict(live, [FAILURE, TIMEOUT]).state == "failing"
    assert verdict(live, [FAILURE, TIMEOUT, FAILURE]).state == "would-restart"  # timeout fails
    assert verdict(live, [SUCCESS, FAILURE, FAILURE]).state == "healthy"  # not yet 3 in a row
    assert verdict(live, [FAILURE, FAILURE, SUCCESS, FAILURE]).consecutive_failures == 1
    assert verdict(live, [FAILURE, ERROR, FAILURE, ERROR, FAILURE]).state == "would-restart"
    assert verdict(ready, [FAILURE] * 3).state == "would-mark-unready"
    assert verdict(ready, [FAILURE] * 3 + [SUCCESS]).state == "would-mark-unready"
    assert verdict(ready, [FAILURE] * 3 + [SUCCESS, SUCCESS]).state == "healthy"
