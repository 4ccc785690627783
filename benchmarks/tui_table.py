"""Resource-table cost at 10k and 100k rows: does a frame stay O(visible rows), and does a
filter keystroke reach the screen in time?

Builds a manual-clock cluster holding N pods (created straight in the store, so nothing is
scheduled), opens the app headless on the pods view and measures, median of 5 each:

* open     — building the view-model (sorted keys) and the first frame;
* key      — one cursor move (``down``) including its frame;
* page     — ``pagedown``; ``end`` — jump to the last row;
* frame    — 1% of the pods modified in the store (not timed), then one frame: the batched
             sync (``app.sync_screens``) plus the render that follows — with no filter and
             with a text filter active (the changed rows are re-matched);
* insert   — 1 000 pods added above the cursor, then the sync + frame (cursor must stay put);
* filter   — one keystroke in the ``/`` prompt: the first one on a table just opened
             (cold: it builds every row's search text), the first one once the browser has
             built them in idle slices (warm: what a user sees a few seconds after opening
             the view), and the following ones (median over the rest of the query), for a
             literal query and for a regex;
* sort     — shift-S (STATUS: every row's cell is rendered once for its key).

Times are wall and CPU (``process_time``) milliseconds from the key event entering the app
until its effect is in the model *and painted* (the screen's update timer is run at once)
— not ``pilot.press``/``pilot.pause``, whose idle detection sleeps in 20 ms steps and would
bury a 5 ms frame. ``open`` and ``insert`` still use ``pilot.pause``.
Run: .venv/bin/python benchmarks/tui_table.py [N ...]   (default: 10000 100000)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.widgets import ResourceTable

SIZE = (160, 50)
REPEAT = 5
Sample = tuple[float, float]


def pod(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                           "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


async def timed(step: Callable[[], Awaitable[None]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await step()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def keystroke(pilot: Pilot[None], key: str, done: Callable[[], bool]) -> Sample:
    """One key event, until ``done()`` holds and the screen has painted it."""
    app = pilot.app
    char = key if len(key) == 1 else None
    name = _character_to_key(key) if char is not None and not key.isalnum() else key
    wall, cpu = time.perf_counter(), time.process_time()
    assert app._driver is not None
    app._driver.send_message(events.Key(name, char))
    for _ in range(100):
        await pilot._wait_for_screen()
        if done():
            break
    else:
        raise AssertionError(f"{key!r} never took effect")
    app.screen._on_timer_update()  # what the screen's update timer does next: layout + paint
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def typing(pilot: Pilot[None], screen: BrowserScreen, text: str) -> list[Sample]:
    """Open the filter prompt and type ``text`` key by key; esc clears it again."""
    await pilot.press("slash")
    await pilot.pause()
    samples = []
    for i, ch in enumerate(text, 1):
        samples.append(await keystroke(pilot, ch, lambda i=i: screen.state.query == text[:i]))
    await pilot.press("escape")
    await pilot.pause()
    return samples


async def bench(n: int) -> dict[str, list[Sample]]:
    cluster = Cluster().start()
    for i in range(n):
        cluster.store.create(pod(f"pod-{i:07d}"))
    results: dict[str, list[Sample]] = {}
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        table = screen.query_one(ResourceTable)
        assert table.model is not None and len(table.model) == n

        def add(name: str, sample: Sample) -> None:
            results.setdefault(name, []).append(sample)

        async def reopen() -> None:
            screen.show_view(screen.rt)
            await pilot.pause()

        def moved(before: int) -> Callable[[], bool]:
            return lambda: table.cursor_index != before

        for _ in range(REPEAT):
            add("open", await timed(reopen))
            await pilot.press("pagedown")
            await pilot.pause()
            add("key", await keystroke(pilot, "down", moved(table.cursor_index)))
            add("page", await keystroke(pilot, "pagedown", moved(table.cursor_index)))
            add("end", await keystroke(pilot, "end", moved(table.cursor_index)))
            await pilot.press("home")
            await pilot.pause()

        async def frame() -> None:
            app.sync_screens()
            app.screen._on_timer_update()

        await pilot.press("pagedown")
        await pilot.pause()
        for r in range(REPEAT):
            for query in ("", "pod-00"):
                screen.set_query(query)
                await pilot.pause()
                shown = [k[1] for k in table.model.window(int(table.scroll_y), table.body_height)]
                every = [p["metadata"]["name"] for p in cluster.store.list("Pod", "default")[r::100]]
                for name in {*shown, *every}:  # 1% of the rows, and every row on screen
                    cluster.store.patch("Pod", name, "default", {"metadata": {"labels": {"round": f"{r}{query}"}}})
                add("frame" if not query else "frame+filter", await timed(frame))
            screen.set_query("")
            await pilot.pause()
            key = table.cursor_key

            async def insert(r: int = r) -> None:
                for i in range(1000):
                    cluster.store.create(pod(f"a{r}-{i:05d}"))
                await pilot.pause()

            add("insert", await timed(insert))
            assert table.cursor_key == key, "cursor must follow its object"

        for r in range(REPEAT):
            screen.reopen(screen.state)  # a fresh model: no search text cached yet
            await pilot.pause()
            cold = await typing(pilot, screen, f"pod-{r}0")
            add("filter cold", cold[0])
            while screen.model is not None and not screen.model.texts_ready:
                await pilot.pause(0.05)
            literal = await typing(pilot, screen, f"pod-{r}0")
            add("filter first", literal[0])
            for s in [*cold[1:], *literal[1:]]:
                add("filter next", s)
            for s in await typing(pilot, screen, f"pod-{r}0[0-4]"):
                add("filter regex", s)
            add("sort", await keystroke(pilot, "S", lambda: screen.state.sort == ("STATUS", False)))
            await pilot.press("N")
            await pilot.pause()
    return results


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    for n in sizes:
        t = time.perf_counter()
        results = asyncio.run(bench(n))
        print(f"resource table with {n} pods (setup {time.perf_counter() - t:.1f}s total), medians:")
        for name, samples in results.items():
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            print(f"  {name:13s} wall {wall:8.1f} ms   cpu {cpu:8.1f} ms   ({len(samples)} samples)")
        print("  (insert includes the 1 000 store writes; frame excludes the 1% patches it folds in)")


if __name__ == "__main__":
    main()
