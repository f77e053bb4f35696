"""The request a forward's check sends and the answer it reads (``k8s.forward.http_check``)."""

import pytest

from kubetui.k8s.forward.http_check import (
    PREVIEW,
    HttpCheck,
    curl_command,
    parse_answer,
    parse_check,
    request_bytes,
)
from kubetui.k8s.forward.ports import PortError
from kubetui.k8s.transport.lines import ProtocolError


def test_a_check_typed_as_curl_spells_it():
    assert parse_check("/healthz") == HttpCheck("GET", "/healthz")
    assert parse_check("head /") == HttpCheck("HEAD", "/")
    check = parse_check("PUT /api/x -H 'Accept: application/json' -H 'X-Trace:1' -d '{}'")
    assert check == HttpCheck("PUT", "/api/x", (("Accept", "application/json"),
                                                ("X-Trace", "1")), "{}")
    assert parse_check("/submit -d a=1").method == "POST"  # as curl -d


@pytest.mark.parametrize("typed,message", [
    ("", "a path is needed"), ("GET healthz", "a path is needed"),
    ("/x -H 'no colon'", "is not a header"), ("/x --verbose", "only -H"),
    ("/x -H", "only -H"), ("/x 'unclosed", "does not parse")])
def test_check_typos_are_messages(typed, message):
    with pytest.raises(PortError, match=message):
        parse_check(typed)


def test_the_request_on_the_wire():
    wire = request_bytes(parse_check("POST /p -H 'Host: shop.local' -d hi"), "127.0.0.1:8080")
    assert wire == (b"POST /p HTTP/1.1\r\nUser-Agent: kubetui\r\nHost: shop.local\r\n"
                    b"Content-Length: 2\r\nConnection: close\r\n\r\nhi")
    assert request_bytes(HttpCheck(), "[::1]:80").startswith(
        b"GET / HTTP/1.1\r\nHost: [::1]:80\r\nUser-Agent: kubetui\r\nConnection: close")


def test_the_answer_read_chunked_or_not_and_cut_at_a_kilobyte():
    plain = parse_answer(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                         b"\r\n" + b"x" * (PREVIEW + 10))
    assert (plain.status, plain.reason, plain.more) == (503, "Service Unavailable", True)
    assert plain.headers == (("Content-Type", "text/plain"),) and len(plain.body) == PREVIEW
    chunked = parse_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    assert chunked.body == b"abcde" and not chunked.more
    with pytest.raises(ProtocolError, match="without answering"):
        parse_answer(b"")
    with pytest.raises(ProtocolError, match="before its headers"):
        parse_answer(b"HTTP/1.1 200 OK\r\nContent-")


def test_the_curl_equivalent():
    assert curl_command("127.0.0.1", 8080, parse_check("/healthz")) == \
        "curl -sS -i http://127.0.0.1:8080/healthz"
    assert curl_command("::1", 80, parse_check("DELETE /x -H 'A: b'")) == \
        "curl -sS -i -X DELETE -H 'A: b' 'http://[::1]:80/x'"
    assert curl_command("127.0.0.1", 80, parse_check("/s -d q")) == \
        "curl -sS -i -d q http://127.0.0.1:80/s"


def test_an_answer_is_whole_by_its_length_its_last_chunk_or_its_kind():
    from kubetui.k8s.forward.http_check import answer_complete

    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    assert not answer_complete(head + b"hel", "GET")
    assert answer_complete(head + b"hello", "GET")
    assert answer_complete(head, "HEAD")
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    assert not answer_complete(chunked, "GET")
    assert answer_complete(chunked + b"0\r\n\r\n", "GET")
    assert answer_complete(b"HTTP/1.1 204 No Content\r\n\r\n", "DELETE")
    # no length: the answer ends with the connection
    assert not answer_complete(b"HTTP/1.0 200 OK\r\n\r\nsome", "GET")
    assert not answer_complete(b"HTTP/1.1 200 OK\r\nContent-", "GET")


def test_a_hostile_answer_is_shown_as_text():
    from kubetui.flows.forwards import CheckResult
    from kubetui.k8s.forward.http_check import HttpCheck, parse_answer
    from kubetui.safe_text import plain_lines
    from kubetui.screens.http_check import answer_text

    answer = parse_answer(b"HTTP/1.1 200 OK\r\nX-Evil: \x1b]52;c;aGk=\x07\r\nContent-Length: 9\r\n"
                          b"\r\n\x1b[2J[b]x[/b]")
    shown = plain_lines(answer_text(CheckResult(HttpCheck(), "127.0.0.1", 1, 0.01, answer,
                                                pod="web"))).plain
    assert "\x1b" not in shown and "\x07" not in shown
    assert "␛[2J[b]x[/b]" in shown and "HTTP 200 OK · 10 ms · pod web" in shown
