"""The app's half of typed intents: each message a pane or a screen posts (``kubetui.intents``)
bubbles up to the app, which hands it to the flow that carries it out. Part of ``KubetuiApp``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubetui.intents import forwards as forward_intents
from kubetui.intents import kinds as kind_intents
from kubetui.intents import nodes as node_intents
from kubetui.intents import pods as pod_intents
from kubetui.intents import storage as storage_intents
from kubetui.intents.text import ShowText

if TYPE_CHECKING:
    from textual.app import App

    from kubetui.flows import Flows
    from kubetui.timeline.recorder import Timeline

    Base = App[int]
else:
    Base = object


class IntentRoutes(Base):
    flows: Flows
    timeline: Timeline

    def on_open_pod(self, intent: pod_intents.OpenPod) -> None:
        from kubetui.screens.pod_detail import PodDetailScreen

        self.push_screen(PodDetailScreen(intent.ns, intent.name, tab=intent.tab))
        self.timeline.saw(f"opened pod {intent.ns}/{intent.name} ({intent.tab})", intent.ns,
                          f"pods/{intent.name}")

    def on_open_stream(self, intent: pod_intents.OpenStream) -> None:
        self.flows.streams.open(intent.ns, intent.name, intent.kind)

    def on_forward_ports(self, intent: pod_intents.ForwardPorts) -> None:
        self.flows.forwards.open(intent.ns, intent.kind, intent.name)

    def on_stop_forwards(self, intent: forward_intents.StopForwards) -> None:
        self.flows.forwards.stop(intent.numbers)

    def on_move_forward(self, intent: forward_intents.MoveForward) -> None:
        self.flows.forwards.move(intent.number, intent.typed)

    def on_check_forward(self, intent: forward_intents.CheckForward) -> None:
        self.flows.forwards.check(intent.number, intent.check, intent.reply)

    def on_debug_pod(self, intent: pod_intents.DebugPod) -> None:
        self.flows.debug.start(intent.ns, intent.name)

    def on_open_probes(self, intent: pod_intents.OpenProbes) -> None:
        self.flows.probes.open(intent.ns, intent.name, intent.container)

    def on_snapshot_claim(self, intent: storage_intents.SnapshotClaim) -> None:
        self.flows.storage.snapshot(intent.row, intent.joins)

    def on_inspect_claim(self, intent: storage_intents.InspectClaim) -> None:
        self.flows.storage.inspect(intent.row, intent.joins)

    def on_restore_snapshot(self, intent: storage_intents.RestoreSnapshot) -> None:
        self.flows.storage.restore(intent.row, intent.joins)

    def on_delete_snapshot(self, intent: storage_intents.DeleteSnapshot) -> None:
        self.flows.storage.delete_snapshot(intent.row, intent.joins)

    def on_snapshot_details(self, intent: storage_intents.SnapshotDetails) -> None:
        self.flows.storage.details(intent.row)

    def on_open_kind(self, intent: kind_intents.OpenKind) -> None:
        self.flows.kinds.open(intent.kind)

    def on_open_owned(self, intent: kind_intents.OpenOwned) -> None:
        self.flows.kinds.owned(intent.kind, intent.row, intent.columns)

    def on_fix_object(self, intent: kind_intents.FixObject) -> None:
        self.flows.fixes.fix(intent.action, intent.kind, intent.ns, intent.name)

    def on_pods_logs(self, intent: pod_intents.PodsLogs) -> None:
        self.flows.kinds.pod_logs(intent.ns, intent.names)

    def on_delete_pods(self, intent: pod_intents.DeletePods) -> None:
        self.flows.fixes.delete_pods(intent.pods)

    def on_cordon_node(self, intent: node_intents.CordonNode) -> None:
        self.flows.fixes.cordon(intent.name, not intent.cordoned)

    def on_drain_node(self, intent: node_intents.DrainNode) -> None:
        self.flows.fixes.drain(intent.name)

    def on_open_owned_by(self, intent: kind_intents.OpenOwnedBy) -> None:
        self.flows.kinds.owned_by(intent.group, intent.kind, intent.ns, intent.name, intent.uid)

    def on_describe_object(self, intent: kind_intents.DescribeObject) -> None:
        from kubetui.screens.object_describe import ObjectDescribeScreen

        self.push_screen(ObjectDescribeScreen(intent.kind, intent.ns, intent.name))
        self.timeline.saw(f"described {intent.kind.kind.lower()} {intent.ns}/{intent.name}",
                          intent.ns, f"{intent.kind.plural}/{intent.name}")

    def on_open_object(self, intent: kind_intents.OpenObject) -> None:
        self.flows.kinds.yaml(intent.kind, intent.ns, intent.name)

    def on_open_controller(self, intent: kind_intents.OpenController) -> None:
        self.flows.kinds.open_named(intent.group, intent.kind, intent.ns, intent.name)

    def on_open_logs(self, intent: kind_intents.OpenLogs) -> None:
        self.flows.kinds.logs(intent.group, intent.kind, intent.ns, intent.name)

    def on_triage_object(self, intent: kind_intents.TriageObject) -> None:
        self.flows.kinds.triage(intent.group, intent.kind, intent.ns, intent.name)

    def on_reveal_secret(self, intent: kind_intents.RevealSecret) -> None:
        self.flows.kinds.reveal(intent.kind, intent.ns, intent.name, intent.keys)

    def on_show_text(self, intent: ShowText) -> None:
        from kubetui.screens.text_view import TextView

        self.push_screen(TextView(intent.title, intent.text, intent.what))

