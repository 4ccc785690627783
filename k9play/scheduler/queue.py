"""The scheduling queue (``pkg/scheduler/backend/queue/scheduling_queue.go``, v1.34).

* **activeQ**: pods ready to be tried, ordered by priority, then by the time they entered
  the queue (``PrioritySort``);
* **backoffQ**: pods that failed and wait out their back-off — 1 s doubling per attempt,
  at most 10 s (``podInitialBackoffSeconds``/``podMaxBackoffSeconds``);
* **unschedulable pods**: pods no node fitted. A cluster event moves them on (to the backoffQ
  while their back-off lasts, else to the activeQ) when one of the plugins that rejected
  them registered for that event (``EventsToRegister``; a pod no plugin rejected moves on
  any event). A flush every 30 s moves on those waiting longer than 5 minutes
  (``podMaxInUnschedulablePodsDuration``).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k9play.clock import TimerHandle, VirtualClock

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 10.0
MAX_UNSCHEDULABLE = 300.0
FLUSH_PERIOD = 30.0


class SchedulingQueue:
    """Where pods wait for a scheduling cycle; ``on_ready`` is called when the activeQ gains a pod."""

    def __init__(self, clock: VirtualClock, on_ready: Callable[[], None]) -> None:
        self.clock = clock
        self._on_ready = on_ready
        self._active: list[tuple[int, float, int, str]] = []
        self._queued: set[str] = set()
        self._seq = itertools.count()
        self._backoff: dict[str, TimerHandle] = {}
        #: uid → (since, plugins that rejected it, priority)
        self.unschedulable: dict[str, tuple[float, frozenset[str], int]] = {}
        self.attempts: dict[str, int] = {}
        self.last_attempt: dict[str, float] = {}
        self._flush_timer: TimerHandle | None = None

    # ------------------------------------------------------------- queries
    def knows(self, uid: str) -> bool:
        return uid in self._queued or uid in self.unschedulable or uid in self._backoff

    def __len__(self) -> int:
        return len(self._queued)

    def pending_active(self) -> bool:
        return bool(self._queued)

    # ------------------------------------------------------------ activeQ
    def add(self, uid: str, priority: int) -> None:
        """A new pod (or one moving on): into the activeQ."""
        if uid in self._queued:
            return
        heapq.heappush(self._active, (-priority, self.clock.now(), next(self._seq), uid))
        self._queued.add(uid)
        self._on_ready()

    def pop(self) -> str | None:
        while self._active:
            _, _, _, uid = heapq.heappop(self._active)
            if uid in self._queued:
                self._queued.discard(uid)
                return uid
        return None

    def attempted(self, uid: str) -> None:
        """A scheduling cycle starts for ``uid`` (``podInfo.Attempts++``)."""
        self.attempts[uid] = self.attempts.get(uid, 0) + 1
        self.last_attempt[uid] = self.clock.now()

    def backoff_duration(self, uid: str) -> float:
        """``calculateBackoffDuration``: 1 s, 2 s, 4 s, 8 s, then 10 s."""
        n = self.attempts.get(uid, 1)
        return min(MAX_BACKOFF, INITIAL_BACKOFF * 2 ** max(0, n - 1))

    # ----------------------------------------------------- after a failure
    def add_unschedulable(self, uid: str, plugins: frozenset[str], priority: int) -> None:
        self.unschedulable[uid] = (self.clock.now(), plugins, priority)
        if self._flush_timer is None:
            self._flush_timer = self.clock.call_later(FLUSH_PERIOD, self._flush)

    def add_backoff(self, uid: str, priority: int) -> None:
        """An error (not a fit failure): straight to the backoffQ."""
        self._requeue(uid, priority)

    def _requeue(self, uid: str, priority: int) -> None:
        """``moveToActiveOrBackoffQueue``."""
        if uid in self._backoff or uid in self._queued:
            return
        ready_at = self.last_attempt.get(uid, self.clock.now()) + self.backoff_duration(uid)
        if ready_at <= self.clock.now():
            self.add(uid, priority)
        else:
            self._backoff[uid] = self.clock.call_at(ready_at, self._backoff_done, uid, priority)

    def _backoff_done(self, uid: str, priority: int) -> None:
        self._backoff.pop(uid, None)
        self.add(uid, priority)

    # -------------------------------------------------------------- events
    def on_event(self, event: str, interested: Callable[[str], frozenset[str]]) -> None:
        """``MoveAllToActiveOrBackoffQueue``: ``interested(event)`` names the plugins that
        registered for it."""
        if not self.unschedulable:
            return
        plugins = interested(event)
        for uid, (_, rejected, prio) in list(self.unschedulable.items()):
            if rejected and not (rejected & plugins):
                continue
            del self.unschedulable[uid]
            self._requeue(uid, prio)

    def update(self, uid: str, priority: int) -> None:
        """The pending pod itself changed (spec or labels): worth another attempt."""
        if uid in self.unschedulable:
            del self.unschedulable[uid]
            self._requeue(uid, priority)

    def activate(self, uid: str, priority: int) -> None:
        """Move a pod on at once, back-off or not (a PreBind that gave up …)."""
        self.unschedulable.pop(uid, None)
        timer = self._backoff.pop(uid, None)
        if timer is not None:
            timer.cancel()
        self.add(uid, priority)

    def _flush(self) -> None:
        """``flushUnschedulablePodsLeftover``, every 30 s."""
        self._flush_timer = None
        now = self.clock.now()
        for uid, (since, _, prio) in list(self.unschedulable.items()):
            if now - since > MAX_UNSCHEDULABLE:
                del self.unschedulable[uid]
                self._requeue(uid, prio)
        if self.unschedulable:
            self._flush_timer = self.clock.call_later(FLUSH_PERIOD, self._flush)

    def forget(self, uid: str) -> None:
        """The pod is bound, deleted or no longer ours."""
        self._queued.discard(uid)
        self.unschedulable.pop(uid, None)
        self.attempts.pop(uid, None)
        self.last_attempt.pop(uid, None)
        t = self._backoff.pop(uid, None)
        if t is not None:
            t.cancel()
