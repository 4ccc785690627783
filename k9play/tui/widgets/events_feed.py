"""A compact live feed of the newest Events: AGE TYPE REASON OBJECT MESSAGE, warnings in the error colour."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from k9play.tui.viewmodels.pulses import FeedRow

HEADERS = ("AGE", "TYPE", "REASON", "OBJECT", "MESSAGE")


class EventsFeed(Widget, can_focus=True):
    """Draws as many of the given rows as fit; the screen pushes new rows when they change."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"events-feed--header", "events-feed--normal", "events-feed--warning"}

    DEFAULT_CSS = """
    EventsFeed {
        height: 1fr;
        min-height: 3;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        &:focus { border: round $k9s-border-focus; border-title-color: $k9s-title-highlight; }
        & > .events-feed--header { color: $k9s-table-header; text-style: bold; }
        & > .events-feed--normal { color: $k9s-std; }
        & > .events-feed--warning { color: $k9s-error; }
    }
    """

    #: What ``enter`` runs at the browser's prompt.
    command = "events"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[FeedRow] = []
        self.border_title = " events "

    def show(self, rows: list[FeedRow]) -> None:
        if rows != self.rows:
            self.rows = rows
            self.refresh()

    def render(self) -> Text:
        fit = max(0, self.content_region.height - 1)
        rows = self.rows[:fit]
        cells = [HEADERS, *((r.age, r.type, r.reason, r.object, r.message) for r in rows)]
        widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS) - 1)]
        styles = {n: self.get_component_rich_style(f"events-feed--{n}") for n in ("header", "normal", "warning")}
        out = []
        for i, c in enumerate(cells):
            style = styles["header"] if i == 0 else styles["warning" if rows[i - 1].warning else "normal"]
            text = "  ".join(v.ljust(w) for v, w in zip(c, widths, strict=False)) + "  " + c[-1]
            out.append(Text(text, Style(color=style.color, bold=style.bold), no_wrap=True, overflow="ellipsis"))
        if not rows:
            out.append(Text("no events yet", styles["normal"]))
        return Text("\n", no_wrap=True).join(out)
