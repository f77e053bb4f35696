"""Any kind as a live table with the server's own columns (``kubectl get``'s, a CRD's printer
columns): priority-0 columns always, the wider ones (``-o wide``) as the terminal allows.

Rows are ``TableRow``s from a Table-form store; the columns come with the store
(``store.columns``) and are re-derived when the server sends new ones. Ages are drawn from
timestamps, not from the server's cells, so they keep moving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from textual.binding import Binding

from kubetui.access_keys import AccessAware
from kubetui.formatting import human_duration
from kubetui.intents.kinds import (
    DescribeObject,
    FixObject,
    ObjectRef,
    ObjectSelected,
    OpenLogs,
    OpenObject,
    OpenOwned,
    RevealSecret,
    TriageObject,
)
from kubetui.intents.pods import ForwardPorts
from kubetui.k8s.core.pods import parse_time
from kubetui.k8s.fixes.kinds import FIXES, fix_needs
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.config import KEYS, secret_keys
from kubetui.k8s.kinds.owners import lists_on_enter
from kubetui.k8s.kinds.table import NAME_AND_AGE, ColumnDef, TableRow, cell_text, columns_of
from kubetui.k8s.kinds.workloads import SET_REV
from kubetui.k8s.logs.sources import LOGGED
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.errors import ErrorKind
from kubetui.k8s.watch.reflector import Delta
from kubetui.live.kind_joins import KindJoin
from kubetui.live.store import LiveStore
from kubetui.widgets.live_pane import LivePane, StoreUpdated
from kubetui.widgets.resource_table import Column, ResourceTable, SortSpec

NAME_MIN = 16
WIDEST_CELL = 40  # a cell wider than this is cut (a long selector, a list of images)
# ... but kubetui's own words (a stalled rollout and its reason) whole where there is room:
# they give way to their ``ColumnDef.width`` on a narrow terminal
WIDEST_OWN_CELL = 64
SAMPLE = 300  # rows measured for the column widths
NUMERIC = ("integer", "number")
_UNSET = object()


def table_columns(defs: Sequence[ColumnDef], rows: Sequence[TableRow],
                  all_namespaces: bool) -> list[Column]:
    """The table's columns for ``defs``: NAME flexible, the others as wide as their widest
    sampled cell; priority-0 columns always shown, the others only at a terminal wide enough
    for everything before them (kubectl's ``-o wide`` at 160 columns, say)."""
    columns: list[Column] = []
    if all_namespaces:
        columns.append(Column("ns", "NAMESPACE", 16))
    needed = NAME_MIN + (17 if all_namespaces else 0)
    # the always-shown columns first, AGE last among them; then the wide ones
    ordered = sorted(range(len(defs)), key=lambda i: (defs[i].priority > 0, defs[i].is_age, i))
    for i in ordered:
        d = defs[i]
        title = d.name.upper()
        if d.format == "name" or (i == 0 and d.name.lower() == "name"):
            # short names give their room to the other columns at 80 wide
            longest = max((len(r.name) for r in rows[:SAMPLE]), default=NAME_MIN)
            columns.insert(1 if all_namespaces else 0,
                           Column(f"c{i}", title, 0,
                                  min_width=max(len(title) + 2, min(NAME_MIN, longest + 1))))
            continue
        if d.is_age:
            width = max(len(title), 5)
        else:
            sampled = (len(cell_text(r.cells[i])) for r in rows[:SAMPLE] if i < len(r.cells))
            widest = WIDEST_OWN_CELL if d.width else WIDEST_CELL
            width = min(widest, max(len(title), d.width, *sampled, 3))
        needed += width + 1
        columns.append(Column(f"c{i}", title, width,
                              align="right" if d.type in NUMERIC or d.is_age else "left",
                              min_terminal=needed if d.priority > 0 else 0,
                              keep=d.width))
    return columns


class KindPane(AccessAware, LivePane):
    """One kind in one scope; ``only`` narrows it to an owner's objects (enter on a
    Deployment shows its ReplicaSets here)."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="kind.open"),
        Binding("d", "describe", "Describe", id="kind.describe"),
        Binding("y", "yaml", "YAML", id="kind.yaml"),
        Binding("v", "reveal", "Reveal", id="kind.reveal"),
        Binding("exclamation_mark", "triage", "Why", id="kind.triage", key_display="!"),
        Binding("L", "logs", "Logs", id="kind.logs"),
        Binding("F", "forward", "Forward", id="kind.forward"),
        Binding("R", "fix('restart')", "Restart", id="kind.restart"),
        Binding("U", "fix('undo')", "Undo", id="kind.undo"),
        Binding("S", "fix('scale')", "Scale", id="kind.scale"),
        Binding("t", "fix('trigger')", "Trigger", id="kind.trigger"),
        Binding("s", "fix('suspend')", "Suspend/resume", id="kind.suspend"),
        Binding("ctrl+d", "fix('delete')", "Delete", id="kind.delete"),
    ]

    def __init__(self, kind: Kind, all_namespaces: bool, clock: Callable[[], float], *,
                 only: Callable[[TableRow], bool] | None = None,
                 extra: tuple[ColumnDef, ...] = (), join: KindJoin | None = None,
                 sort: str = "", select: str = "") -> None:
        """``extra``: the columns kubetui adds to the server's (``rich.py``); ``join``: columns
        from another kind's store (``bind_join``); ``sort``: the column to sort by at first
        (descending, but AGE: newest first)."""
        self.kind = kind
        self.extra = extra
        self.join = join
        self.join_stores: dict[str, LiveStore] = {}
        self._join_from = 0  # the index of the first join column in ``defs``
        self.first_sort = sort
        self.select = select  # a row's name: the cursor goes to it once it is listed
        self.noun = kind.plural
        self.all_namespaces = all_namespaces and kind.namespaced
        self.only = only
        self.defs: tuple[ColumnDef, ...] = ()
        self._raw_defs: object = _UNSET
        self._measured = False
        super().__init__([Column("c0", "NAME", 0, min_width=NAME_MIN)], self.cells,
                         {"c0": lambda r: r.name}, default_sort=SortSpec("c0"),
                         style_of=self.style_of, clock=clock, id="kind-pane",
                         timestamps=self.timestamps)
        self.sortable = ("c0",)

    # -- columns ---------------------------------------------------------------------------
    def apply(self, delta: Delta) -> None:
        if self.only is not None and delta.upserts:
            kept = {k: r for k, r in delta.upserts.items() if self.only(r)}
            delta = replace(delta, upserts=kept, deletes=delta.deletes | frozenset(
                delta.upserts.keys() - kept.keys()))
        raw = self.store.columns if self.store is not None else None
        if raw is not self._raw_defs or (delta.upserts and not self._measured):
            # new definitions, or the first rows to measure the columns on
            self._raw_defs = raw
            own = (columns_of(raw) if raw else NAME_AND_AGE) + self.extra
            self._join_from = len(own)
            self.defs = own + (self.join.columns if self.join is not None else ())
            self._new_columns(list(delta.upserts.values()))
        super().apply(delta)
        if self.select:
            row = next((r for r in delta.upserts.values() if r.name == self.select), None)
            if row is not None and self.table.select_key(row.key):
                self.select = ""

    def _joined_key(self, i: int) -> Callable[[TableRow], Any]:
        j = i - self._join_from

        def key(row: TableRow) -> Any:
            cells = self.joined(row)[0]
            return (cells[j] if j < len(cells) else "", row.name)
        return key

    def refit_columns(self) -> None:
        """Derive the columns again with the next rows (another scope: NAMESPACE comes or
        goes, the widths are measured on the new rows)."""
        self._raw_defs, self._measured = _UNSET, False

    def _new_columns(self, rows: list[TableRow]) -> None:
        self._measured = bool(rows)
        self.set_columns(table_columns(self.defs, rows, self.all_namespaces))
        keys: dict[str, Callable[[Any], Any]] = {"ns": lambda r: (r.namespace, r.name)}
        for i, d in enumerate(self.defs):
            keys[f"c{i}"] = _sort_key(i, d) if i < self._join_from else self._joined_key(i)
        self.table.sort_keys = keys
        self.sortable = tuple(c.key for c in self.table.columns)
        first = next((f"c{i}" for i, d in enumerate(self.defs)
                      if self.first_sort and d.name.lower() == self.first_sort.lower()), None)
        if first is not None:
            self.table.sort = SortSpec(first, reverse=not self.defs[int(first[1:])].is_age)
            self.first_sort = ""  # once: the user's o/O choices stand after
        elif self.table.sort.column not in keys:
            self.table.sort = SortSpec(self.table.columns[0].key)

    # -- rows ------------------------------------------------------------------------------
    def on_store_updated(self, message: StoreUpdated) -> None:
        if any(message.store is store for store in self.join_stores.values()):
            message.stop()
            if message.change.delta is not None:
                self.table.refresh()  # the joined cells of the rows on screen
            return
        super().on_store_updated(message)

    def bind_join(self, stores: dict[str, LiveStore]) -> None:
        self.join_stores = stores
        self.table.refresh()

    def joined(self, row: TableRow) -> tuple[tuple[str, ...], str]:
        if self.join is None or not self.join_stores:
            return (), ""
        return self.join.cells(self.join_stores, row, self.defs[:self._join_from])

    def cells(self, row: TableRow, now: float) -> dict[str, str]:
        out = {"ns": row.namespace}
        joined = self.joined(row)[0]
        for i, d in enumerate(self.defs):
            if i >= self._join_from:
                j = i - self._join_from
                out[f"c{i}"] = joined[j] if j < len(joined) else ""
                continue
            value = row.cells[i] if i < len(row.cells) else None
            if d.is_age:
                when = row.created if d.name.lower() == "age" else _when(value)
                out[f"c{i}"] = human_duration(now - when) if when else cell_text(value)
            elif d is SET_REV and row.revision and self._current(row):
                out[f"c{i}"] = f"{row.revision} current"
            else:
                out[f"c{i}"] = cell_text(value)
        return out

    def _current(self, row: TableRow) -> bool:
        """The newest revision among its controller's objects (a Deployment's current
        ReplicaSet) — the rows of one owner, from the store's index by controller."""
        owner = row.controller
        if owner is None or self.store is None:
            return False
        siblings = self.store.lookup("controller", _controller_uid, owner.uid)
        return row.revision >= max((r.revision for r in siblings), default=0)

    def timestamps(self, row: TableRow) -> tuple[float | None, ...]:
        return (row.created,)

    def style_of(self, row: TableRow) -> str | None:
        if row.deleting:
            return "pod-terminating"
        health = self.joined(row)[1] or row.health
        return f"pod-{health}" if health else None

    def search_text(self, row: TableRow) -> str:
        labels = " ".join(f"{k}={v}" for k, v in row.labels)
        return f"{row.namespace} {' '.join(cell_text(c) for c in row.cells)} {labels}"

    def status_text(self) -> tuple[str, bool]:
        text, problem = super().status_text()
        error = self.status.error
        if self.status.state == "failed" and error is not None and \
                error.kind == ErrorKind.FORBIDDEN and not self.note:
            where = "in every namespace" if self.all_namespaces else (
                f"in {self.scope_text}" if self.kind.namespaced else "(cluster-wide)")
            self.note = (f"you may not list {self.kind.qualified} {where}: it needs the rule "
                         f"list+watch on {self.kind.qualified}")
            return super().status_text()
        return text, problem

    # -- keys ------------------------------------------------------------------------------
    def action_open(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenOwned(self.kind, row, self.defs))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "reveal" and (self.kind.group, self.kind.kind) != ("", "Secret"):
            return False  # only a Secret has values to reveal
        if action == "logs" and (self.kind.group, self.kind.kind) not in LOGGED:
            return False  # no pods to read
        if action == "forward" and (self.kind.group, self.kind.kind) != ("", "Service"):
            return False  # a Service's pods serve its ports; other kinds have none
        if action == "fix" and (self.kind.group, self.kind.kind) not in FIXES.get(
                parameters[0] if parameters else "", ()):
            return False  # not this kind's: not shown
        return super().check_action(action, parameters)

    def needs(self, binding_id: str) -> tuple[Need, ...]:
        """Describe and YAML read the object; enter lists what it owns (or reads its YAML)."""
        kind = self.kind
        read = (Need("get", kind.plural, kind.group, cluster_scoped=not kind.namespaced),)
        if binding_id in ("kind.describe", "kind.yaml"):
            return read
        fix = binding_id.removeprefix("kind.")
        if fix in FIXES:
            return fix_needs(fix, kind)  # () when the key is not this kind's
        if binding_id == "kind.forward" and (kind.group, kind.kind) != ("", "Service"):
            return ()
        if binding_id == "kind.logs":
            return (Need("list", "pods"), Need("get", "pods/log")) if \
                (kind.group, kind.kind) in LOGGED else ()
        if binding_id == "kind.open":
            listed = lists_on_enter(kind.group, kind.kind)
            return (Need("list", listed[1], listed[0]),) if listed is not None else read
        return super().needs(binding_id)

    def access_namespace(self) -> str:
        row = self.table.cursor_row
        return row.namespace if row is not None and row.namespace else \
            super().access_namespace()

    def on_resource_table_cursor_moved(self, event: ResourceTable.CursorMoved) -> None:
        """The events pane follows the object under the cursor (``f``)."""
        row = event.row
        if row is not None and row.uid:
            self.post_message(ObjectSelected(ObjectRef(self.kind.kind, row.uid, row.name,
                                                       row.namespace)))

    def action_reveal(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return
        keys = next((secret_keys(cell_text(c)) for c, d in zip(row.cells, self.defs,
                                                                  strict=False)
                     if d is KEYS), [])
        self.post_message(RevealSecret(self.kind, row.namespace, row.name, tuple(keys)))

    def action_fix(self, action: str) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(FixObject(action, self.kind, row.namespace, row.name))

    def action_forward(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(ForwardPorts(row.namespace, "service", row.name))

    def action_logs(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenLogs(self.kind.group, self.kind.kind, row.namespace,
                                       row.name))

    def action_triage(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(TriageObject(self.kind.group, self.kind.kind, row.namespace,
                                           row.name))

    def action_describe(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(DescribeObject(self.kind, row.namespace, row.name))

    def action_yaml(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenObject(self.kind, row.namespace, row.name))


def _controller_uid(row: TableRow) -> tuple[str, ...]:
    owner = row.controller
    return (owner.uid,) if owner is not None else ()


def _when(value: Any) -> float | None:
    return parse_time(value) if isinstance(value, str) else None


def _sort_key(i: int, d: ColumnDef) -> Callable[[TableRow], Any]:
    if d.format == "name":
        return lambda r: r.name
    if d.name.lower() == "age":
        return lambda r: (-(r.created or 0), r.name)
    if d.type in NUMERIC:
        return lambda r: (_number(r.cells[i] if i < len(r.cells) else None), r.name)
    return lambda r: (cell_text(r.cells[i] if i < len(r.cells) else None), r.name)


def _number(value: Any) -> float:
    """A numeric cell's value: the server's numbers, and the ones kubetui writes as text (a
    revision); anything else sorts first."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    return float("-inf")
