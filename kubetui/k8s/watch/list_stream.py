"""A Kubernetes List response parsed as its bytes arrive, one item at a time.

Why not ``json.loads(response.content)``: a LIST of 10,000 pods is 17 MB of JSON. Parsed whole,
it becomes one tree of a few million objects that lives until the last row is built: 0.39 s on
this machine (most of it the cyclic collector walking the growing tree again and again) and a
peak of about 150 MB that the process keeps. Parsed item by item, each pod's dict is turned into
its row and dropped at once: 0.1 s, memory bounded by one network chunk, and the first rows are
ready while the rest is still on the wire. That is what lets kubetui ask the watch cache for the
whole list in one answer (``resourceVersion=0``, see ``reflector.py``) without paying for it in
memory.

``ListStream`` only splits; ``json``'s C scanner (``raw_decode``) parses each value, so what it
accepts is exactly JSON. The top-level keys may come in any order; every key other than
``items`` (or a Table's ``rows``: ``metadata``, ``kind``, ``columnDefinitions``, ...) is kept in
``fields``.

With an ``ItemDecoder`` that prunes (``pruned.py``), the whole items in a chunk are decoded in
one call instead: the apiserver writes every item of a list with the same first key
(``{"metadata":``), so the last ``},{"metadata":`` in the buffer ends a run of whole items — or,
if that text sits inside an item (a nested list of such objects), the run is not a JSON array
of objects and fails to decode, and those items are read one by one as before. The text cannot
come from inside a string: a string's quotes are escaped.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubetui.k8s.watch.pruned import ItemDecoder

_WS = re.compile(r"[ \t\n\r]*")
_FIRST_KEY = re.compile(r'\{"[A-Za-z]+":')
_DECODER = json.JSONDecoder()
_LONGEST_WAIT = 1 << 20
# A list's objects are its "items"; a Table's (``Accept: ...;as=Table``) its "rows".
ITEM_KEYS = ("items", "rows")


class ListStream:
    def __init__(self, decoder: ItemDecoder | None = None) -> None:
        self._decoder = decoder if decoder is not None and decoder.prunes else None
        self._marker = ""  # "},{\"metadata\":": where one item ends and the next begins
        self._slow_until = 0  # a run that did not decode as a whole: one by one up to here
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._pos = 0
        self._state = "start"
        self._key = ""
        self.fields: dict[str, object] = {}
        self.count = 0  # items parsed so far
        self.pruned = 0  # of which decoded pruned, in runs

    def feed(self, chunk: bytes) -> list[dict]:
        """The items completed by ``chunk`` (possibly none)."""
        self._slow_until -= self._pos
        self._buf = self._buf[self._pos:] + self._utf8.decode(chunk)
        self._pos = 0
        return self._parse(final=False)

    def close(self) -> list[dict]:
        """The last items; ``ValueError`` if the body ended before the list did."""
        self._slow_until -= self._pos
        self._buf = self._buf[self._pos:] + self._utf8.decode(b"", final=True)
        self._pos = 0
        items = self._parse(final=True)
        if self._state != "done" or _WS.match(self._buf, self._pos).end() != len(self._buf):
            raise ValueError("the list response ended early or has trailing data")
        return items

    # -- the state machine ----------------------------------------------------------------
    def _parse(self, final: bool) -> list[dict]:
        items: list[dict] = []
        buf = self._buf
        while True:
            pos = _WS.match(buf, self._pos).end()
            if pos == len(buf):
                self._pos = pos
                return items
            ch, state = buf[pos], self._state
            if state == "start":
                self._expect(ch, "{", pos)
                self._state, self._pos = "key", pos + 1
            elif state == "key":
                if ch == "}":
                    self._state, self._pos = "done", pos + 1
                    continue
                key = self._value(buf, pos, final)
                if key is _MORE:
                    return items
                if not isinstance(key, str):
                    raise ValueError(f"a list response key must be a string, at {pos}")
                self._key, self._state = key, "colon"
            elif state == "colon":
                self._expect(ch, ":", pos)
                self._pos = pos + 1
                self._state = "items" if self._key in ITEM_KEYS else "value"
            elif state == "value":
                value = self._value(buf, pos, final)
                if value is _MORE:
                    return items
                self.fields[self._key] = value
                self._state = "next-key"
            elif state == "next-key":
                if ch == "}":
                    self._state, self._pos = "done", pos + 1
                else:
                    self._expect(ch, ",", pos)
                    self._state, self._pos = "key", pos + 1
            elif state == "items":
                if ch == "n":  # "items": null
                    self._state = "value"
                    continue
                self._expect(ch, "[", pos)
                self._state, self._pos = "item-or-end", pos + 1
            elif state in ("item-or-end", "item"):
                if ch == "]" and state == "item-or-end":
                    self._state, self._pos = "next-key", pos + 1
                    continue
                if state == "item" and self._marker and pos >= self._slow_until:
                    took = self._run(buf, pos, items)
                    if took:
                        continue
                    if took is None and not final:  # the next item has not ended yet
                        self._pos = pos
                        return items
                if self._decoder is not None and not self._marker:
                    first = _FIRST_KEY.match(buf, pos)
                    self._marker = "}," + first.group() if first else ""
                item = self._value(buf, pos, final)
                if item is _MORE:
                    return items
                if isinstance(item, dict):
                    items.append(item)
                    self.count += 1
                self._state = "item-sep"
            elif state == "item-sep":
                if ch == "]":
                    self._state, self._pos = "next-key", pos + 1
                else:
                    self._expect(ch, ",", pos)
                    self._state, self._pos = "item", pos + 1
            else:  # done: only whitespace may follow, which close() checks
                self._pos = pos
                return items

    def _run(self, buf: str, pos: int, items: list[dict]) -> bool | None:
        """Decode the whole items from ``pos`` to the last item start in ``buf`` in one call.
        None: no item start after ``pos`` yet (wait for more, rather than try the item whole
        and fail on every chunk); False: read them one by one (they did not decode together,
        or a megabyte came without an item start: this list does not look as expected)."""
        last = buf.rfind(self._marker, pos)
        if last < 0:
            if len(buf) - pos < _LONGEST_WAIT:
                return None
            self._slow_until = len(buf)
            return False
        assert self._decoder is not None
        run = self._decoder.items(f"[{buf[pos:last + 1]}]")
        if run is None:
            self._slow_until = last + 1
            return False
        items += run
        self.count += len(run)
        self.pruned += len(run)
        self._pos = last + 2  # the next item's "{"
        return True

    def _value(self, buf: str, pos: int, final: bool):
        """One JSON value at ``pos``, or ``_MORE`` when its end has not arrived yet."""
        try:
            value, end = _DECODER.raw_decode(buf, pos)
        except json.JSONDecodeError:
            if final:
                raise ValueError(f"malformed list response at {pos}") from None
            self._pos = pos
            return _MORE
        if end == len(buf) and not final:  # a number may go on in the next chunk
            self._pos = pos
            return _MORE
        self._pos = end
        return value

    @staticmethod
    def _expect(ch: str, want: str, pos: int) -> None:
        if ch != want:
            raise ValueError(f"malformed list response: {ch!r} where {want!r} belongs, at {pos}")


_MORE = object()
