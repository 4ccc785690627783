import asyncio

import pytest

from k9play.clock import MANUAL_EPOCH, VirtualClock


def test_manual_clock_starts_at_fixed_instant_and_runs_events_in_order():
    clock = VirtualClock()
    assert clock.now() == MANUAL_EPOCH
    seen: list[tuple[str, float]] = []
    clock.call_later(5, lambda: seen.append(("b", clock.now())))
    clock.call_later(1, lambda: seen.append(("a", clock.now())))
    clock.call_later(5, lambda: seen.append(("c", clock.now())))
    clock.advance_sync(4)
    assert seen == [("a", MANUAL_EPOCH + 1)]
    assert clock.now() == MANUAL_EPOCH + 4
    clock.advance_sync(1)
    assert [s[0] for s in seen] == ["a", "b", "c"]
    assert seen[1][1] == MANUAL_EPOCH + 5


def test_events_scheduled_by_events_run_within_the_same_advance():
    clock = VirtualClock()
    times: list[float] = []

    def tick() -> None:
        times.append(clock.now() - MANUAL_EPOCH)
        if len(times) < 5:
            clock.call_later(2, tick)

    clock.call_soon(tick)
    clock.advance_sync(7)
    assert times == [0, 2, 4, 6]


def test_cancel_prevents_a_timer():
    clock = VirtualClock()
    fired = []
    h = clock.call_later(1, fired.append, 1)
    h.cancel()
    clock.advance_sync(2)
    assert fired == []
    assert clock.next_deadline() is None


def test_negative_advance_is_refused():
    with pytest.raises(ValueError):
        VirtualClock().advance_sync(-1)


def test_seeded_rng_is_reproducible():
    a, b = VirtualClock(seed=7), VirtualClock(seed=7)
    assert [a.rng.random() for _ in range(3)] == [b.rng.random() for _ in range(3)]
    assert VirtualClock(seed=8).rng.random() != VirtualClock(seed=7).rng.random()


async def test_async_advance_yields_to_watchers():
    clock = VirtualClock()
    fired = []
    clock.call_later(3, fired.append, "x")
    ran = await clock.advance(3)
    assert ran == 1 and fired == ["x"]


class FakeWall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_realtime_follows_wall_clock_times_speed_and_pauses():
    wall = FakeWall()
    clock = VirtualClock("realtime", start=0.0, speed=2.0, monotonic=wall)
    wall.t += 10
    assert clock.now() == pytest.approx(20.0)
    clock.pause()
    wall.t += 100
    assert clock.now() == pytest.approx(20.0)
    clock.resume()
    wall.t += 1
    assert clock.now() == pytest.approx(22.0)
    clock.set_speed(10)
    wall.t += 1
    assert clock.now() == pytest.approx(32.0)


async def test_realtime_driver_runs_due_timers():
    wall = FakeWall()
    clock = VirtualClock("realtime", start=0.0, speed=1.0, monotonic=wall)
    fired = asyncio.Event()
    clock.call_at(5.0, fired.set)
    task = asyncio.create_task(clock.run())
    await asyncio.sleep(0)
    assert not fired.is_set()
    wall.t += 5
    clock.set_speed(1.0)  # pokes the driver so it re-reads the (fake) wall clock
    await asyncio.wait_for(fired.wait(), timeout=5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
