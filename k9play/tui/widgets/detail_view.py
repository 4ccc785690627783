"""Scrollable text for describe/YAML, coloured the k9s way (key, colon, value)."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

#: ``  key: value`` / ``- key: value`` lines; anything else is drawn as a plain value.
KEY_LINE = re.compile(r"^(\s*(?:- )?)([^\s:#][^:]*?)(:)(?=\s|$)(.*)$")


def colorize(text: str, key: Style, colon: Style, value: Style, *, wrap: bool = False, plain: bool = False) -> Text:
    """One pass over the lines; cheap enough to redo on every change of the object. ``wrap``: long
    lines fold at the edge. ``plain``: a progress log, not YAML — lines are not split into key and
    value."""
    out = Text(no_wrap=not wrap, overflow="fold" if wrap else "ignore")
    for line in text.splitlines():
        m = None if plain else KEY_LINE.match(line)
        if m is None:
            out.append(line, value)
        else:
            indent, k, c, rest = m.groups()
            out.append(indent, value)
            out.append(k, key)
            out.append(c, colon)
            out.append(rest, value)
        out.append("\n")
    out.rstrip()
    return out


class DetailView(VerticalScroll, can_focus=True):
    """Keeps its scroll position when the text is replaced (the live refresh)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-view--key", "detail-view--colon", "detail-view--value", "detail-view--title-path",
    }

    DEFAULT_CSS = """
    DetailView {
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
        &.-no-wrap { overflow-x: auto; }
        & > .detail-view--key { color: $k9s-yaml-key; }
        & > .detail-view--colon { color: $k9s-yaml-colon; }
        & > .detail-view--value { color: $k9s-yaml-value; }
        & > .detail-view--title-path { color: $k9s-title-highlight; text-style: bold; }
        Static { width: auto; }
    }
    """

    def __init__(self, *, id: str | None = None, wrap: bool = False, plain: bool = False) -> None:
        """``wrap``: long lines fold at the edge, as k9s' describe and YAML views do; else the
        view scrolls sideways (a wide ``kubectl get`` table). ``plain``: no key/value colours."""
        super().__init__(id=id, classes="" if wrap else "-no-wrap")
        self.text = ""
        self.wrap, self.plain = wrap, plain
        #: after ``end``: stay at the end while the text grows or the view shrinks (panes laid out below)
        self.follow_end = False

    def on_resize(self) -> None:
        if self.follow_end:
            self.scroll_end(animate=False, immediate=True)

    def on_mount(self) -> None:
        if self.wrap:
            self.query_one("#detail-text", Static).styles.width = "100%"

    def compose(self) -> ComposeResult:
        yield Static(id="detail-text")

    def show_title(self, mode: str, path: str, suffix: str = "") -> None:
        """`` yaml(default/web-1) `` in the border, like k9s' detail views."""
        st = self.get_component_rich_style("detail-view--title-path")
        self.border_title = Text.assemble(f" {mode}(", (path, Style(color=st.color, bold=st.bold)), f"){suffix} ")

    def show(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        styles = [self.get_component_rich_style(f"detail-view--{n}") for n in ("key", "colon", "value")]
        self.query_one("#detail-text", Static).update(colorize(text, *styles, wrap=self.wrap, plain=self.plain))
