"""k9s' flash line: the last thing worth telling the user (sync results, command errors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.widget import Widget

Level = Literal["info", "warn", "error"]


@dataclass(frozen=True)
class FlashMessage:
    text: str = ""
    level: Level = "info"

    @property
    def line(self) -> str:
        """First line only: the flash is one row tall and messages may carry hints below."""
        return self.text.splitlines()[0] if self.text else ""


class Flash(Widget):
    """Renders the app-wide :class:`FlashMessage` (every screen shows the same one)."""

    DEFAULT_CSS = """
    Flash {
        height: 1;
        padding: 0 1;
        &.-info { color: $k9s-flash-info; }
        &.-warn { color: $k9s-flash-warn; }
        &.-error { color: $k9s-flash-error; }
    }
    """

    def __init__(self, message: FlashMessage | None = None) -> None:
        super().__init__()
        self.message = message or FlashMessage()

    def show(self, message: FlashMessage) -> None:
        if message == self.message:
            return
        self.message = message
        self.set_class(message.level == "info", "-info")
        self.set_class(message.level == "warn", "-warn")
        self.set_class(message.level == "error", "-error")
        self.refresh()

    def on_mount(self) -> None:
        self.add_class(f"-{self.message.level}")

    def render(self) -> Text:
        return Text(self.message.line, no_wrap=True, overflow="ellipsis")
