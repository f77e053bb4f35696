"""Keys that follow the user's RBAC rights: dimmed when a right is missing, explained on press.

A screen or widget mixes in ``AccessAware`` (before ``Guarded``) and says which namespace its
actions act in (``access_namespace``). The rights come from the app's per-namespace
SelfSubjectRulesReview cache (``KubetuiApp.missing_rights``); which rights a key needs is
``bindings.NEEDS``, or the widget's own ``needs`` where they depend on what it shows (a kind
view's keys need rights on its kind); keys in ``bindings.MUTATING`` are not bound at all in
``--readonly``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding

from kubetui.bindings import MUTATING, NEEDS
from kubetui.host import host
from kubetui.k8s.rbac.access import Need

if TYPE_CHECKING:
    from textual.widget import Widget as _Base
else:
    _Base = object


class AccessAware(_Base):
    def access_namespace(self) -> str:
        return host(self.app).info.namespace

    def needs(self, binding_id: str) -> tuple[Need, ...]:
        """The rules the key ``binding_id`` needs here."""
        return NEEDS.get(binding_id, ())

    def _missing(self, binding_id: str, namespace: str) -> tuple[Need, ...]:
        return host(self.app).missing_rights(self.needs(binding_id), namespace)

    def _binding_for(self, action: str, parameters: tuple) -> Binding | None:
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                _, name, params = parse_action(binding.action)
                if name == action and tuple(params) == tuple(parameters):
                    return binding
        return None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        binding = self._binding_for(action, parameters)
        if binding is None or not binding.id:
            return True
        if binding.id in MUTATING and host(self.app).readonly:
            return False  # not bound, not shown
        if self._missing(binding.id, self.access_namespace()):
            return None  # shown dimmed
        return True

    def on_key(self, event: events.Key) -> None:
        """A dimmed key says why instead of doing nothing."""
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            namespace = self.access_namespace()
            missing = self._missing(binding.id or "", namespace)
            if missing:
                event.stop()
                event.prevent_default()
                needs = ", ".join(str(n) for n in missing)
                self.app.notify(f"{binding.description}: you may not {needs} in {namespace}.\n"
                                "Ask for that RBAC rule; ? lists what each key needs.",
                                title="Not allowed (RBAC)", severity="warning")
                return
