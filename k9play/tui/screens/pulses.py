"""``:pulses`` (``:pulse``, ``:pu``, ``:hz``): k9s' dashboard of per-kind health charts and an event feed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol, cast, runtime_checkable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.screen import Screen

from k9play.tui.screens.help import HelpScreen
from k9play.tui.viewmodels.pulses import PANELS, PulsesModel
from k9play.tui.widgets import ClusterHeader, Flash
from k9play.tui.widgets.events_feed import EventsFeed
from k9play.tui.widgets.pulse_panel import PulsePanel

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

#: Panels per grid row (the feed is one more row, full width).
COLUMNS = 3


@runtime_checkable
class CommandRunner(Protocol):
    """The screen below that understands ``:`` commands (the browser)."""

    def run_command(self, text: str) -> None: ...


class PulsesScreen(Screen[None]):
    """Folds the model once per frame; panels redraw only when their view changed."""

    AUTO_FOCUS = "#pulse-pods"

    DEFAULT_CSS = f"""
    PulsesScreen #panels {{
        grid-size: {COLUMNS};
        grid-rows: 5;
        height: auto;
    }}
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "goto", "Goto", key_display="enter"),
        Binding("tab", "app.focus_next", "Next", key_display="tab"),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False),
        Binding("h,left", "move(-1, 0)", "Left", show=False),
        Binding("l,right", "move(1, 0)", "Right", show=False),
        Binding("k,up", "move(0, -1)", "Up", show=False),
        Binding("j,down", "move(0, 1)", "Down", show=False),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, namespace: str | None) -> None:
        super().__init__()
        self.namespace = namespace
        self.model: PulsesModel | None = None
        self._stamp: int | None = None
        self._feed_version = -1
        self._column = 0  # the column the cursor came from, for moving back up out of the feed

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        cluster = self.k9.cluster
        self.model = PulsesModel(cluster.store, cluster.metrics, self.namespace, on_dirty=self.k9.request_sync)
        yield ClusterHeader()
        with Grid(id="panels"):
            for view in self.model.panels():
                yield PulsePanel(view, id=f"pulse-{view.spec.id}")
        yield EventsFeed(id="feed")
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.sync(self.k9.cluster.clock.now())

    def on_unmount(self) -> None:
        if self.model is not None:
            self.model.close()

    def sync(self, now: float) -> None:
        model = self.model
        if model is None:
            return
        if model.apply_pending(now) or self._stamp is None:
            for panel in self.query(PulsePanel):
                panel.show(model.panel(panel.view.spec))
        stamp = int(now)
        if stamp != self._stamp or model.feed_version != self._feed_version:
            self._stamp, self._feed_version = stamp, model.feed_version
            self.query_one(EventsFeed).show(model.feed(now))
        self.query_one(ClusterHeader).update_state()

    # ---------------------------------------------------------------- actions
    def _cells(self) -> list[PulsePanel | EventsFeed]:
        return [*self.query(PulsePanel), self.query_one(EventsFeed)]

    def action_move(self, dx: int, dy: int) -> None:
        """h/j/k/l and arrows: move focus across the grid; the feed is the last, full-width row."""
        cells = self._cells()
        focused = self.focused
        index = cells.index(focused) if focused in cells else 0
        panels = len(PANELS)
        rows = -(-panels // COLUMNS)
        row, col = (index // COLUMNS, index % COLUMNS) if index < panels else (rows, self._column)
        if dy:
            row = max(0, min(rows, row + dy))
        elif index < panels:
            col = max(0, min(COLUMNS - 1, col + dx))
        if row < rows:
            self._column = col
            target = min(row * COLUMNS + col, panels - 1)
        else:
            target = panels
        cells[target].focus()

    def action_goto(self) -> None:
        """Enter: back to the browser, showing the focused panel's kind (k9s' pulse jump)."""
        command = getattr(self.focused, "command", None)
        if not isinstance(command, str):
            return
        runner = next((s for s in reversed(self.app.screen_stack[:-1]) if isinstance(s, CommandRunner)), None)
        self.dismiss()
        if runner is not None:
            runner.run_command(command)

    def action_back(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
