"""``?``: every key the browser and detail screens understand, plus the prompt's commands."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget

from k9play.tui.widgets import ClusterHeader

COMMANDS = [
    (":pods [ns|all]", "Pods (:po :pod)"),
    (":deploy", "Deployments (:dp)"),
    (":<kind> /re", "Filtered (regex)"),
    (":<kind> -f x", "Fuzzy filtered"),
    (":<kind> a=b", "By labels"),
    (":ns [name]", "Namespaces / switch"),
    (":<kind> -A", "All namespaces"),
    (":aliases", "Every command (ctrl-a)"),
    (":pause :resume", "Simulated time"),
    (":speed N", "Time speed factor"),
    (":step [DUR]", "Advance time (1s)"),
]


def binding_rows(bindings: list[BindingType], display: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(key, description) rows from a ``BINDINGS`` list, so the help never drifts from the code."""
    rows = []
    for b in bindings:
        if not isinstance(b, Binding) or not b.description:
            continue
        keys = (b.key_display or b.key).split(",")
        rows.append(("/".join((display or {}).get(k, k) for k in keys), b.description))
    return rows


class HelpTable(Widget):
    """k9s' help: sections side by side, keys in the key colour."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"help-table--section", "help-table--key", "help-table--text"}

    DEFAULT_CSS = """
    HelpTable {
        height: auto;
        padding: 1 2;
        background: $k9s-help-bg;
        & > .help-table--section { color: $k9s-help-section; text-style: bold; }
        & > .help-table--key { color: $k9s-help-key; }
        & > .help-table--text { color: $k9s-help-text; }
    }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def render(self) -> RenderableType:
        """Sections side by side, wrapped onto more bands when they do not fit the width."""
        section, key, text = (self.get_component_rich_style(f"help-table--{n}") for n in ("section", "key", "text"))
        bands: list[list[tuple[Table, int]]] = [[]]
        used = 0
        for title, rows in self.sections:
            col = Table.grid(padding=(0, 1))
            col.add_column(style=key, no_wrap=True)
            col.add_column(style=text, no_wrap=True)
            col.add_row(Text(title, style=section), "")
            for k, d in rows:
                col.add_row(Text(f"<{k}>"), Text(d))
            width = max([len(title) + 1, *(len(k) + 3 + len(d) for k, d in rows)])
            if bands[-1] and used + 4 + width > self.content_size.width:
                bands.append([])
                used = 0
            bands[-1].append((col, width))
            used += width + (4 if used else 0)
        outer = Table.grid()
        for band in bands:
            grid = Table.grid(padding=(0, 4))
            for _, width in band:
                grid.add_column(vertical="top", min_width=width)
            grid.add_row(*(col for col, _ in band))
            outer.add_row(grid)
            outer.add_row("")
        return outer


class HelpScreen(Screen[None]):
    """Scrolls (↑/↓, pgup/pgdn) when the sections do not fit."""

    DEFAULT_CSS = """
    HelpScreen #help {
        height: 1fr;
        background: $k9s-help-bg;
        border: round $k9s-border;
        border-title-color: $k9s-title;
        border-title-background: $k9s-title-bg;
        scrollbar-size-vertical: 1;
    }
    """
    AUTO_FOCUS = "#help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "back", "Back", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        from k9play.tui.screens.browser import BrowserScreen
        from k9play.tui.screens.detail import DetailScreen
        from k9play.tui.screens.resource_actions import ResourceActions
        from k9play.tui.time_controls import TimeControlledApp
        from k9play.tui.widgets import ResourceTable

        shown = {"colon": ":", "question_mark": "?", "escape": "esc"}
        # the verbs of the view help was opened from (k9s' help lists the current view's keys)
        view = next((s for s in reversed(self.app.screen_stack) if isinstance(s, ResourceActions)), None)
        verbs = [b for b in ResourceActions.BINDINGS if isinstance(b, Binding) and
                 (view is None or view.check_action(b.action, ()))]
        table = HelpTable([
            *BrowserScreen.help_sections(binding_rows(verbs)),
            ("NAVIGATION", binding_rows(ResourceTable.BINDINGS, shown)),
            ("DETAIL", binding_rows(DetailScreen.BINDINGS, shown)),
            ("COMMANDS", [*COMMANDS, *binding_rows(TimeControlledApp.BINDINGS)]),
        ])
        box = VerticalScroll(table, id="help")
        box.border_title = " help "
        yield ClusterHeader()
        yield box

    def action_back(self) -> None:
        self.dismiss()
