"""k9s' crumbs: the browser's page stack on one line (`` <deployments>  <pods> ``).

The last crumb is the page on screen (k9s' ``crumbs.activeColor``); clicking an earlier one
goes back to it, as pressing ``esc`` that many times would.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget


class Crumbs(Widget):
    """Shows ``crumbs``; posts :class:`Crumbs.Selected` with the index of a clicked one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"crumbs--crumb", "crumbs--active"}

    DEFAULT_CSS = """
    Crumbs {
        height: 1;
        dock: bottom;
        margin-bottom: 1;
        padding: 0 1;
        &.-hidden { display: none; }
        & > .crumbs--crumb { color: $k9s-crumb-fg; background: $k9s-crumb-bg; text-style: bold; }
        & > .crumbs--active { color: $k9s-crumb-fg; background: $k9s-crumb-active; text-style: bold; }
    }
    """

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self) -> None:
        super().__init__()
        self.crumbs: list[str] = []
        self._spans: list[tuple[int, int]] = []

    def show(self, crumbs: list[str]) -> None:
        if crumbs != self.crumbs:
            self.crumbs = list(crumbs)
            self.refresh()

    def render(self) -> Text:
        crumb, active = (self.get_component_rich_style(f"crumbs--{n}") for n in ("crumb", "active"))
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        last = len(self.crumbs) - 1
        for i, name in enumerate(self.crumbs):
            start = len(text)
            text.append(f" <{name}> ", active if i == last else crumb)
            self._spans.append((start, len(text)))
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for i, (start, end) in enumerate(self._spans):
            if start <= offset.x < end and i < len(self.crumbs) - 1:
                self.post_message(self.Selected(i))
                return
