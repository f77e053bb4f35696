"""The connection to one cluster: authenticate, learn the server, send requests.

Every request goes through ``_send``: credentials are refreshed before they expire and once
after a 401 (``credentials.CredentialSource``), and a rebuilt TLS context follows a plugin's new
client certificate. Requests use our own ``httpx.AsyncClient``, because kr8s's ``call_api``
appends a slash to raw paths (``/metrics/`` is a 404) and retries every 401 and 403 three times,
which makes RBAC denials slow. Writes have their own path (``transport/writes.py``): never
retried blindly. In read-only mode ``_send`` refuses anything but reads and access reviews, so
the guarantee does not depend on every screen remembering it. Every failure leaves here as a
``KubeError``.
"""

from __future__ import annotations

import asyncio
import base64
import json as jsonlib
import os
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from kubetui import __version__
from kubetui.k8s.transport.credentials import Credential, CredentialSource, ssl_context
from kubetui.k8s.transport.discovery import Discovery, ServerVersion, capabilities
from kubetui.k8s.transport.errors import ErrorKind, KubeError, from_exception, from_response
from kubetui.k8s.transport.info import ClusterInfo, ConnectOptions, FlowHeaders
from kubetui.k8s.transport.kubeconfig import Kubeconfig, load_kubeconfig
from kubetui.k8s.transport.lines import (
    ProtocolError,
    batched,
    open_get,
    proxied,
    read_batches,
    read_body,
)
from kubetui.k8s.transport.readonly import READ_ONLY, is_read
from kubetui.k8s.transport.shapes import SHAPE_ERRORS

if TYPE_CHECKING:  # httpx-ws is imported by the first WebSocket, not by every start-up
    from httpx_ws import AsyncWebSocketSession

USER_AGENT = f"kubetui/{__version__}"


class Cluster:
    """An authenticated connection. Create with ``await Cluster.connect(options)``."""

    def __init__(self, credentials: CredentialSource, cluster_entry: dict, server: str,
                 info: ClusterInfo, kubeconfig: Kubeconfig, connect_timeout: float = 10.0,
                 readonly: bool = False):
        self.credentials = credentials
        self._cluster_entry = cluster_entry
        self._server_url = server.rstrip("/")
        self._connect_timeout = connect_timeout
        self._http: httpx.AsyncClient | None = None
        self._http_for: tuple = ()
        self._verify: ssl.SSLContext | None = None  # the TLS context of ``_http``
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retired = False
        self.info = info
        self.kubeconfig = kubeconfig
        self.readonly = readonly
        self.last_flow: FlowHeaders | None = None
        self.user_agent = USER_AGENT  # benchmarks tag their own requests

    # -- connecting ------------------------------------------------------------------------
    @classmethod
    async def connect(cls, options: ConnectOptions, *, kubeconfig: Kubeconfig | None = None,
                      handover: Callable | None = None) -> Cluster:
        """``kubeconfig``: already read (the command line checks it before the UI starts);
        ``handover``: how a credential plugin that must prompt gets the terminal, when the UI
        already has it (``App.suspend``)."""
        cfg = kubeconfig or load_kubeconfig(options.kubeconfig)
        ctx = cfg.context(options.context)
        source = CredentialSource(ctx.user, dict(cfg.users.get(ctx.user) or {}))
        source.handover = handover
        probe = cls(source, dict(cfg.clusters[ctx.cluster]), ctx.server, None,  # type: ignore[arg-type]
                    cfg, options.connect_timeout, options.readonly)
        try:
            await probe._client_for(await probe._credential())
            # One round trip instead of three: over a bastion's long link, each costs its RTT.
            # All three are awaited to the end (no task left failing unobserved); the first
            # failure in that order is the one reported.
            answers = await asyncio.gather(
                probe.get_json("/version", what="connect"),
                probe.get_json("/api", what="discover the core API"),
                probe.get_json("/apis", what="discover API groups"), return_exceptions=True)
            for answer in answers:
                if isinstance(answer, BaseException):
                    raise answer
            version_json, api, apis = answers
            version = ServerVersion.from_json(version_json)
        except BaseException:
            await probe.close()
            raise
        discovery = Discovery.from_json(api, apis)
        probe.info = replace(ClusterInfo.pending(cfg, options), version=version,
                             discovery=discovery, capabilities=capabilities(version, discovery),
                             connected=True)
        return probe

    async def close(self) -> None:
        """Close the connections; the next request opens new ones."""
        if self._http is not None and self._loop is _running_loop():
            await self._http.aclose()
        self._http = None

    async def retire(self) -> None:
        """Close for good (the app moved to another context): a request still made through
        this cluster (a watch not yet stopped) fails instead of opening a pool nobody would
        close."""
        self._retired = True
        await self.close()

    def set_terminal_handover(self, handover: Callable | None) -> None:
        """The UI lends the terminal to a credential plugin that must prompt (App.suspend)."""
        self.credentials.handover = handover

    async def _credential(self) -> Credential:
        try:
            return await self.credentials.current()
        except KubeError:
            raise
        except (OSError, ValueError) as exc:
            raise KubeError(ErrorKind.CREDENTIALS, f'cannot load the credentials of user '
                            f'"{self.credentials.user_name}": {exc}') from None
        except SHAPE_ERRORS as exc:
            raise KubeError(ErrorKind.CONFIG, f'user "{self.credentials.user_name}" in the '
                            f"kubeconfig is malformed ({type(exc).__name__}: {exc})") from None

    async def _client_for(self, cred: Credential) -> httpx.AsyncClient:
        """The HTTP client for the running event loop and the credential's TLS identity.

        httpx connection pools belong to the loop that opened them (a pre-flight connect runs
        in its own loop), and a client certificate is part of the TLS context: either change
        means a new client.
        """
        if self._retired:
            raise KubeError(ErrorKind.UNREACHABLE, f"the connection to {self._server_url} was "
                            "closed (another context was chosen)")
        loop = _running_loop()
        key = (loop, cred.tls_key, self.user_agent)
        if self._http is None or self._http_for != key:
            try:
                verify = ssl_context(self._cluster_entry, cred)
            except ssl.SSLError as exc:
                raise KubeError(ErrorKind.CREDENTIALS,
                                f'the certificate or key of user "{self.credentials.user_name}" '
                                f"is unusable: {exc.reason or exc}",
                                "check client-certificate and client-key") from None
            except (OSError, ValueError) as exc:
                raise KubeError(ErrorKind.CREDENTIALS, f'cannot read the certificates of '
                                f'cluster or user "{self.credentials.user_name}": {exc}') from None
            old = self._http if self._loop is loop else None
            self._verify = verify if isinstance(verify, ssl.SSLContext) else None
            self._http = httpx.AsyncClient(
                base_url=self._server_url, verify=verify, follow_redirects=False,
                headers=self._headers(self.user_agent), proxy=self._proxy,
                timeout=httpx.Timeout(30.0, connect=self._connect_timeout))
            self._http_for, self._loop = key, loop
            if old is not None:
                await old.aclose()
        return self._http

    # -- the cluster entry's connection options (checked by ``Kubeconfig.context``) ----------
    @property
    def _proxy(self) -> str | None:
        """``proxy-url``: every request through that proxy (http, https or socks5, as
        kubectl). Without it httpx follows HTTPS_PROXY / NO_PROXY, as kubectl does."""
        return self._cluster_entry.get("proxy-url") or None

    @property
    def _tls_server_name(self) -> str | None:
        """``tls-server-name``: the name the server's certificate is checked against (and sent
        as SNI) instead of the URL's host: a tunnel to 127.0.0.1, a load balancer's IP."""
        return self._cluster_entry.get("tls-server-name") or None

    @property
    def _reached_as(self) -> str:
        """The server as error messages name it: with the proxy and TLS name that were used."""
        out = self._server_url
        if self._tls_server_name:
            out += f" (as {self._tls_server_name})"
        if self._proxy:
            out += f" through the proxy {self._proxy}"
        return out

    def _headers(self, user_agent: str) -> dict[str, str]:
        """Every request's headers. Responses are gzip-compressed (httpx asks, as kubectl
        does: the 100,000-pod LIST is 5.7 MB instead of 171 MB on the wire) unless the cluster
        entry says ``disable-compression: true`` (kubectl 1.26+): on a fast link to a busy
        apiserver, compressing is the server's CPU spent for nothing."""
        headers = {"User-Agent": user_agent, "Accept": "application/json"}
        if self._cluster_entry.get("disable-compression") is True:
            headers["Accept-Encoding"] = "identity"
        return headers

    @property
    def _client_args(self) -> dict:
        """What a second client (the benchmark's load generator) needs to act as this one."""
        cred = self.credentials._cred or Credential()
        headers = self._headers(USER_AGENT)
        if cred.token:
            headers["Authorization"] = f"Bearer {cred.token}"
        return {"base_url": self._server_url, "headers": headers, "proxy": self._proxy,
                "verify": ssl_context(self._cluster_entry, cred),
                "timeout": httpx.Timeout(30.0, connect=self._connect_timeout)}

    # -- requests --------------------------------------------------------------------------
    async def _send(self, method: str, path: str, *, what: str, stream: bool = False,
                    **kwargs) -> httpx.Response:
        """Send once with a fresh credential; after a 401, refresh it and send once more (a
        401 means the server did nothing, so even a write may be repeated)."""
        if self.readonly and not is_read(method, path):
            raise KubeError(ErrorKind.FORBIDDEN, f"{what}: not sent (kubetui is read-only)",
                            "start kubetui without --readonly to change the cluster",
                            reason=READ_ONLY)
        for attempt in (0, 1):
            cred = await self._credential()
            client = await self._client_for(cred)
            headers = dict(kwargs.get("headers") or {})
            if cred.token:
                headers["Authorization"] = f"Bearer {cred.token}"
            request = client.build_request(method, path, **{**kwargs, "headers": headers})
            if self._tls_server_name:
                request.extensions["sni_hostname"] = self._tls_server_name
            try:
                response = await client.send(request, stream=stream)
            except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
                raise from_exception(exc, what, self._reached_as,
                                     via_proxy=bool(self._proxy)) from None
            self._note_flow(response.headers)
            if response.status_code == 401 and attempt == 0 and \
                    await self.credentials.refresh(cred):
                await response.aclose()
                continue
            return response
        raise AssertionError("unreachable")

    async def request(self, method: str, path: str, *, what: str, params: dict | None = None,
                      json: object | None = None, headers: dict | None = None,
                      timeout: float | None = None,  # noqa: ASYNC109
                      content_type: str = "application/json",
                      raise_for_status: bool = True) -> httpx.Response:
        """One request; raises KubeError for transport failures and (unless
        ``raise_for_status`` is false: a pod's own answer through the proxy) HTTP errors."""
        kwargs: dict = {"params": params, "headers": dict(headers or {})}
        if json is not None:
            kwargs["content"] = jsonlib.dumps(json).encode()
            kwargs["headers"].setdefault("Content-Type", content_type)
        if timeout is not None:
            kwargs["timeout"] = timeout
        response = await self._send(method, path, what=what, **kwargs)
        if response.is_error and raise_for_status:
            raise from_response(response.status_code, response.content, what, response.headers)
        return response

    async def get_json(self, path: str, *, what: str, params: dict | None = None,
                       headers: dict | None = None) -> dict:
        response = await self.request("GET", path, what=what, params=params, headers=headers)
        try:
            data = response.json()
        except ValueError:
            raise KubeError(ErrorKind.SERVER, f"{what}: the server answered with non-JSON",
                            response.text[:200]) from None
        if not isinstance(data, dict):
            raise KubeError(ErrorKind.SERVER, f"{what}: unexpected answer from the server")
        return data

    @asynccontextmanager
    async def stream(self, path: str, *, what: str, params: dict | None = None,
                     read_timeout: float | None = None,
                     headers: dict | None = None) -> AsyncIterator[httpx.Response]:
        """A streaming GET (watches, log follow). The body is read by the caller."""
        timeout = httpx.Timeout(read_timeout, connect=self._connect_timeout)
        response = await self._send("GET", path, what=what, stream=True, params=params,
                                    timeout=timeout, headers=dict(headers or {}))
        try:
            if response.is_error:
                body = await response.aread()
                raise from_response(response.status_code, body, what, response.headers)
            yield response
        finally:
            await response.aclose()

    async def line_batches(self, path: str, *, what: str, params: dict[str, str],
                           interval: float = 0.05) -> AsyncIterator[list[str]]:
        """A streaming GET's lines, one batch per ``interval`` at most (a followed log): read
        by ``transport.lines`` on a connection of its own, with the credential, 401 refresh and
        read-only rule of ``_send``; through a proxy, by httpx."""
        if self._proxy or proxied(self._server_url):
            async with self.stream(path, what=what, params=params) as response:
                async for batch in batched(response.aiter_lines(), interval):
                    yield batch
            return
        for attempt in (0, 1):
            cred = await self._credential()
            await self._client_for(cred)  # the TLS context for this credential
            headers = self._headers(self.user_agent)
            if cred.token:
                headers["Authorization"] = f"Bearer {cred.token}"
            try:
                reader, head, first = await open_get(
                    self._server_url, path, params, headers, self._verify,
                    self._tls_server_name, self._connect_timeout)
            except (OSError, ssl.SSLError, TimeoutError, ProtocolError) as exc:
                raise from_exception(exc, what, self._reached_as) from None
            try:
                self._note_flow(httpx.Headers(head.headers))
                if head.status == 401 and attempt == 0 and \
                        await self.credentials.refresh(cred):
                    continue
                if head.status >= 300:
                    body = await read_body(reader, head, first)
                    raise from_response(head.status, body, what, httpx.Headers(head.headers))
                async for batch in read_batches(reader, head, first, interval):
                    yield batch
                return
            except (OSError, ssl.SSLError, ProtocolError) as exc:
                raise from_exception(exc, what, self._reached_as) from None
            finally:
                if reader.transport is not None:
                    reader.transport.close()

    @asynccontextmanager
    async def websocket(self, path: str, *, what: str, params: list[tuple[str, str]],
                        subprotocols: list[str]) -> AsyncIterator[AsyncWebSocketSession]:
        """A WebSocket on ``path`` (exec, attach): the upgrade is a GET through ``_send``, so
        credentials, the 401 refresh and the read-only guard apply as to any request."""
        # Accept */*: with the client's usual application/json the apiserver answers 406.
        headers = {"Accept": "*/*", "Connection": "Upgrade", "Upgrade": "websocket",
                   "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
                   "Sec-WebSocket-Protocol": ", ".join(subprotocols)}
        response = await self._send("GET", path, what=what, stream=True, params=params,
                                    headers=headers,
                                    timeout=httpx.Timeout(None, connect=self._connect_timeout))
        try:
            if response.status_code != 101:
                body = await response.aread()
                raise from_response(response.status_code, body, what, response.headers)
            from httpx_ws import AsyncWebSocketSession

            session = AsyncWebSocketSession(response.extensions["network_stream"],
                                            max_message_size_bytes=4 * 1024 * 1024,
                                            keepalive_ping_interval_seconds=None,
                                            response=response)
            try:
                async with session:
                    yield session
            except KubeError:
                raise
            except Exception as exc:  # httpx-ws's own tasks fail as a group on a dead socket
                inner = _first_kube_error(exc)
                if inner is not None:
                    raise inner from None
                raise KubeError(ErrorKind.UNREACHABLE, f"{what}: the connection dropped",
                                _leaf(exc)) from None
        finally:
            await response.aclose()

    @property
    def server_url(self) -> str:
        return self._server_url

    def _note_flow(self, headers: httpx.Headers) -> None:
        fs = headers.get("X-Kubernetes-PF-FlowSchema-UID")
        pl = headers.get("X-Kubernetes-PF-PriorityLevel-UID")
        if fs or pl:
            self.last_flow = FlowHeaders(fs or "", pl or "")


def _first_kube_error(exc: BaseException) -> KubeError | None:
    if isinstance(exc, KubeError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _first_kube_error(inner)
        if found is not None:
            return found
    return None


def _leaf(exc: BaseException) -> str:
    while getattr(exc, "exceptions", None):
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    return str(exc) or type(exc).__name__


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
