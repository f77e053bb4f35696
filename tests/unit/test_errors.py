"""The error model turns every failure into a kind with a readable message."""

import json
import ssl

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubetui.k8s.transport.errors import ErrorKind, from_exception, from_response, parse_retry_after


def status(message: str, reason: str = "") -> bytes:
    return json.dumps({"kind": "Status", "status": "Failure", "message": message,
                       "reason": reason}).encode()


@pytest.mark.parametrize("code,kind", [
    (401, ErrorKind.UNAUTHORIZED), (403, ErrorKind.FORBIDDEN), (404, ErrorKind.NOT_FOUND),
    (409, ErrorKind.CONFLICT), (410, ErrorKind.GONE), (422, ErrorKind.INVALID),
    (400, ErrorKind.INVALID), (429, ErrorKind.THROTTLED), (500, ErrorKind.SERVER),
    (503, ErrorKind.SERVER),
])
def test_status_codes_map_to_kinds(code, kind):
    err = from_response(code, status("boom", "Whatever"), "list pods")
    assert err.kind == kind
    assert err.status == code
    assert "list pods" in err.summary


def test_forbidden_keeps_the_rbac_message():
    msg = 'pods is forbidden: User "bob" cannot list resource "pods" in the namespace "x"'
    err = from_response(403, status(msg, "Forbidden"), "list pods")
    assert msg in str(err)
    assert not err.retryable


def test_429_reads_retry_after():
    err = from_response(429, status("Too many requests"), "list pods", {"Retry-After": "7"})
    assert err.retry_after == 7
    assert err.retryable


def test_a_budget_refusing_an_eviction_is_not_throttling():
    """The 429 of an eviction a PodDisruptionBudget refuses, as the 1.20 apiserver sends it:
    named as the budget, in the budget's own words; without the cause, by its message."""
    body = json.dumps({
        "kind": "Status", "status": "Failure", "code": 429, "reason": "TooManyRequests",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "details": {"causes": [{"reason": "DisruptionBudget", "message":
                                "The disruption budget b needs 1 healthy pods and has 1 "
                                "currently"}]}}).encode()
    err = from_response(429, body, "evict pod ns/p")
    assert err.kind is ErrorKind.BUDGET and not err.retryable
    assert err.summary == "evict pod ns/p: refused by a PodDisruptionBudget"
    assert err.hint == "The disruption budget b needs 1 healthy pods and has 1 currently"
    bare = from_response(429, status("Cannot evict pod as it would violate the pod's "
                                     "disruption budget.", "TooManyRequests"), "evict pod ns/p")
    assert bare.kind is ErrorKind.BUDGET and "disruption budget" in bare.hint
    apf = from_response(429, status("Too many requests, please try again later.",
                                    "TooManyRequests"), "evict pod ns/p")
    assert apf.kind is ErrorKind.THROTTLED


def test_gone_has_expired_reason():
    err = from_response(410, status("too old resource version: 1 (5)", "Expired"), "watch pods")
    assert err.kind is ErrorKind.GONE and err.reason == "Expired"


def test_non_json_body():
    err = from_response(502, b"<html>bad gateway</html>", "get /version")
    assert err.kind is ErrorKind.SERVER
    assert "bad gateway" in str(err)


@pytest.mark.parametrize("value,expected", [("3", 3.0), ("0.5", 0.5), (None, 1.0), ("", 1.0),
                                            ("garbage", 1.0), ("-4", 0.0)])
def test_retry_after_forms(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_in_the_past_is_zero():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_transport_errors():
    req = httpx.Request("GET", "https://127.0.0.1:1/version")
    refused = httpx.ConnectError("[Errno 111] Connection refused", request=req)
    err = from_exception(refused, "connect", "https://127.0.0.1:1")
    assert err.kind is ErrorKind.UNREACHABLE
    assert "https://127.0.0.1:1" in err.summary and "Connection refused" in err.summary
    timeout = httpx.ReadTimeout("timed out", request=req)
    assert from_exception(timeout, "connect").kind is ErrorKind.TIMEOUT
    tls = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
                             request=req)
    assert from_exception(tls, "connect").kind is ErrorKind.TLS
    assert from_exception(ssl.SSLError(1, "wrong version"), "connect").kind is ErrorKind.TLS


@given(st.integers(min_value=400, max_value=599), st.binary(max_size=300),
       st.dictionaries(st.sampled_from(["Retry-After", "X"]), st.text(max_size=20)))
def test_any_error_response_maps_without_raising(code, body, headers):
    err = from_response(code, body, "do something", headers)
    assert err.summary.startswith("do something")


def test_a_read_timeout_on_tls_is_a_timeout_not_a_tls_error():
    import ssl

    import httpx

    from kubetui.k8s.transport.errors import ErrorKind, from_exception

    try:
        try:
            raise ssl.SSLWantReadError("The operation did not complete (read)")
        except ssl.SSLError as inner:
            raise httpx.ReadTimeout("timed out") from inner
    except httpx.ReadTimeout as exc:
        assert from_exception(exc, "create x").kind == ErrorKind.TIMEOUT
