"""Which namespace and which context the app shows: part of ``KubetuiApp``.

The namespace is chosen from the palette (the names listed, or, without the right to list
them, the ones the user can read) or typed (``:ns``); a context is connected in a worker and
taken over by the app's one step after every connection (``_use_cluster``), its port-forwards
closed first: they point at the cluster being left.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from kubetui.k8s.core.namespaces import list_namespace_names
from kubetui.k8s.transport.cluster import Cluster
from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.messages import ContextConnected, NamespacesLoaded, ScopeChanged
from kubetui.palette import palette_label
from kubetui.safe_text import visible

if TYPE_CHECKING:
    from textual.app import App

    from kubetui.flows import Flows
    from kubetui.flows.forward_list import Forwards
    from kubetui.k8s.transport.cluster import ClusterInfo, ConnectOptions

    Base = App[int]
else:
    Base = object


class ScopeActions(Base):
    info: ClusterInfo
    namespaces: tuple[str, ...]
    flows: Flows
    forwards: Forwards
    _connect_options: ConnectOptions

    # -- scope: namespace ----------------------------------------------------------------
    def action_switch_namespace(self) -> None:
        if self._still_connecting():
            return
        self.load_namespaces()

    @work(exclusive=True, group="namespaces", exit_on_error=False)
    async def load_namespaces(self) -> None:
        try:
            names = await list_namespace_names(self.cluster)
        except KubeError as error:
            if error.kind != ErrorKind.FORBIDDEN:
                raise
            self.notify("You may not list namespaces; checking which ones you can read…",
                        title="Namespaces", timeout=5)
            self.offer_readable_namespaces(pick=True)
            return
        self.post_message(NamespacesLoaded(names))

    def on_namespaces_loaded(self, message: NamespacesLoaded) -> None:
        self.namespaces = message.names
        commands = [("All namespaces", lambda: self.set_scope(None), "-A")]
        commands += [(palette_label(name), (lambda n=name: self.set_scope(n)), None)
                     for name in message.names]
        self.search_commands(commands,
                             placeholder=visible(f"Namespace (now: {self.info.scope})…"))

    def set_scope(self, namespace: str | None) -> None:
        self.post_message(ScopeChanged(namespace or self.info.namespace, namespace is None))

    def on_scope_changed(self, message: ScopeChanged) -> None:
        self.info = replace(self.info, namespace=message.target_namespace,
                            all_namespaces=message.all_namespaces)
        self._show_info()
        self.request_access(self.info.namespace)

    # -- scope: context ------------------------------------------------------------------
    def action_switch_context(self) -> None:
        if self._still_connecting():
            return
        commands = [(palette_label(name), (lambda n=name: self.switch_context(n)),
                     "current" if name == self.info.context else None)
                    for name in self.info.contexts]
        self.search_commands(commands,
                             placeholder=visible(f"Context (now: {self.info.context})…"))

    def switch_context(self, name: str) -> None:
        if name not in self.info.contexts:
            self.notify(f'no context "{name}" in the kubeconfig', title="Context",
                        severity="error")
            return
        self.connect_context(name)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_context(self, name: str) -> None:
        options = replace(self._connect_options, context=name, namespace=None,
                          all_namespaces=self.info.all_namespaces)
        self.notify(f"connecting to {name}…", title="Context", timeout=3)
        cluster = await Cluster.connect(options)
        self.post_message(ContextConnected(cluster))

    async def on_context_connected(self, message: ContextConnected) -> None:
        old = self._use_cluster(message.cluster)  # type: ignore[arg-type]
        if old is not None and self.forwards:
            self.flows.forwards.close_all("their context was left")
        self._show_info()
        self.notify(f"{self.info.context}: {self.info.version}", title="Connected", timeout=4)
        if old is not None:
            await old.retire()
