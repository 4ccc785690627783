"""k9s' modal dialogs: a ``<Title>`` box with a question, a few fields, Cancel and OK.

Each dialog is a :class:`ModalScreen` that dismisses with its result (None when cancelled),
so the verb that opened it decides what to do in its callback. Layout and defaults follow
k9s' ``ui/dialog`` and ``view/*_dialog.go``: the delete dialog offers Background, Foreground,
Orphan and None propagation and a Force box; the drain dialog GracePeriod, Timeout, Ignore
DaemonSets, Delete EmptyDir Data and Force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static

from k9play.kubectl.drain import DrainOptions
from k9play.kubectl.verbs import PROPAGATIONS

T = TypeVar("T")


@dataclass(frozen=True)
class DeleteChoice:
    propagation: str  # one of PROPAGATIONS
    force: bool


class Dialog(ModalScreen[T | None], Generic[T]):
    """Title in the border, the question, :meth:`fields`, then Cancel/OK; esc cancels."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $k9s-bg 50%;
        #dialog {
            width: 64; height: auto; max-height: 90%; padding: 1 2;
            background: $k9s-dialog-bg; border: round $k9s-border-focus;
            border-title-align: center; border-title-color: $k9s-title;
        }
        #message { width: 100%; text-align: center; color: $k9s-dialog-fg; margin-bottom: 1; }
        #error { width: 100%; text-align: center; color: $k9s-error; height: auto; }
        .field { height: 1; margin-bottom: 0; }
        .field > Label { width: 24; color: $k9s-dialog-label; text-align: right; padding-right: 1; }
        .field > Input, .field > Select { width: 1fr; }
        Input { color: $k9s-dialog-field; }
        .field > Checkbox {
            width: 5; height: 1; padding: 0; border: none; background: $k9s-dialog-bg; color: $k9s-dialog-field;
        }
        .field > Checkbox:focus { border: none; }
        .field > Checkbox:focus > .toggle--button { background: $k9s-title-highlight; }
        #buttons { height: 1; margin-top: 1; align-horizontal: center; }
        Button { margin: 0 2; min-width: 10; background: $k9s-dialog-button-bg; color: $k9s-dialog-button-fg; }
        Button:focus {
            background: $k9s-dialog-button-focus-bg; color: $k9s-dialog-button-focus-fg; text-style: bold;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = f"<{self.title_text}>"
            yield Static(self.message, id="message")
            yield from self.fields()
            yield Static("", id="error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("OK", id="ok", compact=True)

    def fields(self) -> ComposeResult:
        """The form rows between the question and the buttons (none for a plain confirm)."""
        yield from ()

    def field(self, label: str, widget: Input | Select[str] | Checkbox) -> Horizontal:
        return Horizontal(Label(label), widget, classes="field")

    def result(self) -> T | None:
        """The dialog's answer from its fields; None keeps it open (an error is shown)."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_ok()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    def action_ok(self) -> None:
        value = self.result()
        if value is not None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, text: str) -> None:
        self.query_one("#error", Static).update(text)


class ConfirmDialog(Dialog[bool]):
    """k9s' ``ShowConfirm``: the question and Cancel/OK, Cancel focused."""

    AUTO_FOCUS = "#cancel"

    def result(self) -> bool:
        return True


class DeleteDialog(Dialog[DeleteChoice]):
    """``ctrl-d``: propagation and Force (grace period 0), Cancel focused as in k9s."""

    AUTO_FOCUS = "#cancel"

    def __init__(self, message: str) -> None:
        super().__init__("Delete", message)

    def fields(self) -> ComposeResult:
        options = [(p, p) for p in PROPAGATIONS]
        yield self.field("Propagation:", Select(options, value=PROPAGATIONS[0], allow_blank=False, compact=True,
                                                id="propagation"))
        yield self.field("Force:", Checkbox(value=False, compact=True, id="force"))

    def result(self) -> DeleteChoice:
        propagation = self.query_one("#propagation", Select).value
        return DeleteChoice(str(propagation), self.query_one("#force", Checkbox).value)


class ScaleDialog(Dialog[int]):
    """``s`` on a scalable kind: ``Replicas:`` prefilled with the current count."""

    AUTO_FOCUS = "#replicas"

    def __init__(self, message: str, replicas: int) -> None:
        super().__init__("Scale", message)
        self.replicas = replicas

    def fields(self) -> ComposeResult:
        yield self.field("Replicas:", Input(str(self.replicas), restrict=r"\d*", compact=True, id="replicas"))

    def result(self) -> int | None:
        text = self.query_one("#replicas", Input).value.strip()
        if not text.isdigit():
            self.show_error(f'invalid replicas "{text}"')
            return None
        return int(text)


class ImageDialog(Dialog[dict[str, str]]):
    """``i``: one image field per container (init containers included)."""

    AUTO_FOCUS = "Input"

    def __init__(self, message: str, images: list[tuple[str, str]]) -> None:
        super().__init__("Set image", message)
        self.images = images

    def fields(self) -> ComposeResult:
        for i, (container, image) in enumerate(self.images):
            yield self.field(f"{container}:", Input(image, compact=True, id=f"image-{i}"))

    def result(self) -> dict[str, str] | None:
        out = {}
        for i, (container, _) in enumerate(self.images):
            value = self.query_one(f"#image-{i}", Input).value.strip()
            if not value:
                self.show_error(f"container {container}: an image is required")
                return None
            out[container] = value
        return out


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")


class DrainDialog(Dialog[DrainOptions]):
    """``r`` on a node: kubectl drain's options with k9s' defaults (grace -1, timeout 5s)."""

    AUTO_FOCUS = "#grace"

    def __init__(self, message: str, opts: DrainOptions | None = None) -> None:
        super().__init__("Drain", message)
        self.opts = opts or DrainOptions()

    def fields(self) -> ComposeResult:
        o = self.opts
        yield self.field("GracePeriod:", Input(str(o.grace_period), restrict=r"-?\d*", compact=True, id="grace"))
        yield self.field("Timeout:", Input(f"{o.timeout:g}s", compact=True, id="timeout"))
        yield self.field("Ignore DaemonSets:", Checkbox(value=o.ignore_daemonsets, compact=True, id="ignore-ds"))
        yield self.field("Delete EmptyDir Data:", Checkbox(value=o.delete_emptydir_data, compact=True,
                                                           id="emptydir"))
        yield self.field("Force:", Checkbox(value=o.force, compact=True, id="force"))

    def result(self) -> DrainOptions | None:
        grace = self.query_one("#grace", Input).value.strip()
        timeout = self.query_one("#timeout", Input).value.strip()
        m = _DURATION.match(timeout)
        if not re.fullmatch(r"-?\d+", grace):
            self.show_error(f'invalid grace period "{grace}"')
            return None
        if m is None:
            self.show_error(f'time: invalid duration "{timeout}"')
            return None
        seconds = float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]
        return DrainOptions(int(grace), seconds, self.query_one("#ignore-ds", Checkbox).value,
                            self.query_one("#emptydir", Checkbox).value, self.query_one("#force", Checkbox).value)


class PickDialog(ModalScreen[str | None]):
    """A list to choose from (k9s' container picker); enter picks, esc cancels."""

    DEFAULT_CSS = """
    PickDialog {
        align: center middle;
        background: $k9s-bg 50%;
        OptionList {
            width: 40; height: auto; max-height: 20; background: $k9s-dialog-bg; color: $k9s-picker-main;
            border: round $k9s-border-focus; border-title-align: center; border-title-color: $k9s-title;
        }
        OptionList > .option-list--option-highlighted { background: $k9s-picker-focus; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]
    AUTO_FOCUS = "OptionList"

    def __init__(self, title: str, choices: list[str], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        options = OptionList(*self.choices)
        options.border_title = f"<{self.title_text}>"
        if self.current in self.choices:
            options.highlighted = self.choices.index(self.current)
        yield options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
