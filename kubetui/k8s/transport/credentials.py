"""A kubeconfig user's credentials, kept fresh the way client-go keeps them.

EKS tokens last 15 minutes, GKE and OIDC tokens about an hour; a session of kubetui lasts longer.
So, as client-go does:

- an exec plugin runs again shortly before its ``expirationTimestamp``, and once after a 401;
- a ``tokenFile`` is read again when it changes (a projected or rotated token);
- client certificates that a plugin returns are reloaded with it (the caller rebuilds its TLS
  context when ``Credential.tls_key`` changes);
- a plugin that needs the terminal (``interactiveMode: Always``, or ``IfAvailable`` when it fails
  without one) runs with the terminal handed over by ``handover``, a context manager the UI sets
  (``App.suspend``); before the UI starts, the terminal is simply inherited.

kr8s's ``KubeAuth`` drops the expiry, knows neither ``tokenFile`` nor ``interactiveMode``, and
leaves private keys from ``*-data`` fields in /tmp; this module replaces it. Private keys are
written to a 0700 directory only for the moment ``ssl`` needs a file, then removed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from kubetui.k8s.transport.compat import TIMEOUTS
from kubetui.k8s.transport.errors import ErrorKind, KubeError

#: Refresh an expiring exec credential this long before it expires.
EXPIRY_MARGIN = 30.0
EXEC_TIMEOUT = 120.0  # an interactive login may take a while; a hung plugin must not hang us


@dataclass(frozen=True)
class Credential:
    token: str | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    cert_file: str | None = None
    key_file: str | None = None
    expires_at: float | None = None  # epoch seconds; None: does not expire

    @property
    def tls_key(self) -> tuple:
        """What the TLS context depends on: when this changes, the connection is rebuilt."""
        return (self.cert_pem, self.key_pem, self.cert_file, self.key_file)


Handover = Callable[[], AbstractContextManager]


@dataclass
class CredentialSource:
    """One kubeconfig user. ``current()`` before each request, ``refresh()`` after a 401."""

    user_name: str
    user: dict
    handover: Handover | None = None  # set by the UI: hands it the terminal (App.suspend)
    clock: Callable[[], float] = time.time
    runs: int = 0  # exec plugin runs, for the UI and the tests
    _cred: Credential | None = field(default=None, repr=False)
    _token_file_stamp: tuple[float, int] | None = field(default=None, repr=False)
    _lock: asyncio.Lock | None = field(default=None, repr=False)

    @property
    def refreshable(self) -> bool:
        """A 401 can be cured by asking again only when there is something to ask."""
        return "exec" in self.user or "tokenFile" in self.user

    async def current(self) -> Credential:
        cred = self._cred
        if cred is not None and not self._stale(cred):
            return cred
        async with self._guard():
            if self._cred is None or self._stale(self._cred):
                self._cred = await self._load()
            return self._cred

    async def refresh(self, seen: Credential | None) -> bool:
        """After a 401 with ``seen``: load again once (other requests that saw the same 401
        reuse the result). True when the credential changed and a retry makes sense."""
        if not self.refreshable:
            return False
        async with self._guard():
            if self._cred is not seen and self._cred is not None:
                return self._cred != seen
            self._cred = await self._load()
            return self._cred != seen

    def _guard(self) -> asyncio.Lock:
        # One lock per event loop (a pre-flight connect runs in its own loop).
        if self._lock is None or getattr(self._lock, "_loop", None) not in (
                None, asyncio.get_running_loop()):
            self._lock = asyncio.Lock()
        return self._lock

    def _stale(self, cred: Credential) -> bool:
        if cred.expires_at is not None and self.clock() >= cred.expires_at - EXPIRY_MARGIN:
            return True
        path = self.user.get("tokenFile")
        return bool(path) and _file_stamp(path) != self._token_file_stamp

    # -- loading -------------------------------------------------------------------------
    async def _load(self) -> Credential:
        user = self.user
        token = user.get("token")
        if user.get("tokenFile"):
            token = self._read_token_file(user["tokenFile"])
        auth_provider = user.get("auth-provider") or {}
        if auth_provider:
            if auth_provider.get("name") != "oidc":
                raise KubeError(ErrorKind.CREDENTIALS, f'user "{self.user_name}": auth-provider '
                                f'"{auth_provider.get("name")}" was removed from kubectl',
                                "use the provider's exec credential plugin instead")
            token = (auth_provider.get("config") or {}).get("id-token") or token
        cert_pem = _data(user.get("client-certificate-data"))
        key_pem = _data(user.get("client-key-data"))
        expires_at = None
        if user.get("exec"):
            status = await self._run_exec(user["exec"])
            token = status.get("token") or None
            if status.get("clientCertificateData") or status.get("clientKeyData"):
                cert_pem = str(status.get("clientCertificateData", "")).encode()
                key_pem = str(status.get("clientKeyData", "")).encode()
            if not token and not cert_pem:
                raise KubeError(ErrorKind.CREDENTIALS, f'the credential plugin of user '
                                f'"{self.user_name}" returned neither a token nor a certificate')
            expires_at = parse_expiry(status.get("expirationTimestamp"))
        return Credential(token=token, cert_pem=cert_pem, key_pem=key_pem,
                          cert_file=user.get("client-certificate") if not cert_pem else None,
                          key_file=user.get("client-key") if not key_pem else None,
                          expires_at=expires_at)

    def _read_token_file(self, path: str) -> str:
        try:
            stamp = _file_stamp(path)
            token = Path(path).read_text().strip()
        except OSError as exc:
            raise KubeError(ErrorKind.CREDENTIALS, f'cannot read the tokenFile of user '
                            f'"{self.user_name}": {exc.strerror or exc}', path) from None
        self._token_file_stamp = stamp
        return token

    async def _run_exec(self, spec: dict) -> dict:
        api = spec.get("apiVersion") or "client.authentication.k8s.io/v1beta1"
        if api.endswith("/v1alpha1"):
            raise KubeError(ErrorKind.CREDENTIALS, f'the credential plugin of user '
                            f'"{self.user_name}" uses {api}, which is no longer supported',
                            "update the plugin (v1beta1 or v1)")
        mode = spec.get("interactiveMode") or "IfAvailable"
        argv = [str(spec.get("command") or ""), *[str(a) for a in spec.get("args") or []]]
        env = dict(os.environ)
        env.update({str(e.get("name")): str(e.get("value", ""))
                    for e in spec.get("env") or [] if isinstance(e, dict)})
        self.runs += 1
        if mode == "Always":
            out = await self._run_with_terminal(argv, env, api)
        else:
            try:
                out = await self._run_captured(argv, env, api)
            except KubeError:
                if mode != "IfAvailable" or not self._terminal_available():
                    raise
                out = await self._run_with_terminal(argv, env, api)  # it may need to prompt
        return parse_exec_output(out, self.user_name)

    def _terminal_available(self) -> bool:
        return self.handover is not None or sys.stdin.isatty()

    async def _run_captured(self, argv: list[str], env: dict, api: str) -> bytes:
        env = {**env, "KUBERNETES_EXEC_INFO": _exec_info(api, interactive=False)}
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise self._missing(argv[0]) from None
        except OSError as exc:
            raise self._failed(str(exc)) from None
        try:
            out, err = await asyncio.wait_for(proc.communicate(), EXEC_TIMEOUT)
        except TIMEOUTS:
            proc.kill()
            raise self._failed(f"it did not answer within {EXEC_TIMEOUT:g}s") from None
        if proc.returncode != 0:
            lines = err.decode(errors="replace").strip().splitlines()
            raise self._failed(lines[-1][:300] if lines else f"it exited with {proc.returncode}")
        return out

    async def _run_with_terminal(self, argv: list[str], env: dict, api: str) -> bytes:
        """The plugin talks to the person on the terminal (stdin and stderr), its stdout is the
        credential. Blocking on purpose: the UI is suspended while the person types."""
        if not self._terminal_available():
            raise KubeError(ErrorKind.CREDENTIALS, f'the credential plugin of user '
                            f'"{self.user_name}" needs a terminal to log in, and there is none',
                            "run kubetui in a terminal, or log in first")
        env = {**env, "KUBERNETES_EXEC_INFO": _exec_info(api, interactive=True)}
        handover = self.handover or contextlib.nullcontext
        try:
            with handover():
                proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE,  # noqa: ASYNC221
                                      timeout=EXEC_TIMEOUT * 5, check=False)
        except FileNotFoundError:
            raise self._missing(argv[0]) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise self._failed(str(exc)) from None
        if proc.returncode != 0:
            raise self._failed(f"it exited with {proc.returncode}")
        return proc.stdout

    def _missing(self, command: str) -> KubeError:
        return KubeError(ErrorKind.CREDENTIALS,
                         f'a file needed by user "{self.user_name}" is missing: {command}',
                         "a credential plugin command, certificate or key")

    def _failed(self, detail: str) -> KubeError:
        return KubeError(ErrorKind.CREDENTIALS,
                         f'the credential plugin of user "{self.user_name}" failed', detail)


def parse_exec_output(out: bytes | str, user_name: str = "") -> dict:
    """The ``status`` of an ExecCredential printed by a plugin."""
    try:
        data = json.loads(out)
    except (ValueError, TypeError):
        data = None
    status = data.get("status") if isinstance(data, dict) else None
    if not isinstance(status, dict):
        raise KubeError(ErrorKind.CREDENTIALS, f'the credential plugin of user "{user_name}" '
                        "printed no ExecCredential", "its standard output must be the JSON")
    return status


def parse_expiry(value: object) -> float | None:
    """RFC 3339 ``expirationTimestamp``; unparseable means "refresh every time"."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def _exec_info(api: str, interactive: bool) -> str:
    return json.dumps({"apiVersion": api, "kind": "ExecCredential",
                       "spec": {"interactive": interactive}})


def _data(value: object) -> bytes | None:
    if not value:
        return None
    text = str(value)
    return text.encode() if "-----BEGIN" in text else base64.b64decode(text)


def _file_stamp(path: str) -> tuple[float, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


def ssl_context(cluster: dict, cred: Credential) -> ssl.SSLContext:
    """TLS for one cluster entry and one credential.

    Verification is kubectl's (Go's crypto/x509), not Python 3.13's stricter default: 3.13 adds
    ``VERIFY_X509_STRICT``, which refuses a cluster CA without a keyUsage extension ("CA cert
    does not include key usage extension") — certificates kubectl, client-go and every earlier
    Python accept, and that self-made cluster CAs often are. The chain, the expiry and the
    hostname are checked as before.

    A cluster that names its CA is verified against that CA alone, as client-go does (its
    root pool is the given certificates); the system's trust store is loaded only for a cluster
    without one. Loading that store costs about 20 ms of CPU, on every launch and context
    switch, for certificates a kubeconfig with its own CA never uses."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # certificate and hostname required
    # Any certificate in the pool is a trust anchor, as in Go's crypto/x509.
    ctx.verify_flags |= getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
    if cluster.get("insecure-skip-tls-verify"):
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif cluster.get("certificate-authority-data"):
        ctx.load_verify_locations(cadata=_data(cluster["certificate-authority-data"]).decode())
    elif cluster.get("certificate-authority"):
        ctx.load_verify_locations(cafile=cluster["certificate-authority"])
    else:
        ctx.load_default_certs()
    if cred.cert_pem and cred.key_pem:
        with tempfile.TemporaryDirectory(prefix="kubetui-") as tmp:  # mode 0700
            cert, key = Path(tmp, "c.pem"), Path(tmp, "k.pem")
            cert.write_bytes(cred.cert_pem)
            key.touch(mode=0o600)
            key.write_bytes(cred.key_pem)
            ctx.load_cert_chain(str(cert), str(key))
    elif cred.cert_file and cred.key_file:
        ctx.load_cert_chain(cred.cert_file, cred.key_file)
    return ctx
