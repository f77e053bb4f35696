"""What screens, widgets and flows may use of the app, typed.

Textual types ``self.app`` as a plain ``App``; kubetui's views need its cluster, stores, flows,
settings and rights. ``host(self.app)`` gives the same object typed as this protocol, so a view
states what it depends on instead of reaching into the app behind ``type: ignore`` (and nothing
below the app imports ``kubetui.app``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.screen import Screen

    from kubetui.actions import ActionPath
    from kubetui.config import Settings
    from kubetui.flows import Flows
    from kubetui.flows.forward_list import Forwards
    from kubetui.flows.sessions import Sessions
    from kubetui.k8s.rbac.access import AccessRules, Need
    from kubetui.k8s.transport.cluster import Cluster, ClusterInfo
    from kubetui.live.registry import LiveStores
    from kubetui.live.usage_history import UsageHistory
    from kubetui.timeline.recorder import Timeline


class Host(Protocol):
    cluster: Cluster
    info: ClusterInfo
    stores: LiveStores
    flows: Flows
    sessions: Sessions
    forwards: Forwards
    forward_count: int  # a reactive: the status bar shows it
    timeline: Timeline  # the incident record (``record``)
    usage_history: UsageHistory  # CPU/MEM: the last samples, and whether usage is wanted
    actions: ActionPath
    settings: Settings
    readonly: bool
    connection: int
    access: dict[str, AccessRules]
    clock: Callable[[], float]
    debug_pods: dict[tuple[str, str], None]

    def missing_rights(self, needs: tuple[Need, ...], namespace: str) -> tuple[Need, ...]: ...

    def denied(self, binding_id: str, namespace: str) -> tuple[Need, ...]: ...

    def take_rules(self, rules: AccessRules) -> None: ...

    def copy_text(self, text: str, what: str) -> None: ...

    def report_error(self, error: BaseException | None, where: str) -> None: ...

    def show_pane(self, pane: str, *, select: tuple[str, str] | None = None,
                  only: Callable[[Any], bool] | None = None, label: str = "") -> None: ...

    def pane_note(self, pane: str, text: str) -> None: ...

    def show_main_pane(self, pane: str) -> None: ...

    def replace_views(self, screen: Screen) -> None: ...

    def offer_readable_namespaces(self, pick: bool = False) -> None: ...

    def action_switch_namespace(self) -> None: ...

    def action_switch_context(self) -> None: ...


def host(app: object) -> Host:
    return cast("Host", app)
