"""The connection to one cluster: authenticate, learn the server, send requests.

kr8s does what it is good at, reading credentials (client certificates, tokens, exec plugins)
into ``KubeAuth``. Requests go through our own ``httpx.AsyncClient`` built from that auth, because
kr8s's ``call_api`` appends a slash to raw paths (``/metrics/`` is a 404) and retries every 401 and
403 three times with re-authentication, which makes RBAC denials slow and lets an exec plugin run
in the middle of the UI. Every failure leaves here as a ``KubeError``.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from kr8s._auth import KubeAuth  # credentials loader: certs, tokens, exec plugins

from kubetui import __version__
from kubetui.k8s.discovery import Capabilities, Discovery, ServerVersion, capabilities
from kubetui.k8s.errors import ErrorKind, KubeError, from_exception, from_response
from kubetui.k8s.kubeconfig import ContextInfo, Kubeconfig, load_kubeconfig

USER_AGENT = f"kubetui/{__version__}"


@dataclass(frozen=True)
class ConnectOptions:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    connect_timeout: float = 10.0


@dataclass(frozen=True)
class ClusterInfo:
    """What the UI shows about the connection; immutable, safe to hand to widgets."""

    context: str
    cluster: str
    user: str
    server: str
    namespace: str
    all_namespaces: bool
    version: ServerVersion
    discovery: Discovery
    capabilities: Capabilities
    contexts: tuple[str, ...]

    @property
    def scope(self) -> str:
        return "all namespaces" if self.all_namespaces else self.namespace


@dataclass(frozen=True)
class FlowHeaders:
    """Which APF FlowSchema and priority level the server put our last request in."""

    flow_schema_uid: str
    priority_level_uid: str


class Cluster:
    """An authenticated connection. Create with ``await Cluster.connect(options)``."""

    def __init__(self, auth: KubeAuth, client_args: dict, info: ClusterInfo,
                 kubeconfig: Kubeconfig):
        self._auth = auth
        self._client_args = client_args
        self._http = httpx.AsyncClient(**client_args)
        self._loop = _running_loop()
        self.info = info
        self.kubeconfig = kubeconfig
        self.last_flow: FlowHeaders | None = None

    # -- connecting ------------------------------------------------------------------------
    @classmethod
    async def connect(cls, options: ConnectOptions) -> Cluster:
        cfg = load_kubeconfig(options.kubeconfig)
        ctx = cfg.context(options.context)
        auth, client_args = await _authenticate(cfg, ctx, options.connect_timeout)
        probe = cls(auth, client_args, None, cfg)  # type: ignore[arg-type]
        try:
            version = ServerVersion.from_json(await probe.get_json("/version", what="connect"))
            api = await probe.get_json("/api", what="discover the core API")
            apis = await probe.get_json("/apis", what="discover API groups")
        except BaseException:
            await probe.close()
            raise
        discovery = Discovery.from_json(api, apis)
        probe.info = ClusterInfo(
            context=ctx.name, cluster=ctx.cluster, user=ctx.user, server=ctx.server,
            namespace=options.namespace or ctx.namespace or "default",
            all_namespaces=options.all_namespaces, version=version, discovery=discovery,
            capabilities=capabilities(version, discovery), contexts=tuple(cfg.context_names))
        return probe

    async def close(self) -> None:
        if self._loop is _running_loop():
            await self._http.aclose()

    @property
    def _client(self) -> httpx.AsyncClient:
        """The HTTP client for the running event loop.

        httpx connection pools belong to the loop that opened them; a Cluster connected in one
        loop (a pre-flight ``asyncio.run``) and used in another gets a fresh client there.
        """
        loop = _running_loop()
        if loop is not self._loop:
            self._http = httpx.AsyncClient(**self._client_args)
            self._loop = loop
        return self._http

    # -- requests --------------------------------------------------------------------------
    async def request(self, method: str, path: str, *, what: str, params: dict | None = None,
                      json: object | None = None, headers: dict | None = None,
                      timeout: float | None = None) -> httpx.Response:  # noqa: ASYNC109
        """One request; raises KubeError for transport failures and HTTP errors."""
        kwargs: dict = {"params": params, "headers": headers}
        if json is not None:
            kwargs["content"] = jsonlib.dumps(json).encode()
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self._client.request(method, path, **kwargs)
        except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
            raise from_exception(exc, what, self._server) from None
        self._note_flow(response.headers)
        if response.is_error:
            raise from_response(response.status_code, response.content, what, response.headers)
        return response

    async def get_json(self, path: str, *, what: str, params: dict | None = None) -> dict:
        response = await self.request("GET", path, what=what, params=params)
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
                     read_timeout: float | None = None) -> AsyncIterator[httpx.Response]:
        """A streaming GET (watches, log follow). The body is read by the caller."""
        timeout = httpx.Timeout(read_timeout, connect=self._client.timeout.connect)
        request = self._client.build_request("GET", path, params=params, timeout=timeout)
        try:
            response = await self._client.send(request, stream=True)
        except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
            raise from_exception(exc, what, self._server) from None
        try:
            self._note_flow(response.headers)
            if response.is_error:
                body = await response.aread()
                raise from_response(response.status_code, body, what, response.headers)
            yield response
        finally:
            await response.aclose()

    @property
    def server_url(self) -> str:
        return self._server

    @property
    def _server(self) -> str:
        return str(self._client.base_url).rstrip("/")

    def _note_flow(self, headers: httpx.Headers) -> None:
        fs = headers.get("X-Kubernetes-PF-FlowSchema-UID")
        pl = headers.get("X-Kubernetes-PF-PriorityLevel-UID")
        if fs or pl:
            self.last_flow = FlowHeaders(fs or "", pl or "")


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _authenticate(cfg: Kubeconfig, ctx: ContextInfo,
                        connect_timeout: float) -> tuple[KubeAuth, dict]:
    """Load credentials for ``ctx`` (running an exec plugin if it has one): httpx client args."""
    try:
        auth = KubeAuth(kubeconfig=cfg.minimal(ctx.name), context=ctx.name)
        await auth
        ssl_context = await auth.ssl_context()
    except KubeError:
        raise
    except RuntimeError as exc:  # kr8s: the exec plugin exited non-zero
        detail = str(exc).split("\n", 1)[-1].strip().splitlines()
        raise KubeError(ErrorKind.CREDENTIALS,
                        f'the credential plugin of user "{ctx.user}" failed',
                        detail[0][:300] if detail else "it exited with an error") from None
    except FileNotFoundError as exc:
        raise KubeError(ErrorKind.CREDENTIALS,
                        f'a file needed by user "{ctx.user}" is missing: {exc.filename}',
                        "a credential plugin command, certificate or key") from None
    except (ValueError, KeyError) as exc:  # kr8s: unsupported auth, bad plugin output
        raise KubeError(ErrorKind.CREDENTIALS,
                        f'cannot load the credentials of user "{ctx.user}": {exc}') from None
    except ssl.SSLError as exc:
        raise KubeError(ErrorKind.CREDENTIALS,
                        f'the certificate or key of user "{ctx.user}" is unusable: '
                        f"{exc.reason or exc}", "check client-certificate and client-key") from None
    except OSError as exc:
        raise KubeError(ErrorKind.CREDENTIALS,
                        f'cannot read the credentials of user "{ctx.user}": {exc}') from None
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if auth.token:
        headers["Authorization"] = f"Bearer {auth.token}"
    return auth, {"base_url": auth.server, "headers": headers, "verify": ssl_context,
                  "timeout": httpx.Timeout(30.0, connect=connect_timeout),
                  "follow_redirects": False}
