"""The one virtual clock that drives all simulated time.

Discrete-event: timers sit in a heap and the clock jumps from one to the next; nothing
ticks. Two modes share the same timers:

* **manual** (tests, ``k9play sim``): time moves only when someone calls
  :meth:`VirtualClock.advance`; every due event runs in (time, insertion) order, so a
  run is fully deterministic. The clock starts at a fixed instant with a seeded RNG.
* **real time** (the TUI): virtual time follows the wall clock times ``speed``; it can be
  paused, resumed and sped up. :meth:`VirtualClock.run` is the driver task.

Callbacks are plain synchronous functions. Engine code never reads or waits on the host
clock: it asks this clock for ``now()`` and schedules with ``call_later``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time
from collections.abc import Callable
from typing import Any, Literal

#: 2026-01-01T00:00:00Z — the fixed start instant of manual mode.
MANUAL_EPOCH = 1767225600.0

Mode = Literal["manual", "realtime"]


class TimerHandle:
    """A scheduled callback; :meth:`cancel` prevents it from running."""

    __slots__ = ("args", "callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """Discrete-event clock with a manual and a real-time mode."""

    def __init__(
        self,
        mode: Mode = "manual",
        *,
        start: float | None = None,
        seed: int | None = 0,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mode: Mode = mode
        self._monotonic = monotonic
        if start is None:
            start = MANUAL_EPOCH if mode == "manual" else float(int(time.time()))
        if seed is None and mode == "manual":
            seed = 0
        self.rng = random.Random(seed)
        self._now = start
        self._heap: list[tuple[float, int, TimerHandle]] = []
        self._seq = itertools.count()
        self._speed = speed
        self._paused = False
        # real-time anchoring: virtual = base_virtual + (monotonic - base_wall) * speed
        self._base_virtual = start
        self._base_wall = self._monotonic()
        self._dispatching = False
        self._wakeup: asyncio.Event | None = None
        self._running = False
        self.events_run = 0

    # ------------------------------------------------------------------ time
    def now(self) -> float:
        """Virtual seconds since the Unix epoch."""
        if self.mode == "manual" or self._dispatching or self._paused:
            return self._now
        wall = self._base_virtual + (self._monotonic() - self._base_wall) * self._speed
        return max(self._now, wall)

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def set_speed(self, speed: float) -> None:
        """Change the real-time speed factor without a jump in virtual time."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._rebase()
        self._speed = speed
        self._poke()

    def pause(self) -> None:
        if not self._paused:
            self._now = self.now()
            self._paused = True
            self._poke()

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            self._base_virtual = self._now
            self._base_wall = self._monotonic()
            self._poke()

    def _rebase(self) -> None:
        current = self.now()
        self._now = current
        self._base_virtual = current
        self._base_wall = self._monotonic()

    # ------------------------------------------------------------- scheduling
    def call_at(self, when: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        handle = TimerHandle(when, callback, args)
        heapq.heappush(self._heap, (when, next(self._seq), handle))
        if self._wakeup is not None and self._heap[0][2] is handle:
            self._poke()
        return handle

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        return self.call_at(self.now() + max(0.0, delay), callback, *args)

    def call_soon(self, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        return self.call_at(self.now(), callback, *args)

    def next_deadline(self) -> float | None:
        """Time of the next pending (not cancelled) timer, if any."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pending(self) -> int:
        return sum(1 for _, _, h in self._heap if not h.cancelled)

    # -------------------------------------------------------------- dispatch
    def _run_due(self, until: float, budget: int | None = None) -> int:
        """Run every timer due at or before ``until``; return how many ran."""
        ran = 0
        heap = self._heap
        self._dispatching = True
        try:
            while heap and heap[0][0] <= until:
                when, _, handle = heapq.heappop(heap)
                if handle.cancelled:
                    continue
                if when > self._now:
                    self._now = when
                handle.callback(*handle.args)
                ran += 1
                if budget is not None and ran >= budget:
                    break
        finally:
            self._dispatching = False
        self.events_run += ran
        return ran

    def rewind(self, seconds: float) -> None:
        """Set the clock back before anything was scheduled (a cluster booting "earlier", so
        that it is up when its user arrives); refused once timers exist."""
        if self._heap or self.events_run:
            raise RuntimeError("the clock can only be rewound before anything is scheduled")
        self._now -= seconds
        self._base_virtual = self._now
        self._base_wall = self._monotonic()

    def advance_sync(self, seconds: float) -> int:
        """Manual mode: move time forward by ``seconds``, running every due event."""
        if seconds < 0:
            raise ValueError("cannot advance by a negative duration")
        target = self._now + seconds
        ran = self._run_due(target)
        self._now = max(self._now, target)
        if self.mode == "realtime":
            self._base_virtual = self._now
            self._base_wall = self._monotonic()
        return ran

    async def advance(self, seconds: float) -> int:
        """Manual mode: like :meth:`advance_sync`, then let watchers see the result."""
        ran = self.advance_sync(seconds)
        await asyncio.sleep(0)
        return ran

    def settle(self) -> int:
        """Run everything due now (zero-delay work) without moving time."""
        return self.advance_sync(0)

    # ------------------------------------------------------------ real time
    def _poke(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def run(self, batch: int = 2000) -> None:
        """Real-time driver: run due timers as wall time passes. Cancel to stop."""
        if self.mode != "realtime":
            raise RuntimeError("run() drives real-time mode only")
        self._wakeup = asyncio.Event()
        self._running = True
        try:
            while True:
                self._wakeup.clear()
                now = self.now()
                if not self._paused:
                    ran = self._run_due(now, budget=batch)
                    if ran >= batch:
                        await asyncio.sleep(0)  # let the UI breathe between batches
                        continue
                deadline = self.next_deadline()
                timeout: float | None = None
                if deadline is not None and not self._paused:
                    timeout = max(0.0, (deadline - self.now()) / self._speed)
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout)
                except TimeoutError:
                    pass
        finally:
            self._running = False
            self._wakeup = None


def derived_rng(clock: VirtualClock, salt: str) -> random.Random:
    """A private random stream for one component, seeded from the clock's current state.

    Components that create objects of their own (Endpoints, EndpointSlices, Events …) draw
    uids and name suffixes from a stream like this, so that adding them leaves the names the
    shared stream gives every other object unchanged."""
    return random.Random(f"{salt}/{clock.rng.getstate()[1][:8]!r}")


class drawing_from:
    """Make ``clock.rng`` a component's private stream for the duration of a ``with`` block."""

    def __init__(self, clock: VirtualClock, rng: random.Random) -> None:
        self.clock = clock
        self.rng = rng
        self._shared: random.Random | None = None

    def __enter__(self) -> random.Random:
        self._shared, self.clock.rng = self.clock.rng, self.rng
        return self.rng

    def __exit__(self, *exc: object) -> None:
        assert self._shared is not None
        self.clock.rng = self._shared
