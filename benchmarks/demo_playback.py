"""Play every bundled demo at real speed (the running clock), headless, and report wall time and
whether it ran to its end: ``python benchmarks/demo_playback.py [SPEED] [NAME…]``.

Caption, key and character pauses are set to 0 so only simulated time and the app's own work
count; the tests play the demos on the manual clock, this shows what ``k9play demo NAME`` meets.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from k9play.demo import player
from k9play.demo.player import Player, new_app, workspace
from k9play.demo.script import DemoError, bundled_demos, load_demo


async def play(path: Path, speed: float) -> str:
    demo = load_demo(path)
    with tempfile.TemporaryDirectory() as tmp:
        work = workspace(Path(tmp), demo)
        app = new_app(demo, work, realtime=True, speed=speed, seed=0)
        async with app.run_test(size=player.FRAME_SIZE) as pilot:
            try:
                await Player(app, pilot, demo, work).play()
            except DemoError as e:
                return "stopped: " + str(e).splitlines()[0]
    return "ran to its end"


def main(argv: list[str]) -> None:
    for pace in ("READ_SECONDS", "KEY_SECONDS", "CHAR_SECONDS"):
        setattr(player, pace, 0.0)
    speed = float(argv[0]) if argv else 20.0
    names = set(argv[1:])
    for path in bundled_demos():
        if names and path.stem not in names:
            continue
        start = time.monotonic()
        result = asyncio.run(play(path, speed))
        print(f"{path.stem:18} {time.monotonic() - start:5.1f} s  {result}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
