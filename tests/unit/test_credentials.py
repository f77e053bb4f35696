"""Credentials kept fresh as client-go keeps them: exec plugins (expiry, 401), tokenFile."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from kubetui.k8s.transport.credentials import CredentialSource, parse_exec_output, parse_expiry
from kubetui.k8s.transport.errors import KubeError


def plugin(tmp_path: Path, expires_in: float | None, fail_without_tty: bool = False) -> dict:
    """A real exec plugin: each run prints a new token (run count kept in a file)."""
    counter = tmp_path / "runs"
    expiry = ""
    if expires_in is not None:
        when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=expires_in)
        expiry = f',"expirationTimestamp":"{when.strftime("%Y-%m-%dT%H:%M:%SZ")}"'
    script = tmp_path / "plugin.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}\n'
        'echo "$KUBERNETES_EXEC_INFO" > ' + str(tmp_path / "info") + "\n"
        + ("case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\": false'*) exit 1;; esac\n"
           if fail_without_tty else "")
        + "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
        f"\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"t'$n'\"{expiry}}}}}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1",
                     "command": str(script), "interactiveMode": "IfAvailable"}}


async def test_exec_token_is_reused_until_it_nears_expiry(tmp_path: Path):
    now = [dt.datetime.now(dt.timezone.utc).timestamp()]
    source = CredentialSource("u", plugin(tmp_path, 600), clock=lambda: now[0])
    first = await source.current()
    assert first.token == "t1" and first.expires_at is not None
    assert (await source.current()).token == "t1"
    assert source.runs == 1
    now[0] += 600 - 10  # within the refresh margin
    assert (await source.current()).token == "t2"
    assert json.loads((tmp_path / "info").read_text())["spec"] == {"interactive": False}


async def test_a_401_runs_the_plugin_once_more(tmp_path: Path):
    source = CredentialSource("u", plugin(tmp_path, None))
    seen = await source.current()
    assert await source.refresh(seen) is True
    assert (await source.current()).token == "t2"
    # A second request that saw the same 401 reuses the refresh instead of running it again.
    assert await source.refresh(seen) is True
    assert source.runs == 2


async def test_if_available_falls_back_to_the_terminal(tmp_path: Path):
    handed = []

    class Handover:
        def __enter__(self):
            handed.append("suspended")

        def __exit__(self, *exc):
            handed.append("resumed")

    source = CredentialSource("u", plugin(tmp_path, None, fail_without_tty=True),
                              handover=Handover)
    cred = await source.current()
    assert handed == ["suspended", "resumed"]
    assert cred.token == "t2"  # the captured run failed, the run with the terminal succeeded
    assert json.loads((tmp_path / "info").read_text())["spec"] == {"interactive": True}


async def test_token_file_is_read_again_when_it_changes(tmp_path: Path):
    token = tmp_path / "token"
    token.write_text("first\n")
    source = CredentialSource("u", {"tokenFile": str(token)})
    assert (await source.current()).token == "first"
    token.write_text("second-longer\n")
    assert (await source.current()).token == "second-longer"


async def test_a_plugin_without_credentials_is_a_clear_error(tmp_path: Path):
    script = tmp_path / "p.sh"
    script.write_text('#!/bin/sh\necho \'{"status":{}}\'\n')
    script.chmod(0o755)
    source = CredentialSource("alice", {"exec": {"command": str(script),
                                                 "interactiveMode": "Never"}})
    with pytest.raises(KubeError, match='user "alice" returned neither'):
        await source.current()


def test_expiry_and_output_parsing():
    assert parse_expiry("2026-01-01T00:00:00Z") == dt.datetime(2026, 1, 1,
                                                               tzinfo=dt.timezone.utc).timestamp()
    assert parse_expiry(None) is None
    assert parse_expiry("garbage") == 0.0  # unparseable: refresh every time
    assert parse_exec_output(b'{"status":{"token":"x"}}') == {"token": "x"}
    for bad in (b"", b"not json", b"[]", b'{"status": 3}'):
        with pytest.raises(KubeError, match="printed no ExecCredential"):
            parse_exec_output(bad, "u")


async def test_malformed_users_are_config_errors_not_tracebacks(tmp_path: Path):
    from kubetui.k8s.transport.cluster import Cluster

    for user in ({"exec": "a string"}, {"exec": {"command": "true", "args": 3}},
                 {"exec": {"command": "true", "env": "x"}}, {"auth-provider": "oidc"}):
        cluster = Cluster(CredentialSource("bob", user), {}, "https://127.0.0.1:1", None,
                          None)  # type: ignore[arg-type]
        with pytest.raises(KubeError) as err:
            await cluster._credential()
        assert 'user "bob"' in str(err.value)


def test_a_cluster_ca_without_key_usage_is_trusted_as_kubectl_trusts_it(tmp_path: Path):
    """A CA made as ``openssl req -x509`` makes it (hack/lib/pki.sh, many self-made clusters)
    has no keyUsage extension. kubectl accepts it; Python 3.13's default VERIFY_X509_STRICT
    refuses it ("CA cert does not include key usage extension"). kubetui verifies as kubectl
    does: a real handshake against a loopback server with such a chain."""
    import socket
    import ssl
    import subprocess
    import threading

    from kubetui.k8s.transport.credentials import Credential, ssl_context

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-subj", "/CN=test-ca", "-days", "2")
    (tmp_path / "ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
        "-subj", "/CN=apiserver")
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext", "-out", "srv.crt")
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "srv.crt", tmp_path / "srv.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            with server.wrap_socket(conn, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ctx = ssl_context({"certificate-authority": str(tmp_path / "ca.crt")}, Credential())
    assert not ctx.verify_flags & ssl.VERIFY_X509_STRICT
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() is not None  # the handshake verified the chain
    thread.join(10)
    listener.close()
