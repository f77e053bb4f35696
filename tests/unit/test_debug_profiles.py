"""kubectl's debug profiles (pkg/cmd/debug/profiles.go), row by row, for the three targets:
the ephemeral container, the pod copy (--copy-to) and the node-debugger pod. Pure: no I/O."""

from __future__ import annotations

import pytest

from kubetui.k8s.debug.inputs import DebugInputError, parse_set_images
from kubetui.k8s.debug.plans import MANAGED_BY, DebugSpec, plan, plan_copy, plan_node
from kubetui.k8s.debug.profiles import COPY, EPHEMERAL, NODE, PROFILES, apply_profile
from kubetui.k8s.transport.discovery import ServerVersion

V120, V130 = ServerVersion(1, 20, "v1.20.2"), ServerVersion(1, 30, "v1.30.0")
PROBE = {"exec": {"command": ["true"]}}
ORIGINAL = {
    "metadata": {"name": "web-0", "namespace": "demo", "labels": {"app": "web"},
                 "annotations": {"team": "a"}, "uid": "u1", "resourceVersion": "9",
                 "ownerReferences": [{"kind": "ReplicaSet", "name": "web"}]},
    "spec": {"nodeName": "node-1", "initContainers": [{"name": "init", "image": "busybox"}],
             "containers": [{"name": "app", "image": "app:1", "livenessProbe": PROBE,
                             "readinessProbe": PROBE, "startupProbe": PROBE,
                             "securityContext": {"runAsUser": 1000}}],
             "ephemeralContainers": [{"name": "debugger-old", "image": "busybox"}]},
    "status": {"phase": "Running"}}
HOST = {"hostNetwork": True, "hostPID": True, "hostIPC": True}
ROOT_MOUNT = [{"mountPath": "/host", "name": "host-root"}]
RESTRICTED = {"runAsNonRoot": True, "allowPrivilegeEscalation": False,
              "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}


def tokens():
    it = iter(["aaaaa", "bbbbb", "ccccc"])
    return lambda: next(it)


def copy_plan(profile: str, **kw):
    return plan_copy(DebugSpec("demo", "web-0", "busybox:1.35", profile=profile, **kw),
                     ORIGINAL, V120, tokens())


def node_plan(profile: str, **kw):
    return plan_node(DebugSpec("demo", "web-0", "busybox:1.35", profile=profile, mode=NODE,
                               **kw), ORIGINAL, V120, tokens())


# -- pod copy ---------------------------------------------------------------------------------
@pytest.mark.parametrize("profile,context,shares", [
    ("legacy", None, True),  # kubectl's --share-processes default, before the profile
    ("general", {"capabilities": {"add": ["SYS_PTRACE"]}}, True),
    ("baseline", None, True),
    ("restricted", RESTRICTED, True),
    ("netadmin", {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}, True),
    ("sysadmin", {"privileged": True}, True),
])
def test_copy_profiles(profile, context, shares):
    p = copy_plan(profile)
    body = p.write.body
    spec = body["spec"]
    assert (p.write.method, p.write.path) == ("POST", "/api/v1/namespaces/demo/pods")
    assert body["metadata"]["name"] == "web-0-debug" == p.pod and p.creates == ("web-0-debug",)
    assert "labels" not in body["metadata"]  # every profile drops labels: no Service traffic
    assert "ownerReferences" not in body["metadata"] and "uid" not in body["metadata"]
    assert "status" not in body and "ephemeralContainers" not in spec and "nodeName" not in spec
    debug = spec["containers"][-1]
    assert debug["name"] == p.container == "debugger-aaaaa"
    assert debug.get("securityContext") == context
    assert spec["containers"][0]["securityContext"] == {"runAsUser": 1000}  # only the debugger
    assert spec.get("shareProcessNamespace", False) is shares
    app = spec["containers"][0]
    if profile == "legacy":  # legacy keeps annotations, probes and init containers
        assert body["metadata"]["annotations"] == {"team": "a"}
        assert "livenessProbe" in app and spec["initContainers"]
    else:
        assert "annotations" not in body["metadata"] and "initContainers" not in spec
        assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(app)


def test_copy_options_same_node_share_set_image_and_changing_a_container():
    p = copy_plan("general", same_node=True, share_processes=False, copy_name="web-dbg",
                  set_images=(("*", "app:2"),), name="app", command=("sh",))
    spec = p.write.body["spec"]
    assert spec["nodeName"] == "node-1" and spec["shareProcessNamespace"] is False
    assert len(spec["containers"]) == 1  # --container=app changes that container
    app = spec["containers"][0]
    assert app["image"] == "busybox:1.35" and app["command"] == ["sh"] and app["tty"] is True
    assert p.kubectl.endswith("--container=app --copy-to=web-dbg --same-node "
                              "--share-processes=false '--set-image=*=app:2' -- sh")
    assert ORIGINAL["spec"]["containers"][0]["image"] == "app:1"  # the original is untouched


def test_copy_refuses_bad_names_and_unknown_containers():
    with pytest.raises(DebugInputError, match="not a valid pod name"):
        copy_plan("general", copy_name="Web_Copy")
    with pytest.raises(DebugInputError, match="no container 'nope'"):
        copy_plan("general", set_images=(("nope", "busybox:1.35"),))
    assert parse_set_images("app=busybox:1.35, *=alpine") == (("app", "busybox:1.35"),
                                                              ("*", "alpine"))
    for bad in ("app", "=busybox", "app=Bad Image"):
        with pytest.raises(DebugInputError):
            parse_set_images(bad)


# -- node pod ---------------------------------------------------------------------------------
@pytest.mark.parametrize("profile,context,host,root", [
    ("legacy", None, True, True),
    ("general", None, True, True),
    ("baseline", None, False, False),
    ("restricted", RESTRICTED, False, False),
    ("netadmin", {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}, True, False),
    ("sysadmin", {"privileged": True}, True, True),
])
def test_node_profiles(profile, context, host, root):
    p = node_plan(profile)
    body, spec = p.write.body, p.write.body["spec"]
    assert body["metadata"]["name"] == "node-debugger-node-1-aaaaa" == p.pod
    assert body["metadata"]["labels"] == {MANAGED_BY[0]: MANAGED_BY[1]}
    assert spec["nodeName"] == "node-1" and spec["restartPolicy"] == "Never"
    assert spec["tolerations"] == [{"operator": "Exists"}]
    (c,) = spec["containers"]
    assert c["name"] == "debugger" and c["image"] == "busybox:1.35"
    assert c.get("securityContext") == context
    assert all(spec.get(k, False) is host for k in HOST)
    assert (c.get("volumeMounts") == ROOT_MOUNT) is root
    assert (spec.get("volumes") == [{"name": "host-root", "hostPath": {"path": "/"}}]) is root
    assert p.kubectl.startswith("kubectl debug -n demo node/node-1 --image=busybox:1.35 "
                                f"--profile={profile}")


def test_node_needs_a_scheduled_pod():
    with pytest.raises(DebugInputError, match="not scheduled"):
        plan_node(DebugSpec("demo", "p", "busybox:1.35", mode=NODE), {"spec": {}}, V120)


# -- the table as a whole ----------------------------------------------------------------------
@pytest.mark.parametrize("profile", PROFILES)
def test_the_input_pod_is_never_changed(profile):
    import copy

    before = copy.deepcopy(ORIGINAL)
    for style in (EPHEMERAL, COPY, NODE):
        apply_profile(profile, style, ORIGINAL, "app")
    assert ORIGINAL == before


def test_plan_dispatches_by_mode_and_refuses_unknown_ones():
    assert plan(DebugSpec("demo", "web-0", "busybox:1.35", mode=COPY), ORIGINAL, V130).mode == COPY
    with pytest.raises(DebugInputError, match="unknown debug target"):
        plan(DebugSpec("demo", "web-0", "busybox:1.35", mode="cluster"), ORIGINAL, V130)
