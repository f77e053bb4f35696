"""``P`` on a pod, from the pods pane or the pod detail: read the pod (and the workload that owns
it), then open the probe runner on it. Mixed into the main screen, as the debug flow is; what it
needs loads on the first ``P``."""

from __future__ import annotations

from textual import work

from kubetui.messages import ProbeTargetReady


class ProbeFlow:
    def open_probes(self, namespace: str, name: str, container: str | None = None) -> None:
        self.prepare_probes(namespace, name, container)

    @work(exclusive=True, group="prepare-probes", exit_on_error=False)
    async def prepare_probes(self, namespace: str, name: str, container: str | None) -> None:
        from kubetui.k8s.probe_target import load_probe_target

        target = await load_probe_target(self.app.cluster, namespace, name)  # type: ignore[attr-defined]
        self.post_message(ProbeTargetReady(target, container))  # type: ignore[attr-defined]

    def on_probe_target_ready(self, message: ProbeTargetReady) -> None:
        from kubetui.screens.probe_runner import ProbeRunnerScreen

        target = message.target
        if not target.with_probes:
            self.notify(f"pod {target.pod} defines no probes: nothing to run.",  # type: ignore[attr-defined]
                        title="Probes", severity="warning")
            return
        self.app.push_screen(ProbeRunnerScreen(target, message.container))  # type: ignore[attr-defined]
