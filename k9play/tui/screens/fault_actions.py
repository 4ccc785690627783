"""``!``: break the selected object on purpose — the fault menu of the browser.

k9s has no fault keys, so one key that k9s leaves free opens a menu of the faults that fit the
row (kill, crash, probe …, image-unpullable …, load CPU…, node-down, pressure …), labelled
with the ``k9play sim fault`` words that do the same. The injection itself is
:class:`k9play.faults.Faults`, which acts the way a client or a failing machine would; the
screen only asks, runs and flashes what happened.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input

from k9play.faults import FaultError
from k9play.kubelet.metrics import parse_cpu
from k9play.tui.screens.dialogs import Dialog, PickDialog
from k9play.tui.screens.resource_actions import ResourceActions
from k9play.tui.viewmodels.faults import FAULT_KINDS, FaultChoice, fault_menu


class LoadDialog(Dialog[str]):
    """``load CPU…``: how much CPU the workload's (or pod's) clients demand; ``0`` removes it."""

    AUTO_FOCUS = "#cpu"

    def fields(self) -> ComposeResult:
        yield self.field("CPU:", Input("500m", restrict=r"[0-9.m]*", compact=True, id="cpu"))

    def result(self) -> str | None:
        text = self.query_one("#cpu", Input).value.strip()
        try:
            if parse_cpu(text) < 0:
                raise ValueError(text)
        except ValueError:
            self.show_error(f'invalid CPU "{text}" (e.g. 500m or 2)')
            return None
        return text


class FaultActions(ResourceActions):
    """The ``!`` fault menu on pods, workloads and nodes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("exclamation_mark", "faults", "Faults", key_display="!", id="k9play.faults"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "faults":
            return self.rt.kind in FAULT_KINDS
        return super().check_action(action, parameters)

    def action_faults(self) -> None:
        keys = self.selected_keys()
        obj = self.k9.cluster.store.try_get(self.rt.kind, keys[0][1], keys[0][0] or None) if keys else None
        if obj is None:
            return
        choices = fault_menu(self.k9.cluster, self.rt.kind, obj)
        if not choices:
            self.k9.flash(f"no fault applies to {self.rt.singular} {keys[0][1]} now", "warn")
            return
        by_label = {c.label: c for c in choices}

        def picked(label: str | None) -> None:
            if label is not None:
                self._ask(by_label[label])

        self.app.push_screen(PickDialog(f"Fault {keys[0][1]}", list(by_label)), picked)

    def _ask(self, choice: FaultChoice) -> None:
        """Ask what the choice needs (a container, a CPU amount), then inject."""
        if choice.ask == "container":
            self.app.push_screen(PickDialog("Containers", list(choice.options)),
                                 lambda c: c is not None and self._inject(choice, c))
        elif choice.ask == "cpu":
            self.app.push_screen(LoadDialog("Load", f"CPU demand on {self._target_text()}?"),
                                 lambda cpu: cpu is not None and self._inject(choice, cpu))
        else:
            self._inject(choice, "")

    def _target_text(self) -> str:
        keys = self.selected_keys()
        return f"{self.rt.singular} {keys[0][1]}" if keys else self.rt.singular

    def _inject(self, choice: FaultChoice, answer: str) -> bool:
        try:
            self.k9.flash(choice.run(self.k9.cluster.faults, answer))
        except FaultError as e:
            self.k9.flash(str(e), "error")
            return False
        return True
