"""The error model: every failure kubetui can meet, as a kind the UI knows how to explain.

Third-party exceptions (httpx, ssl, yaml, kr8s) never reach the UI. Everything that talks to a
cluster converts them here into a ``KubeError`` with a one-line ``summary`` and, where it helps,
a ``hint`` saying what to do about it.
"""

from __future__ import annotations

import email.utils
import enum
import json
import ssl
import time
from dataclasses import dataclass

import httpx

from kubetui.k8s.transport.compat import TIMEOUTS


class ErrorKind(enum.Enum):
    CONFIG = "kubeconfig"  # malformed/missing kubeconfig, unknown context
    CREDENTIALS = "credentials"  # exec plugin failed, cert/key unreadable
    UNREACHABLE = "unreachable"  # connection refused, DNS, no route
    TLS = "tls"  # certificate verification failed
    TIMEOUT = "timeout"
    UNAUTHORIZED = "unauthorized"  # 401: expired or invalid credentials
    FORBIDDEN = "forbidden"  # 403: RBAC
    NOT_FOUND = "not-found"  # 404
    CONFLICT = "conflict"  # 409
    GONE = "gone"  # 410: resourceVersion too old
    INVALID = "invalid"  # 400/422
    THROTTLED = "throttled"  # 429 (APF or max-inflight)
    BUDGET = "disruption-budget"  # 429 to an eviction: a PodDisruptionBudget allows none now
    SERVER = "server"  # 5xx
    UNSUPPORTED = "unsupported"  # API version or feature missing on this server


@dataclass(eq=False)
class KubeError(Exception):  # not frozen: Python sets __traceback__ on raise
    kind: ErrorKind
    summary: str
    hint: str = ""
    status: int | None = None
    retry_after: float | None = None
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.summary} ({self.hint})" if self.hint else self.summary

    @property
    def retryable(self) -> bool:
        return self.kind in {ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.THROTTLED,
                             ErrorKind.SERVER, ErrorKind.GONE}


def parse_retry_after(value: str | None, default: float = 1.0) -> float:
    """Retry-After is seconds or an HTTP date; fall back to ``default`` when unparseable."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def _status(body: bytes | str) -> dict:
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return {"message": text.strip()[:300]}
    return data if isinstance(data, dict) else {"message": text.strip()[:300]}


def _status_message(body: bytes | str) -> tuple[str, str]:
    """(message, reason) from a metav1.Status body, tolerating non-JSON bodies."""
    data = _status(body)
    return str(data.get("message") or "").strip(), str(data.get("reason") or "")


def _budget_refusal(body: bytes | str) -> str | None:
    """The budget's own words when a 429 is a PodDisruptionBudget refusing an eviction (the
    ``DisruptionBudget`` cause, or the message alone on servers that send no cause)."""
    data = _status(body)
    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    for cause in details.get("causes") or ():
        if isinstance(cause, dict) and cause.get("reason") == "DisruptionBudget":
            return str(cause.get("message") or "").strip() or str(data.get("message") or "")
    message = str(data.get("message") or "")
    return message.strip() if "disruption budget" in message.lower() else None


def from_response(status: int, body: bytes | str, what: str,
                  headers: httpx.Headers | dict | None = None) -> KubeError:
    """Map an HTTP error response for ``what`` (e.g. "list pods") to a KubeError."""
    message, reason = _status_message(body)
    detail = message or f"HTTP {status}"
    hdrs = headers or {}
    if status == 401:
        return KubeError(ErrorKind.UNAUTHORIZED, f"{what}: the server rejected the credentials",
                         "they may have expired: log in again or refresh the kubeconfig",
                         status, reason=reason)
    if status == 403:
        return KubeError(ErrorKind.FORBIDDEN, f"{what}: forbidden by RBAC",
                         detail, status, reason=reason)
    if status == 404:
        return KubeError(ErrorKind.NOT_FOUND, f"{what}: not found", detail, status, reason=reason)
    if status == 409:
        return KubeError(ErrorKind.CONFLICT, f"{what}: conflict", detail, status, reason=reason)
    if status == 410:
        return KubeError(ErrorKind.GONE, f"{what}: resource version too old", detail, status,
                         reason=reason or "Expired")
    if status in (400, 422):
        return KubeError(ErrorKind.INVALID, f"{what}: rejected as invalid", detail, status,
                         reason=reason)
    if status == 429 and (budget := _budget_refusal(body)) is not None:
        return KubeError(ErrorKind.BUDGET, f"{what}: refused by a PodDisruptionBudget", budget,
                         status, reason=reason)
    if status == 429:
        retry = parse_retry_after(hdrs.get("Retry-After") if hdrs else None)
        return KubeError(ErrorKind.THROTTLED, f"{what}: throttled by the apiserver",
                         f"API Priority & Fairness or max-inflight; retry after {retry:g}s",
                         status, retry_after=retry, reason=reason)
    if status >= 500:
        return KubeError(ErrorKind.SERVER, f"{what}: server error {status}", detail, status,
                         reason=reason)
    return KubeError(ErrorKind.SERVER, f"{what}: HTTP {status}", detail, status, reason=reason)


def from_exception(exc: BaseException, what: str, server: str = "",
                   via_proxy: bool = False) -> KubeError:
    """Map a transport-level exception (no HTTP response) to a KubeError. ``via_proxy``: the
    connection went to a proxy first (``proxy-url``), the first thing to check when none
    can be made."""
    if isinstance(exc, KubeError):
        return exc
    where = f" {server}" if server else ""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8:
        chain.append(e)
        e = e.__cause__ or e.__context__
    # A read timeout on a TLS connection carries an SSLWantReadError as its context: the
    # timeout is what happened, not a TLS problem.
    if any(isinstance(e, (httpx.TimeoutException, *TIMEOUTS)) for e in chain):
        return KubeError(ErrorKind.TIMEOUT, f"{what}: timed out talking to{where}",
                         "the apiserver is slow or unreachable")
    # The verification error itself (it says why) before the transport error that wraps it.
    unverified = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)),
                      next((e for e in chain if "CERTIFICATE_VERIFY_FAILED" in str(e)), None))
    if unverified is not None:
        reason = getattr(unverified, "verify_message", "") or "certificate verify failed"
        hint = ("the server's certificate is for other names: through a tunnel or a load "
                "balancer, set tls-server-name in the cluster entry to one of them"
                if "mismatch" in reason.lower() else
                "the kubeconfig's certificate-authority does not match the server")
        return KubeError(ErrorKind.TLS, f"{what}: TLS verification of{where} failed: {reason}",
                         hint)
    for e in chain:
        if isinstance(e, ssl.SSLError):
            return KubeError(ErrorKind.TLS, f"{what}: TLS error talking to{where}: {e}",
                             "check the server URL and the client certificate")
    for e in chain:
        if isinstance(e, httpx.ConnectError | ConnectionError | OSError):
            return KubeError(ErrorKind.UNREACHABLE, f"{what}: cannot reach{where}: {_short(e)}",
                             "is the proxy up, its ssh -D session still open, and does it "
                             "reach the cluster?" if via_proxy else
                             "is the cluster up, and is this the right context?")
        if isinstance(e, httpx.TransportError):
            return KubeError(ErrorKind.UNREACHABLE, f"{what}: connection to{where} failed: "
                             f"{_short(e)}")
    return KubeError(ErrorKind.SERVER, f"{what}: {type(exc).__name__}: {_short(exc)}")


def _short(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]
