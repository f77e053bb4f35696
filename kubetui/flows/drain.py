"""Drain a node (``X`` in the nodes pane): read the pods on it, build the plan
(``k8s/fixes/nodes.plan_drain``: DaemonSet and mirror pods left, emptyDir data and bare pods
named), ask with the server's dry run of the cordon and of every eviction (a
PodDisruptionBudget refusing one is seen there), then the drain screen sends them and shows
each pod's progress live (``screens/drain.py``).
"""

from __future__ import annotations

from textual.app import App

from kubetui.actions import Planned
from kubetui.host import host
from kubetui.k8s.fixes.nodes import EVICT, plan_drain, pods_on, sort_pods
from kubetui.k8s.transport.shapes import mapping


def open_drain(app: App, node: str) -> None:
    app.run_worker(_read_then_confirm(app, node), name=f"read pods on {node}", group="drain",
                   exclusive=True, exit_on_error=False)


async def _read_then_confirm(app: App, node: str) -> None:
    h = host(app)
    path, params = pods_on(node)
    listed = await h.cluster.get_json(path, what=f"list pods on node {node}", params=params)
    pods = [mapping(p) for p in listed.get("items") or ()]
    version = h.info.capabilities.eviction_version
    fix = plan_drain(node, pods, version)
    sorted_pods = sort_pods(pods)
    body = "\n".join((
        fix.summary, *(f"! {w}" for w in fix.warnings),
        "A pod whose PodDisruptionBudget refuses its eviction now is tried again every 5 s "
        "until the budget allows it or you cancel (x); nothing is forced.",
        *(f"  {p.namespace}/{p.name}: {'evict' if p.action == EVICT else 'left, ' + p.why}"
          for p in sorted_pods)))
    planned = [Planned(write, fix.kubectl if i == 0 else "")
               for i, write in enumerate(fix.writes)]

    def start() -> None:
        from kubetui.screens.drain import DrainScreen

        app.push_screen(DrainScreen(node, fix, sorted_pods))

    app.call_later(h.actions.confirm_after_dry_run, f"Drain node {node}?", body, planned,
                   None, on_yes=start)
