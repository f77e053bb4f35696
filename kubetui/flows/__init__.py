"""Flows: what happens between a key and a result, as objects the app owns.

``app.flows.debug.start(namespace, pod)``, ``app.flows.probes.open(...)``,
``app.flows.streams.open(...)``, ``app.flows.storage.snapshot(...)``: each reads what it needs
in a worker, opens its form or screen, sends its writes through the one action path
(``app.actions``) and carries on from the typed result. Screens and panes never call them
directly: they post typed intents (``kubetui.intents``) that the app hands to the flow. A flow's
module loads on its first use (start-up imports only what the first screen needs).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from kubetui.flows.debug import DebugFlow
    from kubetui.flows.fixes import FixesFlow
    from kubetui.flows.forwards import ForwardsFlow
    from kubetui.flows.kinds import KindsFlow
    from kubetui.flows.probes import ProbesFlow
    from kubetui.flows.storage import StorageFlow
    from kubetui.flows.streams import StreamsFlow


class Flows:
    def __init__(self, app: App) -> None:
        self.app = app

    @cached_property
    def debug(self) -> DebugFlow:
        from kubetui.flows.debug import DebugFlow

        return DebugFlow(self.app)

    @cached_property
    def probes(self) -> ProbesFlow:
        from kubetui.flows.probes import ProbesFlow

        return ProbesFlow(self.app)

    @cached_property
    def streams(self) -> StreamsFlow:
        from kubetui.flows.streams import StreamsFlow

        return StreamsFlow(self.app)

    @cached_property
    def storage(self) -> StorageFlow:
        from kubetui.flows.storage import StorageFlow

        return StorageFlow(self.app)

    @cached_property
    def fixes(self) -> FixesFlow:
        from kubetui.flows.fixes import FixesFlow

        return FixesFlow(self.app)

    @cached_property
    def kinds(self) -> KindsFlow:
        from kubetui.flows.kinds import KindsFlow

        return KindsFlow(self.app)

    @cached_property
    def forwards(self) -> ForwardsFlow:
        from kubetui.flows.forwards import ForwardsFlow

        return ForwardsFlow(self.app)
