"""Kubelet and scheduler messages read into causes. Each message is as the named version writes
it: the 1.20 ones recorded from the local cluster, the newer ones written from the kubelet's and
kube-scheduler's format strings of that version."""

from kubetui.k8s.triage.messages import (
    INVALID,
    NOT_FOUND,
    RATE_LIMITED,
    UNAUTHORIZED,
    UNREACHABLE,
    command_problem,
    exit_meaning,
    missing_config,
    pull_failure,
    pull_sentence,
    registry_of,
    scheduling_reasons,
)

PULLS = [
    # recorded, 1.20 + containerd: a registry that does not resolve
    ('Failed to pull image "kubetui.local/checkout:2.0": rpc error: code = Unknown desc = failed '
     'to pull and unpack image "kubetui.local/checkout:2.0": failed to resolve reference '
     '"kubetui.local/checkout:2.0": failed to do request: Head '
     '"https://kubetui.local/v2/checkout/manifests/2.0": dial tcp: lookup kubetui.local: no such '
     'host', UNREACHABLE),
    # containerd 1.6+ (1.24–1.35): a tag that does not exist
    ('Failed to pull image "busybox:1.35-typo": rpc error: code = NotFound desc = failed to pull '
     'and unpack image "docker.io/library/busybox:1.35-typo": failed to resolve reference '
     '"docker.io/library/busybox:1.35-typo": docker.io/library/busybox:1.35-typo: not found',
     NOT_FOUND),
    # containerd: a private repository without credentials
    ('failed to pull and unpack image "ghcr.io/acme/api:1.0": failed to resolve reference '
     '"ghcr.io/acme/api:1.0": failed to authorize: failed to fetch anonymous token: unexpected '
     'status: 401 Unauthorized', UNAUTHORIZED),
    # dockershim (1.20–1.23)
    ('Error response from daemon: pull access denied for acme/api, repository does not exist or '
     "may require 'docker login': denied: requested access to the resource is denied",
     UNAUTHORIZED),
    ('Failed to apply default image tag "Busybox:1": couldn\'t parse image reference "Busybox:1": '
     "invalid reference format: repository name must be lowercase", INVALID),
    ('failed to pull and unpack image "docker.io/library/nginx:1.25": failed to copy: '
     "httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/"
     "sha256:abc: 429 Too Many Requests - Server message: toomanyrequests", RATE_LIMITED),
]


def test_image_pull_failures_are_told_apart():
    for message, kind in PULLS:
        assert pull_failure(message) == kind, message
    assert registry_of("busybox:1.35") == "docker.io"
    assert registry_of("ghcr.io/acme/api:1.0") == "ghcr.io"
    assert registry_of("localhost:5000/app") == "localhost:5000"
    sentence = pull_sentence(NOT_FOUND, "x:1.2-typo", "")
    assert sentence == "the image `x:1.2-typo` does not exist in the registry docker.io"
    assert "its name does not resolve" in pull_sentence(UNREACHABLE, "kubetui.local/c:2",
                                                        PULLS[0][0])


def test_failed_scheduling_in_each_version_format():
    # 1.20 (recorded shape)
    total, reasons = scheduling_reasons(
        "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that "
        "the pod didn't tolerate, 2 Insufficient cpu.")
    assert total == 3
    assert [(r.nodes, r.reason, r.detail) for r in reasons] == [
        (1, "taint", "node-role.kubernetes.io/master"), (2, "insufficient", "cpu")]
    # 1.24+: untolerated taint, node affinity/selector, and the preemption tail
    total, reasons = scheduling_reasons(
        "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: "
        "}, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are "
        "available: 4 Preemption is not helpful for scheduling..")
    assert total == 4
    assert [(r.nodes, r.reason, r.detail) for r in reasons] == [
        (1, "taint", "node.kubernetes.io/unreachable"), (3, "selector", "")]
    _, reasons = scheduling_reasons("0/1 nodes are available: 1 node(s) didn't match node "
                                    "selector.")
    assert reasons[0].reason == "selector"
    _, reasons = scheduling_reasons("0/1 nodes are available: 1 pod has unbound immediate "
                                    "PersistentVolumeClaims.")
    assert reasons[0].reason == "unbound-pvc"
    _, reasons = scheduling_reasons("0/2 nodes are available: 2 Too many pods.")
    assert reasons[0].reason == "too-many-pods"
    assert scheduling_reasons('persistentvolumeclaim "data" not found')[1][0].reason == \
        "missing-pvc"


def test_configuration_messages():
    assert missing_config('configmap "foo" not found') == ("ConfigMap", "foo", "")
    assert missing_config("couldn't find key db_url in ConfigMap shop/foo") == (
        "ConfigMap", "foo", "db_url")
    assert missing_config('secret "db" not found') == ("Secret", "db", "")
    assert missing_config("couldn't find key password in Secret shop/db") == (
        "Secret", "db", "password")
    assert missing_config('MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not '
                          'found') == ("ConfigMap", "cfg", "")
    assert missing_config("something else") is None
    # containerd's StartError (1.20 recorded, same through 1.35)
    assert command_problem(
        'failed to create containerd task: OCI runtime create failed: container_linux.go:370: '
        'starting container process caused: exec: "serve": executable file not found in $PATH: '
        "unknown") == ("serve", "is not in the image")


def test_exit_codes_say_what_they_mean():
    assert exit_meaning(137, "OOMKilled").startswith("it was killed for memory")
    assert "not for memory" in exit_meaning(137, "Error")
    assert exit_meaning(143) == "stopped by SIGTERM (exit 143)"
    assert exit_meaning(127) == "its command is not found (exit 127)"
    assert exit_meaning(126) == "its command is not executable (exit 126)"
    assert exit_meaning(1).startswith("it exits with code 1")
    assert exit_meaning(139).startswith("it crashed with a segmentation fault")
    assert exit_meaning(42) == "it exits with code 42"
