"""The line reader's parsing: HTTP heads, chunked bodies fed in any cut, lines split in
bulk (``kubetui.k8s.transport.lines``)."""

from __future__ import annotations

import random

import pytest

from kubetui.k8s.transport.lines import Dechunk, Head, ProtocolError, Splitter, body_reader, proxied


def chunked(parts: list[bytes]) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def test_a_head_with_its_headers():
    head = Head.parse(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                      b"Transfer-Encoding: chunked\r\nX-Kubernetes-PF-FlowSchema-UID: a:b")
    assert head.status == 200 and head.reason == "OK"
    assert head.get("transfer-encoding") == "chunked"
    assert head.get("x-kubernetes-pf-flowschema-uid") == "a:b"
    assert isinstance(body_reader(head), Dechunk)
    assert body_reader(Head.parse(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 12")) == 12
    assert body_reader(Head.parse(b"HTTP/1.0 200 OK")) is None


@pytest.mark.parametrize("bad", [b"SSH-2.0-OpenSSH_9", b"HTTP/1.1 abc OK",
                                 b"HTTP/1.1 200 OK\r\nno colon here"])
def test_what_is_not_http_is_refused(bad: bytes):
    with pytest.raises(ProtocolError):
        Head.parse(bad)


def test_a_chunked_body_fed_in_every_cut_gives_the_same_bytes():
    parts = [f"2026-12-06T10:00:{i % 60:02d}.{i:09d}Z line {i} é\n".encode() for i in range(300)]
    wire = chunked(parts)
    rng = random.Random(7)
    for _ in range(50):
        d, out, at = Dechunk(), bytearray(), 0
        while at < len(wire):
            step = rng.choice((1, 2, 3, 7, 64, 1000))
            out += d.feed(wire[at:at + step])
            at += step
        assert bytes(out) == b"".join(parts)
        assert d.done


def test_chunk_extensions_are_ignored_and_a_broken_frame_is_refused():
    d = Dechunk()
    assert d.feed(b"5;name=x\r\nhello\r\n0\r\n\r\n") == b"hello"
    assert d.done
    with pytest.raises(ProtocolError):
        Dechunk().feed(b"zz\r\nhello\r\n")
    with pytest.raises(ProtocolError):
        Dechunk().feed(b"5\r\nhelloXX")


def test_lines_split_across_feeds_and_undecodable_bytes_replaced():
    s = Splitter()
    assert s.feed(b"first li") == []
    assert s.feed(b"ne\r\nsecond\nthi") == ["first line", "second"]
    snow = "☃".encode()
    assert s.feed(b"rd " + snow[:1]) == []
    assert s.feed(snow[1:] + b" \xff\n") == ["third ☃ \ufffd"]
    assert s.feed(b"no newline at the end") == []
    assert s.finish() == ["no newline at the end"]
    assert s.finish() == []


def test_an_environment_proxy_is_left_to_httpx(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert not proxied("https://10.0.0.1:6443")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    assert proxied("https://10.0.0.1:6443")
    monkeypatch.setenv("NO_PROXY", "10.0.0.1")
    assert not proxied("https://10.0.0.1:6443")
    assert proxied("https://api.example.com")
