"""The log views' reading side (``L``'s screen, the pod detail's Logs tab): the pods it holds
(the target's selector, watched live), one stream per container they run, and the lines into
the buffer the screen's ``LogPanel`` draws.

Which containers are read is decided by ``k8s.logs.plan`` on every change of the pods: a pod
that appears is joined, a container that restarts is read again from its last line, a pod
that goes away is marked in the stream. A stream that fails (the connection dropped) is opened
again after ``RETRY`` s, twice as long after each failure in a row (at most ``RETRY_MAX``), the
same failure told once; one refused (403) or whose container was not found is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.screen import Screen

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.logs.buffer import LogBuffer
from kubetui.k8s.logs.lines import NS
from kubetui.k8s.logs.plan import Reading, ended, plan
from kubetui.k8s.logs.request import LogQuery
from kubetui.k8s.logs.sources import Container, LogTarget, colour, controller_uid
from kubetui.k8s.logs.stream import container_batches
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.triage.run import whole
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.screens.text_prompt import TextPrompt
from kubetui.widgets.live_pane import StoreUpdated
from kubetui.widgets.log_panel import LogPanel

RETRY = 2.0  # seconds before a failed stream is opened again, doubled per failure in a row
RETRY_MAX = 60.0
PREVIOUS = " (previous)"


@dataclass
class LogBatch(Message):
    generation: int
    source: int
    lines: list[tuple[int, str]]


@dataclass
class StreamEnded(Message):
    generation: int
    name: str  # pod/container
    error: BaseException | None


class LogReading(Guarded, Screen):
    """A screen with a ``LogPanel``: ``target``, ``log_query`` and ``chosen`` say what to
    read; ``sources_changed`` tells the screen (its title) that streams came or went."""

    target: LogTarget
    log_query: LogQuery
    chosen: tuple[str, ...] | None

    def sources_changed(self) -> None:
        """A stream opened, ended or failed, or a pod came or went."""

    def lines_arrived(self) -> None:
        self.query_one(LogPanel).lines_arrived()

    def on_log_panel_ask(self, message: LogPanel.Ask) -> None:
        message.stop()
        self.app.push_screen(TextPrompt(message.hint, message.default), message.answer)

    def on_log_panel_requery(self, message: LogPanel.Requery) -> None:
        message.stop()
        self.log_query = message.query
        self.start_reading()
        self.sources_changed()

    def reading_title(self) -> str:
        """What is read, for the panel's title: pods and streams, the query."""
        pods = {r.container.pod for r in self.readings.values() if not r.gone}
        reading = sum(1 for r in self.readings.values() if r.open)
        q = self.log_query
        parts = [f"{len(pods)} pods, {reading} streams"]
        if self.chosen is not None:
            parts.append("containers " + ",".join(self.chosen))
        parts.append(q.reach)
        if q.previous:
            parts.append("+ previous")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        return " · ".join(parts)

    def start_reading(self) -> None:
        self.buffer = LogBuffer(host(self.app).settings.log_view_mib * 1024 * 1024)
        self.generation = getattr(self, "generation", 0) + 1
        self.readings: dict[str, Reading] = {}
        self.names: list[str] = []
        self.colours: list[str] = []
        self._source_of: dict[str, int] = {}
        self.failures: dict[str, str] = {}
        self._failed_in_a_row: dict[str, int] = {}
        self.workers.cancel_group(self, "log-streams")
        self.query_one(LogPanel).attach(self.buffer, self.target, self.log_query, self.names,
                                        self.colours)
        if getattr(self, "_log_held", None) is None and not self.target.problem:
            self._hold()
        else:
            self.replan()

    def _hold(self) -> None:
        t = self.target
        self._log_held = Held(host(self.app).stores,
                          lambda change: self.post_message(StoreUpdated(change)))
        one = f"metadata.name={t.pods[0]}" if len(t.pods) == 1 else ""
        self._log_held.acquire("pods", ResourceScope("v1", "pods", t.namespace,
                                                 label_selector=t.selector,
                                                 field_selector=one), whole,
                           what="watch pods (logs)")
        if t.cronjob_uid:
            self._log_held.acquire("jobs", ResourceScope("batch/v1", "jobs", t.namespace), whole,
                               what="watch jobs (logs)")
        self.replan()

    def stop_reading(self) -> None:
        if getattr(self, "_log_held", None) is not None:
            self._log_held.release()
            self._log_held = None

    def pods(self) -> list[dict]:
        held = getattr(self, "_log_held", None)
        if held is None:
            return []
        pods = held.objects("pods") or []
        if self.target.cronjob_uid:
            jobs = {j["metadata"].get("uid") for j in held.objects("jobs") or []
                    if controller_uid(j) == self.target.cronjob_uid}
            pods = [p for p in pods if controller_uid(p) in jobs]
        if self.target.pods:
            pods = [p for p in pods if p["metadata"].get("name") in self.target.pods]
        return sorted(pods, key=lambda p: p["metadata"].get("name", ""))

    def synced(self) -> bool:
        held = getattr(self, "_log_held", None)
        return held is not None and all(s.synced for s in held.stores.values())

    def on_store_updated(self, message: StoreUpdated) -> None:
        message.stop()
        self.replan()

    def source(self, name: str, colour_of: str) -> int:
        index = self._source_of.get(name)
        if index is None:
            index = self._source_of[name] = len(self.names)
            self.names.append(name)
            self.colours.append(colour(colour_of))
        return index

    def replan(self) -> None:
        if not self.synced():
            return
        decided = plan(self.pods(), self.readings, chosen=self.chosen,
                       previous=self.log_query.previous)
        now = int(host(self.app).clock() * NS)
        for pod in decided.gone:
            self.buffer.mark(now, f"── pod {pod} is gone")
        for pod in decided.back:
            self.buffer.mark(now, f"── pod {pod} is back")
        for c in decided.previous:
            self.read(self.generation, c, self.source(c.name + PREVIOUS, c.name), True, 0)
        for c in decided.open:
            source = self.source(c.name, c.name)
            self.failures.pop(c.name, None)
            self.read(self.generation, c, source, False, self.buffer.last_ns(source))
        if decided.gone or decided.back:
            self.lines_arrived()
        self.sources_changed()

    @work(group="log-streams", exit_on_error=False, description="logs: read a container")
    async def read(self, generation: int, c: Container, source: int, previous: bool,
                   after_ns: int) -> None:
        error: BaseException | None = None
        try:
            async for batch in container_batches(
                    host(self.app).cluster, self.target.namespace, c.pod,
                    c.container, self.log_query, previous=previous, after_ns=after_ns):
                self.post_message(LogBatch(generation, source, batch))
        except Exception as exc:  # noqa: BLE001 - told on the stream's line and status
            error = exc
        if not previous:
            self.post_message(StreamEnded(generation, c.name, error))
        elif error is not None:  # read once: its failure is told, never retried
            self.post_message(StreamEnded(generation, c.name + PREVIOUS, error))

    def on_log_batch(self, message: LogBatch) -> None:
        if message.generation == self.generation:
            self.buffer.add(message.source, message.lines)
            self._failed_in_a_row.pop(self.names[message.source], None)
            self.lines_arrived()

    def on_stream_ended(self, message: StreamEnded) -> None:
        if message.generation != self.generation:
            return
        ended(self.readings, message.name)
        error = message.error
        if error is None:
            return
        reason = str(error)
        if self.failures.get(message.name) != reason:  # the same failure again: told once
            self.buffer.mark(int(host(self.app).clock() * NS), f"── {message.name}: {reason}")
            self.lines_arrived()
        self.failures[message.name] = reason
        gone = isinstance(error, KubeError) and error.kind in (ErrorKind.NOT_FOUND,
                                                                ErrorKind.FORBIDDEN)
        reading = self.readings.get(message.name)
        if not gone and reading is not None:
            reading.restarts = -1  # opened again at the next plan
            count = self._failed_in_a_row[message.name] = \
                self._failed_in_a_row.get(message.name, 0) + 1
            self.set_timer(min(RETRY_MAX, RETRY * 2 ** (count - 1)), self.replan)
        self.sources_changed()
