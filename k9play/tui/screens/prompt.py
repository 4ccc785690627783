"""The ``:`` prompt over a page (describe, YAML, logs, xray, pulses, a kubectl output …).

k9s' prompt belongs to the app, not to the table: it opens over whatever is showing, and that page
stays where it is until the line says otherwise. This screen is only the prompt, laid over the page
it was opened from (transparent, the page still visible); it hands the line back when entered
(``None`` on esc), and the app decides where it runs.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.screen import ModalScreen

from k9play.tui.widgets import CommandBar
from k9play.tui.widgets.command_bar import Completer


class PromptScreen(ModalScreen[str | None]):
    """A :class:`CommandBar` over the page below, with the browser's completion and history."""

    def __init__(self, complete: Completer, history: Callable[[], list[str]], *, cursor_blink: bool = True) -> None:
        super().__init__()
        self._complete, self._history, self._cursor_blink = complete, history, cursor_blink

    def compose(self) -> ComposeResult:
        yield CommandBar(cursor_blink=self._cursor_blink, completions={"command": self._complete},
                         history={"command": self._history})

    def on_mount(self) -> None:
        self.query_one(CommandBar).open("command")

    def on_command_bar_closed(self, event: CommandBar.Closed) -> None:
        event.stop()
        self.dismiss(None if event.cancelled or not event.text else event.text)

    def on_command_bar_run(self, event: CommandBar.Run) -> None:
        event.stop()  # the line was handed back with Closed
