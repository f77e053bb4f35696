"""Entries for Textual's command palette, which parses them as markup: names are data."""

from __future__ import annotations

from textual.markup import escape

from kubetui.safe_text import visible


def palette_label(name: str) -> str:
    return escape(visible(name))
