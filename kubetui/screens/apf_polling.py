"""APF polling for the main screen's flows pane: only while the pane is visible.

The priority levels' debug dump and the ``apiserver_flowcontrol_*`` metrics are read every
``flows_poll_seconds`` while the flows pane is shown, once its priority levels are listed (a
poll is read against the listed levels: a level listed later would wait for the next poll to
show its queues). Hidden, nothing is polled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubetui.host import host
from kubetui.messages import ApfPolled

if TYPE_CHECKING:
    from kubetui.screens.main import MainScreen


class ApfPolling:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._timer = None

    def set_visible(self, visible: bool) -> None:
        screen = self.screen
        if visible and self._timer is None and screen.flows.levels.synced and \
                screen._info.capabilities.flowcontrol_version is not None:
            interval = host(screen.app).settings.flows_poll_seconds
            self.poll()
            self._timer = screen.set_interval(interval, self.poll)
        elif not visible and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def poll(self) -> None:
        self.screen.run_worker(self._poll(), name="poll APF", group="apf-poll",
                               exclusive=True, exit_on_error=False)

    async def _poll(self) -> None:
        from kubetui.k8s.apf.poll import poll_apf

        self.screen.post_message(ApfPolled(await poll_apf(host(self.screen.app).cluster)))

    def polled(self, message: ApfPolled) -> None:
        self.screen.flows.apply_poll(message.poll)
        self.show_whoami()

    def show_whoami(self) -> None:
        flow = host(self.screen.app).cluster.last_flow
        if flow is not None:
            self.screen.flows.show_whoami(flow.flow_schema_uid, flow.priority_level_uid)
