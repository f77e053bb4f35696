"""``D`` on a pod, from the pods pane or the pod detail: read the pod, open the debug form,
confirm, create, then follow and attach in a debug session.

The steps are the shape every action has: the pure builder (``kubetui.k8s.debug``) behind the
form, ``confirm_write`` with the exact request and the kubectl equivalent, one worker sending it
through the shared write path, and the result as a message. Mixed into the main screen, which
owns the sessions and the pods/events caches their context comes from.

The modules behind it load on the first ``D`` (start-up imports only what the first screen needs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from kubetui.messages import AccessLoaded, DebugTargetReady

if TYPE_CHECKING:
    from kubetui.k8s.debug import DebugPlan
    from kubetui.k8s.writes import WriteResult


class DebugFlow:
    def start_debug(self, namespace: str, name: str) -> None:
        if self.app.readonly:  # type: ignore[attr-defined]
            return  # not bound in read-only mode; the request path would refuse it anyway
        self.prepare_debug(namespace, name)

    @work(exclusive=True, group="prepare-debug", exit_on_error=False)
    async def prepare_debug(self, namespace: str, name: str) -> None:
        from kubetui.k8s.access import review_rules
        from kubetui.k8s.debug_target import debug_target
        from kubetui.k8s.pod_detail import fetch_pod

        app = self.app  # type: ignore[attr-defined]
        pod = await fetch_pod(app.cluster, namespace, name)
        rules = None
        if namespace not in app.access:  # the form names missing rules: know them first
            rules = await review_rules(app.cluster, namespace)
        self.post_message(DebugTargetReady(debug_target(pod, app.cluster.info.version), rules))  # type: ignore[attr-defined]

    def on_debug_target_ready(self, message: DebugTargetReady) -> None:
        import secrets

        from kubetui.debug_memory import remembered_image
        from kubetui.k8s.debug_target import needs
        from kubetui.screens.debug_form import DebugForm

        app, target = self.app, message.target  # type: ignore[attr-defined]
        if message.rules is not None:
            app.on_access_loaded(AccessLoaded(message.rules, app.connection))
        image = remembered_image(app.cluster.info.server, app.settings.debug_image)
        form = DebugForm(target, image, lambda mode: app.missing_rights(
            needs(mode, target.version), target.namespace), suffix=secrets.token_hex(3)[:5])
        app.push_screen(form, self._planned)

    def _planned(self, plan: DebugPlan | None) -> None:
        from kubetui.k8s.debug_profiles import EPHEMERAL
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
        self.app.confirm_write(title, body, plan.write, plan.kubectl,  # type: ignore[attr-defined]
                               lambda result: self._created(plan, result))

    def _created(self, plan: DebugPlan, result: WriteResult) -> None:
        from kubetui.screens.debug_session import DebugSession

        app = self.app  # type: ignore[attr-defined]
        app.register_debug_pods(plan.namespace, plan.creates)
        session = DebugSession(plan, lambda: self._pod_context_named(plan.namespace, plan.pod))  # type: ignore[attr-defined]
        self._install_session(session)  # type: ignore[attr-defined]
