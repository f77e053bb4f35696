"""After a restart or an undo is sent: the rollout followed until it is complete, stalled or
out of time, and one notification that says which (the kind view's ROLLOUT column shows every
step meanwhile, from its own watch).

The follower watches that one object (``metadata.name`` field selector), judges each version
the watch delivers (``k8s/fixes/rollout_watch.py``) and lets go of the watch when it has said
its word. Nothing polls: one watch, and one timer for the deadline. A new follow of the same
object replaces the old one; a context switch ends them (their stores are closed with it).
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from kubetui.host import host
from kubetui.k8s.fixes.rollout_watch import COMPLETE, STALLED, follow_seconds, rollout_state
from kubetui.k8s.kinds.catalog import Kind
from kubetui.k8s.triage.run import whole
from kubetui.k8s.watch.reflector import ResourceScope
from kubetui.live.held import Held
from kubetui.live.store import StoreChange


class RolloutFollower:
    def __init__(self, app: App, kind: Kind, namespace: str, name: str, what: str) -> None:
        self.app, self.kind, self.namespace, self.name = app, kind, namespace, name
        self.what = what  # "restart", "roll back": the notification's words
        self.title = f"{kind.kind} {name}"
        self.held: Held | None = None
        self.timer: Any = None
        self.last = ""
        self.over = False

    def start(self) -> None:
        self.held = Held(host(self.app).stores)
        self.held.acquire("rollout", ResourceScope(
            self.kind.group_version, self.kind.plural, self.namespace,
            field_selector=f"metadata.name={self.name}"), whole,
            what=f"watch {self.kind.kind.lower()} {self.name} (rollout)", listen=self._changed)
        self._changed(None)  # a store shared with an earlier follow may be listed already

    def _changed(self, _change: StoreChange | None) -> None:
        objects = self.held.objects("rollout") if self.held is not None else None
        if self.over or not objects:
            return
        obj = objects[0]
        if self.timer is None:
            self.timer = self.app.set_timer(follow_seconds(self.kind.kind, obj), self._timed_out)
        state = rollout_state(self.kind.kind, obj)
        self.last = state.words
        if state.verdict == COMPLETE:
            self._say(f"{self.what}: rollout complete", "information")
        elif state.verdict == STALLED:
            self._say(f"{self.what}: rollout {state.words}", "error")

    def _timed_out(self) -> None:
        if not self.over:
            self._say(f"{self.what}: rollout not done after the deadline: {self.last}",
                      "warning")

    def _say(self, message: str, severity: str) -> None:
        self.stop()
        self.app.notify(message, title=self.title, severity=severity,  # type: ignore[arg-type]
                        timeout=12 if severity == "information" else 30)

    def stop(self) -> None:
        self.over = True
        if self.timer is not None:
            self.timer.stop()
        held, self.held = self.held, None
        if held is not None:  # after this change is delivered: not from inside its watch
            self.app.call_later(held.release)


class Rollouts:
    """The followers running, one per object."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.following: dict[tuple[str, str, str], RolloutFollower] = {}

    def follow(self, kind: Kind, namespace: str, name: str, what: str) -> None:
        key = (kind.qualified, namespace, name)
        old = self.following.pop(key, None)
        if old is not None:
            old.stop()
        follower = RolloutFollower(self.app, kind, namespace, name, what)
        self.following = {k: f for k, f in self.following.items() if not f.over}
        self.following[key] = follower
        follower.start()

