"""The pod detail's Debug tab: its ephemeral debug containers (name, state, image, target,
age), updated in place by name as the pod's watch changes them; the selected one is what
``a``, ``s`` and ``l`` act on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kubetui.formatting import human_duration
from kubetui.guard import Guarded
from kubetui.k8s.debug.follow import EphemeralRow
from kubetui.safe_text import visible

KEYS = "ephemeral debug containers · D add one · a attach · s shell · l logs"


class EphemeralList(Guarded, Vertical):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[EphemeralRow, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(KEYS, id="debug-title")
        yield DataTable(id="debug-table", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("NAME", "STATE", "IMAGE", "TARGET", "AGE")

    def show(self, rows: tuple[EphemeralRow, ...], now: float) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        keys = {row.name for row in rows}
        for key in [k.value for k in table.rows if k.value not in keys]:
            table.remove_row(key)
        for row in rows:
            cells = [Text(visible(v)) for v in (
                row.name, row.state, row.image, row.target,
                human_duration(now - row.started) if row.started else "-")]
            if row.name in {k.value for k in table.rows}:
                for column, cell in zip(table.columns, cells, strict=True):
                    table.update_cell(row.name, column, cell)
            else:
                table.add_row(*cells, key=row.name)
        self.query_one("#debug-title", Static).update(
            KEYS if rows else "no ephemeral debug containers yet · D adds one")

    def selected(self) -> EphemeralRow | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.rows if r.name == key), None)
