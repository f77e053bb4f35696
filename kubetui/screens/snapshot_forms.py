"""The snapshot actions' forms: take a snapshot of a claim (``t``), restore one into a new claim
(``r``). Both are ``PlanForm``s over the pure builders of ``kubetui.k8s.storage.snapshots``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Label, Select

from kubetui.k8s.storage.claims import ACCESS_SHORT, PvcRow
from kubetui.k8s.storage.snapshots import (
    ACCESS_MODES,
    ClassChoice,
    SnapshotRow,
    plan_restore,
    plan_snapshot,
)
from kubetui.safe_text import visible
from kubetui.screens.plan_form import PlanForm
from kubetui.widgets.line_input import LineInput


class SnapshotForm(PlanForm):
    """Choose a class (only the claim's driver's; the default preselected) and a name."""

    def __init__(self, pvc: PvcRow, driver: str, choice: ClassChoice, name: str,
                 version: str) -> None:
        super().__init__()
        self.pvc, self.driver, self.choice, self.version = pvc, driver, choice, version
        self._name = name
        self.title_text = f"snapshot claim {pvc.namespace}/{pvc.name} (driver {driver or '?'})"

    def fields(self) -> ComposeResult:
        classes = [(visible(f"{c.name}  ({c.deletion_policy or '?'})"), c.name)
                   for c in self.choice.classes]
        yield self.row("Class", Select(classes, value=self.choice.preselected or Select.NULL,
                                       prompt="(choose a VolumeSnapshotClass)", id="class",
                                       compact=True))
        yield self.row("Name", LineInput(self._name, id="name", compact=True))

    def build(self):
        return plan_snapshot(self.pvc.namespace, self.pvc.name, self.value("#name") or "",
                             self.value("#class") or "", self.version)

    def warnings(self) -> list[str]:
        out = [self.choice.warning] if self.choice.warning else []
        if self.pvc.phase != "Bound":
            out.append(f"the claim is {self.pvc.phase}: a snapshot needs a bound volume")
        return out


class RestoreForm(PlanForm):
    """A new claim from a ready snapshot: name, storage class, size (≥ restoreSize), access."""

    def __init__(self, snapshot: SnapshotRow, source: PvcRow | None,
                 storage_classes: tuple[str, ...]) -> None:
        super().__init__()
        self.snapshot, self.source = snapshot, source
        self.storage_classes = storage_classes
        self.title_text = f"restore snapshot {snapshot.namespace}/{snapshot.name} to a new claim"

    def fields(self) -> ComposeResult:
        source = self.source
        default_class = source.storage_class if source and source.storage_class else None
        size = self.snapshot.restore_size or (source.requested if source else "") or "1Gi"
        yield self.row("Claim name", LineInput(f"{self.snapshot.name}-restore"[:253], id="name",
                                           compact=True))
        classes = [(visible(c), c) for c in self.storage_classes]
        yield self.row("Storage class", Select(classes, value=default_class
                                               if default_class in self.storage_classes
                                               else Select.NULL,
                                               prompt="(the cluster's default)", id="class",
                                               compact=True))
        yield self.row("Size", LineInput(size, id="size", compact=True))
        modes = source.access if source and source.access else ("ReadWriteOnce",)
        yield Horizontal(Label("Access"), *(
            Checkbox(ACCESS_SHORT[m], m in modes, id=f"mode-{ACCESS_SHORT[m]}", compact=True)
            for m in ACCESS_MODES), classes="row")

    def build(self):
        access = tuple(m for m in ACCESS_MODES if self.value(f"#mode-{ACCESS_SHORT[m]}"))
        return plan_restore(self.snapshot, self.value("#name") or "",
                            self.value("#class") or "", self.value("#size") or "", access)

    def warnings(self) -> list[str]:
        if self.snapshot.ready is not True:
            return []
        return [f"restoreSize {self.snapshot.restore_size or '?'}: the claim must be at least "
                "that big. The new claim gets the snapshot's data; the original is untouched."]

