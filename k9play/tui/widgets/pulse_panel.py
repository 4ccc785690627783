"""One Pulses panel: a legend, then the healthy and faulty series as sparklines (k9s ``tchart``).

Why not Textual's ``Sparkline``: it stretches the data over its width in buckets and scales
from the data's minimum, so one sample fills the panel and a steady count draws as a flat
floor. A pulse chart instead gives each sample one column, newest on the right, scaled from
zero, so "3 running for a minute" reads as six equal bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from k9play.tui.viewmodels.pulses import PanelView

BARS = "▁▂▃▄▅▆▇█"
#: Shorter legend labels for panels too narrow for the full ones (pods at 120 columns).
SHORT = {"Running": "Run", "Pending": "Pend", "Failed": "Fail", "Succeeded": "Done", "Unknown": "Unk",
         "not ready": "!ready", "complete": "done", "running": "run", "allocatable": "of"}


def spark(values: Sequence[float], width: int, top: float) -> str:
    """The newest ``width`` values as bars scaled to ``top`` (0 is blank, anything above it shows)."""
    if width <= 0:
        return ""
    shown = list(values)[-width:]
    out = []
    for v in shown:
        if v <= 0 or top <= 0:
            out.append(" ")
        else:
            out.append(BARS[min(len(BARS) - 1, max(0, round(v / top * (len(BARS) - 1))))])
    return " " * (width - len(shown)) + "".join(out)


class PulsePanel(Widget, can_focus=True):
    """Shows a :class:`PanelView`; the screen pushes a new one when the model changed."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pulse-panel--label", "pulse-panel--ok", "pulse-panel--bad", "pulse-panel--gauge-empty",
    }

    DEFAULT_CSS = """
    PulsePanel {
        height: 5;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        &:focus { border: round $k9s-border-focus; border-title-color: $k9s-title-highlight; }
        & > .pulse-panel--label { color: $k9s-std; }
        & > .pulse-panel--ok { color: $k9s-modify; }
        & > .pulse-panel--bad { color: $k9s-error; }
        & > .pulse-panel--gauge-empty { color: $k9s-completed; }
    }
    """

    def __init__(self, view: PanelView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.border_title = f" {view.spec.title} "

    @property
    def command(self) -> str:
        """What ``enter`` runs at the browser's prompt (``pods``, ``deploy`` …)."""
        return self.view.spec.command

    def show(self, view: PanelView) -> None:
        if view != self.view:
            self.view = view
            self.refresh()

    def _colour(self, name: str) -> Style:
        st = self.get_component_rich_style(f"pulse-panel--{name}")
        return Style(color=st.color, bold=st.bold)

    def render(self) -> Text:
        width = self.content_region.width
        label, ok, bad = self._colour("label"), self._colour("ok"), self._colour("bad")
        view = self.view
        full = "  ".join(f"{name} {value}" if name else value for name, value, _ in view.legend)
        short = len(full) > width
        legend = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, value, is_bad) in enumerate(view.legend):
            if i:
                legend.append("  ")
            if name:
                legend.append(f"{SHORT.get(name, name) if short else name} ", label)
            legend.append(value, bad if is_bad else ok)
        if view.gauge is not None:
            fill = round(max(0.0, min(1.0, view.gauge)) * width)
            bar = Text.assemble(("█" * fill, bad if view.gauge >= 0.9 else ok),
                                ("░" * (width - fill), self._colour("gauge-empty")))
            top = max(view.ok, default=0)
            lines = [legend, bar, Text(spark(view.ok, width, top), ok)]
        else:
            top = max(max(view.ok, default=0), max(view.bad, default=0))
            lines = [legend, Text(spark(view.ok, width, top), ok), Text(spark(view.bad, width, top), bad)]
        return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
