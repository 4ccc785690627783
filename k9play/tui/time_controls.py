"""Simulated-time controls, on every screen: pause/resume, step, slower/faster.

Keys avoid everything k9s binds (research/k9s.md §2) so k9s habits keep working:
``space`` marks rows, ``p`` is previous logs, ``[``/``]``/``-`` walk the view history and
``0``–``9`` pick namespaces or log ranges. Hence the video-player conventions that are still
free: ``<``/``>`` slower/faster (YouTube), ``.`` one step forward (a player's frame step), and
``ctrl-t`` ("time") to pause or resume, since ``space`` and ``p`` are taken.

Stepping pauses a running clock first (a frame step freezes the picture), then advances it
by :data:`STEP_SECONDS`, running every timer due in between. On the manual clock (tests,
``realtime=False``) only stepping means anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from k9play.clock import VirtualClock
from k9play.tui.widgets.flash import Level
from k9play.tui.widgets.header import clock_text

if TYPE_CHECKING:
    from k9play.cluster import Cluster

#: The speed ladder ``<``/``>`` walk (``:speed N`` accepts any positive factor).
SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)
#: How far one ``.`` (or a bare ``:step``) advances simulated time.
STEP_SECONDS = 1.0


def faster(speed: float) -> float:
    return next((s for s in SPEEDS if s > speed), SPEEDS[-1])


def slower(speed: float) -> float:
    return next((s for s in reversed(SPEEDS) if s < speed), SPEEDS[0])


def control(clock: VirtualClock, name: str, value: float | None = None) -> tuple[str, Level]:
    """Apply one time command (pause, resume, speed, faster, slower, step) → the flash text."""
    if name == "step":
        seconds = STEP_SECONDS if value is None else value
        if clock.mode == "realtime" and not clock.paused:
            clock.pause()
        clock.advance_sync(seconds)
        state = " (paused)" if clock.paused else ""
        return f"stepped {seconds:g}s to {clock_text(clock.now())} UTC{state}", "info"
    if clock.mode != "realtime":
        return f"{name}: the clock is manual (stepped); nothing to do", "warn"
    if name == "pause":
        clock.pause()
        return f"paused at {clock_text(clock.now())} UTC", "info"
    if name == "resume":
        clock.resume()
        return f"running at {clock.speed:g}x", "info"
    speed = value if name == "speed" and value is not None else \
        faster(clock.speed) if name == "faster" else slower(clock.speed)
    clock.set_speed(speed)
    return f"speed {speed:g}x" + (" (paused)" if clock.paused else ""), "info"


class TimeControlledApp(App[None]):
    """App base with the time keys; the subclass supplies ``cluster``, ``flash`` and ``sync_screens``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "time('toggle')", "Pause/Resume", key_display="ctrl-t", show=False,
                id="k9play.time.pause"),
        Binding("full_stop", "time('step')", "Step 1s", key_display=".", show=False, id="k9play.time.step"),
        Binding("less_than_sign", "time('slower')", "Slower", key_display="<", show=False, id="k9play.time.slower"),
        Binding("greater_than_sign", "time('faster')", "Faster", key_display=">", show=False,
                id="k9play.time.faster"),
    ]

    cluster: Cluster

    def flash(self, text: str, level: Level = "info") -> None:
        raise NotImplementedError

    def sync_screens(self) -> None:
        raise NotImplementedError

    def time_command(self, name: str, value: float | None = None) -> None:
        """Run a time command, say what happened in the flash line, and redraw (the header)."""
        text, level = control(self.cluster.clock, name, value)
        self.flash(text, level)
        self.sync_screens()

    def action_time(self, name: str) -> None:
        if name == "toggle":
            name = "resume" if self.cluster.clock.paused else "pause"
        self.time_command(name)
