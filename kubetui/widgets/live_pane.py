"""A live pane: a status line, column headers, a ResourceTable, and a `/` filter box.

The pane never talks to the cluster: it is bound to a live store (``bind_store``) and renders
the ``Delta`` batches and ``ReflectorStatus`` changes the store tells it about, each as a
``StoreUpdated`` message on its own queue. A change from a store it no longer shows (the scope
moved on while the message waited) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.watch.reflector import Delta, ReflectorStatus
from kubetui.live.store import LiveStore, StoreChange
from kubetui.safe_text import plain, plain_lines
from kubetui.widgets.age_ticks import Timestamps
from kubetui.widgets.line_input import LineInput
from kubetui.widgets.resource_table import Column, ResourceTable, SortSpec


def text_matcher(text: str) -> Callable[[str], Any]:
    """Case-insensitive regex when ``text`` compiles as one, else a plain substring."""
    try:
        pattern = re.compile(text, re.IGNORECASE)
    except re.error:
        needle = text.lower()
        return lambda haystack: needle in haystack.lower()
    return pattern.search  # a match or None: called once per row per keystroke, kept bare


class StoreUpdated(Message):
    """A live store changed (a batch of rows, or its status); posted by the store's
    subscriber onto the view's own queue. It bubbles: the screen reacts to what it needs
    (the pods listed, the flows' levels listed) after the pane has applied it."""

    def __init__(self, change: StoreChange) -> None:
        super().__init__()
        self.change = change

    @property
    def store(self) -> LiveStore:
        return self.change.store


class LivePane(Guarded, Vertical):
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="pane.filter", key_display="/"),
        Binding("o", "next_sort", "Order", id="pane.sort"),
        Binding("O", "reverse_sort", "Reverse", show=False, id="pane.sort_reverse"),
        Binding("Y", "copy", "Copy name", show=False, id="pane.copy"),
    ]
    DEFAULT_CSS = """
    LivePane { height: 1fr; }
    LivePane > .pane-status { height: 1; background: $panel; padding: 0 1; }
    LivePane > .pane-status.-problem { background: $warning 30%; height: auto; max-height: 6; }
    LivePane > .pane-header { height: 1; text-style: bold; color: $text-muted; }
    LivePane > Input.pane-filter { dock: bottom; height: 1; border: none; padding: 0 1;
                                   display: none; background: $panel; }
    LivePane > Input.pane-filter.-open { display: block; }
    """

    class FilterChanged(Message):
        def __init__(self, pane: LivePane, text: str) -> None:
            super().__init__()
            self.pane, self.text = pane, text

    noun = "rows"
    sortable: tuple[str, ...] = ()

    def __init__(self, columns: list[Column], cells, sort_keys, *, default_sort: SortSpec,
                 style_of: Callable[[Any], str | None], clock: Callable[[], float],
                 id: str, timestamps: Timestamps = lambda row: ()) -> None:
        super().__init__(id=id)
        self.table = ResourceTable(columns, cells, sort_keys, style_of=style_of,
                                   default_sort=default_sort, clock=clock,
                                   timestamps=timestamps, id=f"{id}-table")
        self.scope_text = ""
        self.filter_text = ""
        self.status = ReflectorStatus("listing")
        self.synced = False
        self.note = ""  # advice shown after the status (e.g. namespaces readable after a 403)
        self.store: LiveStore | None = None
        self._unsubscribe = lambda: None

    # -- the store it shows --------------------------------------------------------------
    def bind_store(self, store: LiveStore | None) -> None:
        """Show ``store`` from now on (None: nothing): what it already holds at once, then
        every change it tells."""
        self._unsubscribe()
        self.store = store
        if store is None:
            self._unsubscribe = lambda: None
            return
        self._unsubscribe = store.subscribe(lambda change: self.post_message(StoreUpdated(change)))
        if store.rows or store.synced:
            self.apply(Delta(dict(store.rows), reset=True, synced=store.synced,
                             resource_version=store.resource_version))
        self.set_status(store.status)

    def store_rows(self) -> list[Any]:
        """What the bound store holds now (all rows, whatever the filter shows)."""
        return list(self.store.rows.values()) if self.store is not None else []

    def on_store_updated(self, message: StoreUpdated) -> None:
        if message.store is not self.store:
            message.stop()  # an earlier scope's change: nobody above wants it either
            return
        change = message.change
        if change.delta is not None:
            self.apply(change.delta)
        if change.status is not None:
            self.set_status(change.status)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def compose(self) -> ComposeResult:
        yield Static(classes="pane-status")
        yield Static(classes="pane-header")
        yield self.table
        yield LineInput(placeholder="filter: text or regex; l:app=web for a label selector",
                    classes="pane-filter")

    def on_mount(self) -> None:
        self.refresh_status()  # ages move with the clock through the table's own ticks

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_header)

    def _update_header(self) -> None:
        text = self.table.header_text()
        if text != getattr(self, "_header", None):
            self._header = text
            self.query_one(".pane-header", Static).update(plain(text))

    def set_columns(self, columns: list[Column]) -> None:
        """Swap the column set (e.g. NAMESPACE only when every namespace is shown)."""
        self.table.columns = columns
        self.table._widths = []
        if self.is_mounted:
            self._update_header()
            self.table.refresh()

    # -- data in -------------------------------------------------------------------------
    def apply(self, delta: Delta) -> None:
        self.table.apply(delta.upserts, delta.deletes, delta.reset)
        self.call_after_refresh(self._update_header)  # a scrollbar may have come or gone
        if delta.synced and not self.synced:
            self.synced = True
        if delta.synced and delta.reset:
            self.set_timer(0.5, self._warm_search)
        self.refresh_status()

    def _warm_search(self) -> None:
        """After a full list: the filter's texts, 5,000 rows per turn of the event loop, so
        that the first key typed after ``/`` over 100,000 pods is as quick as the next."""
        if not self.table.warm_search(self.search_text):
            self.set_timer(0.005, self._warm_search)

    def set_status(self, status: ReflectorStatus) -> None:
        self.status = status
        self.refresh_status()

    def set_scope(self, scope_text: str) -> None:
        self.scope_text = scope_text
        self.synced = False
        self.refresh_status()

    def status_text(self) -> tuple[str, bool]:
        count = len(self.table.order)
        total = len(self.table.rows)
        shown = f"{count}/{total}" if count != total else str(total)
        parts = [f"{self.noun} in {self.scope_text}", shown]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        s = self.status
        if s.state == "failed" and s.error:
            return " · ".join([*parts, f"stopped: {s.error}", *([self.note] if self.note
                                                                 else [])]), True
        if s.state == "backoff" and s.error:
            return " · ".join([*parts, f"reconnecting in {s.retry_in:.0f}s: "
                                       f"{s.error.summary}"]), True
        state = "live" if self.synced and s.state == "watching" else "loading…"
        return " · ".join([*parts, state]), False

    def refresh_status(self) -> None:
        if not self.is_mounted:
            return
        text, problem = self.status_text()
        if (text, problem) == getattr(self, "_status_shown", None):
            return  # an unchanged line is not repainted: nothing to send down the wire
        relayout = problem or getattr(self, "_status_shown", ("", False))[1]
        self._status_shown = (text, problem)
        status = self.query_one(".pane-status", Static)
        # A problem is shown whole (wrapped), never cut at the terminal's width.
        status.update(plain_lines(text) if problem else plain(text), layout=relayout)
        status.set_class(problem, "-problem")

    # -- filter and sort -----------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one(".pane-filter", Input)
        box.add_class("-open")
        box.value = self.filter_text
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """The filter applies as it is typed; Enter keeps it (and, on the pods pane, sends an
        ``l:`` label selector to the server), Escape drops it."""
        event.stop()
        if not event.input.has_class("-open"):
            return
        text = event.value.strip()
        if text != self.filter_text:
            self.filter_text = text
            self.apply_filter(text)
            self.refresh_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_filter(event.value.strip())

    def key_escape(self) -> None:
        box = self.query_one(".pane-filter", Input)
        if box.has_class("-open"):
            self._close_filter("")

    def _close_filter(self, text: str) -> None:
        box = self.query_one(".pane-filter", Input)
        box.remove_class("-open")
        typed, self.filter_text = self.filter_text, text
        self.post_message(self.FilterChanged(self, text))
        if text != typed:  # else already applied while it was typed
            self.apply_filter(text)
        self.table.focus()
        self.refresh_status()

    def apply_filter(self, text: str) -> None:
        """Client-side filtering; subclasses decide what a row's searchable text is."""
        if not text:
            self.table.set_filter(None)
            return
        self.table.set_filter(text=text_matcher(text), search_text=self.search_text)

    def search_text(self, row: Any) -> str:
        """What the filter searches in a row (built once per row version by the table)."""
        return str(row)

    def copy_value(self, row: Any) -> tuple[str, str]:
        """What ``Y`` copies from a row, and how the notification names it."""
        name = str(getattr(row, "name", row))
        return name, f"the name {name!r}"

    def action_copy(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            text, what = self.copy_value(row)
            host(self.app).copy_text(text, what)

    def action_next_sort(self) -> None:
        cols = self.sortable
        current = self.table.sort.column
        nxt = cols[(cols.index(current) + 1) % len(cols)] if current in cols else cols[0]
        self.table.set_sort(SortSpec(nxt, self.table.sort.reverse))
        self._update_header()

    def action_reverse_sort(self) -> None:
        self.table.set_sort(SortSpec(self.table.sort.column, not self.table.sort.reverse))
        self._update_header()
