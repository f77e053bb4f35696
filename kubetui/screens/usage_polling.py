"""CPU and memory for a pane of the main screen (pods, nodes): sampled only while shown.

``u`` in the pane turns its usage columns on; from then on, while that pane is the one on screen
and no other screen covers the main one, a sample is read every ``usage_seconds``
(``k8s/metrics/read.py``: metrics.k8s.io when the server has it and the user may read it, else
the kubelet summary of each node concerned, one request per node). Hidden, or turned off,
nothing is read. A source that refuses (metrics-server down, a 403) is left for the next one,
and the pane's status line says which source the figures come from, or in one line what is
missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from kubetui.host import host
from kubetui.k8s.metrics.read import Read, read_nodes, read_sample
from kubetui.k8s.metrics.sources import KUBELET, METRICS_GROUP, Choice, choose
from kubetui.k8s.metrics.usage import node_rates, with_rates
from kubetui.k8s.rbac.access import Need
from kubetui.widgets.usage_columns import Usage, UsageColumns, UsageToggled

if TYPE_CHECKING:
    from kubetui.k8s.transport.cluster import Cluster
    from kubetui.screens.main import MainScreen

PROXY_NODES = Need("get", "nodes/proxy", cluster_scoped=True)


@dataclass
class UsageSampled(Message):
    read: Read
    choice: Choice
    polling: Any  # the UsagePolling that asked: the screen hands the sample back to it
    rated: dict  # the sample with its CPU rates (made in a thread: 10,000 pods take ~0.2 s)
    usage: Usage


class UsagePolling:
    def __init__(self, screen: MainScreen, pane: UsageColumns, plural: str,
                 read: Callable[[Cluster, Choice], Awaitable[Read]],
                 rate: Callable[[dict, dict], dict]) -> None:
        self.screen, self.pane, self.plural = screen, pane, plural
        self.read, self.rate = read, rate
        self.wanted = plural == "pods" and host(screen.app).settings.usage_columns
        if self.wanted:
            host(screen.app).usage_history.wanted = True
        self.visible = False
        self._timer = None
        self._last: dict = {}
        self._choice: Choice | None = None

    def toggle(self) -> None:
        self.wanted = not self.wanted
        if self.plural == "pods":  # the pod detail samples its pod while this is on
            host(self.screen.app).usage_history.wanted = self.wanted
        self._last, self._choice = {}, None
        self.pane.show_usage(Usage() if self.wanted else None)
        self._run()

    def forget(self) -> None:
        """Another scope or cluster: the source is chosen again (rights differ per namespace,
        metrics-server per cluster) and no rate is made against the old figures."""
        self._last, self._choice = {}, None

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        self._run()

    def _run(self) -> None:
        on = self.wanted and self.visible
        if on and self._timer is None:
            if self.pane.usage is None:
                self.pane.show_usage(Usage())
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
            read = Need("list", self.plural, METRICS_GROUP, cluster_scoped=self.plural == "nodes")
            self._choice = choose(version, not app.missing_rights((read,), namespace),
                                  not app.missing_rights((PROXY_NODES,), namespace), self.plural)
        return self._choice

    def sample(self) -> None:
        choice = self._chosen()
        if not choice.source:
            self.pane.show_usage(Usage(why=choice.why))
            return
        reading = self.read(host(self.screen.app).cluster, choice)
        last, rate = self._last, self.rate
        history = host(self.screen.app).usage_history if self.plural == "pods" else None

        def measure(read: Read) -> tuple[dict, Usage]:
            rated = rate(last, read.sample) if choice.source == KUBELET else read.sample
            if history is not None:
                history.record(rated)
            return rated, Usage.measured(rated, choice.source, _partial(read))

        async def read() -> None:
            done = await reading
            rated, usage = await asyncio.to_thread(measure, done)
            self.screen.post_message(UsageSampled(done, choice, self, rated, usage))

        self.screen.run_worker(read(), name=f"read CPU and memory ({self.plural})",
                               group=f"usage-{self.plural}", exclusive=True,
                               exit_on_error=False)

    def sampled(self, message: UsageSampled) -> None:
        if not (self.wanted and self.visible) or message.choice is not self._choice:
            return  # turned off (or another source chosen) while it was read
        read, choice = message.read, message.choice
        if choice.source != KUBELET and read.failed:
            error = next(iter(read.failed.values()))
            app = host(self.screen.app)
            self._choice = Choice(KUBELET) if not app.missing_rights(
                (PROXY_NODES,), app.info.namespace) else Choice(
                "", why=f"CPU/MEM n/a: {METRICS_GROUP}: {error.summary}")
            self.sample()
            return
        self._last = message.rated
        self.pane.show_usage(message.usage)


def _partial(read: Read) -> str:
    """The nodes whose kubelet did not answer, in one line ("" when all did)."""
    if not read.failed:
        return ""
    names = sorted(read.failed)
    return (f"CPU/MEM n/a on {', '.join(names[:3])}{'…' if len(names) > 3 else ''}: "
            f"{read.failed[names[0]].summary}")


if TYPE_CHECKING:
    from textual.screen import Screen as _Screen
else:
    _Screen = object


class UsageScreen(_Screen):
    """Part of the main screen: which pane's usage is on screen, and the messages of ``u``
    and of a sample read. Covered by another screen, no usage column is on screen, none is
    sampled."""

    usage: UsagePolling
    node_usage: UsagePolling
    pods: Any

    def _usage_shown(self, pane: str) -> None:
        self.usage.set_visible(pane == "pods")
        self.node_usage.set_visible(pane == "nodes")

    def on_screen_suspend(self) -> None:
        self._usage_shown("")

    def on_screen_resume(self) -> None:
        from textual.widgets import TabbedContent

        tabs = self.query(TabbedContent)
        self._usage_shown(tabs.first().active or "pods" if tabs else "pods")

    def on_usage_toggled(self, message: UsageToggled) -> None:
        (self.usage if message.pane is self.pods else self.node_usage).toggle()

    def on_usage_sampled(self, message: UsageSampled) -> None:
        message.polling.sampled(message)


def pods_polling(screen: MainScreen) -> UsagePolling:
    """The pods pane's: the pods in scope, from the nodes that run them."""
    def read(cluster: Cluster, choice: Choice) -> Awaitable[Read]:
        pods = screen.stores.get("pods")
        nodes = {row.node for row in pods.rows.values()} if pods is not None else set()
        info = host(screen.app).info
        return read_sample(cluster, choice, None if info.all_namespaces else info.namespace,
                           nodes)
    return UsagePolling(screen, screen.pods, "pods", read, with_rates)


def nodes_polling(screen: MainScreen) -> UsagePolling:
    """The nodes pane's: each node's totals."""
    def read(cluster: Cluster, choice: Choice) -> Awaitable[Read]:
        nodes = screen.stores.get("nodes")
        return read_nodes(cluster, choice,
                          {row.name for row in nodes.rows.values()} if nodes else set())
    return UsagePolling(screen, screen.nodes, "nodes", read, node_rates)
