"""A shell (exec) or attach session in the embedded terminal, with the pod in sight.

Above the terminal: the pod's live status and its latest events, from the live stores of its
namespace (shared with the panes when they show it: no extra request then). The screen owns
the stream (``kubetui.k8s.transport.exec``): output goes to the ``TerminalView``, keys and
resizes come back from it. A shell tries ``/bin/bash``, then
``/bin/sh``; an image with neither is said plainly, with the way out (an ephemeral debug
container). ``ctrl+]`` gives focus back to kubetui: ``esc`` then returns to the panes with the
session kept (``T`` lists the open sessions), ``enter`` returns to the terminal, ``f`` hands the
whole terminal to it (``screens/handover.py``), ``x`` ends it (asking first while its process
runs).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kubetui.formatting import human_duration
from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.core.events import EventRow, event_row
from kubetui.k8s.core.pods import PodRow, pod_row
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.exec import ExecRequest, ExitStatus, open_stream
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.queries import pod_context
from kubetui.safe_text import plain, plain_lines, visible
from kubetui.screens.handover import bridge
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.terminal import TerminalView

#: What the header above the terminal shows: the pod's row and its events, newest first.
PodContext = Callable[[], tuple[PodRow | None, list[EventRow]]]

SHELLS = (("/bin/bash",), ("/bin/sh",))
BACKLOG = 4 * 1024 * 1024
BATCH = 256 * 1024

class TerminalSession(QuietBehind, Guarded, Screen):
    BINDINGS = [
        Binding("escape", "leave", "Panes (keep session)", id="session.leave"),
        Binding("enter,i", "focus_terminal", "Terminal", id="session.focus"),
        Binding("x", "end", "End session", id="session.end"),
        Binding("f", "fullscreen", "Full screen", id="session.fullscreen"),
        Binding("slash", "search", "Search", id="session.search", key_display="/"),
        Binding("n", "search_next", "Next match", show=False, id="session.search_next"),
    ]
    DEFAULT_CSS = """
    TerminalSession #session-title { height: 1; background: $panel; padding: 0 1; }
    TerminalSession #session-context { height: auto; max-height: 5; color: $text-muted;
                                       padding: 0 1; }
    """

    def __init__(self, request: ExecRequest, *,
                 shells: tuple[tuple[str, ...], ...] | None = None,
                 context: PodContext | None = None) -> None:
        """``context``: a fixed header instead of the live one (stable screenshots)."""
        super().__init__()
        self.request = request
        self._fixed_context = context
        self._held: Held | None = None  # the pod's namespace's pods and events
        self._shells = list(shells if shells is not None else
                            (() if request.attach else SHELLS))
        self._looking_for_shell = bool(self._shells)
        self.view = TerminalView(id="terminal")
        self.status: ExitStatus | None = None
        self.error: KubeError | None = None
        self.running = False
        self.no_shell = False
        self._stream = None
        self._context_text = ""
        self._bridge_out: Callable[[bytes], None] | None = None  # the full-screen handover
        self._done = asyncio.Event()
        self._needle = ""
        self._match: int | None = None  # the last match, as an index into history + screen

    @property
    def title_text(self) -> str:
        r = self.request
        what = "attach" if r.attach else "exec " + " ".join(r.command)
        return f"{r.namespace}/{r.pod} · {r.container} · {what}"

    def compose(self) -> ComposeResult:
        yield Static(plain(self.title_text), id="session-title")
        yield Static(id="session-context")
        yield self.view
        yield FitFooter()

    def on_mount(self) -> None:
        self.view.focus()
        if self._fixed_context is None:
            ns = self.request.namespace
            self._held = Held(host(self.app).stores)
            self._held.acquire("pods", ResourceScope("v1", "pods", ns), pod_row, covering=True)
            self._held.acquire("events", ResourceScope("v1", "events", ns), event_row,
                               covering=True)
        self._show_context()
        self.set_interval(1.0, self._show_context)  # ages move; painted only when text changes
        self.begin()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()

    def context(self):
        """The pod's live row and its events, newest first."""
        if self._fixed_context is not None:
            return self._fixed_context()
        held = self._held
        return pod_context(held and held.get("pods"), held and held.get("events"),
                           self.request.namespace, self.request.pod)

    def begin(self) -> None:
        """Open the stream (a debug session first waits for its container)."""
        self.start(self._shells.pop(0) if self._shells else self.request.command)

    # -- the stream --------------------------------------------------------------------------
    def start(self, command: tuple[str, ...]) -> None:
        if not self.request.attach:
            self.request = ExecRequest(self.request.namespace, self.request.pod,
                                       self.request.container, command, stdin=True, tty=True)
        self.query_one("#session-title", Static).update(plain(self.title_text))
        self.run_session(self.request)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def run_session(self, request: ExecRequest) -> None:
        self.running, self.status, self.error = True, None, None
        self._done.clear()
        started = time.monotonic()
        host(self.app).timeline.stream(request, "opened")
        try:
            async with open_stream(host(self.app).cluster, request) as stream:
                self._stream = stream
                await stream.resize(*self.view.size_cells)
                await self._pump(stream)
                self.status = stream.status
        except KubeError as exc:
            self.error = exc
        finally:
            self._stream = None
            self.running = False
            self._done.set()
        code = self.status.code if self.status is not None else None
        host(self.app).timeline.stream(request, "ended", (
            f"exit {code}" if code is not None else str(self.error or "no exit code")
        ) + f" after {time.monotonic() - started:.1f} s")
        self._ended()

    async def _pump(self, stream) -> None:
        """Read frames in one task, feed the emulator in another: whatever arrived while the
        emulator was busy is fed as one batch (a flood becomes few large chunks, which the
        emulator's fast path takes), and an idle echo is fed at once. The reader waits when
        4 MB are pending, so endless output (``yes``) cannot eat memory."""
        pending = bytearray()
        arrived, drained = asyncio.Event(), asyncio.Event()
        drained.set()

        async def read() -> None:
            try:
                async for _channel, data in stream.frames():
                    pending.extend(data)
                    arrived.set()
                    if len(pending) > BACKLOG:
                        drained.clear()
                        await drained.wait()
            finally:
                arrived.set()

        reader = asyncio.create_task(read())
        try:
            while True:
                await arrived.wait()
                arrived.clear()
                # Let frames already queued join this batch: one yield per frame, while they
                # keep coming (an idle echo adds no wait; a flood becomes large chunks).
                size = -1
                while size != len(pending) and len(pending) < BATCH:
                    size = len(pending)
                    await asyncio.sleep(0)
                if pending:
                    chunk = bytes(pending)
                    pending.clear()
                    drained.set()
                    if self._bridge_out is not None:
                        self._bridge_out(chunk)
                    await self.view.feed(chunk)
                elif reader.done():
                    break
            await reader  # its exception (a dropped stream), if any
        finally:
            reader.cancel()

    def _ended(self) -> None:
        status, error = self.status, self.error
        if status is not None and status.command_not_found and self._looking_for_shell:
            if self._shells:
                self.start(self._shells.pop(0))
                return
            self.no_shell = True
            self.view.write_note("This image has no shell (/bin/bash and /bin/sh are missing): "
                                 "it is distroless or a bare binary.")
            self.view.write_note("Debug it with an ephemeral container: it brings its own "
                                 "tools and can see this container's processes.")
        elif status is not None and status.command_not_found:
            self.view.write_note(f"no such command in this image: {self.request.command[0]}")
        elif error is not None:
            self.view.write_note(f"{error}")
        elif status is not None and status.code is None:
            self.view.write_note(f"the command could not run: {status.message}")
        elif status is not None:
            self.view.write_note(f"[process exited with code {status.code}]")
        self.view.live = False
        self.query_one("#session-title", Static).update(
            plain(f"{self.title_text} · ended" + (f" (exit {status.code})"
                                                   if status and status.code is not None else "")))

    @on(TerminalView.Input)
    async def _input(self, message: TerminalView.Input) -> None:
        if self._stream is not None:
            try:
                await self._stream.send(message.data)
            except Exception:  # noqa: BLE001 - the reader reports a dropped stream
                pass

    @on(TerminalView.Resized)
    async def _resized(self, message: TerminalView.Resized) -> None:
        if self._stream is not None:
            try:
                await self._stream.resize(message.width, message.height)
            except Exception:  # noqa: BLE001
                pass

    @on(TerminalView.Released)
    def _released(self) -> None:
        self.set_focus(None)
        self.refresh_bindings()
        self.notify("Focus is back with kubetui: esc panes (session kept), enter terminal, "
                    "x end session.", title="Terminal", timeout=4)

    # -- full screen -----------------------------------------------------------------------
    def action_fullscreen(self) -> None:
        if self._stream is None:
            self.notify("The session has ended.", title="Full screen", severity="warning")
            return
        self.run_worker(self._fullscreen(), group="handover", exclusive=True,
                        exit_on_error=False)

    async def _fullscreen(self) -> None:
        stream = self._stream
        if stream is None:
            return
        banner = (f"kubetui: {self.title_text} on the whole terminal; "
                  "ctrl+] returns to kubetui")
        try:
            with self.app.batch_update(), self.app.suspend():
                await bridge(stream.send, stream.resize, self._set_bridge, self._done,
                             visible(banner))
        except SuspendNotSupported:
            self.notify("This terminal cannot be handed over (no suspend here).",
                        title="Full screen", severity="warning")
        finally:
            self._bridge_out = None
            if self._stream is not None:
                await self._stream.resize(*self.view.size_cells)
        self.refresh(layout=True)
        self.view.focus()

    def _set_bridge(self, out: Callable[[bytes], None] | None) -> None:
        self._bridge_out = out

    # -- search the history ------------------------------------------------------------------
    def action_search(self) -> None:
        from kubetui.screens.text_prompt import TextPrompt

        self.app.push_screen(TextPrompt("search the terminal's history", self._needle),
                             self._searched)

    def _searched(self, needle: str | None) -> None:
        if needle:
            self._needle, self._match = needle, None
            self.action_search_next()

    def action_search_next(self) -> None:
        if not self._needle:
            return
        found = self.view.search(self._needle, self._match)
        if found is None:
            self.notify(f"no (more) lines with {self._needle!r}", title="Search",
                        severity="warning", timeout=3)
        else:
            self._match = found

    # -- context above the terminal ----------------------------------------------------------
    def _show_context(self) -> None:
        row, events = self.context()
        now = host(self.app).clock()
        lines = []
        if row is not None:
            lines.append(f"pod {row.status} · ready {row.ready} · restarts {row.restarts} · "
                         f"node {row.node or '-'} · ip {row.ip or '-'}")
            if len(row.containers) > 1 or (row.containers and
                                           not row.containers[0].endswith("running")):
                lines.append("containers: " + " · ".join(row.containers))
        else:
            lines.append("pod: not found (deleted, or not listed yet)")
        for ev in events[:3]:
            age = human_duration(now - ev.last_seen) if ev.last_seen else "?"
            lines.append(f"{age:>5} {ev.type:<7} {ev.reason}: {ev.message}")
        text = "\n".join(line[:400] for line in lines)
        if text != self._context_text:
            self._context_text = text
            self.query_one("#session-context", Static).update(plain_lines(text))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While the terminal has the keyboard, these keys belong to the container: hide them
        (the footer then shows only ``^]``)."""
        if action in ("leave", "focus_terminal", "end", "fullscreen", "search",
                      "search_next") and \
                self.focused is self.view:
            return False
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # -- leaving -----------------------------------------------------------------------------
    def action_focus_terminal(self) -> None:
        self.view.focus()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_end(self) -> None:
        if not self.running:
            self._close()
            return
        from kubetui.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(
            "End this session?", f"{self.title_text}\nIts process is still running; ending the "
            "session closes the stream (a shell gets a hangup)."),
            lambda yes: self._close() if yes else None)

    def _close(self) -> None:
        self.workers.cancel_group(self, "session")
        host(self.app).sessions.closed(self)
        if self.app.screen is self:
            self.app.pop_screen()
        self.app.call_after_refresh(self.app.uninstall_screen, self)
        self.closed()

    def closed(self) -> None:
        """Called once the session is ended for good (a debug session offers its cleanup)."""
