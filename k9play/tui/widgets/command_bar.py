"""The prompt: one Input docked at the bottom, for ``:`` commands and for ``/`` filters.

k9s shows the completion inline after the cursor; ``tab`` or ``→`` takes it, ``↑``/``↓``
walk back through what was typed before. A filter is applied as it is typed (k9s debounces
100 ms; here every keystroke reaches the view-model, which filters incrementally).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Label

Mode = Literal["command", "filter"]


#: ``words(earlier_words, last_word)``: the candidates for the word being typed
Completer = Callable[[list[str], str], list[str]]


class PrefixSuggester(Suggester):
    """Completes the last word from ``words(first_words, last_word)`` — a callable, so the
    namespaces offered after ``:pods `` are the ones that exist now (and ``deploy/ng`` can
    complete to the names of that type)."""

    def __init__(self, words: Completer, *, whole: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.words = words
        self.whole = whole  # complete the whole value (filters), not its last word

    async def get_suggestion(self, value: str) -> str | None:
        if self.whole:
            if not value:
                return None
            return next((w for w in self.words([], value) if w.lower().startswith(value) and len(w) > len(value)),
                        None)
        head, sep, last = value.rpartition(" ")
        before = head.split() if sep else []
        if not last and not before:
            return None
        for word in self.words(before, last):
            if word.lower().startswith(last) and word.lower() != last:
                return value + word[len(last):]
        return None


class CommandBar(Horizontal):
    """Emits :class:`Run` (a command), :class:`FilterChanged` (every keystroke of a filter)
    and :class:`Closed` (``cancelled`` on esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("tab", "complete", "Complete", show=False, id="k9play.prompt.complete"),
        Binding("up", "recall(1)", "Previous", show=False, id="k9play.prompt.previous"),
        Binding("down", "recall(-1)", "Next", show=False, id="k9play.prompt.next"),
        Binding("ctrl+u", "clear", "Clear", show=False, id="k9play.prompt.clear"),
    ]

    DEFAULT_CSS = """
    CommandBar {
        display: none;
        height: 3;
        border: round $k9s-prompt-border;
        background: $k9s-prompt-bg;
        &.-open { display: block; }
        &.-filter { border: round $k9s-prompt-border-filter; }
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

    class FilterChanged(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        def __init__(self, mode: Mode, cancelled: bool, text: str = "") -> None:
            super().__init__()
            self.mode = mode
            self.cancelled = cancelled
            self.text = text

    def __init__(self, *, cursor_blink: bool = True,
                 completions: dict[Mode, Completer] | None = None,
                 history: dict[Mode, Callable[[], list[str]]] | None = None) -> None:
        super().__init__()
        self._cursor_blink = cursor_blink
        self.mode: Mode = "command"
        self._completions = completions or {}
        self._history = history or {}
        self._recall = -1
        self._suggesters: dict[Mode, PrefixSuggester] = {
            m: PrefixSuggester(fn, whole=m == "filter") for m, fn in self._completions.items()}

    def compose(self) -> ComposeResult:
        yield Label(">")
        yield Input(select_on_focus=False)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self._cursor_blink

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, mode: Mode = "command", value: str = "") -> None:
        field = self.query_one(Input)
        self.mode = mode
        self._recall = -1
        self.query_one(Label).update(">" if mode == "command" else "/")
        self.set_class(mode == "filter", "-filter")  # k9s: the filter prompt has its own border colour
        field.suggester = self._suggesters.get(mode)
        with field.prevent(Input.Changed):
            field.value = value
        field.cursor_position = len(value)
        self.add_class("-open")
        # focus now, not after the queued keys: ``:pods`` typed fast must land in the prompt
        self.screen.set_focus(field)

    def close(self, cancelled: bool) -> None:
        text = self.query_one(Input).value.strip()
        self.remove_class("-open")
        self.post_message(self.Closed(self.mode, cancelled, text))

    def action_cancel(self) -> None:
        self.close(cancelled=True)

    def action_clear(self) -> None:
        self.query_one(Input).value = ""

    def action_complete(self) -> None:
        """Tab takes the suggestion, as in k9s (focus must not wander off the prompt)."""
        field = self.query_one(Input)
        field.action_end()
        field.action_cursor_right()

    def action_recall(self, step: int) -> None:
        """↑/↓: walk through earlier commands (or filters), newest first."""
        entries = self._history.get(self.mode, list)()
        if not entries:
            return
        self._recall = max(-1, min(len(entries) - 1, self._recall + step))
        field = self.query_one(Input)
        field.value = entries[self._recall] if self._recall >= 0 else ""
        field.cursor_position = len(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.mode == "filter" and self.is_open:
            self.post_message(self.FilterChanged(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        mode = self.mode
        self.close(cancelled=False)
        if mode == "command" and text:
            self.post_message(self.Run(text))
