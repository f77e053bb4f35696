"""``python -m kubetui``, the ``kubetui`` console script and the ``kubectl-kubetui`` plugin."""

from __future__ import annotations

import gc
import sys


def _quiet_gc_at_start_up() -> None:
    """Start-up allocates only what lives as long as the process (modules, classes, the first
    screen): the cyclic collector would walk it again and again (about 50 ms of a 0.5 s
    launch). It is turned back on, with all of that frozen out of its sight, once the first
    frame is drawn (``KubetuiApp`` calls ``gc_after_first_frame``)."""
    gc.disable()


def _skip_httpx_command_line() -> None:
    """``import httpx`` also imports httpx's own command-line client when click, pygments and
    rich are installed (they are, beside kubetui's dev tools): about 80 ms of every launch for
    a program kubetui never runs. httpx treats that import as optional; a ``None`` entry in
    ``sys.modules`` makes it fail at once, exactly as on a machine without click."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)


def _start_up() -> None:
    _quiet_gc_at_start_up()
    _skip_httpx_command_line()


def main() -> None:
    _start_up()
    from kubetui.cli import main as cli_main

    sys.exit(cli_main())


def plugin() -> None:
    """``kubectl kubetui ...``: kubectl finds ``kubectl-kubetui`` on the PATH and hands it the
    arguments after the plugin's name (kubectl refuses flags before it), so ``--context``,
    ``-n`` and ``--kubeconfig`` arrive as kubetui's own; ``KUBECONFIG`` is inherited."""
    _start_up()
    from kubetui.cli import main as cli_main

    sys.exit(cli_main(prog="kubectl kubetui"))


if __name__ == "__main__":
    main()
