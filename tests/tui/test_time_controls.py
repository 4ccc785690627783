"""Pause/resume, step and speed: keys and ``:`` commands, the header, and the clock's state.

The clock is a real-time one whose wall clock (``monotonic``) the test moves by hand, so
real-time behaviour is exercised without sleeping; the app does not run the clock driver.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from k9play.clock import MANUAL_EPOCH, VirtualClock
from k9play.cluster import Cluster
from k9play.tui.app import K9playApp
from k9play.tui.commands import AppCommand, CommandError, parse
from k9play.tui.time_controls import SPEEDS, faster, slower

from .helpers import screen_text

SIZE = (120, 30)


class Wall:
    """A hand-driven ``time.monotonic``."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def realtime(wall: Wall) -> Iterator[Cluster]:
    clock = VirtualClock("realtime", start=MANUAL_EPOCH, monotonic=wall)
    yield Cluster(clock=clock).start()


def header(app: K9playApp) -> str:
    return "\n".join(screen_text(app).splitlines()[:4])


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def test_pause_step_resume_with_keys(realtime: Cluster, wall: Wall) -> None:
    clock = realtime.clock
    app = K9playApp(realtime, realtime=False)  # no driver task: time moves only with ``wall``
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Speed:     ▶ 1x running" in header(app) and "Time:      00:00:00 UTC" in header(app)
        wall.t += 5
        app.sync_screens()
        await pilot.pause()
        assert "Time:      00:00:05 UTC" in header(app), "real time passes"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert clock.paused and "⏸ 1x paused" in header(app)
        assert "paused at 00:00:05 UTC" in screen_text(app)
        wall.t += 60
        app.sync_screens()
        await pilot.pause()
        assert clock.now() == MANUAL_EPOCH + 5 and "Time:      00:00:05 UTC" in header(app), "paused: frozen"
        await pilot.press("full_stop")
        await pilot.pause()
        assert clock.paused and clock.now() == MANUAL_EPOCH + 6
        assert "Time:      00:00:06 UTC" in header(app) and "stepped 1s to 00:00:06 UTC (paused)" in screen_text(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not clock.paused and "▶ 1x running" in header(app) and "running at 1x" in screen_text(app)
        wall.t += 3
        assert clock.now() == MANUAL_EPOCH + 9, "resumed from where it stood, not from the wall clock"


async def test_step_runs_due_events(realtime: Cluster, wall: Wall) -> None:
    fired: list[float] = []
    app = K9playApp(realtime, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        realtime.clock.call_later(0.5, lambda: fired.append(realtime.clock.now()))
        await pilot.press("full_stop")
        await pilot.pause()
        assert fired == [MANUAL_EPOCH + 0.5], "a step runs the timers it passes, at their own time"


async def test_stepping_a_running_clock_pauses_it(realtime: Cluster) -> None:
    app = K9playApp(realtime, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "step 30s")
        assert realtime.clock.paused and realtime.clock.now() == MANUAL_EPOCH + 30
        assert "Time:      00:00:30 UTC" in header(app) and "⏸ 1x paused" in header(app)


async def test_speed_keys_walk_the_ladder(realtime: Cluster, wall: Wall) -> None:
    clock = realtime.clock
    app = K9playApp(realtime, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert clock.speed == 2 and "▶ 2x running" in header(app) and "speed 2x" in screen_text(app)
        wall.t += 10
        assert clock.now() == MANUAL_EPOCH + 20
        await pilot.press(*["greater_than_sign"] * 10)
        await pilot.pause()
        assert clock.speed == 100 and "▶ 100x running" in header(app), "capped at the top of the ladder"
        await pilot.press(*["less_than_sign"] * 10)
        await pilot.pause()
        assert clock.speed == 0.5 and "▶ 0.5x running" in header(app)
        await command(pilot, "pause")
        await command(pilot, "speed 4")
        assert clock.speed == 4 and clock.paused and "⏸ 4x paused" in header(app)
        await command(pilot, "resume")
        assert not clock.paused and "▶ 4x running" in header(app)


async def test_the_manual_clock_only_steps(cluster: Cluster) -> None:
    app = K9playApp(cluster, realtime=False)
    start = cluster.clock.now()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "pause: the clock is manual (stepped); nothing to do" in screen_text(app)
        assert "manual (stepped)" in header(app) and cluster.clock.speed == 1
        await pilot.press("full_stop", "full_stop")
        await pilot.pause()
        assert cluster.clock.now() == start + 2 and "Time:      00:00:02 UTC" in header(app)
        await command(pilot, "step 1m")
        assert cluster.clock.now() == start + 62


async def test_time_keys_do_not_reach_the_prompt_or_fire_while_typing(realtime: Cluster) -> None:
    app = K9playApp(realtime, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "full_stop", "greater_than_sign")
        await pilot.pause()
        assert realtime.clock.speed == 1 and not realtime.clock.paused, "typed into the prompt instead"


def test_ladder_and_step_command() -> None:
    assert faster(1) == 2 and faster(100) == 100 and faster(3) == 5
    assert slower(1) == 0.5 and slower(0.5) == 0.5 and slower(3) == 2
    assert SPEEDS[0] == 0.5 and SPEEDS[-1] == 100
    assert parse("step") == AppCommand("step") and parse("step 2m") == AppCommand("step", 120.0)
    assert isinstance(parse("step soon"), CommandError) and isinstance(parse("step 0"), CommandError)
