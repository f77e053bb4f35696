"""`kubetui` before the UI starts: each way a connection fails gets its own one-line message and a
non-zero exit, against the real local apiserver; never a traceback."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import LocalCluster


def run_kubetui(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "kubetui", *args], capture_output=True,
                          text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)


def admin_config(c: LocalCluster) -> dict:
    return yaml.safe_load(c.kubeconfig.read_text())


def write(tmp_path: Path, data: dict | str, name: str = "kubeconfig") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def assert_clean_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kubetui: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def plugin(tmp_path: Path, body: str) -> str:
    script = tmp_path / "plugin.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def exec_user(command: str) -> dict:
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": command,
                     "interactiveMode": "Never"}}


def test_check_succeeds_and_shows_the_server_version(local_cluster: LocalCluster):
    r = run_kubetui("--check", "--kubeconfig", str(local_cluster.kubeconfig), "-n", "kube-system")
    assert r.returncode == 0, r.stderr
    assert "Kubernetes v1.20.2" in r.stdout and "namespace kube-system" in r.stdout


def test_kubeconfig_env_with_several_files(local_cluster: LocalCluster, tmp_path: Path):
    empty = write(tmp_path, {"apiVersion": "v1", "kind": "Config"}, "empty")
    r = run_kubetui("--check", env_extra={
        "KUBECONFIG": f"{empty}{os.pathsep}{local_cluster.kubeconfig}"})
    assert r.returncode == 0, r.stderr
    assert "context kubetui-local" in r.stdout


def test_unreachable_server(local_cluster: LocalCluster, tmp_path: Path):
    cfg = admin_config(local_cluster)
    cfg["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:1"
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))),
                         "cannot reach https://127.0.0.1:1")


def test_wrong_ca(local_cluster: LocalCluster, tmp_path: Path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=other-ca", "-keyout", str(tmp_path / "k"), "-out",
                    str(tmp_path / "ca.crt")], check=True, capture_output=True)
    cfg = admin_config(local_cluster)
    cfg["clusters"][0]["cluster"]["certificate-authority-data"] = \
        base64.b64encode((tmp_path / "ca.crt").read_bytes()).decode()
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))),
                         "TLS verification", "certificate-authority")


def test_deleted_context(local_cluster: LocalCluster):
    assert_clean_failure(
        run_kubetui("--kubeconfig", str(local_cluster.kubeconfig), "--context", "deleted"),
        'context "deleted" is not in the kubeconfig', "kubetui-local")


@pytest.mark.parametrize("garbage,needle", [
    ("\x00\x01 not: [yaml", "not valid YAML"),
    ("just a string", "not a kubeconfig"),
    ("contexts:\n- 1\n- 2\n", "list of named entries"),
])
def test_garbage_kubeconfig(tmp_path: Path, garbage: str, needle: str):
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, garbage))), needle)


def test_failing_exec_plugin(local_cluster: LocalCluster, tmp_path: Path):
    cfg = admin_config(local_cluster)
    cfg["users"][0]["user"] = exec_user(plugin(
        tmp_path, 'echo "error: SSO session expired, run: corp-login" >&2\nexit 1\n'))
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))),
                         "credential plugin", "SSO session expired")


def test_missing_exec_plugin(local_cluster: LocalCluster, tmp_path: Path):
    cfg = admin_config(local_cluster)
    cfg["users"][0]["user"] = exec_user(str(tmp_path / "no-such-plugin"))
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))), "missing")


def test_exec_plugin_with_a_rejected_token(local_cluster: LocalCluster, tmp_path: Path):
    cfg = admin_config(local_cluster)
    cfg["users"][0]["user"] = exec_user(plugin(tmp_path, (
        'echo \'{"apiVersion":"client.authentication.k8s.io/v1beta1",'
        '"kind":"ExecCredential","status":{"token":"expired-token"}}\'\n')))
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))),
                         "rejected the credentials", "expired")


def test_exec_plugin_with_a_valid_token_works(local_cluster: LocalCluster, tmp_path: Path,
                                              namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "serviceaccount", "probe")
    c.kubectl("create", "clusterrolebinding", f"{namespace}-view", "--clusterrole=view",
              f"--serviceaccount={namespace}:probe")

    def token():
        sa = c.get_json("-n", namespace, "serviceaccount", "probe")
        return sa.get("secrets") and sa["secrets"][0]["name"]

    secret = c.wait_for(token, timeout=30, what="the token secret")
    value = base64.b64decode(c.get_json("-n", namespace, "secret", secret)["data"]["token"])
    cfg = admin_config(c)
    cfg["users"][0]["user"] = exec_user(plugin(tmp_path, (
        'echo "plugin chatter on stderr" >&2\n'
        'echo \'{"apiVersion":"client.authentication.k8s.io/v1beta1",'
        f'"kind":"ExecCredential","status":{{"token":"{value.decode()}"}}}}\'\n')))
    r = run_kubetui("--check", "--kubeconfig", str(write(tmp_path, cfg)))
    c.kubectl("delete", "clusterrolebinding", f"{namespace}-view", check=False)
    assert r.returncode == 0, r.stderr
    assert "Kubernetes v1.20.2" in r.stdout
    assert "plugin chatter" not in r.stdout + r.stderr  # a plugin never writes over the screen


def test_client_certificate_from_another_ca_is_rejected(local_cluster: LocalCluster,
                                                        tmp_path: Path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/O=system:masters/CN=intruder", "-keyout", str(tmp_path / "k.pem"),
                    "-out", str(tmp_path / "c.pem")], check=True, capture_output=True)
    cfg = admin_config(local_cluster)
    cfg["users"][0]["user"] = {
        "client-certificate-data": base64.b64encode((tmp_path / "c.pem").read_bytes()).decode(),
        "client-key-data": base64.b64encode((tmp_path / "k.pem").read_bytes()).decode()}
    assert_clean_failure(run_kubetui("--kubeconfig", str(write(tmp_path, cfg))),
                         "rejected the credentials")


def test_bad_arguments_exit_2():
    r = run_kubetui("-n", "a", "-A")
    assert r.returncode == 2 and "not allowed with argument" in r.stderr


@pytest.mark.parametrize("case", ["unreachable", "deleted context"])
def test_in_a_terminal_the_error_is_the_same_one_line(local_cluster: LocalCluster,
                                                      tmp_path: Path, case: str):
    """In a terminal the first frame is drawn before the connection is made: a connection that
    fails takes the UI down (the terminal is given back whole) and prints the same single line
    and exit status as without a terminal; a broken kubeconfig fails before any UI."""
    cfg = admin_config(local_cluster)
    args = ["--kubeconfig", str(write(tmp_path, cfg))]
    if case == "unreachable":
        cfg["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:1"
        args = ["--kubeconfig", str(write(tmp_path, cfg))]
        needle = "kubetui: error: connect: cannot reach https://127.0.0.1:1"
    else:
        args += ["--context", "deleted"]
        needle = 'kubetui: error: context "deleted" is not in the kubeconfig'
    # A tmux server of its own (-L): a server started here would keep this process's
    # environment for every later session of the default server (XDG_STATE_HOME and all).
    tmux = ["tmux", "-L", f"kubetui-cli-tty-{os.getpid()}"]
    command = " ".join([sys.executable, "-m", "kubetui", *args]) + "; echo EXIT=$?; sleep 60"
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    subprocess.run([*tmux, "new-session", "-d", "-s", "cli", "-x", "200", "-y", "20", command],
                   check=True, env=env)
    try:
        screen = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "EXIT=" not in screen:
            time.sleep(0.2)
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "cli"],
                                    capture_output=True, text=True).stdout
        lines = [line for line in screen.splitlines() if line.strip()]
        assert lines[-1] == "EXIT=1", screen
        assert lines[-2].startswith(needle), screen
        assert len(lines) == 2, screen  # nothing of the UI is left behind
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
