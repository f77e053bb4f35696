"""``L`` on a workload, a Service or a CronJob: every container of its pods in one stream, in
the kubelet's time order, each line prefixed with its pod/container in that source's colour.

Reading is ``log_reading``'s; search, filters, toggles, save and copy are the ``LogPanel``'s
(the pod detail's Logs tab has the same). This screen adds which containers are read (``c``)
and the previous instances (``p``).
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding

from kubetui.host import host
from kubetui.k8s.logs.request import LogQuery
from kubetui.k8s.logs.sources import LogTarget
from kubetui.screens.log_reading import LogReading
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.text_prompt import TextPrompt
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.log_panel import LogPanel
from kubetui.widgets.log_view import LogView


class LogsScreen(QuietBehind, LogReading):
    stacked_view = True
    BINDINGS = [
        Binding("c", "containers", "Containers", id="logs.containers"),
        Binding("p", "previous", "Previous", id="logs.previous"),
    ]

    def __init__(self, target: LogTarget) -> None:
        super().__init__(classes="logs")
        self.target = target
        self.log_query = LogQuery()
        self.chosen: tuple[str, ...] | None = None

    @property
    def panel(self) -> LogPanel:
        return self.query_one(LogPanel)

    def compose(self) -> ComposeResult:
        yield ClusterBar(host(self.app).info, host(self.app).readonly)
        yield LogPanel()
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(LogView).focus()
        self.start_reading()
        self.sources_changed()

    def on_unmount(self) -> None:
        self.stop_reading()

    def sources_changed(self) -> None:
        t = self.target
        if t.problem:
            self.panel.set_title(f"logs · {t.problem}")
        else:
            self.panel.set_title(f"logs · {t.title} · {t.namespace} · {self.reading_title()}")

    def action_containers(self) -> None:
        known = sorted({r.container.container for r in self.readings.values()})
        chosen = ",".join(self.chosen) if self.chosen is not None else ""
        self.app.push_screen(TextPrompt(f"containers, comma-separated, empty: all "
                                        f"({', '.join(known)})", chosen), self._chose)

    def _chose(self, typed: str | None) -> None:
        if typed is None:
            return
        self.chosen = tuple(n.strip() for n in typed.split(",") if n.strip()) or None
        self.start_reading()
        self.sources_changed()

    def action_previous(self) -> None:
        self.log_query = replace(self.log_query, previous=not self.log_query.previous)
        self.start_reading()
        self.sources_changed()
