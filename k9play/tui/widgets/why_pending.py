"""The "why pending" pane under a Pending pod's describe: the scheduler's verdict node by node,
or what the volumes or containers are waiting for."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from k9play.api.meta import human_duration
from k9play.tui.viewmodels.pending import PendingReason

PARTS = ("section", "label", "value", "dim", "warn", "error")


class WhyPendingView(Static):
    """Hidden (``display: none``) unless the pod is Pending."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"why-pending--{p}" for p in PARTS}

    DEFAULT_CSS = """
    WhyPendingView {
        height: auto;
        padding: 0 1;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        & > .why-pending--section { color: $k9s-pending; text-style: bold; }
        & > .why-pending--label { color: $k9s-table-header; text-style: bold; }
        & > .why-pending--value { color: $k9s-yaml-value; }
        & > .why-pending--dim { color: $k9s-completed; }
        & > .why-pending--warn { color: $k9s-pending; }
        & > .why-pending--error { color: $k9s-error; }
    }
    """

    def show(self, reason: PendingReason | None, now: float) -> None:
        self.display = reason is not None
        if reason is None:
            return
        self.border_title = " why pending "
        self.update(self.render_reason(reason, now))

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"why-pending--{part}")

    def render_reason(self, r: PendingReason, now: float) -> RenderableType:
        head = Text(r.stage, style=self._style("section"))
        if r.since is not None:
            head.append(f"  last attempt {human_duration(now - r.since)} ago", self._style("dim"))
        parts: list[RenderableType] = [head, Text(r.message, style=self._style("value"))]
        if r.nodes:
            nodes = self._table(("NODE", "FILTER", "REASON"))
            for n in r.nodes:
                reason = Text(", ".join(n.reasons), style=self._style("error"))
                if n.detail:
                    reason.append(f"\n↳ {n.detail}", self._style("dim"))
                nodes.add_row(Text(n.node, style=self._style("value")), Text(n.plugin, style=self._style("value")),
                              reason)
            parts.append(nodes)
        if r.waiting:
            waiting = self._table(("WAITING", "REASON", "MESSAGE"))
            for w in r.waiting:
                waiting.add_row(Text(w.what, style=self._style("value")), Text(w.reason, style=self._style("error")),
                                Text(w.message, style=self._style("value")))
            parts.append(waiting)
        return Group(*parts)

    def _table(self, headers: tuple[str, ...]) -> Table:
        """Short columns first, the last one takes the rest of the width and wraps."""
        table = Table.grid(padding=(0, 2))
        for i in range(len(headers)):
            table.add_column(no_wrap=i < len(headers) - 1)
        table.add_row(*(Text(h, style=self._style("label")) for h in headers))
        return table
