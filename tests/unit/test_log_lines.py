"""The workload log view's pure parts: the kubelet's timestamps, the request's since and tail,
the merged buffer and its cap, search, and the saved file."""

import calendar
import re

import pytest

from kubetui.k8s.logs.buffer import PER_LINE, LogBuffer
from kubetui.k8s.logs.export import SaveError, file_lines, header, target_path, write_new
from kubetui.k8s.logs.lines import NS, Stamps, rfc3339
from kubetui.k8s.logs.request import (
    LogQuery,
    LogRequestError,
    Since,
    kubectl_logs,
    log_params,
    parse_since,
    parse_tail,
)
from kubetui.k8s.logs.search import BLOCK, SearchError, SearchIndex, compile_search, spans

BASE = calendar.timegm((2026, 12, 6, 19, 53, 26, 0, 0, 0))


@pytest.mark.parametrize("stamp,ns", [
    ("2026-12-06T19:53:26.123456789Z", BASE * NS + 123456789),
    ("2026-12-06T19:53:26.1234Z", BASE * NS + 123400000),  # Go trims trailing zeros
    ("2026-12-06T19:53:26Z", BASE * NS),
    ("2026-12-06T20:53:26.5+01:00", BASE * NS + 500000000),
    ("2026-12-06 19:53:26Z", None),
    ("hello", None),
    ("2026-13-06T19:53:26Z", None),
])
def test_kubelet_timestamps(stamp, ns):
    stamps = Stamps()
    assert stamps.parse(stamp) == ns
    assert stamps.parse(stamp) == ns  # the cached second gives the same answer


def test_a_line_is_split_at_its_time_and_a_line_without_one_is_kept_whole():
    stamps = Stamps()
    assert stamps.split("2026-12-06T19:53:26.5Z GET /x 200") == (BASE * NS + 5 * NS // 10,
                                                                 "GET /x 200")
    assert stamps.split("2026-12-06T19:53:26Z ") == (BASE * NS, "")
    assert stamps.split("no time here") == (0, "no time here")
    assert rfc3339(BASE * NS + 123456789) == "2026-12-06T19:53:26.123456Z"
    assert rfc3339(BASE * NS + 123456789, 9) == "2026-12-06T19:53:26.123456789Z"


@pytest.mark.parametrize("typed,since", [
    ("", Since()), ("5m", Since(seconds=300)), ("1h30m", Since(seconds=5400)),
    ("2d", Since(seconds=172800)), ("90s", Since(seconds=90)),
    ("2026-12-06T19:00:00Z", Since(time="2026-12-06T19:00:00Z")),
])
def test_since(typed, since):
    assert parse_since(typed) == since
    assert str(parse_since(str(since))) == str(since)


@pytest.mark.parametrize("typed", ["5", "m5", "5 m", "1h-3m", "0s", "yesterday"])
def test_since_typos_are_messages(typed):
    with pytest.raises(LogRequestError, match="a duration like 5m"):
        parse_since(typed)


def test_tail():
    assert parse_tail("200") == 200 and parse_tail("all") == -1 and parse_tail("") == -1
    with pytest.raises(LogRequestError, match="a number of lines"):
        parse_tail("ten")


def test_log_params():
    q = LogQuery(since=Since(seconds=300), tail=100)
    assert log_params("app", q, follow=True) == {
        "container": "app", "timestamps": "true", "follow": "true", "sinceSeconds": "300",
        "tailLines": "100"}
    assert log_params("app", LogQuery(tail=-1), follow=False, previous=True) == {
        "container": "app", "timestamps": "true", "previous": "true"}
    # a reopened stream resumes at its last line's second, whatever the view's tail
    assert log_params("app", q, follow=True, after_ns=BASE * NS + 7) == {
        "container": "app", "timestamps": "true", "follow": "true",
        "sinceTime": "2026-12-06T19:53:26Z"}
    assert kubectl_logs("shop", "app=web", q) == (
        "kubectl logs -n shop -l app=web --all-containers --prefix --timestamps -f "
        "--max-log-requests=20 --since=5m --tail=100")


def added(b: LogBuffer, source: int, stamped) -> int:
    b.add(source, stamped)
    return b.flush()


def test_the_buffer_merges_sources_in_time_order_and_keeps_each_ones_order():
    b = LogBuffer()
    assert added(b, 0, [(10, "a1"), (30, "a2")]) == 0
    assert added(b, 1, [(40, "b1")]) == 2  # newer than all: appended
    generation = b.generation
    assert added(b, 1, [(20, "b0")]) == 1  # older: merged in, the later lines moved
    assert b.generation == generation + 1 and b.moved_since(generation) == 1
    assert b.moved_since(b.generation) == b.end
    assert added(b, 0, [(40, "a3"), (40, "a4")]) == 3  # same nanosecond: source, then order
    assert [line[3] for line in b.lines] == ["a1", "b0", "a2", "a3", "a4", "b1"]
    b.mark(35, "── pod x is gone")
    assert b.flush() == 3 and b.line(3).source == -1
    assert b.last_ns(0) == 40 and b.last_ns(7) == 0
    assert b.find(b.line(4)) == 4
    assert b.flush() == b.end  # nothing held back


def test_one_flush_merges_every_sources_batches():
    b = LogBuffer()
    b.add(0, [(1, "a"), (4, "d")])
    b.add(1, [(2, "b"), (3, "c")])
    b.add(0, [(5, "e")])
    assert b.flush() == 0 and b.generation == 0  # all new: appended, nothing moved
    assert [b.line(i).text for i in range(5)] == ["a", "b", "c", "d", "e"]
    assert [b.line(i).seq for i in range(5)] == [0, 0, 1, 1, 2]


def test_the_cap_drops_the_oldest_a_tenth_at_a_time_and_indexes_stay_absolute():
    b = LogBuffer(cap_bytes=100 * (PER_LINE + 10))
    added(b, 0, [(i, f"line {i:04d}") for i in range(100)])
    assert b.first == 0 and len(b) == 100
    added(b, 0, [(100, "line 0100")])
    assert b.first == 11 and len(b) == 90  # down to 90 % of the cap
    assert b.line(11).text == "line 0011" and b.end == 101
    assert b.size == 90 * (PER_LINE + 9)


def lines(*texts):
    b = LogBuffer()
    added(b, 0, [(i + 1, t) for i, t in enumerate(texts)])
    return b


def test_search_is_smartcase_and_counts_lines_not_matches():
    b = lines("GET /a 200", "get /b 500 error error", "POST /c ERROR", "nothing")
    index = SearchIndex(b)
    assert index.matching(compile_search("error")) == [1, 2]
    assert index.matching(compile_search("ERROR")) == [2]
    assert index.matching(compile_search("re:\\d00$")) == [0]
    assert index.matching(compile_search("/[bc]", regex=True)) == [1, 2]
    assert index.matching(compile_search("/[bc]")) == []  # text: the brackets are literal
    assert index.matching(compile_search("error"), start=2) == [2]
    assert compile_search("") is None
    assert spans("an Error and error", compile_search("error")) == [(3, 8), (13, 18)]


@pytest.mark.parametrize("typed,message", [("re:(", "missing )"), ("re:x*", "empty text")])
def test_a_bad_pattern_is_a_message(typed, message):
    with pytest.raises(SearchError, match=re.escape(message)):
        compile_search(typed)


def test_search_over_many_blocks_after_drops_inserts_and_new_lines():
    b = LogBuffer(cap_bytes=(3 * BLOCK) * (PER_LINE + 12))
    added(b, 0, [(i + 1, f"l{i:07d} {'hit' if i % 7 == 0 else 'x'}") for i in range(3 * BLOCK)])
    index = SearchIndex(b)
    search = compile_search("hit")

    def expected():
        return [b.first + i for i, line in enumerate(b.lines) if "hit" in line[3]]

    assert index.matching(search) == expected()
    added(b, 1, [(10**12 + i, f"new {i} hit") for i in range(BLOCK)])  # past the cap: a drop
    assert b.first > 0
    assert index.matching(search) == expected()
    added(b, 2, [(5, "an old hit joins")])  # inserted: every later line moved
    assert index.matching(search) == expected()
    assert index.matching(compile_search("HIT")) == []


def test_the_saved_file_names_its_sources_and_time_range(tmp_path):
    b = LogBuffer()
    b.add(0, [(BASE * NS, "one"), (BASE * NS + 1, "two")])
    b.mark(BASE * NS + 2, "── pod w-1 is gone")
    b.flush()
    names = ["w-1/app"]
    top = header("deployment web", "shop", names, "all lines", b, range(3))
    assert top[1] == ("# 3 lines, 2026-12-06T19:53:26.000000000Z to "
                      "2026-12-06T19:53:26.000000002Z (UTC)")
    assert top[-1] == "# sources (1): w-1/app"
    body = file_lines(b, range(3), names)
    assert body == ["2026-12-06T19:53:26.000000000Z w-1/app one",
                    "2026-12-06T19:53:26.000000001Z w-1/app two",
                    "2026-12-06T19:53:26.000000002Z kubetui ── pod w-1 is gone"]
    path = target_path(str(tmp_path), "x.log")
    assert path == tmp_path / "x.log"
    assert write_new(path, top + body) == len(("\n".join(top + body) + "\n").encode())
    with pytest.raises(SaveError, match="exists"):
        target_path(str(path), "x.log")
    with pytest.raises(SaveError, match="exists"):
        write_new(path, ["again"])
    with pytest.raises(SaveError, match="is not a directory"):
        target_path(str(tmp_path / "no" / "such.log"), "x.log")


def test_how_far_back_a_view_reads_as_its_title_says():
    assert LogQuery().reach == "tail 500"
    assert LogQuery(tail=-1).reach == "all lines"
    assert LogQuery(since=parse_since("5m")).reach == "since 5m"
