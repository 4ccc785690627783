"""Watch manifest files and folders on disk, surviving what editors and people do to them.

``watchfiles`` (Rust ``notify``) does the watching; this module adds what a playground needs
on top of it:

* **Quiet-period debounce.** A batch is yielded once nothing has changed for ``quiet_ms``,
  so an editor's write-temp-then-rename, or a burst of saves, is one batch.
* **Single files** are watched through their folder (non-recursively): editors that save by
  renaming a new file over the old one would otherwise end an inotify watch on the file.
* **Roots that vanish and come back.** A deleted watched folder ends its inotify watch; the
  watcher notices, polls for the path to reappear, and then reports every file in it as
  changed so it is synced again.

Wall time is fine here: this is I/O at the edge of the program, not simulated time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

#: how often the Rust side hands over what it collected (watchfiles ``step``)
STEP_MS = 10
#: quiet period that ends a burst: no change for this long and the batch is yielded. The
#: Rust side cannot see a burst on *one* file (its change set does not grow), so the quiet
#: period is kept here.
QUIET_MS = 50
#: longest a continuous burst of changes is held back (watchfiles ``debounce``)
MAX_MS = 1600
#: how often missing roots are looked for, and watchers checked (watchfiles ``rust_timeout``)
TICK_MS = 250


def _files_under(root: Path) -> set[Path]:
    if root.is_file():
        return {root}
    with contextlib.suppress(OSError):
        return {p for p in root.rglob("*") if p.is_file()}
    return set()


class PathWatcher:
    """Yields sets of changed paths under ``roots`` until ``stop`` is set."""

    def __init__(self, roots: list[Path], stop: asyncio.Event, *, quiet_ms: int = QUIET_MS,
                 max_ms: int = MAX_MS, tick_ms: int = TICK_MS, on_ready: Callable[[], None] | None = None) -> None:
        self.roots = [Path(r).absolute() for r in roots]
        self.stop = stop
        self.quiet_ms = quiet_ms
        self.max_ms = max_ms
        self.tick_ms = tick_ms
        self._on_ready = on_ready

    def _wanted(self, path: Path) -> bool:
        return any(path == r or r in path.parents for r in self.roots)

    async def changes(self) -> AsyncIterator[set[Path]]:
        rescan: set[Path] = set()  # roots that (re)appeared: their files are reported once watched
        while not self.stop.is_set():
            watching = [r for r in self.roots if r.exists()]
            restart = asyncio.Event()
            queue: asyncio.Queue[set[Path] | None] = asyncio.Queue()
            tasks = self._start(watching, queue, restart)
            ready = len(tasks)
            pending: set[Path] = set()
            since = 0.0
            try:
                while not self.stop.is_set():
                    try:
                        batch = await asyncio.wait_for(queue.get(), self.quiet_ms / 1000) if pending \
                            else await queue.get()
                    except TimeoutError:  # quiet long enough: the burst is over …
                        if self._still_written(pending, since):
                            continue  # … unless the files say otherwise (the Rust thread lagged)
                        changed, pending = pending, set()
                        yield changed
                        continue
                    if batch is None:  # a stream's first tick: it is watching now
                        ready -= 1
                        if ready == 0:
                            if self._on_ready is not None:
                                self._on_ready()
                                self._on_ready = None
                            for root in rescan:
                                pending |= _files_under(root) or {root}
                            rescan = set()
                        continue
                    if not pending:
                        since = time.monotonic()
                    pending |= {p for p in batch if self._wanted(p)}
                    appeared = [r for r in self.roots if r not in watching and r.exists()]
                    vanished = [r for r in watching if not r.exists()]
                    if appeared or vanished:
                        rescan |= set(appeared)
                        if pending:
                            yield pending
                        break  # re-arm the watches on what exists now
            finally:
                restart.set()
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    def _still_written(self, pending: set[Path], since: float) -> bool:
        """A pending file modified less than the quiet period ago is still being written,
        whatever the notifications say; bounded by ``max_ms`` for coarse-mtime file systems."""
        if time.monotonic() - since > self.max_ms / 1000:
            return False
        now = time.time_ns()
        for path in pending:
            with contextlib.suppress(OSError):
                if 0 <= now - path.stat().st_mtime_ns < self.quiet_ms * 1_000_000:
                    return True
        return False

    def _start(self, watching: list[Path], queue: asyncio.Queue[set[Path] | None],
               restart: asyncio.Event) -> list[asyncio.Task[None]]:
        folders = [r for r in watching if r.is_dir()]
        file_parents = sorted({r.parent for r in watching if not r.is_dir()})
        tasks = []
        if folders:
            tasks.append(asyncio.create_task(self._stream(folders, True, queue, restart)))
        if file_parents:
            tasks.append(asyncio.create_task(self._stream(file_parents, False, queue, restart)))
        tasks.append(asyncio.create_task(self._ticks(queue, restart)))
        return tasks

    async def _stream(self, paths: list[Path], recursive: bool, queue: asyncio.Queue[set[Path] | None],
                      restart: asyncio.Event) -> None:
        from watchfiles import awatch

        first = True
        stop = _AnyEvent(self.stop, restart)
        async for batch in awatch(*paths, watch_filter=None, debounce=self.max_ms, step=STEP_MS,
                                  stop_event=stop, recursive=recursive, rust_timeout=self.tick_ms,
                                  yield_on_timeout=True):
            if first:
                first = False
                queue.put_nowait(None)
            queue.put_nowait({Path(p) for _, p in batch})

    async def _ticks(self, queue: asyncio.Queue[set[Path] | None], restart: asyncio.Event) -> None:
        """Wake the consumer now and then, so roots that appear with no stream are noticed.

        This is the host's wall clock on purpose: it paces polling of the user's real files
        (which change in real time), never simulated time, which only the VirtualClock moves."""
        queue.put_nowait(None)
        while not (self.stop.is_set() or restart.is_set()):
            await asyncio.sleep(self.tick_ms / 1000)
            queue.put_nowait(set())


class _AnyEvent:
    """``stop_event`` for watchfiles: set when either event is."""

    def __init__(self, *events: asyncio.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)

    def set(self) -> None:
        """watchfiles sets its stop event when cancelled: end only this stream's generation."""
        self.events[-1].set()
