"""The probes pane under a pod's describe: ✓/✗ per probe run on a virtual-time axis, per container."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from k9play.api.meta import human_duration
from k9play.tui.viewmodels.probe_timeline import EMPTY, FAIL, OK, RESTART, ContainerProbes, ProbeTimeline, Track

PARTS = ("label", "value", "dim", "ok", "fail", "restart", "warn", "error")
#: Room the labels and the last-result text need beside the marks.
SIDE = 60
MIN_MARKS, MAX_MARKS = 20, 80


class ProbeTimelineView(Static):
    """Hidden (``display: none``) when the pod has nothing to show."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"probe-timeline--{p}" for p in PARTS}

    DEFAULT_CSS = """
    ProbeTimelineView {
        height: auto;
        padding: 0 1;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        & > .probe-timeline--label { color: $k9s-yaml-key; }
        & > .probe-timeline--value { color: $k9s-yaml-value; }
        & > .probe-timeline--dim { color: $k9s-completed; }
        & > .probe-timeline--ok { color: $k9s-modify; }
        & > .probe-timeline--fail { color: $k9s-error; text-style: bold; }
        & > .probe-timeline--restart { color: $k9s-kill; text-style: bold; }
        & > .probe-timeline--warn { color: $k9s-pending; }
        & > .probe-timeline--error { color: $k9s-error; }
    }
    """

    def marks_width(self) -> int:
        """How many time cells fit beside the labels at the current width."""
        width = self.size.width or (self.app.size.width - 2)
        return max(MIN_MARKS, min(MAX_MARKS, width - 4 - SIDE))

    def show(self, timeline: ProbeTimeline | None) -> None:
        self.display = timeline is not None
        if timeline is None:
            return
        self.border_title = " probes & restarts "
        self.update(self.render_timeline(timeline))

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"probe-timeline--{part}")

    def render_timeline(self, t: ProbeTimeline) -> RenderableType:
        dim = self._style("dim")
        legend = Text.assemble((OK, self._style("ok")), " success  ", (FAIL, self._style("fail")), " failure  ",
                               (RESTART, self._style("restart")), " restart  ", (EMPTY, dim),
                               f" {t.seconds_per_cell:g}s each", style=dim)
        parts: list[RenderableType] = []
        for c in t.containers:
            parts.append(self._header(c))
            if c.tracks:
                grid = self._grid(t.width)
                for track in c.tracks:
                    grid.add_row(Text(f"  {track.kind}", style=self._style("label")), self._marks(track.marks),
                                 self._last(track))
                parts.append(grid)
        if any(c.tracks for c in t.containers):
            axis = self._grid(t.width)
            axis.add_row("", Text(f"-{human_duration(t.span)}".ljust(t.width - 3) + "now", style=dim), legend)
            parts.append(axis)
        return Group(*parts)

    @staticmethod
    def _grid(width: int) -> Table:
        """Label, marks, last result: the same fixed widths in every grid, so the marks line up."""
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, width=11, min_width=11)
        grid.add_column(no_wrap=True, width=width, min_width=width)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        return grid

    def _header(self, c: ContainerProbes) -> Text:
        text = Text(c.name, style=self._style("value") + Style(bold=True), no_wrap=True, overflow="ellipsis")
        text.append("  ")
        text.append(c.state, self._style("error" if "BackOff" in c.state or "Error" in c.state else "value"))
        text.append("  ready" if c.ready else "  not ready", self._style("value" if c.ready else "warn"))
        text.append(f"  restarts {c.restarts}", self._style("value"))
        if c.backoff:
            text.append(f"  {c.backoff}", self._style("warn"))
        return text

    def _marks(self, marks: str) -> Text:
        styles = {OK: self._style("ok"), FAIL: self._style("fail"), RESTART: self._style("restart"),
                  EMPTY: self._style("dim")}
        text = Text(no_wrap=True)
        for ch in marks:
            text.append(ch, styles[ch])
        return text

    def _last(self, track: Track) -> Text:
        last = track.last
        if last is None:
            return Text("no result yet", style=self._style("dim"))
        if last.ok:
            return Text(f"{OK} ok", style=self._style("ok"))
        times = f"{track.failing} failure{'s' * (track.failing != 1)}"
        output = last.output or "failed"
        return Text.assemble((f"{FAIL} {times}: ", self._style("fail")), (output, self._style("value")))
