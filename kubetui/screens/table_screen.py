"""A stacked view of one table of app-held rows (the port-forwards, the timeline): the cluster
bar, a title line, the column headers, the table, the row under the cursor whole below it (a
cell cut at 80 columns is read there), a line for when there is nothing, and the footer.

A subclass names its ids' ``prefix``, its ``columns``, how a row is drawn (``cells``) and said
in full (``detail``), and calls ``shown`` after each change of its rows.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.safe_text import plain, plain_lines
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.resource_table import Column, ResourceTable, SortSpec


class TableScreen(QuietBehind, Guarded, Screen):
    stacked_view = True  # closed by the app when ``:`` opens another view or a pane
    DEFAULT_CSS = """
    TableScreen .table-title { height: 1; text-style: bold; padding: 0 1; }
    TableScreen .table-header { height: 1; text-style: bold; color: $text-muted; }
    TableScreen .table-detail { height: auto; max-height: 6; padding: 0 1;
                                border-top: solid $panel; }
    TableScreen .table-empty { padding: 1 2; color: $text-muted; }
    """
    prefix = "table"
    empty_text = ""
    sort_key = "key"

    # -- for subclasses ----------------------------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def cells(self, row: Any, now: float) -> dict[str, str]:
        raise NotImplementedError

    def detail(self, row: Any) -> str:
        return ""

    # -- the shared part ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        p = self.prefix
        yield ClusterBar(host(self.app).info, host(self.app).readonly)
        yield Static(id=f"{p}-title", classes="table-title")
        yield Static(id=f"{p}-header", classes="table-header")
        yield ResourceTable(self.columns(), self.cells,
                            {self.sort_key: lambda r: getattr(r, self.sort_key)},
                            default_sort=SortSpec(self.sort_key), clock=host(self.app).clock,
                            id=f"{p}-table")
        yield Static(id=f"{p}-detail", classes="table-detail")
        yield Static(plain(self.empty_text), id=f"{p}-empty", classes="table-empty")
        yield FitFooter()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def shown(self, title: str) -> None:
        """After the rows changed: the title, the headers, the detail, the empty line."""
        table, p = self.table, self.prefix
        rows = bool(table.order)
        table.display = bool(table.rows)
        self.query_one(f"#{p}-title", Static).update(plain(title))
        self.query_one(f"#{p}-header", Static).update(plain(table.header_text()))
        self.query_one(f"#{p}-detail").display = rows
        self.query_one(f"#{p}-empty").display = not rows
        self._detail()

    def on_resource_table_cursor_moved(self) -> None:
        self._detail()

    def _detail(self) -> None:
        row = self.table.cursor_row
        self.query_one(f"#{self.prefix}-detail", Static).update(
            plain_lines("" if row is None else self.detail(row)))
