"""A node's drain, live: the cordon, then every eviction with its answer, pod by pod.

The writes go through ``send_write`` (the one write path: a lost answer is checked by reading
the pod before anything is sent again), all pods at once as kubectl does. A PodDisruptionBudget's
429 is not a failure: that pod is tried again every ``RETRY_SECONDS``, shown with its countdown,
never forced; any other refusal (RBAC, admission) is final for that pod. An accepted eviction is
never sent again. Pods leave the list when the watch of the node's pods no longer has them.
``x`` cancels: nothing more is sent, the node stays cordoned (uncordon with ``C``).

Each step goes to the incident timeline on its own: the cordon, every eviction's answer (a
budget's first refusal, then how it ended), each pod gone from the node, and the drain's end.
The pods' entries say ``drain`` in their details: this screen's watch records their fate, so
the timeline does not follow each of them as well.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.fixes.drain_state import RETRY_SECONDS, DrainProgress, PodProgress
from kubetui.k8s.fixes.nodes import EVICT, DrainPod
from kubetui.k8s.fixes.plan import Fix
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.writes import Write, send_write
from kubetui.k8s.triage.run import whole
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.safe_text import plain, plain_lines
from kubetui.timeline.entries import ACTION, CHANGE
from kubetui.widgets.live_pane import StoreUpdated

NAME_WIDTH = 44  # namespace/name: longer ones end in …


class DrainScreen(Guarded, Screen):
    BINDINGS = [
        Binding("x", "cancel", "Cancel drain", id="drain.cancel"),
        Binding("escape,q", "leave", "Back", id="drain.back"),
    ]
    DEFAULT_CSS = """
    DrainScreen #drain-summary { text-style: bold; height: auto; padding: 0 1; }
    DrainScreen #drain-command { color: $text-muted; height: auto; padding: 0 1; }
    DrainScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, node: str, fix: Fix, pods: Sequence[DrainPod]) -> None:
        super().__init__()
        self.node, self.fix = node, fix
        self.progress = DrainProgress(node, pods, 0.0)  # started: on mount
        self._cancel = asyncio.Event()
        self._held: Held | None = None
        self._seen_listed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="drain-summary")
            yield Static(plain(self.fix.kubectl), id="drain-command")
            with VerticalScroll():
                yield Static(id="drain-pods")
        yield Footer()

    def on_mount(self) -> None:
        self.progress.started = host(self.app).clock()
        self._held = Held(host(self.app).stores, lambda c: self.post_message(StoreUpdated(c)))
        self._held.acquire("pods", ResourceScope("v1", "pods", None,
                                                 field_selector=f"spec.nodeName={self.node}"),
                           whole, what=f"watch pods on {self.node} (drain)")
        self._ticker = self.set_interval(1, self.draw)
        self.draw()
        self.drain()

    def on_unmount(self) -> None:
        self._cancel.set()
        if self._held is not None:
            self._held.release()
            self._held = None

    def on_store_updated(self, message: StoreUpdated) -> None:
        store = self._held.get("pods") if self._held is not None else None
        if store is None or not store.synced:
            return
        was = {uid: p.state for uid, p in self.progress.pods.items()}
        self.progress.gone({str(uid) for uid in store.rows})
        for uid, progress in self.progress.pods.items():
            if progress.state == "gone" and was[uid] != "gone":
                self._record(CHANGE, progress, "gone from the node", "")
        self.draw()

    # -- the writes ------------------------------------------------------------------------
    @work(group="drain", exclusive=True, exit_on_error=False, description="drain")
    async def drain(self) -> None:
        cluster = host(self.app).cluster
        try:
            await send_write(cluster, self.fix.writes[0])
            self.progress.cordon = "cordoned"
        except KubeError as error:
            self.progress.cordon = f"failed: {error.summary}"
            self._record_node(f"cordon node {self.node} (drain)", f"refused: {error.summary}")
            self._finish()
            return
        self._record_node(f"cordon node {self.node} (drain)", "done")
        self.draw()
        evicted = [p for p in self.progress.pods.values() if p.pod.action == EVICT]
        await asyncio.gather(*(self._evict(cluster, p, w)
                               for p, w in zip(evicted, self.fix.writes[1:], strict=True)))
        self.draw()

    async def _evict(self, cluster, progress: PodProgress, write: Write) -> None:
        clock = host(self.app).clock
        while not self._cancel.is_set():
            progress.state, progress.attempts = "evicting", progress.attempts + 1
            self.draw()
            try:
                await send_write(cluster, write)
            except KubeError as error:
                if error.status == 429:  # a PodDisruptionBudget (or APF): later, never forced
                    progress.state = "refused"
                    progress.detail = (error.hint if error.kind is ErrorKind.BUDGET
                                       else error.summary)
                    progress.retry_at = clock() + RETRY_SECONDS
                    if progress.attempts == 1:
                        self._record(ACTION, progress, f"refused: {progress.detail}; tried "
                                     f"again every {RETRY_SECONDS:.0f} s", write.describe())
                    self.draw()
                    try:
                        await asyncio.wait_for(self._cancel.wait(), RETRY_SECONDS)
                    except asyncio.TimeoutError:
                        continue
                    break
                if error.status == 404:
                    progress.state, progress.detail = "gone", ""
                    self._record(ACTION, progress, "gone already (404)", write.describe())
                else:
                    progress.state, progress.detail = "failed", error.summary
                    self._record(ACTION, progress, f"refused: {error.summary}",
                                 write.describe())
                self.draw()
                return
            if progress.state != "gone":
                progress.state, progress.detail, progress.retry_at = "evicted", "", None
            self._record(ACTION, progress, f"evicted (attempt {progress.attempts})",
                         write.describe())
            self.draw()
            return
        if progress.state in ("refused", "waiting", "evicting"):
            progress.state, progress.retry_at = "cancelled", None
            self._record(ACTION, progress, f"cancelled after {progress.attempts} attempts",
                         write.describe())
        self.draw()

    def _record(self, kind: str, progress: PodProgress, outcome: str, request: str) -> None:
        pod = progress.pod
        host(self.app).timeline.record(
            kind, f"evict pod {pod.namespace}/{pod.name} (drain of node {self.node})"
            if kind == ACTION else f"gone from node {self.node} (drain)",
            namespace=pod.namespace, object=f"pods/{pod.name}", outcome=outcome,
            details={"drain": self.node, **({"request": request} if request else {})})

    def _record_node(self, summary: str, outcome: str) -> None:
        host(self.app).timeline.record(ACTION, summary, namespace="", object=f"nodes/{self.node}",
                                       outcome=outcome)

    # -- drawing ---------------------------------------------------------------------------
    def draw(self) -> None:
        if not self.is_mounted:
            return
        now = host(self.app).clock()
        if self.progress.done and self.progress.finished_at is None:
            self._finish()
        self.query_one("#drain-summary", Static).update(plain(self.progress.summary(now)))
        lines = self.progress.lines(now)
        width = min(NAME_WIDTH, max((len(line.name) for line in lines), default=0))
        rows: list[str] = []
        for line in lines:
            name = line.name if len(line.name) <= width else line.name[:width - 1] + "…"
            rows.append(f"{name:<{width}}  {line.state}")
            rows.extend(f"    {note}" for note in line.notes)
        self.query_one("#drain-pods", Static).update(plain_lines("\n".join(rows)))

    def _finish(self) -> None:
        progress = self.progress
        if progress.finished_at is not None:
            return
        progress.finished_at = host(self.app).clock()
        self._ticker.stop()
        self._record_node(f"drain node {self.node}: finished",
                          progress.summary(progress.finished_at))
        self.app.notify(progress.summary(progress.finished_at), title=f"Drain {self.node}",
                        timeout=10)

    def action_cancel(self) -> None:
        if self.progress.done:
            return
        self.progress.cancelled = True
        self._cancel.set()
        self.draw()

    def action_leave(self) -> None:
        if not self.progress.done:
            self.action_cancel()
            self.app.notify("drain cancelled: nothing more is sent; the node stays cordoned",
                            title=f"Drain {self.node}")
        self.app.pop_screen()

