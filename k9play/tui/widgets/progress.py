"""Draw the bar runs of :mod:`k9play.tui.viewmodels.progress` in the skin's colours.

Roles map to ``$k9s-*`` theme variables (``ROLE_COLORS``); resolving them through the app's
CSS variables (not hard-coded colours) is what lets a skin recolour the bars.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.widget import Widget

from k9play.tui.viewmodels.progress import ROLE_COLORS


def role_styles(widget: Widget) -> dict[str, Style]:
    """Rich styles for every bar role, from the running app's theme variables."""
    variables = widget.app.get_css_variables()
    styles = {}
    for role, var in ROLE_COLORS.items():
        try:  # CSS colour names ("greenyellow") are Textual's, not Rich's: parse them with Textual
            styles[role] = Style(color=Color.parse(variables.get(var, "")).rich_color)
        except ColorParseError:
            styles[role] = Style()
    return styles


def bar_text(runs: Iterable[tuple[str, str]], styles: dict[str, Style], base: Style | None = None) -> Text:
    """The runs as one Rich ``Text``; a run with an unknown (or empty) role keeps ``base``."""
    out = Text(no_wrap=True, overflow="crop")
    for text, role in runs:
        out.append(text, styles.get(role, base) or base)
    return out
