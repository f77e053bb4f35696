"""The session's recorder, owned by the app (``app.timeline``): flows and the action path call
``record``; the first connection starts the file, with what the session is pointed at.

Recording must never stop the incident's work: a file that cannot be written (a full disk, a
read-only home) is said once and the session goes on unrecorded. ``enabled`` False (the
``timeline = false`` setting) records nothing and creates no file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kubetui.config import Settings
from kubetui.timeline.entries import EXEC, LOOK, PROBE, START, Entry
from kubetui.timeline.journal import Journal, default_dir, prune, session_name

_OBJECT = re.compile(r"^/(?:api|apis/[^/]+)/[^/]+(?:/namespaces/(?P<ns>[^/]+))?"
                     r"/(?P<plural>[^/?]+)(?:/(?P<name>[^/?]+))?")


def object_of(path: str) -> tuple[str, str]:
    """An API path's namespace and object (``pods/web-1``, ``deployments/checkout``)."""
    match = _OBJECT.match(path)
    if match is None:
        return "", ""
    plural, name = match.group("plural"), match.group("name")
    return match.group("ns") or "", f"{plural}/{name}" if name else plural


class Timeline:
    def __init__(self, *, enabled: bool = True, folder: Path | None = None, keep_days: int = 30,
                 clock: Callable[[], float], warn: Callable[[str], None] = lambda text: None
                 ) -> None:
        self.enabled, self.folder, self.keep_days = enabled, folder or default_dir(), keep_days
        self.clock, self.warn = clock, warn
        self.context = self.namespace = ""
        self.journal: Journal | None = None
        self.entries: list[Entry] = []  # this session's, for the timeline view
        self._subscribers: list[Callable[[Entry], object]] = []

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Callable[[], float],
                      warn: Callable[[str], None]) -> Timeline:
        folder = Path(settings.timeline_dir).expanduser() if settings.timeline_dir else None
        return cls(enabled=settings.timeline, folder=folder,
                   keep_days=settings.timeline_keep_days, clock=clock, warn=warn)

    @property
    def path(self) -> Path | None:
        return self.journal.path if self.journal is not None else None

    def connected(self, context: str, namespace: str, server: str, user: str) -> None:
        """A connection: the first opens the session's file; a context switch is recorded."""
        first = not self.context
        self.context, self.namespace = context, namespace
        if not self.enabled:
            return
        if first:
            now = self.clock()
            try:
                prune(self.folder, self.keep_days, now)
                self.journal = Journal(self.folder / session_name(now, context))
            except OSError as error:
                self._failed(error)
                return
        self.record(START, f"{'session started' if first else 'switched'}: context {context}",
                    details={"server": server, "user": user})

    def record(self, kind: str, summary: str, *, namespace: str | None = None,
               object: str = "", kubectl: str = "", outcome: str = "", dry_run: str = "",
               details: dict | None = None) -> Entry | None:
        if self.journal is None:
            return None
        entry = Entry(self.clock(), kind, summary, self.context,
                      self.namespace if namespace is None else namespace, object, kubectl,
                      outcome, dry_run, details or {})
        try:
            self.journal.write(entry)
        except (OSError, ValueError) as error:
            self._failed(error)
            return None
        self.entries.append(entry)
        for subscriber in list(self._subscribers):
            subscriber(entry)
        return entry

    def subscribe(self, subscriber: Callable[[Entry], object]) -> Callable[[], None]:
        """Told of each entry recorded from now on; returns the unsubscribe."""
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber) \
            if subscriber in self._subscribers else None

    def probe_ran(self, namespace: str, pod: str, container: str, probe: str, result: str,
                  detail: str) -> None:
        """A probe run by hand (the probe runner) and its verdict."""
        self.record(PROBE, f"{probe} probe of {pod}/{container}: {detail}",
                    namespace=namespace, object=f"pods/{pod}", outcome=result)

    def stream(self, request, phase: str, outcome: str = "") -> None:
        """A shell, an attach or a command (``e``) in a container, opened or ended: the command
        and how it ended, never what it printed. ``request``: an ``ExecRequest``."""
        self.record(EXEC, f"{request.what}: {phase}", namespace=request.namespace,
                    object=f"pods/{request.pod}", kubectl=request.kubectl(), outcome=outcome)

    def saw(self, summary: str, namespace: str, object: str,
            evidence: tuple[tuple[str, str], ...] = ()) -> None:
        """What the user looked at that mattered: a triage's cause (with its evidence), a
        Secret's key revealed (its name: never the value)."""
        self.record(LOOK, summary, namespace=namespace, object=object,
                    details={"evidence": [f"{label}: {value}" for label, value in evidence]}
                    if evidence else None)

    def _failed(self, error: Exception) -> None:
        self.warn(f"the incident timeline is not recorded: {error}")
        if self.journal is not None:
            try:
                self.journal.close()
            except OSError:
                pass
        self.journal, self.enabled = None, False

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None
