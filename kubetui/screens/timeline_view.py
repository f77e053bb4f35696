"""The incident timeline (``:timeline``, ``I``): this session's entries, newest last, live.

``f`` shows one kind of entry at a time (actions, probes, forwards, notes...), ``/`` keeps the
entries whose object or summary holds the text typed, ``enter`` shows an entry whole (its
kubectl equivalent and the server's dry run), ``a`` adds a note of your own, time-stamped, and
``Y`` copies the session as Markdown (the export of ``kubetui timeline export``), ``ctrl+s``
writes it to a new file (Markdown, or JSON for a name ending ``.json``; nothing is overwritten).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kubetui.host import host
from kubetui.safe_text import plain
from kubetui.screens.table_screen import TableScreen
from kubetui.timeline.entries import KINDS, NOTE, Entry
from kubetui.timeline.export import as_json, markdown, utc
from kubetui.widgets.resource_table import Column


@dataclass
class TimelineSaved(Message):
    path: str
    entries: int
    error: str = ""


class Row:
    """An entry as the table draws it, keyed by its place in the session."""

    __slots__ = ("entry", "key")

    def __init__(self, key: int, entry: Entry) -> None:
        self.key, self.entry = key, entry


def _where(e: Entry) -> str:
    return "/".join(p for p in (e.namespace, e.object) if p)


def whole(entry: Entry) -> str:
    """An entry in full, for ``enter``."""
    lines = [f"{utc(entry.time)} UTC · {entry.kind} · context {entry.context or '-'}",
             f"where: {_where(entry) or '-'}",
             "", entry.summary]
    if entry.outcome:
        lines += ["", f"outcome: {entry.outcome}"]
    if entry.kubectl:
        lines += ["", "kubectl equivalent:", entry.kubectl]
    if entry.dry_run:
        lines += ["", "the server's dry run:", entry.dry_run]
    if entry.details:
        lines += ["", json.dumps(entry.details, indent=2, ensure_ascii=False)]
    return "\n".join(lines)


class TimelineView(TableScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="timeline.back"),
        Binding("enter", "open", "Whole", id="timeline.open"),
        Binding("a", "note", "Add note", id="timeline.note"),
        Binding("f", "kind", "Kind", id="timeline.kind"),
        Binding("slash", "search", "Filter", id="timeline.filter", key_display="/"),
        Binding("Y", "copy", "Copy as Markdown", id="timeline.copy"),
        Binding("ctrl+s", "save", "Save", id="timeline.save"),
    ]
    prefix = "timeline"

    def __init__(self) -> None:
        super().__init__(classes="timeline")
        self.only_kind = ""  # "" every kind
        self.only_text = ""  # the filter typed
        self._unsubscribe = lambda: None

    def columns(self) -> list[Column]:
        return [Column("time", "TIME (UTC)", width=10), Column("kind", "WHAT", width=7),
                Column("object", "OBJECT", width=18, wide=(30, 120), min_terminal=100),
                Column("summary", "SUMMARY", min_width=20),
                Column("outcome", "OUTCOME", width=12, wide=(24, 120))]

    def cells(self, row: Row, now: float) -> dict[str, str]:
        e = row.entry
        return {"time": utc(e.time)[11:], "kind": e.kind, "object": _where(e),
                "summary": e.summary, "outcome": e.outcome}

    def detail(self, row: Row) -> str:
        """The entry under the cursor, its summary and outcome whole (cut in the table)."""
        e = row.entry
        return (f"{utc(e.time)} {e.kind} {_where(e)}\n{e.summary}"
                + (f"\n→ {e.outcome}" if e.outcome else ""))

    def on_mount(self) -> None:
        timeline = host(self.app).timeline
        self._unsubscribe = timeline.subscribe(lambda entry: self.app.call_later(self._show))
        self._show()
        self.table.focus()
        self.table.action_edge(1)  # the newest

    def on_unmount(self) -> None:
        self._unsubscribe()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show)

    def _keep(self, row: Row) -> bool:
        e = row.entry
        said = f"{_where(e)} {e.summary}".lower()
        return (not self.only_kind or e.kind == self.only_kind) and (
            not self.only_text or self.only_text.lower() in said)

    def _show(self) -> None:
        if not self.is_attached:
            return
        timeline = host(self.app).timeline
        table = self.table
        rows = {i: Row(i, e) for i, e in enumerate(timeline.entries)}
        at_end = table.cursor >= len(table.order) - 1
        with self.app.batch_update():
            table.apply({k: v for k, v in rows.items() if k not in table.rows})
            table.set_filter(self._keep if self.only_kind or self.only_text else None)
            if at_end:
                table.action_edge(1)  # newest last, followed while the cursor is there
        where = timeline.path.name if timeline.path else "not recorded"
        narrowed = " · ".join(p for p in (self.only_kind and f"only {self.only_kind}",
                                          self.only_text and f"/{self.only_text}") if p)
        self.query_one("#timeline-empty", Static).update(plain(
            "No entry matches (f: every kind, / and enter on nothing: every object)."
            if rows else "Nothing recorded yet: the actions, probe runs, sessions and "
            "port-forwards of this session appear here." if timeline.enabled else
            "The timeline is off (timeline = false in the config)."))
        # the file name last: at 80 columns it is what is cut, not the filter in use
        self.shown(f"Timeline: {len(table.order)} of {len(rows)} entries"
                   + (f" · {narrowed}" if narrowed else "") + f" · {where}")

    def action_open(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            from kubetui.screens.text_view import TextView

            self.app.push_screen(TextView(f"{row.entry.kind} at {utc(row.entry.time)} UTC",
                                          whole(row.entry), "the timeline entry"))

    def action_note(self) -> None:
        from kubetui.screens.text_prompt import TextPrompt

        self.app.push_screen(TextPrompt("a note for the timeline (what you saw, decided, did)"),
                             self._noted)

    def _noted(self, text: str | None) -> None:
        if text and text.strip():
            host(self.app).timeline.record(NOTE, text.strip())

    def action_kind(self) -> None:
        order = ("", *KINDS)
        self.only_kind = order[(order.index(self.only_kind) + 1) % len(order)]
        self._show()

    def action_search(self) -> None:
        from kubetui.screens.text_prompt import TextPrompt

        self.app.push_screen(TextPrompt("keep the entries whose object or summary holds…",
                                        self.only_text), self._searched)

    def _searched(self, text: str | None) -> None:
        if text is not None:
            self.only_text = text.strip()
            self._show()

    def action_copy(self) -> None:
        timeline = host(self.app).timeline
        host(self.app).copy_text(markdown(timeline.entries, timeline.path.name
                                          if timeline.path else ""), "the timeline as Markdown")


    def action_save(self) -> None:
        timeline = host(self.app)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(timeline.clock()))
        default = f"kubetui-timeline-{stamp}.md"
        from kubetui.screens.text_prompt import TextPrompt

        self.app.push_screen(TextPrompt(
            f"save {len(timeline.timeline.entries)} entries to (a new file; .json: as JSON; "
            "a directory: this name in it)", default), lambda typed: self._save(typed, default))

    def _save(self, typed: str | None, default: str) -> None:
        if typed is not None:
            timeline = host(self.app).timeline
            self._write(typed, default, list(timeline.entries),
                        timeline.path.name if timeline.path else "")

    @work(thread=True, group="timeline-save", exit_on_error=False,
          description="timeline: save")
    def _write(self, typed: str, default: str, entries: list[Entry], source: str) -> None:
        from kubetui.k8s.logs.export import SaveError, target_path, write_new

        try:
            path = target_path(typed, default)
            text = as_json(entries) if path.suffix == ".json" else markdown(entries, source)
            write_new(path, text.rstrip("\n").split("\n"))
        except SaveError as error:
            self.post_message(TimelineSaved("", 0, str(error)))
            return
        self.post_message(TimelineSaved(str(path), len(entries)))

    def on_timeline_saved(self, message: TimelineSaved) -> None:
        if message.error:
            self.app.notify(message.error, title="Save", severity="error")
        else:
            self.app.notify(f"{message.entries} entries saved to {message.path}",
                            title="Timeline")
