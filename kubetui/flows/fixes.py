"""The fix actions: each a pure builder (``k8s/fixes``), the server's dry run and a confirm
showing the request and the kubectl equivalent, then the one write path (``actions.py``).
The rows that change come back from the watches (a Deployment's ROLLOUT column follows the
restart live)."""

from __future__ import annotations

from kubetui.actions import ActionResult, Planned
from kubetui.flows.base import Flow
from kubetui.k8s.fixes.plan import Fix
from kubetui.k8s.kinds.catalog import Kind


class FixesFlow(Flow):
    def restart(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.rollout import plan_restart

        try:
            fix = plan_restart(kind.kind, namespace, name, self.host.clock())
        except ValueError as error:
            self.notify(str(error), title="Restart", severity="warning")
            return
        self._confirm(f"Restart {kind.kind.lower()} {name}?", fix, f"{kind.kind} {name}")

    def _confirm(self, title: str, fix: Fix, what: str) -> None:
        body = "\n".join((fix.summary, *(f"! {w}" for w in fix.warnings)))
        planned = [Planned(write, fix.kubectl) for write in fix.writes]

        def done(result: ActionResult) -> None:
            if result.done:
                self.notify(f"{fix.summary}: sent", title=what, timeout=6)

        self.host.actions.confirm_after_dry_run(title, body, planned, done)
