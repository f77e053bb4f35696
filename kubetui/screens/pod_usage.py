"""Part of the pod detail: its containers' CPU and memory at the top of describe, with the last
samples as bars, while the user has asked for usage (``u`` in the pods pane).

Then, while describe is the tab on screen, the detail reads its pod's node every
``usage_seconds`` (one summary request, or metrics.k8s.io), as the pods pane does; the samples
go to the app's history, which holds what the pods pane read before the detail opened. Without
``u``, nothing is read and nothing is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static, TabbedContent

from kubetui.host import host
from kubetui.k8s.core.pods import container_resources
from kubetui.k8s.metrics.read import read_sample
from kubetui.k8s.metrics.usage import with_rates
from kubetui.safe_text import plain_lines
from kubetui.screens.usage_polling import UsagePolling, UsageSampled
from kubetui.widgets.usage_columns import Usage, usage_block

if TYPE_CHECKING:
    from textual.screen import Screen as _Screen
else:
    _Screen = object


class PodUsageShown(_Screen):
    pod_namespace: str
    pod_name: str
    _pod: dict | None
    usage: Usage | None = None
    _usage_polling: UsagePolling | None = None

    def start_usage(self) -> None:
        if not host(self.app).usage_history.wanted:
            return

        def read(cluster, choice):
            node = ((self._pod or {}).get("spec") or {}).get("nodeName") or ""
            return read_sample(cluster, choice, self.pod_namespace, {node} if node else ())
        polling = UsagePolling(self, self, "pods", read, with_rates)  # type: ignore[arg-type]
        polling.wanted = True
        self._usage_polling = polling
        self.show_usage(Usage())

    def usage_visible(self) -> None:
        polling = self._usage_polling
        if polling is not None:
            tabs = self.query(TabbedContent)
            polling.set_visible(self.app.screen is self and bool(tabs)
                                and tabs.first().active == "describe")

    def on_screen_suspend(self) -> None:
        if self._usage_polling is not None:
            self._usage_polling.set_visible(False)

    def on_screen_resume(self) -> None:
        self.usage_visible()

    def on_usage_sampled(self, message: UsageSampled) -> None:
        message.polling.sampled(message)

    def show_usage(self, usage: Usage | None) -> None:
        self.usage = usage
        self.render_usage()

    def render_usage(self) -> None:
        shown = self.query("#describe-usage")
        if not shown or self.usage is None:
            return
        spec = (self._pod or {}).get("spec") or {}
        app = host(self.app)
        text = usage_block(container_resources(spec), self.usage,
                           self.usage.sample.get((self.pod_namespace, self.pod_name)),
                           app.usage_history.of(self.pod_namespace, self.pod_name),
                           app.settings.usage_seconds)
        widget = shown.first(Static)
        widget.display = True
        widget.update(plain_lines(text))
