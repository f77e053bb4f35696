"""Objects from the server are read as data of unknown shape.

A real apiserver validates what it stores, but proxies, aggregated APIs, old or patched servers
and recorded fixtures can hand kubetui a field of the wrong type. One such object must never end
a watch or a view: row builders are wrapped in ``tolerant``, which turns a shape error into a
fallback row that says the object could not be read (and still shows its name), and the
reflector reads uids with ``uid_of``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")
SHAPE_ERRORS = (TypeError, AttributeError, ValueError, KeyError, IndexError)


def mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def uid_of(item: object) -> str:
    return text(mapping(mapping(item).get("metadata")).get("uid"))


def tolerant(fallback: Callable[[dict, Exception], R]) -> Callable[[Callable[..., R]],
                                                                   Callable[..., R]]:
    """Call the builder; on a shape error, ``fallback(obj, error)`` instead."""
    def decorate(build: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(build)
        def wrapper(obj: Any, *args: Any, **kwargs: Any) -> R:
            try:
                return build(obj, *args, **kwargs)
            except SHAPE_ERRORS as error:
                return fallback(mapping(obj), error)
        return wrapper
    return decorate


def unreadable(error: Exception) -> str:
    return f"Unreadable ({type(error).__name__})"
