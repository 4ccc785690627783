"""Resource-table cost at 100k rows: does a frame stay O(visible rows)?

Builds a manual-clock cluster holding N pods (created straight in the store, so nothing is
scheduled), opens the app headless on the pods view and measures, median of 5 each:

* open     — building the view-model (sorted keys) and the first frame;
* key      — one cursor move (``down``) including its frame;
* page     — ``pagedown``; ``end`` — jump to the last row;
* churn    — 1% of the pods modified in the store, then the batched sync + frame;
* insert   — 1 000 pods added above the cursor, then the sync + frame (cursor must stay put).

Times are wall milliseconds of ``await pilot.pause()`` (its floor is ~20 ms of idle wait)
and CPU milliseconds (``process_time``), which is the real cost of the frame.
Run: .venv/bin/python benchmarks/tui_table.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.tui.app import K9playApp
from k9play.tui.widgets import ResourceTable

SIZE = (160, 50)
REPEAT = 5


def pod(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                           "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


async def timed(step: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    await step()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def bench(n: int) -> dict[str, list[tuple[float, float]]]:
    cluster = Cluster().start()
    for i in range(n):
        cluster.store.create(pod(f"pod-{i:07d}"))
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in ("open", "key", "page", "end", "churn", "insert")}
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        assert table.model is not None and len(table.model) == n
        screen = app.screen

        async def reopen() -> None:
            screen.show_view(screen.rt)  # type: ignore[attr-defined]
            await pilot.pause()

        async def press(key: str) -> Callable[[], Awaitable[None]]:
            async def step() -> None:
                await pilot.press(key)
                await pilot.pause()
            return step

        for _ in range(REPEAT):
            results["open"].append(await timed(reopen))
            await pilot.press("pagedown")
            results["key"].append(await timed(await press("down")))
            results["page"].append(await timed(await press("pagedown")))
            results["end"].append(await timed(await press("end")))
            await pilot.press("home")
            await pilot.pause()

        await pilot.press("pagedown")
        await pilot.pause()
        for r in range(REPEAT):
            names = [p["metadata"]["name"] for p in cluster.store.list("Pod", "default")[r::100]]

            async def churn(names: list[str] = names, r: int = r) -> None:
                for name in names:
                    cluster.store.patch("Pod", name, "default", {"metadata": {"labels": {"round": str(r)}}})
                await pilot.pause()

            results["churn"].append(await timed(churn))
            key = table.cursor_key

            async def insert(r: int = r) -> None:
                for i in range(1000):
                    cluster.store.create(pod(f"a{r}-{i:05d}"))
                await pilot.pause()

            results["insert"].append(await timed(insert))
            assert table.cursor_key == key, "cursor must follow its object"
    return results


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    results = asyncio.run(bench(n))
    print(f"resource table with {n} pods (setup {time.perf_counter() - t:.1f}s total), median of {REPEAT}:")
    for name, samples in results.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"  {name:7s} wall {wall:8.1f} ms   cpu {cpu:8.1f} ms")
    print("  (churn/insert include the store writes themselves: 1% patched / 1 000 created)")


if __name__ == "__main__":
    main()
