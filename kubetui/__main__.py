"""``python -m kubetui``, the ``kubetui`` console script and the ``kubectl-kubetui`` plugin."""

from __future__ import annotations

import sys


def main() -> None:
    from kubetui.cli import main as cli_main

    sys.exit(cli_main())


def plugin() -> None:
    """``kubectl kubetui ...``: kubectl finds ``kubectl-kubetui`` on the PATH and hands it the
    arguments after the plugin's name (kubectl refuses flags before it), so ``--context``,
    ``-n`` and ``--kubeconfig`` arrive as kubetui's own; ``KUBECONFIG`` is inherited."""
    from kubetui.cli import main as cli_main

    sys.exit(cli_main(prog="kubectl kubetui"))


if __name__ == "__main__":
    main()
