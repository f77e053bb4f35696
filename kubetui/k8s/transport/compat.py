"""What Python 3.10 lacks, from the libraries 3.11 took it from.

Ubuntu 22.04 bastions run Python 3.10: ``asyncio.timeout`` comes from ``async-timeout`` there
(the code 3.11 adopted), and on 3.10 a timed-out ``asyncio.wait_for`` or ``async_timeout``
raises ``asyncio.TimeoutError``, which only 3.11 made the builtin ``TimeoutError``. Catch
``TIMEOUTS`` where a deadline can expire.
"""

from __future__ import annotations

import asyncio
import sys

if sys.version_info >= (3, 11):
    from asyncio import timeout
else:  # pragma: no cover - exercised by the Python 3.10 CI job
    from async_timeout import timeout

TIMEOUTS: tuple[type[BaseException], ...] = (TimeoutError, asyncio.TimeoutError)

__all__ = ["TIMEOUTS", "timeout"]
