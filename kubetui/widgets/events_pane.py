"""The events pane: LAST SEEN, TYPE, REASON, OBJECT, COUNT, MESSAGE; warnings stand out.

``f`` follows the object selected last: the pod in the pods pane, or any object in a kind's
view (a Deployment, a Service...), by the one event rule (``about_object``); otherwise every
event in the scope is shown, newest first.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from kubetui.formatting import human_duration
from kubetui.intents.kinds import ObjectRef
from kubetui.intents.text import ShowText
from kubetui.k8s.core.events import EventRow, about_object, event_text
from kubetui.widgets.live_pane import LivePane, text_matcher
from kubetui.widgets.resource_table import Column, SortSpec


def event_columns(all_namespaces: bool) -> list[Column]:
    cols = [Column("namespace", "NAMESPACE", 14)] if all_namespaces else []
    return cols + [
        Column("last_seen", "LAST", 6, align="right"),
        Column("type", "TYPE", 7),
        Column("reason", "REASON", 15),
        Column("object", "OBJECT", 22),
        Column("count", "COUNT", 5, align="right"),
        # 25: at 80 columns the message keeps room to be read (OBJECT gives way first).
        Column("message", "MESSAGE", 0, min_width=25),
    ]


def event_cells(row: EventRow, now: float) -> dict[str, str]:
    return {"namespace": row.namespace,
            "last_seen": human_duration(now - row.last_seen) if row.last_seen else "?",
            "type": row.type, "reason": row.reason, "object": row.object_ref,
            "count": str(row.count), "message": row.message}


EVENT_SORT_KEYS = {
    "last_seen": lambda r: (r.last_seen or 0, r.uid),
    "type": lambda r: (r.type, -(r.last_seen or 0)),
    "reason": lambda r: (r.reason, -(r.last_seen or 0)),
    "object": lambda r: (r.object_ref, -(r.last_seen or 0)),
    "count": lambda r: (r.count, r.last_seen or 0),
}


class EventsPane(LivePane):
    BINDINGS = [Binding("f", "toggle_follow", "Follow", id="events.follow"),
                Binding("enter", "show_event", "Whole event", id="events.show")]
    noun = "events"
    sortable = ("last_seen", "type", "reason", "object", "count")

    def __init__(self, all_namespaces: bool, clock: Callable[[], float]) -> None:
        super().__init__(event_columns(all_namespaces), event_cells, EVENT_SORT_KEYS,
                         default_sort=SortSpec("last_seen", reverse=True),
                         style_of=lambda r: "event-warning" if r.is_warning else None,
                         clock=clock, id="events-pane", timestamps=lambda r: (r.last_seen,))
        self.follow = False
        self.selected: ObjectRef | None = None

    def show_namespace(self, all_namespaces: bool) -> None:
        self.set_columns(event_columns(all_namespaces))

    def select_pod(self, pod) -> None:
        self.select(ObjectRef("Pod", pod.uid, pod.name, pod.namespace) if pod else None)

    def select(self, ref: ObjectRef | None) -> None:
        changed = ref != self.selected
        self.selected = ref
        if self.follow and changed:
            self.apply_filter(self.filter_text)
            self.refresh_status()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        self.apply_filter(self.filter_text)
        self.refresh_status()

    def apply_filter(self, text: str) -> None:
        match = text_matcher(text) if text else None
        ref = self.selected if self.follow else None
        if match is None and ref is None:
            self.table.set_filter(None)
            return

        followed = None
        if ref is not None:
            kind, uid, name, namespace = ref.kind, ref.uid, ref.name, ref.ns

            def followed(row: EventRow) -> bool:
                return about_object(row, kind, uid, name, namespace)

        self.table.set_filter(followed, text=match, search_text=self.search_text)

    def search_text(self, row: EventRow) -> str:
        return f"{row.type} {row.reason} {row.object_ref} {row.message}"

    def action_show_event(self) -> None:
        """The table cuts a long message and leaves fields out: enter shows the event whole."""
        row = self.table.cursor_row
        if row is not None:
            self.post_message(ShowText(f"{row.type} {row.reason} · {row.object_ref}",
                                       event_text(row, self.table.clock()),
                                       f"the {row.reason} event"))

    def copy_value(self, row: EventRow) -> tuple[str, str]:
        """An event is copied whole: its message is what an SRE pastes into the incident."""
        text = (f"{row.type} {row.reason} {row.object_kind.lower()}/{row.object_name}: "
                f"{row.message}")
        return text, f"the {row.reason} event"

    def status_text(self) -> tuple[str, bool]:
        text, problem = super().status_text()
        if self.follow:
            who = (f"{self.selected.kind.lower()}/{self.selected.name}" if self.selected
                   else "nothing selected")
            text = f"following {who} · {text}"
        return text, problem
