"""What a log view's search found (``k8s.logs.found``), kept exact as lines arrive, as a
late source's older lines are merged in before the current match, and as old lines drop."""

from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.found import Found
from kubetui.k8s.logs.lines import NS
from kubetui.k8s.logs.search import compile_search


def brute(buffer: LogBuffer, word: str) -> list[int]:
    return [buffer.first + i for i, line in enumerate(buffer.lines) if word in line[3]]


def test_matches_stay_exact_through_appends_inserts_and_drops():
    b = LogBuffer(cap_bytes=60_000)
    found = Found(b)
    found.set(compile_search("error"), inverse=True)
    for second in range(40):
        b.add(0, [(second * NS + i, f"a{second}-{i} {'error' if i % 7 == 0 else 'ok'}")
                  for i in range(30)])
        if second % 5 == 4:  # a late source: its lines go before the end
            b.add(1, [((second - 3) * NS + i, f"late {'error' if i % 2 else 'fine'}")
                      for i in range(10)])
        keep = found.current_line()
        b.flush()
        found.update(keep)
        assert found.matches == brute(b, "error")
        others = [i for i in range(b.first, b.end) if i not in set(found.matches)]
        assert found.others == others
        assert found.scanned == b.end
    assert b.first > 0  # lines were dropped on the way


def test_the_current_match_is_kept_by_its_line():
    b = LogBuffer()
    found = Found(b)
    b.add(0, [(10 * NS + i, f"line {i} {'error' if i in (3, 6, 9) else ''}") for i in range(10)])
    b.flush()
    found.set(compile_search("error"), inverse=False)
    assert found.matches == [3, 6, 9]
    assert found.step(1, top=4) and found.current() == 6
    line = found.current_line()
    b.add(1, [(i, "older error") for i in range(1, 3)])  # two lines before all the others
    keep = found.current_line()
    b.flush()
    found.update(keep)
    assert found.current() == 8 and found.current_line() == line
    assert found.matches == [0, 1, 5, 8, 11]
    found.set(found.search, inverse=True)  # the filter changed: the same match stays current
    assert found.current() == 8
    found.set(compile_search("line"), inverse=False)  # a new search: none current
    assert found.hit is None


def test_stepping_wraps_and_says_so():
    b = LogBuffer()
    found = Found(b)
    b.add(0, [(i, "error" if i % 2 else "ok") for i in range(1, 7)])
    b.flush()
    found.set(compile_search("error"), inverse=False)
    assert found.matches == [0, 2, 4]
    assert found.step(-1, top=0) is False and found.current() == 4  # above the first: wraps
    assert found.step(1, top=0) is False and found.current() == 0
    assert found.step(1, top=0) and found.current() == 2
