"""The fix actions: each a pure builder (``k8s/fixes``), a form where there is something to
choose (``screens/fix_forms.py``), the server's dry run and a confirm showing the request and the
kubectl equivalent, then the one write path (``actions.py``). The rows that change come back
from the watches (a Deployment's ROLLOUT column follows a restart or an undo live, a node's
STATUS its cordon); after a restart or an undo, one notification says when the rollout is
complete, stalled or out of time (``flows/rollouts.py``).

What a form needs is read fresh in a worker first (the object, its revisions, the HPAs of the
namespace): the plan is built on what the server holds now, not on a row's summary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from kubetui.actions import ActionResult, Planned
from kubetui.flows.base import Flow
from kubetui.k8s.fixes.plan import Fix, namespaced
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.kinds.objects import read_object
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.shapes import mapping, text

if TYPE_CHECKING:
    from kubetui.flows.rollouts import Rollouts


class FixesFlow(Flow):
    def fix(self, action: str, kind: Kind, namespace: str, name: str) -> None:
        """A kind view's fix key (``FixObject``)."""
        step = {"restart": self.restart, "scale": self.scale, "undo": self.undo,
                "trigger": self.trigger, "suspend": self.suspend,
                "delete": self.delete_job}.get(action)
        if step is not None:
            step(kind, namespace, name)

    # -- no form: the confirm after the dry run ------------------------------------------------
    def restart(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.rollout import plan_restart

        def planned(obj: dict) -> None:
            paused = mapping(obj.get("spec")).get("paused") is True
            self._planned(lambda: plan_restart(kind.kind, namespace, name, self.host.clock(),
                                               paused),
                          f"Restart {kind.kind.lower()} {name}?", f"{kind.kind} {name}",
                          follow=lambda: self.rollouts.follow(kind, namespace, name, "restart"))
        self._read(kind, namespace, name, planned)

    def trigger(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.cronjobs import plan_trigger

        def planned(cron: dict) -> None:
            self._planned(lambda: plan_trigger(cron, kind.group_version, self.host.clock()),
                          f"Run cronjob {name} now?", f"CronJob {name}")
        self._read(kind, namespace, name, planned)

    def suspend(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.cronjobs import plan_suspend

        def planned(cron: dict) -> None:
            suspend = mapping(cron.get("spec")).get("suspend") is not True
            verb = "Suspend" if suspend else "Resume"
            self._planned(lambda: plan_suspend(cron, kind.group_version, suspend),
                          f"{verb} cronjob {name}?", f"CronJob {name}")
        self._read(kind, namespace, name, planned)

    def delete_job(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.cronjobs import plan_delete_job

        self._read(kind, namespace, name, lambda job: self._planned(
            lambda: plan_delete_job(job), f"Delete job {name} and its pods?", f"Job {name}"))

    def cordon(self, node: str, cordon: bool) -> None:
        from kubetui.k8s.fixes.nodes import plan_cordon

        verb = "Cordon" if cordon else "Uncordon"
        self._planned(lambda: plan_cordon(node, cordon), f"{verb} node {node}?", f"Node {node}")

    def drain(self, node: str) -> None:
        from kubetui.flows.drain import open_drain

        open_drain(self.app, node)

    # -- a form first ---------------------------------------------------------------------------
    def scale(self, kind: Kind, namespace: str, name: str) -> None:
        self.run(self._scale(kind, namespace, name), group="fix-read", name=f"read {name}")

    async def _scale(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.scale import autoscaler_of, autoscalers_path

        obj = await read_object(self.host.cluster, kind, namespace, name)
        hpa, unknown = None, ""
        try:
            listed = await self.host.cluster.get_json(autoscalers_path(namespace),
                                                      what="list horizontalpodautoscalers")
            hpa = autoscaler_of([mapping(i) for i in listed.get("items") or ()], kind.kind, name)
        except KubeError as error:
            unknown = (f"whether an autoscaler owns its replicas is unknown: {error.summary}")
        self.then(self._form, "scale", (obj, hpa, unknown))

    def undo(self, kind: Kind, namespace: str, name: str) -> None:
        self.run(self._undo(kind, namespace, name), group="fix-read", name=f"read {name}")

    async def _undo(self, kind: Kind, namespace: str, name: str) -> None:
        from kubetui.k8s.fixes.rollout import REVISION, history, revisions

        cluster = self.host.cluster
        obj = await read_object(cluster, kind, namespace, name)
        meta = mapping(obj.get("metadata"))
        uid = text(meta.get("uid"))
        if kind.kind == "Deployment":
            listed = await cluster.get_json(namespaced("apps/v1", namespace, "replicasets"),
                                            what="list replicasets")
            owned = [mapping(i) for i in listed.get("items") or () if any(
                text(mapping(r).get("uid")) == uid
                for r in mapping(mapping(i).get("metadata")).get("ownerReferences") or ())]
            current = text(mapping(meta.get("annotations")).get(REVISION))
            found = revisions(owned, int(current) if current.isdigit() else 0)
        else:
            listed = await cluster.get_json(
                namespaced("apps/v1", namespace, "controllerrevisions"),
                what="list controllerrevisions")
            found = history([mapping(i) for i in listed.get("items") or ()], uid,
                            text(mapping(obj.get("status")).get("updateRevision")))
        self.then(self._form, "undo", (obj, found),
                  lambda: self.rollouts.follow(kind, namespace, name, "roll back"))

    def delete_pods(self, pods: Sequence[tuple[str, str]]) -> None:
        self.run(self._delete_pods(tuple(pods)), group="fix-read",
                 name=f"read {len(pods)} pods")

    async def _delete_pods(self, pods: tuple[tuple[str, str], ...]) -> None:
        from kubetui.k8s.fixes.pods import PodRef

        cluster = self.host.cluster

        async def read(ns: str, name: str) -> dict | None:
            try:
                return await cluster.get_json(namespaced("v1", ns, "pods", name),
                                              what=f"get pod {name}")
            except KubeError as error:
                if error.status == 404:
                    return None  # gone meanwhile: nothing to delete
                raise
        found = await asyncio.gather(*(read(ns, name) for ns, name in pods))
        refs = [PodRef.of(pod) for pod in found if pod is not None]
        if not refs:
            self.notify("the pods are gone already", title="Delete")
            return
        self.then(self._form, "delete", (refs,))

    def _form(self, which: str, args: tuple, follow: Callable[[], None] | None = None) -> None:
        from kubetui.screens.fix_forms import DeletePodsForm, ScaleForm, UndoForm

        form = {"scale": ScaleForm, "undo": UndoForm, "delete": DeletePodsForm}[which](*args)
        title = form.title_text[:1].upper() + form.title_text[1:] + "?"
        self.app.push_screen(form, lambda fix: fix is not None and self._confirm(
            title, fix, title.rstrip("?"), follow))

    # -- shared ---------------------------------------------------------------------------------
    def _read(self, kind: Kind, namespace: str, name: str, step: Callable[[dict], None]) -> None:
        async def read() -> None:
            self.then(step, await read_object(self.host.cluster, kind, namespace, name))
        self.run(read(), group="fix-read", name=f"read {name}")

    def _planned(self, plan: Callable[[], Fix], title: str, what: str,
                 follow: Callable[[], None] | None = None) -> None:
        try:
            fix = plan()
        except ValueError as error:
            self.notify(str(error), title=what, severity="warning")
            return
        self._confirm(title, fix, what, follow)

    @cached_property
    def rollouts(self) -> Rollouts:
        from kubetui.flows.rollouts import Rollouts

        return Rollouts(self.app)

    def _confirm(self, title: str, fix: Fix, what: str,
                 follow: Callable[[], None] | None = None) -> None:
        """``follow``: what to do once the writes are accepted (follow the rollout)."""
        body = "\n".join((fix.summary, *(f"! {w}" for w in fix.warnings)))
        # the kubectl equivalent once: one command (or one per namespace) does all the writes
        planned = [Planned(write, fix.kubectl if i == 0 else "")
                   for i, write in enumerate(fix.writes)]

        def done(result: ActionResult) -> None:
            if result.done:
                self.notify(f"{fix.summary}: sent", title=what, timeout=6)
                if follow is not None:
                    follow()

        self.host.actions.confirm_after_dry_run(title, body, planned, done)
