"""The user's RBAC rights, per namespace: which keys are active, and where to look after a 403.

One SelfSubjectRulesReview per namespace, cached for the connection (an answer for the user
before a context switch is dropped); keys ask ``denied`` as they are drawn and are redrawn when
the review answers. After a 403 on an all-namespaces list, ``offer_readable_namespaces`` finds
the namespaces the user may read instead. Part of the app (``KubetuiApp``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubetui.bindings import NEEDS
from kubetui.k8s.rbac.access import AccessRules, Need, readable_namespaces, review_rules
from kubetui.messages import AccessLoaded, NamespacesLoaded, ReadableNamespaces

if TYPE_CHECKING:
    from textual.app import App

    from kubetui.k8s.transport.cluster import Cluster, ClusterInfo
    from kubetui.screens.main import MainScreen

    Base = App[int]
else:
    Base = object


class Rights(Base):
    cluster: Cluster
    info: ClusterInfo
    access: dict[str, AccessRules]
    connection: int
    namespaces: tuple[str, ...]
    main: MainScreen | None

    def init_rights(self) -> None:
        self.access = {}  # namespace -> the user's rules there
        self._access_pending: set[str] = set()
        self._pick_readable = False  # the namespace picker waits for readable_namespaces

    def forget_rights(self) -> None:
        """A new connection: every namespace is reviewed again."""
        self.access.clear()
        self._access_pending.clear()

    def request_access(self, namespace: str) -> None:
        if namespace in self.access or namespace in self._access_pending:
            return
        if self.cluster is None:  # asked again once connected (``_use_cluster``)
            return
        self._access_pending.add(namespace)
        self.run_worker(self._review(namespace), name=f"review rights in {namespace}",
                        group=f"access-{namespace}", exit_on_error=False)

    async def _review(self, namespace: str) -> None:
        connection = self.connection
        try:
            rules = await review_rules(self.cluster, namespace)
        finally:
            if connection == self.connection:
                self._access_pending.discard(namespace)
        self.post_message(AccessLoaded(rules, connection))

    def on_access_loaded(self, message: AccessLoaded) -> None:
        if message.connection != self.connection:
            return  # the rights of the user before a context switch
        self.take_rules(message.rules)

    def take_rules(self, rules: AccessRules) -> None:
        """Rules read by someone else (the debug flow reads them before its form)."""
        self.access[rules.namespace] = rules
        self.refresh_keys()

    def refresh_keys(self) -> None:
        for screen in self.screen_stack:  # each key's rights are asked for as it is drawn
            screen.refresh_bindings()

    def denied(self, binding_id: str, namespace: str) -> tuple[Need, ...]:
        """The rules ``binding_id`` needs in ``namespace`` that the user lacks (none if unknown
        yet: the review is asked for, and the keys are redrawn when it answers)."""
        return self.missing_rights(NEEDS.get(binding_id, ()), namespace)

    def missing_rights(self, needs: tuple[Need, ...], namespace: str) -> tuple[Need, ...]:
        if not needs:
            return ()
        rules = self.access.get(namespace)
        if rules is None:
            self.request_access(namespace)
            return ()
        return rules.missing(needs)

    # -- after a 403 on an all-namespaces list ------------------------------------------------
    def offer_readable_namespaces(self, pick: bool = False) -> None:
        """Find the namespaces the user can read (``pick``: then offer them as the picker)."""
        self._pick_readable = self._pick_readable or pick
        self.run_worker(self._readable(), name="find readable namespaces",
                        group="readable", exclusive=True, exit_on_error=False)

    async def _readable(self) -> None:
        cfg = self.cluster.kubeconfig
        candidates = [self.info.namespace, *self.namespaces,
                      *((c or {}).get("namespace") for c in cfg.contexts.values()), "default"]
        candidates = [c for c in dict.fromkeys(candidates) if isinstance(c, str) and c]
        names = await readable_namespaces(self.cluster, candidates)
        self.post_message(ReadableNamespaces(tuple(names), tuple(candidates)))

    def on_readable_namespaces(self, message: ReadableNamespaces) -> None:
        if self.main is not None:
            self.main.show_readable(message.names, message.checked)
        if self._pick_readable and message.names:
            self._pick_readable = False
            self.post_message(NamespacesLoaded(message.names))
        elif self._pick_readable:
            self._pick_readable = False
            self.notify("You may list pods in none of: " + ", ".join(message.checked),
                        title="Namespaces", severity="warning")
