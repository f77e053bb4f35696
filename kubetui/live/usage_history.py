"""The last few CPU and memory figures of each container, app-held (``app.usage_history``).

Every pods sample read (the pods pane's, the pod detail's) is recorded here, so the detail
of a pod opened after a minute of the pods pane's usage columns draws a minute of history at
once. Each container keeps ``LENGTH`` figures in two ``array('f')``: 10,000 pods of one or two
containers hold about 3 MB. A container not sampled for ``FORGET`` seconds (its pod deleted, or
out of the scope sampled) is dropped, at most once a minute.

``wanted`` is whether the user asked for usage (``u``): views that would sample their own
(the pod detail) only do while it is True.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from kubetui.k8s.metrics.usage import Sample

LENGTH = 12
FORGET = 300.0

Series = tuple[list[float | None], list[float | None]]  # cpu cores, memory bytes; oldest first


class UsageHistory:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.wanted = False
        # (namespace, pod) -> (container -> (cpu, memory), last recorded); NaN: not measured
        self._pods: dict[tuple[str, str], tuple[dict[str, tuple[array, array]], float]] = {}
        self._pruned = 0.0

    def record(self, sample: Sample) -> None:
        now = self.clock()
        nan = float("nan")
        for key, usage in sample.items():
            found = self._pods.get(key)
            containers = found[0] if found else {}
            for c in usage.containers:
                cpu, mem = containers.setdefault(c.name, (array("f"), array("f")))
                cpu.append(c.cpu if c.cpu is not None else nan)
                mem.append(float(c.memory) if c.memory is not None else nan)
                if len(cpu) > LENGTH:
                    del cpu[0], mem[0]
            self._pods[key] = (containers, now)
        if now - self._pruned > 60:
            self._pruned = now
            self._pods = {k: v for k, v in self._pods.items() if now - v[1] <= FORGET}

    def of(self, namespace: str, pod: str) -> dict[str, Series]:
        """Each container of the pod: its figures, oldest first (None: not measured)."""
        found = self._pods.get((namespace, pod))
        if found is None:
            return {}
        return {name: ([None if v != v else v for v in cpu], [None if v != v else v for v in mem])
                for name, (cpu, mem) in found[0].items()}
