"""Bounded background load for the local cluster's demo priority level.

Sends bursts of LIST requests as the demo user (whose FlowSchema maps to the tight priority level
``kubetui-demo-tight``): ``burst`` requests at once every ``interval`` seconds, for a fixed time.
A burst larger than the level's seats plus its queue space makes it queue and reject (HTTP 429)
visibly; between bursts it drains, so the picture keeps moving. It refuses to target anything
but a loopback address.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import ipaddress
import json
import logging
import sys
import time
from urllib.parse import urlparse

import kr8s.asyncio

from kubetui.k8s.transport.kubeconfig import load_kubeconfig

log = logging.getLogger("apf-load")
PATHS = ["pods", "events", "configmaps", "services", "endpoints"]


def loopback_only(server: str) -> None:
    host = urlparse(server).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"apf-load: refusing to send load to {server}: not a loopback address")


async def run(kubeconfig: str, seconds: float, burst: int, interval: float) -> None:
    # Check the target before anything connects (kr8s contacts the server as it starts).
    loopback_only(load_kubeconfig(kubeconfig).context().server)
    api = await kr8s.asyncio.api(kubeconfig=kubeconfig)
    counts: collections.Counter[int] = collections.Counter()

    async def one(i: int) -> None:
        try:
            async with api.call_api("GET", url=PATHS[i % len(PATHS)], raise_for_status=False,
                                    params={"limit": "500"}) as r:
                counts[r.status_code] += 1
        except Exception:  # noqa: BLE001 - count transport failures, keep the pace
            counts[0] += 1

    deadline = time.monotonic() + seconds
    last_report = time.monotonic()
    while time.monotonic() < deadline:
        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(burst)))
        if time.monotonic() - last_report >= 10:
            log.info("responses so far by status: %s", dict(counts))
            last_report = time.monotonic()
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
    log.info("done; responses by status: %s", dict(counts))
    print(json.dumps({str(code): n for code, n in sorted(counts.items())}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kubeconfig", required=True)
    p.add_argument("--seconds", type=float, default=300, help="stop after this long (max 3600)")
    p.add_argument("--burst", type=int, default=20, help="requests sent at once (max 50)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between bursts (min 0.2)")
    a = p.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(run(a.kubeconfig, min(a.seconds, 3600), max(1, min(a.burst, 50)),
                    max(a.interval, 0.2)))


if __name__ == "__main__":
    main()
