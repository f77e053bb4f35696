"""Decoding only the fields a row reads, for the kinds that come by the hundred thousand.

Why: a pod in a LIST is about 1.7 KB of JSON, and most of it (``managedFields``, the container
specs, volumes' sources) is never shown. ``json`` builds every one of those dicts and strings
and the row builder then drops them: 13 µs per pod on this machine before the row is built.
``msgspec`` decoding into a ``TypedDict`` of the fields the row reads skips the rest in C and
yields the same plain dicts, 5 µs per pod, so the transform (``pod_row``) does not change and a
row is the same whichever way its object came (tests compare both on every fixture).

A transform declares what it reads with ``@reads(SomeFields)``; the reflector decodes a LIST's
items and its watch events through ``ItemDecoder(transform)``. An object that does not fit the
declared shape (a field of another type) is decoded whole with ``json`` instead, so the
transform's own tolerance still decides how it shows: nothing is lost to the fast path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any, TypedDict, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def reads(fields: type) -> Callable[[F], F]:
    """Mark a transform with the ``TypedDict`` (``total=False``) of the fields it reads. Every
    field it reads must be there: a field left out reads as absent (the unit tests compare the
    rows built from whole and pruned objects)."""
    def mark(transform: F) -> F:
        transform.reads = fields  # type: ignore[attr-defined]
        return transform
    return mark


class ItemDecoder:
    """Turns a list's items and watch event lines into dicts: only the fields the transform
    reads when it declares them (``@reads``), whole objects otherwise."""

    def __init__(self, transform: Callable[[dict], Any] | None = None) -> None:
        fields = getattr(transform, "reads", None)
        self._decoders = _decoders(fields) if fields is not None else None

    @property
    def prunes(self) -> bool:
        return self._decoders is not None

    def items(self, array: str) -> list[dict] | None:
        """The objects of the JSON array text ``array``, pruned; None when any of them does not
        fit the declared fields or the text is not a JSON array (the caller reads them one by
        one then)."""
        if self._decoders is None:
            return None
        try:
            return self._decoders.items.decode(array)
        except self._decoders.errors:
            return None

    def event(self, line: str) -> dict:
        """One watch event ``{"type", "object"}``; ``ValueError`` if the line is not JSON.
        ``ERROR`` and ``BOOKMARK`` objects are never pruned (a Status' code and message, a
        bookmark's resourceVersion)."""
        if self._decoders is None:
            return json.loads(line)
        d = self._decoders
        try:
            head = d.event.decode(line)
        except d.validation:
            return json.loads(line)  # a JSON event of another shape: whole
        except d.errors as exc:
            raise ValueError(str(exc)) from None
        raw = head.get("object")
        if raw is None:
            return head
        kind = head.get("type")
        if kind in ("ADDED", "MODIFIED", "DELETED"):
            try:
                return {"type": kind, "object": d.one.decode(raw)}
            except d.validation:
                pass
        return {"type": kind, "object": json.loads(bytes(raw))}


class _Decoders:
    def __init__(self, fields: type) -> None:
        import msgspec  # here: the first screen is drawn before any list is read

        # Not a class statement: this module's annotations are strings, and msgspec.Raw a local.
        event = TypedDict(  # noqa: UP013
            "Event", {"type": str, "object": msgspec.Raw}, total=False)
        self.items = msgspec.json.Decoder(list[fields])  # type: ignore[valid-type]
        self.one = msgspec.json.Decoder(fields)
        self.event = msgspec.json.Decoder(event)
        self.validation = msgspec.ValidationError
        self.errors = (msgspec.DecodeError,)  # ValidationError is a DecodeError


@cache
def _decoders(fields: type) -> _Decoders:
    """Building a decoder inspects the types (a few ms): once per declared shape."""
    return _Decoders(fields)
