"""XRay and Pulses frame cost on a big cluster: does a frame stay small at 10k pods?

Rolls out one Deployment of N replicas (default 10 000) on N/100 workers (a manual clock, so
the pods really run, log events and have metrics), opens the app headless and measures,
median of 5 each, the wall and CPU milliseconds of the UI work only (the engine's own work —
store writes, controllers — runs before the clock starts):

* xray open      — ``:xray dp``: the tree model (all ~3N nodes) and the first frame;
* xray second    — one virtual second passes, nothing changes: re-render the window;
* xray churn     — 1% of the pods modified (labels), then the batched fold + frame;
* xray replace   — 100 pods deleted and recreated by the ReplicaSet (structural fold + frame);
* xray key       — one cursor move; ``xray toggle`` — ``space`` on a pod; ``xray all`` — ``x``;
* pulses open    — ``:pulses``: counters, the event feed and the first sample (metrics);
* pulses churn   — the same 1% pod churn folded into the counters, plus the frame;
* pulses sample  — 10 virtual seconds pass: one sample (NodeMetrics of the whole cluster) + frame.

Times are of ``await pilot.pause()`` (wall floor ~20 ms of idle wait) and ``process_time``
(the real cost). Run: .venv/bin/python benchmarks/tui_xray_pulses.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import PulsesScreen, XRayScreen
from k9play.tui.widgets.xray_tree import XRayTree

SIZE = (160, 50)
REPEAT = 5
Sample = tuple[float, float]


def deployment(n: int) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bench", "namespace": "default"},
            "spec": {"replicas": n, "selector": {"matchLabels": {"app": "bench"}},
                     "template": {"metadata": {"labels": {"app": "bench"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                                           "resources": {"requests": {"cpu": "10m"}}}]}}}}


async def timed(step: Callable[[], Awaitable[object]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await step()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def bench(cluster: Cluster) -> dict[str, list[Sample]]:
    out: dict[str, list[Sample]] = {}
    app = K9playApp(cluster, realtime=False)
    pods = [p["metadata"]["name"] for p in cluster.store.list("Pod", "default")]

    def churn(r: int) -> None:
        for name in pods[r::100]:
            if cluster.store.try_get("Pod", name, "default") is not None:
                cluster.store.patch("Pod", name, "default", {"metadata": {"labels": {"round": str(r)}}})

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        async def sync() -> None:
            app.sync_screens()
            await pilot.pause()

        async def press(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()

        for _ in range(REPEAT):
            out.setdefault("xray open", []).append(await _open(pilot, "xray dp"))
            assert isinstance(app.screen, XRayScreen)
            await press("down", "down", "down")
            cluster.advance_sync(1)
            out.setdefault("xray second", []).append(await timed(sync))
            out.setdefault("xray key", []).append(await timed(lambda: press("down")))
            out.setdefault("xray toggle", []).append(await timed(lambda: press("space")))
            out.setdefault("xray all", []).append(await timed(lambda: press("x")))
            await press("x")
            await press("escape")
        await _open(pilot, "xray dp")
        await press("pagedown")
        tree = app.screen.query_one(XRayTree)
        for r in range(REPEAT):
            churn(r)
            out.setdefault("xray churn", []).append(await timed(sync))
            cursor = tree.cursor_id
            for name in [p["metadata"]["name"] for p in cluster.store.list("Pod", "default")[r * 7::97]][:100]:
                cluster.store.delete("Pod", name, "default", grace_period=0)
            cluster.advance_sync(1)  # the ReplicaSet recreates them (engine work, not timed)
            out.setdefault("xray replace", []).append(await timed(sync))
            assert tree.cursor_id == cursor or cursor is None or tree.model is None or \
                tree.model.node(cursor) is None, "cursor must follow its node"
        await press("escape")
        for _ in range(REPEAT):
            out.setdefault("pulses open", []).append(await _open(pilot, "pulses"))
            assert isinstance(app.screen, PulsesScreen)
            await press("escape")
        await _open(pilot, "pulses")
        for r in range(REPEAT):
            churn(REPEAT + r)
            out.setdefault("pulses churn", []).append(await timed(sync))
            cluster.advance_sync(10)
            out.setdefault("pulses sample", []).append(await timed(sync))
    return out


async def _open(pilot: object, command: str) -> Sample:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("colon", *command)

    async def enter() -> None:
        await pilot.press("enter")
        await pilot.pause()

    return await timed(enter)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    t = time.perf_counter()
    cluster = Cluster(workers=max(2, n // 100)).start()
    apply_object(cluster.store, deployment(n))
    cluster.advance_sync(120)
    running = sum(1 for p in cluster.store.list("Pod") if (p.get("status") or {}).get("phase") == "Running")
    events = cluster.store.count("Event")
    print(f"rollout of {n} pods: {time.perf_counter() - t:.0f}s ({running} running, {events} events)")
    results = asyncio.run(bench(cluster))
    print(f"XRay / Pulses at {n} pods, median of {REPEAT} (ms):")
    for name, samples in results.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"  {name:14s} wall {wall:8.1f}   cpu {cpu:8.1f}")


if __name__ == "__main__":
    main()
