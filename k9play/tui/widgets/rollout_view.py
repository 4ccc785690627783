"""The rollout pane: old and new ReplicaSets side by side as bars, conditions, scaling events.

Everything is redrawn from a :class:`~k9play.tui.viewmodels.rollout.RolloutState` (cheap: a
handful of ReplicaSets), so the bars step exactly as the controllers write status.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from k9play.api.meta import human_duration, parse_time
from k9play.tui.viewmodels.progress import level_runs
from k9play.tui.viewmodels.rollout import ReplicaSetView, RolloutState
from k9play.tui.widgets.progress import bar_text, role_styles

#: Scaling events listed (the latest ones; older ones are counted).
MAX_EVENTS = 10
COUNTERS = ("desired", "current", "ready", "available")
PARTS = ("section", "label", "value", "dim", "new", "old", "false", "title-path")


class RolloutView(VerticalScroll, can_focus=True):
    """Scrollable; keeps its scroll position when the state is redrawn."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"rollout-view--{p}" for p in PARTS}

    DEFAULT_CSS = """
    RolloutView {
        height: 1fr;
        padding: 0 1;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        border-title-style: none;
        scrollbar-size-vertical: 1;
        &:focus { border: round $k9s-border-focus; }
        & > .rollout-view--section { color: $k9s-table-header; text-style: bold; }
        & > .rollout-view--label { color: $k9s-yaml-key; }
        & > .rollout-view--value { color: $k9s-yaml-value; }
        & > .rollout-view--dim { color: $k9s-completed; }
        & > .rollout-view--new { color: $k9s-modify; text-style: bold; }
        & > .rollout-view--old { color: $k9s-kill; text-style: bold; }
        & > .rollout-view--false { color: $k9s-error; }
        & > .rollout-view--title-path { color: $k9s-title-highlight; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last: tuple[RolloutState | None, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="rollout-body")

    def show_title(self, path: str, suffix: str = "") -> None:
        st = self.get_component_rich_style("rollout-view--title-path")
        self.border_title = Text.assemble(" rollout(", (path, Style(color=st.color, bold=st.bold)), f"){suffix} ")

    def show(self, state: RolloutState | None, now: float) -> None:
        """Redraw for ``state`` at virtual time ``now`` (skipped when nothing visible changed)."""
        width = max(40, self.scrollable_content_region.width)
        key = (state, int(now), width)
        if key == self._last:
            return
        self._last = key
        body = self.query_one("#rollout-body", Static)
        if state is None:
            body.update(Text("The Deployment does not exist (any more).", style=self._style("dim")))
            return
        body.update(Group(*self._summary(state), Text(""), self._replica_sets(state, width), Text(""),
                          *self._conditions(state, now), Text(""), *self._events(state, now)))

    def on_resize(self) -> None:
        if self._last is not None:
            state, stamp, _ = self._last
            self._last = None
            self.show(state, float(stamp))

    # ------------------------------------------------------------ sections
    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"rollout-view--{part}")

    def _summary(self, s: RolloutState) -> list[RenderableType]:
        p, spec = s.progress, s.deployment.get("spec") or {}
        status = s.deployment.get("status") or {}
        label, value, dim = self._style("label"), self._style("value"), self._style("dim")
        strategy = (spec.get("strategy") or {}).get("type", "RollingUpdate")
        if strategy == "RollingUpdate":
            strategy += f"  max surge {s.surge}, max unavailable {s.unavailable}"
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style=label, no_wrap=True)
        grid.add_column(style=value)
        grid.add_row("Strategy", strategy)
        grid.add_row("Replicas", f"{p.desired} desired | {int(status.get('updatedReplicas') or 0)} updated | "
                                 f"{int(status.get('replicas') or 0)} total | "
                                 f"{int(status.get('availableReplicas') or 0)} available | "
                                 f"{int(status.get('unavailableReplicas') or 0)} unavailable")
        roles = role_styles(self)
        bar = bar_text(p.runs(40), roles, value)
        verdict = "complete" if p.complete else ("paused" if spec.get("paused") else "rolling")
        bar.append(f"  {p.new_available}/{p.desired} new available, {p.old} old  ", value)
        bar.append(f"({verdict})", dim)
        grid.add_row("Progress", bar)
        legend = Text.assemble(("█", roles["new-available"]), " new available  ",
                               ("▓", roles["new-unavailable"]), " new, not yet available  ",
                               ("░", roles["old"]), " old  ", ("·", roles["missing"]), " missing", style=dim)
        grid.add_row("", legend)
        return [grid]

    def _replica_sets(self, s: RolloutState, width: int) -> RenderableType:
        if not s.replica_sets:
            return Text("No ReplicaSets yet.", style=self._style("dim"))
        n = len(s.replica_sets)
        column = (width - 4 * (n - 1)) // n
        bar_width = max(4, column - 10 - 5)
        outer = Table.grid(padding=(0, 4))
        for _ in range(n):
            outer.add_column(width=column, no_wrap=True)
        outer.add_row(*(self._replica_set(rs, s.scale, bar_width) for rs in s.replica_sets))
        return outer

    def _replica_set(self, rs: ReplicaSetView, scale: int, bar_width: int) -> RenderableType:
        label, value, dim = self._style("label"), self._style("value"), self._style("dim")
        styles = role_styles(self)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append("NEW " if rs.new else "OLD ", self._style("new" if rs.new else "old"))
        head.append(rs.name, value)
        head.append(f"  rev {rs.revision}" if rs.revision else "", dim)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style=label, no_wrap=True, width=9)
        grid.add_column(no_wrap=True)
        grid.add_column(style=value, justify="right", no_wrap=True)
        for name in COUNTERS:
            count = getattr(rs, name)
            grid.add_row(name, bar_text(level_runs(count, scale, bar_width, rs.new), styles), str(count))
        return Group(head, Text(rs.images, style=dim, no_wrap=True, overflow="ellipsis"), grid)

    def _conditions(self, s: RolloutState, now: float) -> list[RenderableType]:
        out: list[RenderableType] = [Text("CONDITIONS", style=self._style("section"))]
        if not s.conditions:
            return [*out, Text("none yet", style=self._style("dim"))]
        table = Table.grid(padding=(0, 2))
        for _ in range(5):
            table.add_column(no_wrap=True)
        table.columns[3].no_wrap = False
        label, value, false = self._style("label"), self._style("value"), self._style("false")
        table.add_row(*(Text(h, style=label) for h in ("TYPE", "STATUS", "REASON", "MESSAGE", "UPDATED")))
        for c in s.conditions:
            updated = c.get("lastUpdateTime") or c.get("lastTransitionTime")
            age = human_duration(now - parse_time(updated)) if updated else ""
            table.add_row(Text(str(c.get("type", "")), style=value),
                          Text(str(c.get("status", "")), style=value if c.get("status") == "True" else false),
                          Text(str(c.get("reason", "")), style=value), Text(str(c.get("message", "")), style=value),
                          Text(age, style=self._style("dim")))
        return [*out, table]

    def _events(self, s: RolloutState, now: float) -> list[RenderableType]:
        out: list[RenderableType] = [Text("EVENTS (ScalingReplicaSet, oldest first)", style=self._style("section"))]
        if not s.events:
            return [*out, Text("none yet", style=self._style("dim"))]
        shown = s.events[-MAX_EVENTS:]
        if len(s.events) > len(shown):
            out.append(Text(f"… {len(s.events) - len(shown)} earlier", style=self._style("dim")))
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", no_wrap=True, style=self._style("dim"))
        table.add_column(style=self._style("value"))
        for ev in shown:
            # kubectl describe's AGE: since the last time, and (xN over the time since the first)
            times = f" (x{ev.count} over {human_duration(now - ev.first)})" if ev.count > 1 else ""
            table.add_row(human_duration(now - (ev.last or ev.first)), ev.message + times)
        return [*out, table]
