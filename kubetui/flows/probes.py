"""``P`` on a pod (pods pane, pod detail): read the pod and the workload that owns it, then open
the probe runner on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubetui.flows.base import Flow

if TYPE_CHECKING:
    from kubetui.k8s.probes.target import ProbeTarget


class ProbesFlow(Flow):
    def open(self, namespace: str, name: str, container: str | None = None) -> None:
        self.run(self._prepare(namespace, name, container), "prepare-probes",
                 f"read pod {name} for its probes")

    async def _prepare(self, namespace: str, name: str, container: str | None) -> None:
        from kubetui.k8s.probes.target import load_probe_target

        target = await load_probe_target(self.host.cluster, namespace, name)
        self.then(self._show, target, container)

    def _show(self, target: ProbeTarget, container: str | None) -> None:
        from kubetui.screens.probe_runner import ProbeRunnerScreen

        if not target.with_probes:
            self.notify(f"pod {target.pod} defines no probes: nothing to run.",
                        title="Probes", severity="warning")
            return
        self.app.push_screen(ProbeRunnerScreen(target, container))
