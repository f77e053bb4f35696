"""``D`` on a pod (pods pane, pod detail): read the pod, open the debug form, confirm, create,
then follow and attach in a debug session; and the debug pods kubetui created, offered for
deletion when their session ends and when the user quits.

The steps are the shape every action has: the pure builder (``kubetui.k8s.debug.plans``) behind the
form, ``app.actions.confirm`` with the exact request and the kubectl equivalent, one worker
through the shared write path, and the typed result back here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kubetui.actions import ActionResult, Planned
from kubetui.flows.base import Flow

if TYPE_CHECKING:
    from kubetui.k8s.debug.plans import DebugPlan
    from kubetui.k8s.debug.target import DebugTarget
    from kubetui.k8s.rbac.access import AccessRules


def _delete(namespace: str, name: str) -> Planned:
    from kubetui.k8s.debug.plans import delete_pod_write

    return Planned(delete_pod_write(namespace, name),
                   f"kubectl delete pod -n {namespace} {name} --grace-period=1")


class DebugFlow(Flow):
    def start(self, namespace: str, name: str) -> None:
        if self.host.readonly:
            return  # not bound in read-only mode; the request path would refuse it anyway
        self.run(self._prepare(namespace, name), "prepare-debug", f"read pod {name}")

    async def _prepare(self, namespace: str, name: str) -> None:
        from kubetui.k8s.core.pod_detail import fetch_pod
        from kubetui.k8s.debug.target import debug_target
        from kubetui.k8s.rbac.access import review_rules

        cluster = self.host.cluster
        pod = await fetch_pod(cluster, namespace, name)
        rules = None
        if namespace not in self.host.access:  # the form names missing rules: know them first
            rules = await review_rules(cluster, namespace)
        self.then(self._open_form, debug_target(pod, cluster.info.version), rules)

    def _open_form(self, target: DebugTarget, rules: AccessRules | None) -> None:
        import secrets

        from kubetui.debug_memory import remembered_image
        from kubetui.k8s.debug.target import needs
        from kubetui.screens.debug_form import DebugForm

        app = self.host
        if rules is not None:
            app.take_rules(rules)
        image = remembered_image(app.cluster.info.server, app.settings.debug_image)
        form = DebugForm(target, image, lambda mode: app.missing_rights(
            needs(mode, target.version), target.namespace), suffix=secrets.token_hex(3)[:5])
        self.app.push_screen(form, self._planned)

    def _planned(self, plan: DebugPlan | None) -> None:
        from kubetui.k8s.debug.profiles import EPHEMERAL
        from kubetui.screens.debug_form import NEVER_REMOVED

        if plan is None:
            return
        if plan.mode == EPHEMERAL:
            title = f"Add debug container {plan.container} to {plan.pod}?"
            body = NEVER_REMOVED
        else:
            title = f"Create debug pod {plan.pod}?"
            body = (f"{plan.write.what}.\nkubetui offers to delete it when you end the "
                    "session, and when you quit.")
        body += "".join(f"\nNot applied on this server: {n}" for n in plan.not_applied)
        self.host.actions.confirm(title, body, Planned(plan.write, plan.kubectl),
                                  lambda result: self._created(plan, result))

    def _created(self, plan: DebugPlan, result: ActionResult) -> None:
        from kubetui.screens.debug_session import DebugSession

        if not result.done:
            return
        self.register(plan.namespace, plan.creates)
        self.host.sessions.open(DebugSession(plan))

    # -- pods created for debugging (copies, node pods, claim inspectors) ---------------------
    def register(self, namespace: str, names: tuple[str, ...]) -> None:
        for name in names:
            self.host.debug_pods[(namespace, name)] = None

    def offer_cleanup(self, namespace: str, names: tuple[str, ...]) -> None:
        """When a debug session of a copy or a node pod ends: delete what it created?"""
        pods = self.host.debug_pods
        for name in names:
            if (namespace, name) not in pods:
                continue
            self.host.actions.confirm(
                f"Delete debug pod {name}?",
                f"kubetui created {namespace}/{name} for the debug session that just ended.\n"
                "n keeps it (kubetui asks again when you quit).", _delete(namespace, name),
                lambda result, key=(namespace, name): result.done and pods.pop(key, None))

    def quit(self, leave: Callable[[], None]) -> None:
        """Quit (``leave``); first offer to delete the debug pods kubetui created and still
        knows of. A refusal is listed, and the next quit leaves without asking."""
        pods = self.host.debug_pods
        if not pods:
            leave()
            return
        keys = list(pods)

        def deleted(result: ActionResult) -> None:
            for key, outcome in zip(keys, result.outcomes, strict=True):
                if outcome.done:
                    pods.pop(key, None)
            failed = [f"{o.planned.write.what}: {o.error.summary if o.error else '?'}"
                      for o in result.failed]
            if failed:
                self.notify("Not deleted:\n" + "\n".join(failed) + "\nq again quits anyway.",
                            title="Debug pods", severity="error", timeout=15)
                pods.clear()
                return
            leave()

        self.host.actions.confirm(
            "Delete the debug pods kubetui created before quitting?",
            "\n".join(f"pod {ns}/{name}" for ns, name in keys)
            + "\n\ny deletes them and quits; n quits and leaves them running.",
            [_delete(ns, name) for ns, name in keys], deleted, on_no=leave,
            report_errors=False)
