"""The caption bar: the demo's narration, one line at the bottom of whatever screen is showing."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class Caption(Widget):
    """Shows the demo's current caption; docked at the bottom so no screen's layout has to know it."""

    DEFAULT_CSS = """
    Caption {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $k9s-flash-info 20%;
        color: $k9s-flash-info;
        text-style: bold;
        &.-empty { display: none; }
    }
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text
        self.set_class(not text, "-empty")

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.set_class(not text, "-empty")
            self.refresh()

    def render(self) -> Text:
        return Text(f"▶ {self.text}" if self.text else "", no_wrap=True, overflow="ellipsis")


#: The app's CSS for a demo: every line the TUI docks at the bottom moves up one row, above the caption.
CAPTION_CSS = """
Screen Flash { margin-bottom: 1; }
Screen Crumbs { margin-bottom: 2; }
Screen CommandBar { margin-bottom: 3; }
Screen #prompt { margin-bottom: 2; }
"""


def caption_on(screen: Screen[object], text: str) -> None:
    """Make ``screen`` show ``text`` in its caption bar, mounting the bar the first time."""
    bars = list(screen.query(Caption))
    if bars:
        bars[0].show(text)
    elif screen.is_attached:
        screen.mount(Caption(text))
