"""Credentials refreshed mid-session, against the real apiserver.

An exec plugin mints a fresh ServiceAccount token on each run (a new token Secret); the test
revokes the token kubetui holds by deleting its Secret. New requests (describe, logs) and watches
must go on working, and the plugin must have run again. Expiry-driven refresh and client
certificates returned by a plugin are covered too.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import stat
import subprocess
import time
from pathlib import Path

import httpx
import yaml

from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.watch.reflector import Reflector, ResourceScope
from kubetui.screens.pod_detail import PodDetailScreen
from kubetui.widgets.log_view import LogView
from tests.conftest import LocalCluster
from tests.ui.conftest import make_app, until

MINT = """#!/bin/sh
set -e
d={dir}
n=$(cat $d/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > $d/runs
k="{kubectl} --kubeconfig {admin} -n {ns}"
$k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: minted-$n
  annotations: {{kubernetes.io/service-account.name: minted}}
type: kubernetes.io/service-account-token
EOF
t=""
for i in $(seq 1 100); do
  t=$($k get secret minted-$n -o jsonpath='{{.data.token}}')
  [ -n "$t" ] && break
  sleep 0.1
done
echo "plugin chatter that must never reach the screen" >&2
printf '{{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",'
printf '"status":{{"token":"%s"}}}}\\n' "$(echo "$t" | base64 -d)"
"""


def minting_kubeconfig(c: LocalCluster, ns: str, tmp_path: Path) -> Path:
    c.kubectl("-n", ns, "create", "serviceaccount", "minted")
    c.kubectl("-n", ns, "create", "rolebinding", "minted-view", "--clusterrole=view",
              f"--serviceaccount={ns}:minted")
    script = tmp_path / "mint.sh"
    script.write_text(MINT.format(dir=tmp_path, kubectl=c.kubectl_bin, admin=c.kubeconfig, ns=ns))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return c.user_kubeconfig(tmp_path / "kubeconfig", "minted", {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1beta1", "command": str(script),
        "interactiveMode": "Never"}}, ns)


def runs(tmp_path: Path) -> int:
    return int((tmp_path / "runs").read_text())


def revoke(c: LocalCluster, ns: str, n: int) -> None:
    """Delete token Secret ``minted-n`` and wait until the apiserver refuses that token."""
    secret = c.get_json("-n", ns, "secret", f"minted-{n}")
    token = base64.b64decode(secret["data"]["token"]).decode()
    c.kubectl("-n", ns, "delete", "secret", f"minted-{n}")
    server = yaml.safe_load(c.kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    ca = str(c.state_dir / "pki" / "ca.crt")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = httpx.get(f"{server}/api", headers={"Authorization": f"Bearer {token}"}, verify=ca)
        if r.status_code == 401:
            return
        time.sleep(0.2)
    raise AssertionError("the revoked token was still accepted after 30 s")


def running_pod(c: LocalCluster, ns: str, name: str, text: str) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"terminationGracePeriodSeconds": 0, "containers": [{
               "name": "main", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
               "command": ["sh", "-c", f"echo {text}; exec sleep 3600"]}]}}
    c.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps(pod))
    c.wait_for(lambda: c.kubectl("-n", ns, "get", "pod", name, "-o",
                                 "jsonpath={.status.phase}").stdout == "Running",
               timeout=60, what=f"{name} running")


async def test_revoked_token_mid_session_describe_and_logs_go_on(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    c = local_cluster
    kubeconfig = minting_kubeconfig(c, namespace, tmp_path)
    running_pod(c, namespace, "talker", "hello-from-talker")
    app = await make_app(kubeconfig)
    assert runs(tmp_path) == 1
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.pods.table.rows) == 1, what="the pod")
        revoke(c, namespace, 1)
        await pilot.press("enter")
        assert isinstance(app.screen, PodDetailScreen)
        detail = app.screen
        await until(pilot, lambda: detail.detail is not None, what="describe after revocation")
        assert runs(tmp_path) == 2  # one 401, one plugin run, one retry
        await pilot.press("l")
        await until(pilot, lambda: any("hello-from-talker" in line
                                       for line in detail.query_one(LogView).drawn()),
                    what="logs after revocation")
        assert runs(tmp_path) == 2
        assert app.is_running
    await app.cluster.close()


async def test_a_watch_resumes_from_its_resource_version_with_the_new_token(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    c = local_cluster
    kubeconfig = minting_kubeconfig(c, namespace, tmp_path)
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(kubeconfig)))
    rows: dict = {}
    reflector = Reflector(cluster, ResourceScope("v1", "pods", namespace), pod_row,
                          sink=lambda d: rows.update(d.upserts) if not d.reset else
                          (rows.clear(), rows.update(d.upserts)),
                          watch_timeout=2)  # the server ends each watch after 2 s
    task = asyncio.create_task(reflector.run())
    try:
        for _ in range(100):
            if reflector.watches >= 1:
                break
            await asyncio.sleep(0.1)
        revoke(c, namespace, 1)
        c.kubectl("-n", namespace, "apply", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "after-revoke"},
            "spec": {"schedulerName": "none", "containers": [{"name": "c",
                                                             "image": "busybox:1.35"}]}}))
        for _ in range(200):
            if any(r.name == "after-revoke" for r in rows.values()) and reflector.watches >= 3:
                break
            await asyncio.sleep(0.1)
        assert any(r.name == "after-revoke" for r in rows.values())
        assert reflector.lists == 1  # resumed from its resourceVersion, never relisted
        assert reflector.watches >= 3
        assert runs(tmp_path) == 2
    finally:
        task.cancel()
        await cluster.close()


def plugin_with_expiry(tmp_path: Path, statuses: list[dict]) -> Path:
    """A plugin printing ``statuses[n-1]`` on its n-th run."""
    (tmp_path / "statuses.json").write_text(json.dumps(statuses))
    script = tmp_path / "expiring.py"
    script.write_text(
        "#!/usr/bin/env python3\nimport json, pathlib\n"
        f"d = pathlib.Path({str(tmp_path)!r})\n"
        "n = int((d / 'runs').read_text()) + 1 if (d / 'runs').exists() else 1\n"
        "(d / 'runs').write_text(str(n))\n"
        "s = json.loads((d / 'statuses.json').read_text())[min(n, 2) - 1]\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1beta1',"
        " 'kind': 'ExecCredential', 'status': s}))\n")
    script.chmod(0o755)
    return script


def new_client_cert(c: LocalCluster, tmp_path: Path, cn: str) -> tuple[str, str]:
    pki = c.state_dir / "pki"
    key, csr, crt = (tmp_path / f"{cn}.{ext}" for ext in ("key", "csr", "crt"))
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)
    subprocess.run(["openssl", "req", "-new", "-key", str(key), "-subj", f"/CN={cn}",
                    "-out", str(csr)], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(pki / "ca.crt"),
                    "-CAkey", str(pki / "ca.key"), "-CAcreateserial", "-days", "1",
                    "-out", str(crt)], check=True, capture_output=True)
    return crt.read_text(), key.read_text()


async def test_plugin_certificates_are_reloaded_before_they_expire(local_cluster: LocalCluster,
                                                                   tmp_path: Path):
    """Run 1 returns alice's certificate, expiring in 33 s (inside the 30 s margin after 3 s);
    run 2 returns bob's. The server must see bob after the refresh: a new TLS identity."""
    c = local_cluster
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=33)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    alice, bob = new_client_cert(c, tmp_path, "kt-alice"), new_client_cert(c, tmp_path, "kt-bob")
    plugin = plugin_with_expiry(tmp_path, [
        {"clientCertificateData": alice[0], "clientKeyData": alice[1],
         "expirationTimestamp": soon},
        {"clientCertificateData": bob[0], "clientKeyData": bob[1]}])
    cfg = yaml.safe_load(c.kubeconfig.read_text())
    cfg["users"][0]["user"] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                                        "command": str(plugin), "interactiveMode": "Never"}}
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    cluster = await Cluster.connect(ConnectOptions(kubeconfig=str(path)))

    async def who() -> str:
        try:
            await cluster.get_json("/api/v1/namespaces/default/secrets", what="list secrets")
        except KubeError as exc:
            assert exc.kind == ErrorKind.FORBIDDEN
            return exc.hint
        raise AssertionError("a fresh test user may not list secrets")

    try:
        assert 'User "kt-alice"' in await who()
        assert runs(tmp_path) == 1
        await asyncio.sleep(3.5)
        assert 'User "kt-bob"' in await who()
        assert runs(tmp_path) == 2
    finally:
        await cluster.close()
