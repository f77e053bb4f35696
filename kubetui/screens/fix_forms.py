"""The fix actions' forms: scale (``S``), delete pods (``ctrl+d``), rollout undo (``U``).

Each is a ``PlanForm`` over a pure builder of ``kubetui.k8s.fixes``; what it dismisses with (a
``Fix``) goes to the server's dry run, then the confirm (``ActionPath.confirm_after_dry_run``).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from kubetui.k8s.fixes.pods import PodRef, plan_delete_pods
from kubetui.k8s.fixes.rollout import Revision, plan_undo, template_diff
from kubetui.k8s.fixes.scale import autoscaler_warning, plan_scale
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.safe_text import visible
from kubetui.screens.plan_form import PlanForm
from kubetui.widgets.line_input import LineInput


def _whole_number(value: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"{what} is a whole number, 0 or more (not {visible(value)!r})")
    return int(value)


class ScaleForm(PlanForm):
    """Replicas, prefilled with the current count; an HPA owning the target is named."""

    verb = "scale"
    prefix = "scale"

    def __init__(self, obj: dict, hpa: dict | None, hpa_unknown: str = "") -> None:
        super().__init__()
        meta = mapping(obj.get("metadata"))
        self.kind, self.ns, self.object_name = (text(obj.get("kind")),
                                                text(meta.get("namespace")),
                                                text(meta.get("name")))
        replicas = mapping(obj.get("spec")).get("replicas")
        self.current = replicas if isinstance(replicas, int) else 1
        self.hpa, self.hpa_unknown = hpa, hpa_unknown
        self.title_text = (f"scale {self.kind.lower()} {self.ns}/{self.object_name} "
                           f"(now {self.current} replicas)")

    def fields(self) -> ComposeResult:
        yield self.row("Replicas", LineInput(str(self.current), id="replicas", compact=True))

    def build(self):
        replicas = _whole_number(self.value("#replicas") or "", "replicas")
        if replicas is None:
            raise ValueError("how many replicas?")
        return plan_scale(self.kind, self.ns, self.object_name, replicas, self.current,
                          self.hpa)

    def warnings(self) -> list[str]:
        if self.plan is not None:
            out = list(self.plan.warnings)
        else:  # the autoscaler matters before a count is typed
            out = [autoscaler_warning(self.hpa)] if self.hpa is not None else []
        return out + ([self.hpa_unknown] if self.hpa_unknown else [])


class DeletePodsForm(PlanForm):
    """The pods listed; the grace period (blank: each pod's own) or force."""

    verb = "delete"
    prefix = "delete"

    def __init__(self, pods: Sequence[PodRef]) -> None:
        super().__init__()
        self.pods = tuple(pods)
        names = ", ".join(f"{p.namespace}/{p.name}" for p in self.pods[:3])
        more = f" and {len(self.pods) - 3} more" if len(self.pods) > 3 else ""
        self.title_text = (f"delete pod {names}" if len(self.pods) == 1 else
                           f"delete {len(self.pods)} pods: {names}{more}")

    def fields(self) -> ComposeResult:
        graces = sorted({p.grace for p in self.pods})
        own = f"{graces[0]}" if len(graces) == 1 else "each pod's own"
        yield self.row("Grace (s)", LineInput("", placeholder=f"{own} (the pod's own)", id="grace",
                                          compact=True))
        yield self.row("Force", Checkbox("now: do not wait for the kubelet (grace 0)",
                                         id="force", compact=True))

    def build(self):
        grace = _whole_number(self.value("#grace") or "", "the grace period")
        return plan_delete_pods(self.pods, grace=grace, force=bool(self.value("#force")))

    def warnings(self) -> list[str]:
        return list(self.plan.warnings) if self.plan is not None else []


class UndoForm(PlanForm):
    """The revisions, newest first (the previous one chosen); the template diff between the
    current and the chosen one above the request."""

    verb = "roll back"
    prefix = "undo"
    DEFAULT_CSS = """
    UndoForm .form-preview-scroll { min-height: 8; }
    """

    def __init__(self, obj: dict, revisions: Sequence[Revision]) -> None:
        super().__init__()
        self.obj = obj
        self.revisions = {r.number: r for r in revisions}
        meta = mapping(obj.get("metadata"))
        kind = text(obj.get("kind")).lower()
        self.title_text = f"roll back {kind} {text(meta.get('namespace'))}/{text(meta.get('name'))}"
        older = [r for r in revisions if not r.current]
        self.first = older[0].number if older else None

    def fields(self) -> ComposeResult:
        options = [(visible(f"{r.number}{' (current)' if r.current else ''}  {r.name}"
                            + (f"  {r.change_cause}" if r.change_cause else "")), r.number)
                   for r in self.revisions.values()]
        yield self.row("Revision", Select(options, value=self.first if self.first is not None
                                          else Select.NULL, prompt="(no earlier revision)",
                                          id="revision", compact=True))

    def chosen(self) -> Revision | None:
        number = self.value("#revision")
        return self.revisions.get(number) if isinstance(number, int) else None

    def build(self):
        chosen = self.chosen()
        if chosen is None:
            raise ValueError("no earlier revision to roll back to" if self.first is None
                             else "choose a revision")
        return plan_undo(self.obj, chosen)

    def warnings(self) -> list[str]:
        return list(self.plan.warnings) if self.plan is not None else []

    def preamble(self) -> str:
        chosen = self.chosen()
        if chosen is None:
            return ""
        current = mapping(mapping(self.obj.get("spec")).get("template"))
        diff = template_diff(current, chosen.template)
        return f"Pod template, current → revision {chosen.number}:\n{diff or '(no change)'}\n\n"
