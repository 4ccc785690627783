"""The ``:`` prompt: a one-line Input docked at the bottom, hidden until asked for."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from k9play.api.resources import RESOURCE_TYPES

#: Words the prompt completes (k9s suggests from its alias table the same way).
COMMAND_WORDS = sorted(
    {w for rt in RESOURCE_TYPES for w in (rt.plural, rt.singular, *rt.short_names)}
    | {"dp", "ns", "all", "help", "quit", "pause", "resume", "speed", "step"}
)


class CommandBar(Horizontal):
    """Emits :class:`CommandBar.Run` on Enter and :class:`CommandBar.Closed` on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("tab", "complete", "Complete", show=False),
    ]

    DEFAULT_CSS = """
    CommandBar {
        display: none;
        height: 3;
        border: round $k9s-prompt-border;
        background: $k9s-prompt-bg;
        &.-open { display: block; }
        Label { width: 2; color: $k9s-prompt; text-style: bold; }
        Input, Input:focus {
            border: none; height: 1; padding: 0; width: 1fr;
            background: $k9s-prompt-bg; background-tint: transparent; color: $k9s-prompt;
        }
        Input > .input--suggestion { color: $k9s-prompt-suggest; }
        Input > .input--cursor { background: $k9s-prompt; color: $k9s-prompt-bg; }
    }
    """

    class Run(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        pass

    def __init__(self, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        yield Label(">")
        yield Input(
            suggester=SuggestFromList(COMMAND_WORDS, case_sensitive=False),
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self._cursor_blink

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        field = self.query_one(Input)
        field.value = ""
        self.add_class("-open")
        # focus now, not after the queued keys: ``:pods`` typed fast must land in the prompt
        self.screen.set_focus(field)

    def close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed())

    def action_cancel(self) -> None:
        self.close()

    def action_complete(self) -> None:
        """Tab takes the suggestion, as in k9s (focus must not wander off the prompt)."""
        field = self.query_one(Input)
        field.action_end()
        field.action_cursor_right()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.close()
        if text:
            self.post_message(self.Run(text))
