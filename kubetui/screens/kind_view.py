"""One kind's live view (``:deploy``, ``:svc``, any CRD): the cluster bar, what is shown, the
server's columns, the footer. Escape goes back to where it was opened from.

The rows come from a Table-form store taken from the app's registry when the screen mounts and
given back when it closes, so a closed view stops its watch and two views of one scope share
one. A view opened for an owner (a Deployment's ReplicaSets) keeps the owner's namespace and
shows only its objects; a plain view follows the app's namespace (``n``, ``:ns NAME``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kubetui.guard import Guarded
from kubetui.host import host
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.rich import Rich, rich_for
from kubetui.k8s.kinds.table import TableRow, table_row
from kubetui.k8s.transport.cluster import ClusterInfo
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.kind_joins import KindJoin, join_for
from kubetui.safe_text import plain
from kubetui.screens.quiet import QuietBehind
from kubetui.widgets.cluster_bar import ClusterBar
from kubetui.widgets.fit_footer import FitFooter
from kubetui.widgets.kind_pane import KindPane
from kubetui.widgets.live_pane import StoreUpdated


@dataclass(frozen=True)
class KindView:
    """What a kind view shows: ``namespace`` None for every namespace (or a cluster-scoped
    kind); ``owner_uid`` narrows it to one owner's objects (``title`` says whose)."""

    kind: Kind
    namespace: str | None
    owner_uid: str = ""
    title: str = ""
    follows_scope: bool = True  # False: an owner's objects stay in the owner's namespace
    sort: str = ""  # a column to sort by at first, descending ("Rev": the current set first)
    select: str = ""  # the row to put the cursor on when it arrives (a pod's top controller)

    @property
    def rich(self) -> Rich | None:
        return rich_for(self.kind.group, self.kind.kind)

    @property
    def join(self) -> KindJoin | None:
        return join_for(self.kind.group, self.kind.kind)

    def scope(self) -> ResourceScope:
        ns = self.namespace if self.kind.namespaced else None
        return ResourceScope(self.kind.group_version, self.kind.plural, ns, table=True,
                             include_object=self.rich is not None)

    def transform(self) -> Callable[[dict], TableRow]:
        rich = self.rich
        return rich.transform if rich is not None else table_row

    def only(self) -> Callable[[TableRow], bool] | None:
        uid = self.owner_uid
        if not uid:
            return None
        return lambda row: any(o.uid == uid for o in row.owners)

    def heading(self) -> str:
        where = ("the cluster" if not self.kind.namespaced else
                 "all namespaces" if self.namespace is None else self.namespace)
        return f"{self.title or self.kind.qualified} · {where}"


class KindScreen(QuietBehind, Guarded, Screen):
    stacked_view = True  # closed by the app when ``:`` opens another view or a pane
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="kind.back")]
    DEFAULT_CSS = """
    KindScreen #kind-title { height: 1; text-style: bold; padding: 0 1; }
    """

    def __init__(self, view: KindView, info: ClusterInfo) -> None:
        super().__init__(classes="kind-view")
        self.view = view
        self._info = info
        rich = view.rich
        self.pane = KindPane(view.kind, view.namespace is None, host(self.app).clock,
                             only=view.only(), extra=rich.columns if rich else (),
                             join=view.join, sort=view.sort, select=view.select)
        self._held: Held | None = None

    def compose(self) -> ComposeResult:
        yield ClusterBar(self._info, host(self.app).readonly)
        yield Static(plain(self.view.heading()), id="kind-title")
        yield self.pane
        yield FitFooter()

    def on_mount(self) -> None:
        self._hold()
        self.pane.table.focus()

    def _hold(self) -> None:
        old = self._held
        self._held = Held(host(self.app).stores)
        store = self._held.acquire("rows", self.view.scope(), self.view.transform(),
                                   what=f"watch {self.view.kind.qualified}")
        join = self.view.join
        if join is not None:  # joined columns: their stores, told to the pane as they change
            sources = join.sources(self._info.discovery, self.view.scope().namespace)
            self.pane.bind_join({name: self._held.acquire(
                name, scope, transform, what=f"watch {scope.plural}",
                listen=lambda change: self.pane.post_message(StoreUpdated(change)))
                for name, (scope, transform) in sources.items()})
        where = self.view.heading().rsplit(" · ", 1)[-1]
        self.pane.set_scope(where)
        self.pane.note = ""
        self.pane.bind_store(store)
        if old is not None:
            old.release()

    def show_info(self, info: ClusterInfo) -> None:
        """The app's namespace changed: a plain view follows it."""
        self._info = info
        self.query_one(ClusterBar).info = info
        other_cluster = self._held is not None and self._held.registry is not \
            host(self.app).stores
        namespace = None if info.all_namespaces else info.namespace
        if not other_cluster and (not self.view.follows_scope or
                                  namespace == self.view.namespace):
            return
        if not self.view.follows_scope:
            namespace = self.view.namespace  # another cluster: the same objects, if there
        self.view = replace(self.view, namespace=namespace)
        self.query_one("#kind-title", Static).update(plain(self.view.heading()))
        self.pane.all_namespaces = namespace is None and self.view.kind.namespaced
        self.pane.refit_columns()
        self._hold()

    def on_unmount(self) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None
