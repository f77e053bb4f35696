"""The floor under every launch figure: a Textual app that draws one line and nothing else
(no CSS of its own, no screens, no cluster), started as kubetui is started. Launched by
``startup_bench.py`` and ``scale_bench.py``; run alone it simply shows its line until ``q``.

On the 2-core test machine it is on screen 0.18-0.19 s after launch: the interpreter and
Textual's own imports, the driver, one compose and one paint. Whatever kubetui does (its own
imports, its screens and stylesheet, the connection, the LIST, the rows) comes on top.
"""

from __future__ import annotations

import gc

gc.disable()  # as kubetui's start-up does (kubetui/__main__.py)

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Static  # noqa: E402

READY = "bare textual app ready"


class Bare(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(READY)


if __name__ == "__main__":
    Bare().run()
