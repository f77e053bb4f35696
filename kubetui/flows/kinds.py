"""Kinds: ``:deploy`` to a kind's view, enter down the owner chain, ``y`` to an object's YAML.

The catalog of kinds (``k8s/kinds/catalog.py``) is read once per connection, the first time a
``:`` prompt opens or a kind is asked for, and kept here. Kinds kubetui has a pane for (pods,
events, PVCs, nodes, snapshots) open that pane: the same names reach the same view.
"""

from __future__ import annotations

from collections.abc import Callable

from kubetui.flows.base import Flow
from kubetui.k8s.kinds.catalog import Catalog, Kind
from kubetui.k8s.kinds.owners import Link, children_of, owner_chain
from kubetui.k8s.kinds.table import ColumnDef, TableRow, row_with
from kubetui.k8s.transport.errors import KubeError
from kubetui.palette import palette_label
from kubetui.recent import remember_kind
from kubetui.safe_text import visible

#: (group, plural) -> the main screen's pane that shows it
PANES = {("", "pods"): "pods", ("", "events"): "events", ("", "persistentvolumeclaims"): "pvc",
         ("", "nodes"): "nodes", ("snapshot.storage.k8s.io", "volumesnapshots"): "snapshots",
         ("events.k8s.io", "events"): "events"}


class KindsFlow(Flow):
    def __init__(self, app) -> None:
        super().__init__(app)
        self.catalog: Catalog | None = None
        self._for_connection = -1
        self._waiting: list[Callable[[Catalog], None]] = []

    # -- the catalog ---------------------------------------------------------------------------
    def with_catalog(self, step: Callable[[Catalog], None] | None = None) -> None:
        """Run ``step`` with this connection's catalog, reading it first if need be."""
        connection = self.host.connection
        if self.catalog is not None and self._for_connection == connection:
            if step is not None:
                step(self.catalog)
            return
        if step is not None:
            self._waiting.append(step)
        self.run(self._load(connection), group="kinds-catalog", name="discover kinds")

    async def _load(self, connection: int) -> None:
        try:
            catalog = await self._read()
        except KubeError as error:
            self._waiting.clear()
            self.notify(f"could not read the server's kinds: {error}", title="Kinds",
                        severity="error")
            return
        self.then(self._loaded, catalog, connection)

    async def _read(self) -> Catalog:
        from kubetui.k8s.kinds.discover import load_catalog

        return await load_catalog(self.host.cluster)

    def _loaded(self, catalog: Catalog, connection: int) -> None:
        if connection != self.host.connection:
            return  # another cluster since: its own read is on the way
        self.catalog, self._for_connection = catalog, connection
        waiting, self._waiting = self._waiting, []
        for step in waiting:
            step(catalog)

    def completions(self) -> list[str]:
        if self.catalog is None or self._for_connection != self.host.connection:
            return []
        return self.catalog.completions()

    # -- opening -------------------------------------------------------------------------------
    def jump(self, name: str, all_namespaces: bool = False) -> None:
        """``:name``: resolved against the server's catalog."""
        if name == "health":
            self.health()
            return

        def step(catalog: Catalog) -> None:
            found = catalog.resolve(name)
            if found.kind is None:
                self.notify(found.error, title="Kinds", severity="warning")
                return
            if found.others:
                self.notify(f"{found.kind.qualified}; also served as {', '.join(found.others)}",
                            title=name, timeout=4)
            remember_kind(name)
            self.open(found.kind, all_namespaces)

        self.with_catalog(step)

    def open(self, kind: Kind, all_namespaces: bool = False) -> None:
        from kubetui.screens.kind_view import KindScreen, KindView

        pane = PANES.get((kind.group, kind.plural))
        if pane is not None:
            self.host.show_main_pane(pane)
            return
        if not kind.listable:
            self.notify(f"{kind.qualified} cannot be listed (verbs: "
                        f"{', '.join(sorted(kind.verbs)) or 'none'})", title="Kinds",
                        severity="warning")
            return
        info = self.host.info
        namespace = None if all_namespaces or info.all_namespaces else info.namespace
        self.host.replace_views(KindScreen(KindView(kind, namespace), info))

    def owned(self, kind: Kind, row: TableRow, columns: tuple[ColumnDef, ...] = ()) -> None:
        """Enter on an object: down the owner chain, else its YAML."""
        if not row.uid:  # drawn from the server's cells, its object not read yet
            self.notify(f"{row.name}: its object is still being read; enter again in a moment",
                        title="Kinds")
            return
        children = children_of(kind.group, kind.kind, row, columns)
        if children is None:
            self.yaml(kind, row.namespace, row.name)
            return
        if children.pods:
            from kubetui.screens.owned_pods import OwnedPodsScreen

            self.app.push_screen(OwnedPodsScreen(children))
            return

        def step(catalog: Catalog) -> None:
            from kubetui.screens.kind_view import KindScreen, KindView

            child = catalog.find(children.group, children.plural)
            if child is None:
                self.notify(f"the server does not serve {children.plural}.{children.group}",
                            title="Kinds", severity="warning")
                return
            view = KindView(child, children.namespace, owner_uid=children.owner_uid,
                            title=children.title, follows_scope=False,
                            sort="Rev" if children.plural == "replicasets" else "Age")
            self.app.push_screen(KindScreen(view, self.host.info))

        self.with_catalog(step)

    def owned_by(self, group: str, kind_name: str, namespace: str, name: str, uid: str) -> None:
        """What one named object owns (its uid from an owner reference)."""
        def step(catalog: Catalog) -> None:
            kind = self._served(catalog, group, kind_name, "Kinds")
            if kind is not None:
                self.owned(kind, row_with({"cells": [name], "object": {"metadata": {
                    "name": name, "namespace": namespace, "uid": uid}}}))

        self.with_catalog(step)

    def _served(self, catalog: Catalog, group: str, kind_name: str, title: str) -> Kind | None:
        kind = catalog.of_kind(group, kind_name)
        if kind is None:
            self.notify(f"{kind_name} is not a kind this server serves", title=title,
                        severity="warning")
        return kind

    def logs(self, group: str, kind_name: str, namespace: str, name: str) -> None:
        """``L``: the logs of every pod of a workload, a Service or a CronJob, in one stream
        (the object is read for its selector)."""
        def step(catalog: Catalog) -> None:
            kind = self._served(catalog, group, kind_name, "Logs")
            if kind is not None:
                self.run(self._read_for_logs(kind, namespace, name), group="logs-open",
                         name=f"read {name} for its logs")

        self.with_catalog(step)

    async def _read_for_logs(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.kinds.objects import read_object
        from kubetui.k8s.logs.sources import target_of

        obj = await read_object(self.host.cluster, kind, namespace, name)
        self.then(self._open_logs, target_of(kind.group, kind.kind, obj))

    def selector_logs(self, selector: str) -> None:
        """``:logs app=web``: the pods a label selector picks, in the namespace at hand."""
        from kubetui.k8s.logs.sources import LogTarget

        info = self.host.info
        if info.all_namespaces:
            self.notify("choose a namespace first (n): logs follow the pods of one namespace",
                        title="Logs", severity="warning")
            return
        self._open_logs(LogTarget(info.namespace, f"pods {selector}", selector=selector))

    def pod_logs(self, namespace: str, names: tuple[str, ...]) -> None:
        """``L`` on the pods pane: the marked pods (or the one under the cursor), every
        container, in one searchable log."""
        from kubetui.k8s.logs.sources import LogTarget

        title = f"pod {names[0]}" if len(names) == 1 else f"{len(names)} pods"
        self._open_logs(LogTarget(namespace, title, pods=names))

    def _open_logs(self, target) -> None:
        from kubetui.screens.logs import LogsScreen

        if target.problem:
            self.notify(target.problem, title="Logs", severity="warning")
            return
        self.app.push_screen(LogsScreen(target))

    def health(self) -> None:
        """``0``: the health overview of the scope, over the kinds this server serves."""
        def step(catalog: Catalog) -> None:
            from kubetui.k8s.triage.overview import KINDS
            from kubetui.screens.health import HealthScreen

            kinds = {(g, k): found for g, k in KINDS
                     if (found := catalog.of_kind(g, k)) is not None and found.listable}
            self.host.replace_views(HealthScreen(kinds, self.host.info))

        self.with_catalog(step)

    def triage(self, group: str, kind_name: str, namespace: str, name: str) -> None:
        """``!``: the object's triage, live."""
        def step(catalog: Catalog) -> None:
            from kubetui.screens.triage import TriageScreen

            kind = self._served(catalog, group, kind_name, "Triage")
            if kind is not None:
                self.app.push_screen(TriageScreen(kind, namespace if kind.namespaced else "",
                                                  name))

        self.with_catalog(step)

    def open_named(self, group: str, kind_name: str, namespace: str, name: str) -> None:
        """One object's row, selected, in its kind's view (stacked: esc comes back)."""
        def step(catalog: Catalog) -> None:
            from kubetui.screens.kind_view import KindScreen, KindView

            kind = catalog.of_kind(group, kind_name)
            if kind is None or not kind.listable:
                self.notify(f"{kind_name} is not a kind this server lists", title="Kinds",
                            severity="warning")
                return
            view = KindView(kind, namespace if kind.namespaced else None, select=name,
                            follows_scope=False)
            self.app.push_screen(KindScreen(view, self.host.info))

        self.with_catalog(step)

    def chain(self, namespace: str, meta: dict,
              reply: Callable[[tuple[Link, ...], str], None]) -> None:
        """The controllers above an object (``kinds/owners.py``), handed to ``reply``."""
        def step(catalog: Catalog) -> None:
            self.run(self._chain(catalog, namespace, meta, reply), group="owner-chain",
                     name="read the owner chain")

        self.with_catalog(step)

    async def _chain(self, catalog: Catalog, namespace: str, meta: dict,
                     reply: Callable[[tuple[Link, ...], str], None]) -> None:
        links, stopped = await owner_chain(self.host.cluster, catalog, namespace, meta)
        self.then(reply, links, stopped)

    def yaml(self, kind: Kind, namespace: str, name: str) -> None:
        self.run(self._yaml(kind, namespace, name), group="kind-yaml", name=f"get {name}")

    async def _yaml(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.kinds.objects import object_yaml, read_object

        obj = await read_object(self.host.cluster, kind, namespace, name)
        title = f"{kind.kind} {namespace + '/' if namespace else ''}{name}"
        self.then(self._show, title, object_yaml(obj))

    def _show(self, title: str, text: str) -> None:
        from kubetui.screens.text_view import TextView

        self.app.push_screen(TextView(title, text, "the YAML"))

    # -- a Secret's value, once ----------------------------------------------------------------
    def reveal(self, kind: Kind, namespace: str, name: str, keys: tuple[str, ...]) -> None:
        """Pick a key (when there are several), confirm, read the Secret, show the one value
        in a dialog that cannot copy it; nothing keeps it after the dialog closes."""
        if not keys:
            self.notify(f"secret {name} has no keys to reveal", title="Reveal")
            return
        if len(keys) == 1:
            self._confirm_reveal(kind, namespace, name, keys[0])
            return
        self.app.search_commands(
            [(palette_label(key), (lambda k=key: self._confirm_reveal(kind, namespace, name, k)),
              None) for key in keys], placeholder=visible(f"Reveal which key of {name}?"))

    def _confirm_reveal(self, kind: Kind, namespace: str, name: str, key: str) -> None:
        from kubetui.k8s.kinds.objects import object_path
        from kubetui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.run(self._reveal(kind, namespace, name, key), group="reveal",
                         name=f"get secret {name}")

        jsonpath = "{.data." + key.replace(".", "\\.") + "}"
        self.app.push_screen(ConfirmScreen(
            f"Reveal key {key} of secret {namespace}/{name}?",
            "The value is shown once, in a dialog with no copy key. kubetui does not log it, "
            "keep it, or write it anywhere; closing the dialog forgets it.",
            request=f"GET {object_path(kind, namespace, name)}",
            kubectl=f"kubectl get secret -n {namespace} {name} -o jsonpath='{jsonpath}' "
                    "| base64 -d"), answered)

    async def _reveal(self, kind: Kind, namespace: str, name: str, key: str) -> None:
        from kubetui.k8s.kinds.config import revealed_value
        from kubetui.k8s.kinds.objects import read_object

        secret = await read_object(self.host.cluster, kind, namespace, name)
        self.host.timeline.saw(f"revealed key {key} of secret {name} (the value is not "
                               "recorded)", namespace, f"secrets/{name}")
        self.then(self._show_once, f"secret {namespace}/{name} · {key}",
                  revealed_value(secret, key))

    def _show_once(self, title: str, value: str) -> None:
        from kubetui.screens.revealed import RevealedValue

        self.app.push_screen(RevealedValue(title, value))
