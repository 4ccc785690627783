"""Save → store → row on screen: how long a person waits after saving a watched manifest.

Runs the real app headless (real-time mode: the real ``watchfiles`` watcher and its debounce,
the frame pump) over a temp folder holding one ConfigMap file, on the ``configmaps`` view.
Each save rewrites the file (as an editor does) with a different number of data keys, then
waits until the ConfigMap's row is *drawn* with the new DATA count: the table's
``render_line`` is wrapped to notice the first frame that shows it. Saves are 300 ms apart
so each is its own change, not part of a burst. Three times per save, from the write:

* store  — the object updated in the store (a store handler sees the new data);
* screen — the row drawn with the new count (what the user sees; the target is ≤ 100 ms);
* and screen − store, the TUI's part (batched per frame).

The watcher's debounce (``QUIET_MS`` of quiet after the last change, polled every
``STEP_MS``) is inside ``store``. Median, p90 and max over ``--saves`` (default 50).

Run: .venv/bin/python benchmarks/manifest_reload.py [--saves N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from rich.segment import Segment
from textual.strip import Strip

from k9play.api.store import WatchEvent
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.manifests.watcher import QUIET_MS, STEP_MS
from k9play.tui.app import K9playApp
from k9play.tui.widgets import ResourceTable

GAP_SECONDS = 0.3
TIMEOUT = 5.0


def manifest(keys: int) -> str:
    data = "".join(f"  k{i}: v{i}\n" for i in range(keys))
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n{data}"


def row_count(strip: Strip) -> int | None:
    """The DATA cell of the ``bench`` row, if this line is that row."""
    text = "".join(s.text for s in strip if isinstance(s, Segment)).split()
    return int(text[1]) if len(text) >= 2 and text[0] == "bench" and text[1].isdigit() else None


async def measure(saves: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "settings.yaml"
        path.write_text(manifest(1))
        cluster = Cluster().start()
        sync = FolderSync(cluster.store, [folder])
        sync.sync_all()
        app = K9playApp(cluster, sync, realtime=True)
        store_seen: dict[int, float] = {}
        drawn: dict[int, float] = {}

        def on_store(event: WatchEvent) -> None:
            obj = event.object
            if obj.get("kind") == "ConfigMap" and obj["metadata"]["name"] == "bench":
                store_seen.setdefault(len(obj.get("data") or {}), time.perf_counter())

        cluster.store.add_handler("ConfigMap", on_store)
        to_store: list[float] = []
        to_screen: list[float] = []
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("colon", *"cm", "enter")
            await pilot.pause()
            table = app.screen.query_one(ResourceTable)
            render_line = table.render_line

            def watched_render_line(y: int) -> Strip:
                strip = render_line(y)
                count = row_count(strip)
                if count is not None:
                    drawn.setdefault(count, time.perf_counter())
                return strip

            table.render_line = watched_render_line  # type: ignore[method-assign]
            await asyncio.sleep(1.0)  # the watcher is up and the first frames are drawn
            for i in range(saves):
                keys = 2 + i % 9  # never the count before it
                store_seen.pop(keys, None)
                drawn.pop(keys, None)
                start = time.perf_counter()
                path.write_text(manifest(keys))
                deadline = start + TIMEOUT
                while keys not in drawn and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                if keys not in drawn:
                    raise SystemExit(f"save {i}: the row never showed {keys} keys")
                to_store.append((store_seen[keys] - start) * 1000)
                to_screen.append((drawn[keys] - start) * 1000)
                await asyncio.sleep(GAP_SECONDS)
        return to_store, to_screen


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{name:<16} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms   max {max(values):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args()
    to_store, to_screen = asyncio.run(measure(args.saves))
    print(f"manifest reload: {args.saves} saves, watcher step {STEP_MS} ms, quiet {QUIET_MS} ms")
    print(summary("save → store", to_store))
    print(summary("save → screen", to_screen))
    print(summary("store → screen", [b - a for a, b in zip(to_store, to_screen, strict=True)]))
    print(f"target save → screen ≤ 100 ms: {'met' if statistics.median(to_screen) <= 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
