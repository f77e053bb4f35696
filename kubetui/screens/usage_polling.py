"""CPU and memory for the main screen's pods pane: sampled only while its columns are shown.

``u`` in the pods pane turns the usage columns on; from then on, while the pods pane is the
pane on screen and no other screen covers the main one, a sample is read every
``usage_seconds`` (``k8s/metrics/read.py``: metrics.k8s.io when the server has it and the user
may read it, else the kubelet summary of each node running pods in scope, one request per node).
Hidden, or turned off, nothing is read. A source that refuses (metrics-server down, a 403) is
left for the next one, and the pane's status line says which source the figures come from, or
in one line what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from kubetui.host import host
from kubetui.k8s.metrics.read import Read, read_sample
from kubetui.k8s.metrics.sources import KUBELET, METRICS_GROUP, Choice, choose
from kubetui.k8s.metrics.usage import Sample, with_rates
from kubetui.k8s.rbac.access import Need
from kubetui.widgets.usage_columns import Usage

if TYPE_CHECKING:
    from kubetui.screens.main import MainScreen

READ_METRICS = Need("list", "pods", METRICS_GROUP)
PROXY_NODES = Need("get", "nodes/proxy", cluster_scoped=True)


@dataclass
class UsageSampled(Message):
    read: Read
    choice: Choice


class UsagePolling:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.wanted = host(screen.app).settings.usage_columns
        self.visible = False
        self._timer = None
        self._last: Sample = {}
        self._choice: Choice | None = None

    def toggle(self) -> None:
        self.wanted = not self.wanted
        self._last, self._choice = {}, None
        self.screen.pods.show_usage(Usage() if self.wanted else None)
        self._run()

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        self._run()

    def _run(self) -> None:
        on = self.wanted and self.visible
        if on and self._timer is None:
            if self.screen.pods.usage is None:
                self.screen.pods.show_usage(Usage())
            self.sample()
            self._timer = self.screen.set_interval(host(self.screen.app).settings.usage_seconds,
                                                   self.sample)
        elif not on and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _chosen(self) -> Choice:
        if self._choice is None:
            app = host(self.screen.app)
            namespace = app.info.namespace
            version = app.info.discovery.preferred(METRICS_GROUP)
            self._choice = choose(version, not app.missing_rights((READ_METRICS,), namespace),
                                  not app.missing_rights((PROXY_NODES,), namespace))
        return self._choice

    def sample(self) -> None:
        choice = self._chosen()
        if not choice.source:
            self.screen.pods.show_usage(Usage(why=choice.why))
            return
        pods = self.screen.stores.get("pods")
        nodes = {row.node for row in pods.rows.values()} if pods is not None else set()
        info = host(self.screen.app).info
        namespace = None if info.all_namespaces else info.namespace
        cluster = host(self.screen.app).cluster

        async def read() -> None:
            self.screen.post_message(UsageSampled(
                await read_sample(cluster, choice, namespace, nodes), choice))

        self.screen.run_worker(read(), name="read CPU and memory", group="usage",
                               exclusive=True, exit_on_error=False)

    def sampled(self, message: UsageSampled) -> None:
        if not (self.wanted and self.visible) or message.choice is not self._choice:
            return  # turned off (or another source chosen) while it was read
        read, choice = message.read, message.choice
        if choice.source != KUBELET and read.failed:
            error = next(iter(read.failed.values()))
            self._choice = Choice(KUBELET) if not host(self.screen.app).missing_rights(
                (PROXY_NODES,), host(self.screen.app).info.namespace) else Choice(
                "", why=f"CPU/MEM n/a: {METRICS_GROUP}: {error.summary}")
            self.sample()
            return
        sample = with_rates(self._last, read.sample) if choice.source == KUBELET else read.sample
        self._last = sample
        why = ""
        if read.failed:
            names = sorted(read.failed)
            first = read.failed[names[0]]
            why = (f"CPU/MEM n/a on {', '.join(names[:3])}{'…' if len(names) > 3 else ''}: "
                   f"{first.summary}")
        self.screen.pods.show_usage(Usage(sample, choice.source, why))
