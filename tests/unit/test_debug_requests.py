"""Debug-container request building: kubectl's profiles (ephemeral target), the request shape per
server version, name uniqueness, image and command validation. Pure: no I/O."""

from __future__ import annotations

import pytest

from kubetui.k8s.debug.inputs import DebugInputError, debugger_name, parse_command
from kubetui.k8s.debug.plans import DebugSpec, plan_ephemeral, security_context
from kubetui.k8s.transport.discovery import ServerVersion
from kubetui.k8s.transport.writes import STRATEGIC_MERGE_PATCH

V120, V128 = ServerVersion(1, 20, "v1.20.2"), ServerVersion(1, 28, "v1.28.3")
POD = {"metadata": {"name": "app-0", "namespace": "demo"},
       "spec": {"containers": [{"name": "server"}], "initContainers": [{"name": "init"}],
                "ephemeralContainers": [{"name": "debugger-aaaaa"}]}}


@pytest.mark.parametrize("profile,expected", [
    ("general", {"capabilities": {"add": ["SYS_PTRACE"]}}),
    ("baseline", None),
    ("restricted", {"runAsNonRoot": True, "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"}}),
    ("netadmin", {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}),
    ("sysadmin", {"privileged": True}),
    ("legacy", None),
])
def test_profiles_match_kubectl(profile, expected):
    assert security_context(profile) == expected


def test_unknown_profile():
    with pytest.raises(DebugInputError, match="unknown profile"):
        security_context("root")


def test_1_20_shape_and_what_it_cannot_apply():
    plan = plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.35", target="server",
                                    command=("sh",)), POD, V120)
    w = plan.write
    assert (w.method, w.path, w.content_type) == (
        "PATCH", "/api/v1/namespaces/demo/pods/app-0/ephemeralcontainers", STRATEGIC_MERGE_PATCH)
    assert w.body["kind"] == "EphemeralContainers" and w.body["metadata"] == {"name": "app-0"}
    (c,) = w.body["ephemeralContainers"]
    assert c["targetContainerName"] == "server" and c["command"] == ["sh"]
    assert c["stdin"] is True and c["tty"] is True and c["terminationMessagePolicy"] == "File"
    assert "securityContext" not in c  # 1.20 rejects it
    assert plan.not_applied and "SYS_PTRACE" in plan.not_applied[0]
    assert "rejects a securityContext" in plan.not_applied[0]
    assert w.confirm_path == "/api/v1/namespaces/demo/pods/app-0"
    assert w.applied({"spec": {"ephemeralContainers": [{"name": c["name"]}]}})
    assert not w.applied({"spec": {"ephemeralContainers": []}})
    assert not w.applied(None)


def test_newer_servers_take_a_pod_and_the_security_context():
    plan = plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.35", profile="netadmin"),
                          POD, V128)
    (c,) = plan.write.body["spec"]["ephemeralContainers"]
    assert c["securityContext"] == {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    assert plan.not_applied == ()
    assert "targetContainerName" not in c and "command" not in c


def test_names_are_unique_across_all_containers():
    tokens = iter(["aaaaa", "bbbbb"])
    assert debugger_name(POD, token=lambda: next(tokens)) == "debugger-bbbbb"
    assert debugger_name(POD, "tools") == "tools"
    for taken in ("server", "init", "debugger-aaaaa"):
        with pytest.raises(DebugInputError, match="already has a container"):
            debugger_name(POD, taken)
    for bad in ("Tools", "-x", "a_b", "x" * 64):
        with pytest.raises(DebugInputError, match="not a valid container name"):
            debugger_name(POD, bad)


@pytest.mark.parametrize("image", ["busybox:1.35", "busybox", "nicolaka/netshoot:v0.13",
                                   "registry.example.com:5000/tools/debug:1.2.3",
                                   "busybox@sha256:" + "a" * 64])
def test_images_that_parse(image):
    plan_ephemeral(DebugSpec("demo", "app-0", image), POD, V120)


@pytest.mark.parametrize("image", ["", "Busybox", "busybox:", "busy box", "a//b", ":tag"])
def test_images_refused_with_the_reason(image):
    with pytest.raises(DebugInputError, match="not an image reference"):
        plan_ephemeral(DebugSpec("demo", "app-0", image), POD, V120)


def test_a_target_the_pod_does_not_have():
    with pytest.raises(DebugInputError, match="no container 'nope'"):
        plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.35", target="nope"), POD, V120)


def test_commands_parse_like_a_shell():
    assert parse_command("sh -c 'ps aux; sleep 1'") == ("sh", "-c", "ps aux; sleep 1")
    with pytest.raises(DebugInputError, match="does not parse"):
        parse_command("sh -c 'unbalanced")


def test_kubectl_equivalent():
    plan = plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.35", target="server",
                                    name="tools", command=("sh",)), POD, V120)
    assert plan.kubectl == ("kubectl debug -n demo app-0 --image=busybox:1.35 --profile=general "
                            "--image-pull-policy=IfNotPresent -i -t --container=tools "
                            "--target=server -- sh")


FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "debug"


def test_the_write_is_confirmed_from_either_answer_shape():
    """1.22+ answers with a Pod, 1.16-1.21 with an EphemeralContainers object: ``applied``
    must read both (and the confirm GET of the pod)."""
    import json

    newer = json.loads((FIXTURES / "ephemeralcontainers-pod-1.28.json").read_text())
    older = json.loads((FIXTURES / "ephemeralcontainers-1.20.json").read_text())
    plan = plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.36", target="server",
                                    name="debugger-x7k2p"),
                          {"spec": {"containers": [{"name": "server"}]}}, V128)
    assert plan.write.applied(newer)
    name = older["ephemeralContainers"][-1]["name"]
    plan_old = plan_ephemeral(DebugSpec("demo", "app", "busybox:1.35", target="main",
                                        name=name), {"spec": {"containers": [{"name": "main"}]}},
                              V120)
    assert older["kind"] == "EphemeralContainers"
    assert plan_old.write.applied(older)
    assert not plan.write.applied(older)


def test_a_disabled_feature_is_explained_and_a_missing_pod_is_not():
    from kubetui.k8s.transport.errors import ErrorKind, KubeError, from_response

    explain = plan_ephemeral(DebugSpec("demo", "app-0", "busybox:1.35"), POD, V120).write.explain
    disabled = from_response(404, b'{"kind":"Status","status":"Failure","message":"the server '
                             b'could not find the requested resource","reason":"NotFound",'
                             b'"details":{},"code":404}', "add debug container")
    explained = explain(disabled)
    assert explained.kind is ErrorKind.UNSUPPORTED
    assert "feature gate" in explained.hint and "--copy-to" in explained.hint
    missing = from_response(404, b'{"kind":"Status","status":"Failure","message":"pods '
                            b'\\"app-0\\" not found","reason":"NotFound","details":{"name":'
                            b'"app-0","kind":"pods"},"code":404}', "add debug container")
    assert explain(missing) is missing
    other = KubeError(ErrorKind.FORBIDDEN, "forbidden")
    assert explain(other) is other
