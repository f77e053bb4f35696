"""``d`` in a kind's view: the object described as ``kubectl describe`` lays it out, with its
events at the end, live.

The object is read when the screen opens and with ``r``; its events come from the events store
of its namespace (the main screen's when it shows that namespace: no second watch), so a new
event appears as it happens. The store is given back when the screen closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.core.events import event_row
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.describe import describe_object
from kubetui.k8s.kinds.objects import read_object
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import uid_of
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.queries import events_about
from kubetui.safe_text import plain, plain_lines
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.live_pane import StoreUpdated


@dataclass
class ObjectRead(Message):
    obj: dict | None
    error: KubeError | None = None


class ObjectDescribeScreen(QuietBehind, Guarded, Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="describe.back"),
        Binding("r", "reload", "Reload", id="describe.reload"),
        Binding("Y", "copy", "Copy", id="describe.copy"),
    ]
    DEFAULT_CSS = """
    ObjectDescribeScreen #describe-title { height: 1; text-style: bold; padding: 0 1; }
    """

    def __init__(self, kind: Kind, namespace: str, name: str) -> None:
        super().__init__(classes="object-describe")
        self.kind, self.namespace, self.object_name = kind, namespace, name
        self.obj: dict | None = None
        self.text = ""
        self._held: Held | None = None

    def compose(self) -> ComposeResult:
        where = f"{self.namespace}/" if self.namespace else ""
        yield Static(plain(f"{self.kind.kind.lower()} {where}{self.object_name} · describe"),
                     id="describe-title")
        with VerticalScroll():
            yield Static("loading…", id="object-describe-body")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        if self.namespace:
            self._held = Held(host(self.app).stores,
                              lambda change: self.post_message(StoreUpdated(change)))
            self._held.acquire("events", ResourceScope("v1", "events", self.namespace),
                               event_row, covering=True)
        self.action_reload()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()

    def action_reload(self) -> None:
        self.read()

    @work(exclusive=True, group="object-describe", exit_on_error=False)
    async def read(self) -> None:
        try:
            obj = await read_object(host(self.app).cluster, self.kind, self.namespace,
                                    self.object_name)
        except KubeError as error:
            self.post_message(ObjectRead(None, error))
            return
        self.post_message(ObjectRead(obj))

    def on_object_read(self, message: ObjectRead) -> None:
        if message.error is not None:
            self.query_one("#object-describe-body", Static).update(
                plain_lines(f"{message.error}\n\nesc: back", style="bold"))
            return
        self.obj = message.obj
        self._render_text()

    def on_store_updated(self, message: StoreUpdated) -> None:
        if message.change.delta is not None:
            self._render_text()

    def _render_text(self) -> None:
        if self.obj is None:
            return
        store = self._held.get("events") if self._held is not None else None
        uid = uid_of(self.obj)
        events = events_about(store, self.kind.kind, uid, self.object_name, self.namespace) \
            if store is not None and store.synced else None
        text = describe_object(self.obj, self.kind.group, host(self.app).clock(), events)
        if text != self.text:
            self.text = text
            self.query_one("#object-describe-body", Static).update(
                plain_lines(text.expandtabs(24)))

    def action_copy(self) -> None:
        if self.text:
            host(self.app).copy_text(self.text.expandtabs(24), "the describe")

