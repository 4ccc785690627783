"""The informer + workqueue pattern of kube-controller-manager, on the virtual clock.

A controller registers watch handlers that map store events to keys; keys go into a
de-duplicating FIFO queue; the queue is drained at the current virtual instant and each
key goes through :meth:`Controller.reconcile`, which reads current state from the store
and takes one idempotent step towards the desired state. ``reconcile`` may ask to be
called again after a delay (``requeue_after``); exceptions are retried with the
workqueue's exponential back-off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from k9play.api.errors import ApiError
from k9play.api.events import EventRecorder
from k9play.api.meta import Obj, controller_ref, key_of
from k9play.api.store import WatchEvent

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import TimerHandle, VirtualClock

log = logging.getLogger("k9play.controllers")

#: client-go's default per-item rate limiter: 5 ms doubling to 1000 s.
BACKOFF_BASE = 0.005
BACKOFF_MAX = 1000.0
#: reconciles of one key at one virtual instant beyond which the controller is fighting itself
HOT_LOOP_LIMIT = 500


class WorkQueue:
    """Ordered, de-duplicated keys; drained on the clock at the current instant."""

    def __init__(self, clock: VirtualClock, process: Callable[[str], float | None]) -> None:
        self.clock = clock
        self._process = process
        self._keys: dict[str, None] = {}
        self._scheduled = False
        self._delayed: dict[str, TimerHandle] = {}
        self._failures: dict[str, int] = {}
        self._instant = float("nan")
        self._runs_now: dict[str, int] = {}
        self._hot: set[str] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str) -> None:
        self._keys[key] = None
        if not self._scheduled:
            self._scheduled = True
            self.clock.call_soon(self._drain)

    def add_after(self, key: str, delay: float) -> None:
        """Enqueue ``key`` after ``delay`` seconds (the earliest request wins)."""
        if delay <= 0:
            self.add(key)
            return
        when = self.clock.now() + delay
        handle = self._delayed.get(key)
        if handle is not None and not handle.cancelled and handle.when <= when:
            return
        if handle is not None:
            handle.cancel()
        self._delayed[key] = self.clock.call_at(when, self._fire, key)

    def add_rate_limited(self, key: str) -> None:
        """``AddRateLimited``: retry after 5 ms, 10 ms, 20 ms … up to 1000 s per failing key."""
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        self.add_after(key, min(BACKOFF_MAX, BACKOFF_BASE * 2**n))

    def _fire(self, key: str) -> None:
        self._delayed.pop(key, None)
        self.add(key)

    def _hot_loop(self, key: str) -> bool:
        """A key reconciled without end at one instant (a controller whose every write
        triggers itself) would freeze the clock: report the bug once and rate-limit the key
        until a reconcile of it stops re-queueing itself."""
        now = self.clock.now()
        if now != self._instant:
            self._instant = now
            self._runs_now.clear()
        runs = self._runs_now.get(key, 0) + 1
        self._runs_now[key] = runs
        limit = 1 if key in self._hot else HOT_LOOP_LIMIT
        if runs <= limit:
            return False
        if key not in self._hot:
            self._hot.add(key)
            log.error("reconcile %s ran %d times at one instant: rate-limiting it", key, HOT_LOOP_LIMIT)
        self.add_rate_limited(key)
        return True

    def _drain(self) -> None:
        self._scheduled = False
        while self._keys:
            key = next(iter(self._keys))
            del self._keys[key]
            if self._hot_loop(key):
                continue
            try:
                again = self._process(key)
            except Exception as e:  # a failing reconcile is retried with back-off, as in client-go
                if isinstance(e, ApiError):
                    # the apiserver said no (a stale read, a Forbidden pod …): the Go controller
                    # returns the error and the key comes back through the rate limiter
                    log.debug("reconcile %s: %s (retrying)", key, e)
                else:
                    log.exception("reconcile %s failed (attempt %d)", key, self._failures.get(key, 0) + 1)
                self.add_rate_limited(key)
                continue
            if key in self._hot:
                if key in self._keys:
                    continue  # still re-queueing itself: stays rate-limited
                self._hot.discard(key)
            self._failures.pop(key, None)
            if again is not None:
                self.add_after(key, again)


class Controller:
    """Base for level-triggered controllers: subclasses wire watches and implement reconcile."""

    name = "controller"
    #: the event source component, e.g. ``deployment-controller``
    component = "controller"

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.clock = store.clock
        self.queue = WorkQueue(self.clock, self.reconcile)
        self.recorder = EventRecorder(store, self.component)
        self._unsubscribe: list[Callable[[], None]] = []

    # ---- wiring
    def watch(self, kind: str | None, keys: Callable[[WatchEvent], Iterable[str]]) -> None:
        def handler(ev: WatchEvent) -> None:
            for key in keys(ev):
                self.queue.add(key)

        self._unsubscribe.append(self.store.add_handler(kind, handler))

    def watch_self(self, kind: str) -> None:
        """Enqueue an object's own key on every change to it."""
        self.watch(kind, lambda ev: (key_of(ev.object),))

    def watch_owned(self, kind: str, owner_kind: str) -> None:
        """Enqueue the controlling owner (of ``owner_kind``) of any changed ``kind``."""

        def keys(ev: WatchEvent) -> Iterable[str]:
            out = []
            for obj in (ev.object, ev.old):
                ref = controller_ref(obj) if obj is not None else None
                if ref and ref.get("kind") == owner_kind:
                    ns = obj["metadata"].get("namespace", "")
                    out.append(f"{ns}/{ref['name']}" if ns else ref["name"])
            return out

        self.watch(kind, keys)

    def start(self) -> None:
        """Subclasses register watches here, then enqueue existing objects."""

    def stop(self) -> None:
        for unsub in self._unsubscribe:
            unsub()
        self._unsubscribe.clear()

    def enqueue_all(self, kind: str) -> None:
        for obj in self.store.list(kind):
            self.queue.add(key_of(obj))

    # ---- work
    def reconcile(self, key: str) -> float | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def event(self, obj: Obj, type_: str, reason: str, message: str) -> None:
        self.recorder.record(obj, type_, reason, message)
