"""``P`` on a pod: its containers' probes, run now or every period, with the kubelet's rules.

The screen gets a frozen ``ProbeTarget`` and plans each run with the pure builders
(``probe_call``): ``r`` runs the selected probe once with its ``timeoutSeconds`` as the one
deadline, ``w`` runs it every ``periodSeconds`` (a tick skipped while a run is still going, as
the kubelet's ticker does) and judges the runs with the probe's thresholds, ``e`` edits a copy
of the probe (never the pod), ``u`` forgets the edit, ``y`` copies it as YAML, ``c`` goes to the
next container. Live stores keep the restarts, state and probe events current. Read-only runs
httpGet probes only (exec and the port-forward under tcpSocket reach into the pod). Each run
goes to the incident timeline.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.core.events import event_row
from kubetui.k8s.probes.config import ProbeConfig, verdict
from kubetui.k8s.probes.edit import probe_yaml
from kubetui.k8s.probes.risks import risks
from kubetui.k8s.probes.run import ProbeCall, ProbeInputError, ProbeRun, probe_call, run_call
from kubetui.k8s.probes.target import (
    PodProbeState,
    ProbeEvent,
    ProbeTarget,
    pod_probe_state,
    probe_event_of,
    probe_events_of,
)
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.queries import events_about_pod
from kubetui.safe_text import plain
from kubetui.screens.probe_form import ProbeForm
from kubetui.screens.quiet import QuietBehind
from kubetui.screens.text_view import TextView
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated
from kubetui.widgets.probe_view import (
    config_text,
    history_cells,
    live_text,
    palette,
    run_text,
    table_cells,
    verdict_text,
)

READONLY_EXEC = ("Exec probes are not run in read-only mode: a probe command runs in the "
                 "container and can have side effects. httpGet probes still run.")


@dataclass
class ProbeRan(Message):
    key: tuple[str, str]  # (container, kind)
    run: ProbeRun


class ProbeRunnerScreen(QuietBehind, Guarded, Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="probes.back"),
        Binding("r", "run", "Run now", id="probes.run"),
        Binding("w", "watch", "Watch", id="probes.watch"),
        Binding("e", "edit", "Edit", id="probes.edit"),
        Binding("u", "unedit", "Undo edit", id="probes.unedit", show=False),
        Binding("o", "show_run", "Output", id="probes.output"),
        Binding("y", "copy_yaml", "Copy YAML", id="probes.copy", show=False),
        Binding("c", "next_container", "Container", id="probes.container"),
    ]
    DEFAULT_CSS = """
    ProbeRunnerScreen #probe-title { height: 1; text-style: bold; }
    ProbeRunnerScreen #probe-table { height: auto; max-height: 5; overflow-x: hidden; }
    ProbeRunnerScreen #probe-info { height: 1fr; min-height: 4; border-top: solid $panel; }
    ProbeRunnerScreen #probe-verdict { height: auto; max-height: 4; border-top: solid $panel; }
    ProbeRunnerScreen #probe-history { height: 1fr; min-height: 3; }
    """

    def __init__(self, target: ProbeTarget, container: str | None = None,
                 follow: bool = True) -> None:
        """``follow`` False: no watches, the pod as read (a fixed picture for screenshots)."""
        super().__init__(id="probe-runner")
        self.target, self.follow = target, follow
        names = target.with_probes or target.containers
        self.container = container if container in names else names[0]
        self.edits: dict[tuple[str, str], dict] = {}
        self.history: dict[tuple[str, str], list[ProbeRun]] = {}
        self.state: PodProbeState = pod_probe_state(target.pod_obj)
        self.restarts_at_watch: int | None = None
        self.events: dict[str, ProbeEvent] = {}
        self.watching: tuple[str, str] | None = None
        self.pal: dict[str, str] = {}
        self._held: Held | None = None  # the pod's and the events' stores while following

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="probe-title")
        yield DataTable(id="probe-table", cursor_type="row", zebra_stripes=False)
        with VerticalScroll(id="probe-info"):
            yield Static(id="probe-config")
            yield Static(id="probe-live")
        yield Static(id="probe-verdict")
        yield DataTable(id="probe-history", cursor_type="row", zebra_stripes=False)
        yield FitFooter()

    def on_mount(self) -> None:
        self.pal = palette(self.app.get_css_variables())
        self.query_one("#probe-table", DataTable).add_columns(
            "PROBE", "HANDLER", "CHECK", "TIMEOUT", "PERIOD", "OK/FAIL")
        history = self.query_one("#probe-history", DataTable)
        detail = max(16, (self.app.size.width - 62) * 2 // 3)
        for label, width in (("TIME", 8), ("RESULT", 9), ("DURATION", 11), ("DETAIL", detail),
                             ("OUTPUT (first line)", max(20, self.app.size.width - 44 - detail))):
            history.add_column(label, width=width)
        self.show_container()
        self.query_one("#probe-table", DataTable).focus()
        if self.follow:
            self.follow_pod_and_events()

    # -- the probes of the current container ----------------------------------------------
    def configs(self) -> list[tuple[ProbeConfig, bool]]:
        return self.target.edited(self.container, self.edits)

    def selected(self) -> tuple[ProbeConfig, bool] | None:
        table = self.query_one("#probe-table", DataTable)
        configs = self.configs()
        if not configs:
            return None
        row = min(table.cursor_row, len(configs) - 1)
        return configs[max(row, 0)]

    def key(self, config: ProbeConfig) -> tuple[str, str]:
        return (self.container, config.kind)

    def show_container(self) -> None:
        table = self.query_one("#probe-table", DataTable)
        row = table.cursor_row
        table.clear()
        for config, edited in self.configs():
            cells = table_cells(config, edited, max(20, self.size.width - 54))
            table.add_row(*[Text(c) for c in cells], key=config.kind)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self.refresh_view()

    def call_for(self, config: ProbeConfig) -> ProbeCall:
        return probe_call(self.target.namespace, self.target.pod,
                          self._container_spec(config), config, self.target.version)

    def _container_spec(self, config: ProbeConfig) -> dict:
        return self.target.container_edited(self.container, config.kind, self.edits)

    def refresh_view(self) -> None:
        live = self.state.of(self.container)
        ns, pod = self.target.namespace, self.target.pod
        others = " (c: next container)" if len(self.target.with_probes) > 1 else ""
        self.query_one("#probe-title", Static).update(plain(
            f"probes · {ns}/{pod} · container {self.container}{others}"
            + (f" · restarts {live.restarts}" if live else "")
            + (" · read-only: exec probes are not run" if host(self.app).readonly else "")))
        chosen = self.selected()
        config_widget = self.query_one("#probe-config", Static)
        if chosen is None:
            config_widget.update(plain(f"container {self.container} has no probes"))
        else:
            config, edited = chosen
            notes: tuple[str, ...] = ()
            problem = ""
            try:
                call = self.call_for(config)
                notes = (f"sends: {call.describe()}", f"kubectl: {call.kubectl()}", *call.notes)
            except ProbeInputError as exc:
                problem = str(exc)
            found = risks(self._container_spec(config), self.state_pod())
            config_widget.update(config_text(config, edited, found, notes, problem, self.pal))
        events = probe_events_of(self.events.values(), self.container)
        self.query_one("#probe-live", Static).update(
            live_text(live, events, host(self.app).clock(), self.pal))
        self.refresh_history()

    def state_pod(self) -> dict:
        return json.loads(self.state.pod_json)

    def refresh_history(self) -> None:
        chosen = self.selected()
        table = self.query_one("#probe-history", DataTable)
        table.clear()
        verdict_widget = self.query_one("#probe-verdict", Static)
        if chosen is None:
            verdict_widget.update("")
            return
        config, _ = chosen
        runs = self.history.get(self.key(config), [])
        for run in reversed(runs[-200:]):
            table.add_row(*history_cells(run, self.pal))
        restarts = None
        live = self.state.of(self.container)
        if self.watching == self.key(config) and live and self.restarts_at_watch is not None:
            restarts = live.restarts - self.restarts_at_watch
        verdict_widget.update(verdict_text(verdict(config, [r.result for r in runs]), runs,
                                           config, self.watching == self.key(config),
                                           restarts, self.pal))

    @on(DataTable.RowSelected, "#probe-history")
    def _show_run(self, event: DataTable.RowSelected) -> None:
        self.show_run(event.cursor_row)

    def action_show_run(self) -> None:
        history = self.query_one("#probe-history", DataTable)
        self.show_run(history.cursor_row if history.has_focus else 0)

    def show_run(self, row: int) -> None:
        """A run's whole detail and output (the table cuts both); row 0 is the newest."""
        chosen = self.selected()
        runs = self.history.get(self.key(chosen[0]), []) if chosen else []
        if not 0 <= row < len(runs):
            self.notify("No run yet: r runs the probe.", title="Output")
            return
        self.app.push_screen(TextView(*run_text(runs[-1 - row]), "the probe run"))

    @on(DataTable.RowHighlighted, "#probe-table")
    def _probe_highlighted(self) -> None:
        self.refresh_view()

    # -- running -----------------------------------------------------------------------------
    def _runnable(self) -> tuple[ProbeConfig, ProbeCall] | None:
        chosen = self.selected()
        if chosen is None:
            self.notify(f"container {self.container} has no probes", title="Probes")
            return None
        config = chosen[0]
        try:
            call = self.call_for(config)
        except ProbeInputError as exc:
            self.notify(str(exc), title=f"{config.kind} probe", severity="warning", timeout=10)
            return None
        if call.writes and host(self.app).readonly:
            self.notify(READONLY_EXEC, title="Read-only", severity="warning", timeout=8)
            return None
        missing = host(self.app).missing_rights(call.needs, self.target.namespace)
        if missing:
            self.notify(f"you may not {', '.join(map(str, missing))} in "
                        f"{self.target.namespace}: running this probe needs it.",
                        title="Not allowed (RBAC)", severity="warning")
            return None
        return config, call

    def action_run(self) -> None:
        runnable = self._runnable()
        if runnable is not None:
            config, call = runnable
            self.run_once(self.key(config), call, config.timeout)

    @work(group="probe-run", exit_on_error=False)
    async def run_once(self, key: tuple[str, str], call: ProbeCall, seconds: int) -> None:
        self.post_message(ProbeRan(key, await run_call(host(self.app).cluster, call, seconds)))

    def action_watch(self) -> None:
        if self.watching is not None:
            self.watching = None
            self.restarts_at_watch = None
            self.workers.cancel_group(self, "probe-watch")
            self.notify("Stopped watching.", title="Probes")
            self.refresh_history()
            return
        runnable = self._runnable()
        if runnable is None:
            return
        config, call = runnable
        self.watching = self.key(config)
        live = self.state.of(self.container)
        self.restarts_at_watch = live.restarts if live else None
        self.watch_probe(self.watching, call, config.timeout, config.period)
        self.refresh_history()

    @work(exclusive=True, group="probe-watch", exit_on_error=False)
    async def watch_probe(self, key: tuple[str, str], call: ProbeCall, seconds: int,
                          period: int) -> None:
        """A run every ``period`` seconds from now; a tick that falls inside a run is dropped
        (the kubelet's ticker does the same), so runs never overlap."""
        start, ticks = time.monotonic(), 0
        while True:
            self.post_message(ProbeRan(key, await run_call(host(self.app).cluster, call, seconds)))
            ticks += 1
            now = time.monotonic()
            while start + ticks * period <= now:
                ticks += 1
            await asyncio.sleep(start + ticks * period - now)

    def on_probe_ran(self, message: ProbeRan) -> None:
        host(self.app).timeline.probe_ran(self.target.namespace, self.target.pod, *message.key,
                                          message.run.result, message.run.detail)
        self.history.setdefault(message.key, []).append(message.run)
        del self.history[message.key][:-1000]  # the last 1,000 runs
        chosen = self.selected()
        if chosen is not None and self.key(chosen[0]) == message.key:
            self.refresh_history()

    # -- editing -----------------------------------------------------------------------------
    def action_edit(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        config, _ = chosen
        spec = self._container_spec(config)
        form = ProbeForm(self.target.namespace, spec, self.container in self.target.init,
                         config, dict(spec.get(f"{config.kind}Probe") or {}), self.target.owner)
        self.app.push_screen(form, lambda probe: self._edited(config.kind, probe))

    def _edited(self, kind: str, probe: dict | None) -> None:
        if probe is None:
            return
        key = (self.container, kind)
        self._stop_watch_of(key)
        self.edits[key] = probe
        self.history.pop(key, None)  # a verdict is over one configuration
        self.show_container()
        self.notify("Edited here only: r runs it, u goes back to the pod's probe.",
                    title=f"{kind} probe")

    def action_unedit(self) -> None:
        chosen = self.selected()
        if chosen is None or self.key(chosen[0]) not in self.edits:
            return
        key = self.key(chosen[0])
        self._stop_watch_of(key)
        del self.edits[key]
        self.history.pop(key, None)
        self.show_container()

    def _stop_watch_of(self, key: tuple[str, str]) -> None:
        if self.watching == key:
            self.watching = None
            self.workers.cancel_group(self, "probe-watch")

    def action_copy_yaml(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        config, _ = chosen
        probe = self._container_spec(config).get(f"{config.kind}Probe") or {}
        host(self.app).copy_text(probe_yaml(config.kind, probe),
                                 f"the {config.kind} probe as YAML")

    def action_next_container(self) -> None:
        names = self.target.with_probes or self.target.containers
        if len(names) > 1:
            self.container = names[(names.index(self.container) + 1) % len(names)]
            self.show_container()

    # -- live pod state and events -------------------------------------------------------
    def follow_pod_and_events(self) -> None:
        t = self.target
        self._held = Held(host(self.app).stores, lambda c: self.post_message(StoreUpdated(c)))
        self._held.acquire("pod", ResourceScope("v1", "pods", t.namespace,
                                                field_selector=f"metadata.name={t.pod}"),
                           pod_probe_state, what=f"watch pod {t.pod}")
        self._held.acquire("events", ResourceScope("v1", "events", t.namespace), event_row,
                           covering=True)
        self._events_changed()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()

    def on_store_updated(self, message: StoreUpdated) -> None:
        name = self._held.name_of(message.store) if self._held is not None else None
        if name == "events":
            self._events_changed()
        elif name == "pod" and message.change.delta is not None:
            for state in message.change.delta.upserts.values():
                self._pod_state_changed(state)

    def _events_changed(self) -> None:
        t = self.target
        self.show_events([probe_event_of(e) for e in events_about_pod(
            self._held and self._held.get("events"), t.uid, t.pod, t.namespace)])

    def show_events(self, events: list[ProbeEvent]) -> None:
        """The pod's events (by the one rule: ``live/queries.py``)."""
        self.events = {e.uid: e for e in events}
        self.refresh_view()

    def _pod_state_changed(self, state: PodProbeState) -> None:
        if state.uid == self.target.uid:
            self.state = state
            self.refresh_view()
