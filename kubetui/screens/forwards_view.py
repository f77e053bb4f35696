"""The forwards view (``:pf``, ``ctrl+f``): each local port, what it reaches, the pod serving it
now, bytes each way, connections open, and its state in words (listening, waiting for its pod,
re-resolved, the last connection's failure). ``x`` stops the marked forwards or the one under
the cursor, ``p`` moves one to another local port, ``r`` sends an HTTP request through it.

The rows come from the app's list (``flows/forward_list.py``), redrawn when it says something
changed; while a connection is open the byte counts are redrawn once a second (nothing runs
while no connection is open).
"""

from __future__ import annotations

from textual.binding import Binding

from kubetui.formatting import human_bytes
from kubetui.host import host
from kubetui.intents.forwards import MoveForward, StopForwards
from kubetui.screens.table_screen import TableScreen
from kubetui.widgets.resource_table import Column

EMPTY = ("No port-forwards are open. F on a pod (pods pane, pod detail) or on a Service "
         "(:svc) opens one.")


def _state(row) -> str:
    words = row.state
    if row.note:
        words += f" · {row.note}"
    if row.error:
        words += f" · last connection: {row.error}"
    return words


class ForwardsView(TableScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="forwards.back"),
        Binding("r", "check", "Request", id="forwards.check"),
        Binding("x", "stop", "Stop", id="forwards.stop"),
        Binding("space", "mark", "Mark", id="forwards.mark"),
        Binding("p", "move", "Local port", id="forwards.move"),
    ]
    prefix = "forwards"
    empty_text = EMPTY
    sort_key = "number"

    def __init__(self) -> None:
        super().__init__(classes="forwards")
        self.marked: set[int] = set()
        self._unsubscribe = lambda: None

    def columns(self) -> list[Column]:
        return [Column("mark", "", width=1, min_width=1), Column("local", "LOCAL", width=15),
                Column("target", "TARGET", width=16, wide=(20, 120)),
                Column("namespace", "NAMESPACE", width=20, min_terminal=100),
                Column("pod", "POD", width=12, wide=(20, 120)),
                Column("io", "IN/OUT", width=11), Column("conn", "CONN", width=5, align="right"),
                Column("state", "STATE", min_width=14)]

    def on_mount(self) -> None:
        self._ticking = self.set_interval(1.0, self._redraw, pause=True)
        self._unsubscribe = host(self.app).forwards.subscribe(self._redraw)
        self._redraw()
        self.table.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._redraw)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def cells(self, row, now: float) -> dict[str, str]:
        namespace, _, ref = row.target.partition("/")
        return {"mark": "●" if row.number in self.marked else "", "local": row.local,
                "target": f"{ref}:{row.remote}", "namespace": namespace,
                "pod": f"{row.pod}:{row.pod_port}" if row.pod and row.state != "waiting"
                else "-",
                "io": f"{human_bytes(row.bytes_in)}/{human_bytes(row.bytes_out)}",
                "conn": f"{row.open}/{row.total}", "state": _state(row)}

    def detail(self, row) -> str:
        """The row under the cursor in full: at 80 columns its state is cut in the table."""
        serving = f" (pod {row.pod}:{row.pod_port})" if row.pod and row.state != "waiting" \
            else ""
        return f"{row.local} → {row.target}:{row.remote}{serving}\n{_state(row)}"

    def _redraw(self) -> None:
        rows = host(self.app).forwards.rows()
        table = self.table
        keys = {r.key: r for r in rows}
        self.marked &= {r.number for r in rows}
        with self.app.batch_update():
            table.apply(keys, [k for k in table.rows if k not in keys])
        open_now = sum(r.open for r in rows)
        self.shown(f"Port-forwards: {len(rows)} · {open_now} connection"
                   f"{'s' * (open_now != 1)} open"
                   + (f" · {len(self.marked)} marked" if self.marked else ""))
        if open_now:
            self._ticking.resume()
        else:
            self._ticking.pause()

    def _current(self):
        return self.table.cursor_row

    def action_mark(self) -> None:
        row = self._current()
        if row is not None:
            self.marked ^= {row.number}
            self.table.action_cursor(1)
            self._redraw()

    def action_stop(self) -> None:
        numbers = tuple(sorted(self.marked)) or (
            (self._current().number,) if self._current() is not None else ())
        if numbers:
            self.marked.clear()
            self.post_message(StopForwards(numbers))

    def action_move(self) -> None:
        row = self._current()
        if row is None:
            return
        from kubetui.screens.text_prompt import TextPrompt

        self.app.push_screen(
            TextPrompt(f"new local port for {row.local} (0: a free one)"),
            lambda typed: typed is not None and self.post_message(MoveForward(row.number,
                                                                              typed)))

    def action_check(self) -> None:
        row = self._current()
        if row is None:
            return
        from kubetui.screens.http_check import HttpCheckScreen

        self.app.push_screen(HttpCheckScreen(row))
