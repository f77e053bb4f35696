"""``s`` / ``a`` / ``e`` on a pod: a shell, an attach or a typed command in one of its
containers, in the embedded terminal (a session the app keeps, ``flows/sessions.py``).

The pod is read first for its containers (and whether they take input); with several, the user
picks one in the command palette.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from kubetui.flows.base import Flow
from kubetui.intents.pods import StreamKind
from kubetui.palette import palette_label

if TYPE_CHECKING:
    from kubetui.k8s.core.pod_detail import StreamTarget
    from kubetui.k8s.transport.exec import ExecRequest


class StreamsFlow(Flow):
    def open(self, namespace: str, name: str, kind: StreamKind) -> None:
        self.run(self._prepare(namespace, name, kind), "prepare-stream",
                 f"read pod {name} for its containers")

    async def _prepare(self, namespace: str, name: str, kind: StreamKind) -> None:
        from kubetui.k8s.core.pod_detail import fetch_pod, stream_targets

        pod = await fetch_pod(self.host.cluster, namespace, name)
        self.then(self._choose, namespace, name, kind, stream_targets(pod))

    def _choose(self, namespace: str, name: str, kind: StreamKind,
                targets: tuple[StreamTarget, ...]) -> None:
        if not targets:
            self.notify(f"pod {name} has no container to {kind.value} to",
                        title="Terminal", severity="warning")
            return
        if len(targets) == 1:
            self.to_container(namespace, name, kind, targets[0])
            return
        self.app.search_commands(
            [(palette_label(f"{t.name}  ({t.state})"),
              (lambda t=t: self.to_container(namespace, name, kind, t)), None)
             for t in targets],
            placeholder=f"Container in {name} for the {kind.value}…")

    def to_container(self, namespace: str, name: str, kind: StreamKind,
                     target: StreamTarget) -> None:
        from kubetui.k8s.transport.exec import ExecRequest

        if kind is StreamKind.COMMAND:
            from kubetui.screens.text_prompt import TextPrompt

            self.app.push_screen(
                TextPrompt(f"command to run in {name}/{target.name} (shell-like quoting)"),
                lambda text: self._run_typed(namespace, name, target, text))
            return
        if kind is StreamKind.ATTACH:
            if not target.stdin:
                self.notify(f"{target.name} takes no input (no stdin in its spec): attach "
                            "shows what its main process prints, nothing more.",
                            title="Attach", timeout=6)
            request = ExecRequest(namespace, name, target.name, stdin=target.stdin,
                                  tty=target.tty and target.stdin, attach=True)
            self.session(request, shells=())
        else:
            self.session(ExecRequest(namespace, name, target.name, stdin=True, tty=True))

    def _run_typed(self, namespace: str, name: str, target: StreamTarget,
                   text: str | None) -> None:
        from kubetui.k8s.transport.exec import ExecRequest

        if not text or not text.strip():
            return
        try:
            argv = tuple(shlex.split(text))
        except ValueError as exc:  # unbalanced quotes
            self.notify(f"cannot parse the command: {exc}", title="Exec", severity="error")
            return
        self.session(ExecRequest(namespace, name, target.name, argv, stdin=True, tty=True),
                     shells=())

    def session(self, request: ExecRequest,
                shells: tuple[tuple[str, ...], ...] | None = None) -> None:
        """A session for ``request`` (a shell tries bash then sh unless ``shells`` says)."""
        from kubetui.screens.terminal_session import TerminalSession

        self.host.sessions.open(TerminalSession(request, shells=shells))
