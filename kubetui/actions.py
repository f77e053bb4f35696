"""The one path every mutating action takes after its form: confirm, send once, answer back.

1. A pure builder in ``kubetui.k8s`` makes a ``Write`` and its kubectl equivalent.
2. A form (``screens/plan_form.py``) shows them as the user fills it, and hands back a plan.
3. ``ActionPath.confirm`` shows what will happen, the exact request and the kubectl equivalent;
   on yes, **one** worker sends the writes through ``send_write`` (never retried blindly: a lost
   answer is checked by reading before anything is sent again).
4. The outcome comes back as one typed ``ActionResult`` to the requester's ``reply``, on the
   app's message loop; a refusal is also reported through the app's one error funnel (a
   notification naming the request), unless the requester collects refusals itself.

See ``kubetui/ACTIONS.md`` for how a new action is added (one builder, one form).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.app import App

from kubetui.host import host
from kubetui.k8s.fixes.plan import dry_run_answer
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.writes import Write, WriteResult, dry_run, send_write
from kubetui.screens.confirm import ConfirmScreen
from kubetui.timeline.entries import ACTION
from kubetui.timeline.recorder import object_of

DRY_RUNS_AT_ONCE = 8


@dataclass(frozen=True)
class Planned:
    """One write as the confirm screen shows it."""

    write: Write
    kubectl: str


@dataclass(frozen=True)
class Outcome:
    planned: Planned
    result: WriteResult | None = None  # None: refused, see ``error``
    error: KubeError | None = None

    @property
    def done(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class ActionResult:
    """What the requester gets back: one outcome per write, in the order sent."""

    outcomes: tuple[Outcome, ...]

    @property
    def done(self) -> bool:
        return all(o.done for o in self.outcomes)

    @property
    def result(self) -> WriteResult | None:
        """The first write's result (most actions send one)."""
        return self.outcomes[0].result if self.outcomes else None

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.done)


Reply = Callable[[ActionResult], None]


class ActionPath:
    """Owned by the app (``app.actions``); every screen and flow sends writes through it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.last_kubectl = ""  # the kubectl equivalent of the last action confirmed (ctrl+k)

    def confirm(self, title: str, body: str, planned: Planned | Sequence[Planned],
                reply: Reply | None = None, *, on_no: Callable[[], None] | None = None,
                report_errors: bool = True, dry_run: str = "",
                on_yes: Callable[[], None] | None = None) -> None:
        """Ask; on yes send (``send``), or hand over to ``on_yes`` (a drain sends its writes
        from its own screen, through ``send_write`` too); on no call ``on_no``. ``dry_run``: the
        server's answer to the same writes with dryRun=All (``confirm_after_dry_run``)."""
        writes = (planned,) if isinstance(planned, Planned) else tuple(planned)

        def answered(yes: bool | None) -> None:
            if yes and on_yes is not None:
                self.last_kubectl = "\n".join(p.kubectl for p in writes if p.kubectl)
                self._record(title, writes, "confirmed: sent from its own screen", dry_run)
                on_yes()
            elif yes:
                self.send(writes, reply, report_errors=report_errors, dry_run=dry_run)
            elif on_no is not None:
                on_no()

        self.app.push_screen(ConfirmScreen(
            title, body, request="\n\n".join(p.write.describe() for p in writes),
            kubectl="\n".join(p.kubectl for p in writes if p.kubectl), dry_run=dry_run), answered)

    def confirm_after_dry_run(self, title: str, body: str, planned: Planned | Sequence[Planned],
                              reply: Reply | None = None, *,
                              on_yes: Callable[[], None] | None = None) -> None:
        """Send the writes with dryRun=All first (validation and admission run, nothing is
        stored), then ask with the server's answer shown: a webhook or a quota refusing the
        change is seen before the confirm, not after."""
        writes = (planned,) if isinstance(planned, Planned) else tuple(planned)
        self.app.run_worker(self._dry_run_then_confirm(title, body, writes, reply, on_yes),
                            name=f"dry run: {writes[0].write.what}" if writes else "dry run",
                            group="dry-run", exit_on_error=False)

    async def _dry_run_then_confirm(self, title: str, body: str, writes: tuple[Planned, ...],
                                    reply: Reply | None,
                                    on_yes: Callable[[], None] | None = None) -> None:
        # several at once (a drain's evictions), never more than DRY_RUNS_AT_ONCE in flight
        limit = asyncio.Semaphore(DRY_RUNS_AT_ONCE)

        async def ask(planned: Planned) -> tuple[str, bool]:
            async with limit:
                try:
                    result = await send_write(host(self.app).cluster, dry_run(planned.write))
                except KubeError as error:
                    hint = f" ({error.hint})" if error.hint else ""
                    # the summary starts with the request's own name, said once already
                    why = error.summary.split(": ", 1)[-1]
                    return f"{planned.write.what}: REFUSED: {why}{hint}", True
            answer = dry_run_answer(planned.write.method, result.response)
            return f"{planned.write.what}: {answer}", False
        asked = await asyncio.gather(*(ask(p) for p in writes))
        answers = [answer for answer, _ in asked]
        refused = sum(1 for _, no in asked if no)
        if refused:
            title = f"{title} The server refuses {'it' if len(writes) == 1 else refused}."
        self.confirm(title, body, writes, reply, dry_run="\n".join(answers), on_yes=on_yes)

    def send(self, writes: Sequence[Planned], reply: Reply | None = None, *,
             report_errors: bool = True, dry_run: str = "") -> None:
        """One worker sends ``writes`` in order (an earlier refusal does not stop the rest:
        each is a separate object), then replies once. Each outcome goes to the timeline."""
        self.last_kubectl = "\n".join(p.kubectl for p in writes if p.kubectl)
        self.app.run_worker(self._send(tuple(writes), reply, report_errors, dry_run),
                            name=writes[0].write.what if writes else "writes",
                            group="writes", exit_on_error=False)

    async def _send(self, writes: tuple[Planned, ...], reply: Reply | None,
                    report_errors: bool, dry_run: str = "") -> None:
        outcomes = []
        for planned in writes:
            try:
                result = await send_write(host(self.app).cluster, planned.write)
            except KubeError as error:
                outcomes.append(Outcome(planned, error=error))
                self._record(planned.write.what, (planned,), f"refused: {error.summary}",
                             dry_run)
                if report_errors:
                    self.app.call_later(host(self.app).report_error, error,
                                        planned.write.what)
                continue
            outcomes.append(Outcome(planned, result=result))
            self._record(planned.write.what, (planned,), "done", dry_run)
            if result.confirmed_after_unknown:
                self.app.notify(f"{planned.write.what}: the answer was lost, but the server "
                                "shows it was done (checked before anything was sent again).",
                                title="Done", timeout=6)
        if reply is not None:
            self.app.call_later(reply, ActionResult(tuple(outcomes)))

    def _record(self, summary: str, writes: Sequence[Planned], outcome: str,
                dry_run: str) -> None:
        """The action in the incident timeline: what, the kubectl equivalent, the outcome and
        the dry-run answer the user saw."""
        namespace, obj = object_of(writes[0].write.path) if writes else ("", "")
        body = writes[0].write.body if writes else None
        if obj and "/" not in obj and isinstance(body, dict):  # a create: named by its body
            name = (body.get("metadata") or {}).get("name")
            obj = f"{obj}/{name}" if isinstance(name, str) and name else obj
        host(self.app).timeline.record(
            ACTION, summary, namespace=namespace, object=obj, outcome=outcome, dry_run=dry_run,
            kubectl="\n".join(p.kubectl for p in writes if p.kubectl))

    def action_copy_kubectl(self) -> None:
        if not self.last_kubectl:
            self.app.notify("No action sent yet: nothing to copy.", title="Clipboard")
            return
        host(self.app).copy_text(self.last_kubectl, "the last action's kubectl command")
