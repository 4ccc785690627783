"""``k9play demo [NAME] [--speed S] [--record DIR]``: list the demos, play one, or record its key frames."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path
from typing import TextIO

from textual.pilot import Pilot

from k9play.demo.player import Player, new_app, record, workspace
from k9play.demo.script import Demo, DemoError, bundled_demos, find_demo, load_demo


def list_demos(out: TextIO, err: TextIO) -> int:
    """One line per bundled demo: its name and description."""
    demos: list[Demo] = []
    for path in bundled_demos():
        try:
            demos.append(load_demo(path))
        except DemoError as e:
            err.write(f"error: {e}\n")
    width = max((len(d.name) for d in demos), default=0)
    for d in demos:
        out.write(f"{d.name:<{width}}  {d.description}\n")
    out.write("\nplay one: k9play demo NAME [--speed N]   (ctrl+t pauses, q quits)\n")
    return 0


def record_demo(demo: Demo, target: Path, out: TextIO) -> int:
    """Play headless on the manual clock and write each key frame as ``DIR/NAME.svg``."""
    with tempfile.TemporaryDirectory(prefix="k9play-demo-") as tmp:
        frames = asyncio.run(record(demo, Path(tmp)))
    target.mkdir(parents=True, exist_ok=True)
    for name, svg in frames.items():
        (target / f"{name}.svg").write_text(svg, encoding="utf-8")
        out.write(f"{target / f'{name}.svg'}\n")
    return 0


def play_demo(demo: Demo, speed: float, err: TextIO) -> int:
    """Play at real speed in the terminal; the app stays open at the end (or at a failed step)."""
    failure: list[DemoError] = []
    with tempfile.TemporaryDirectory(prefix="k9play-demo-") as tmp:
        work = workspace(Path(tmp), demo)
        app = new_app(demo, work, realtime=True, speed=speed, seed=None)

        async def autopilot(pilot: Pilot[None]) -> None:
            try:
                await Player(app, pilot, demo, work).play()
            except DemoError as e:
                failure.append(e)
                app.say(f"demo stopped: {str(e).splitlines()[0]}")
                app.flash(str(e).splitlines()[0], "error")
                return
            app.say(f"end of the {demo.name} demo: keep exploring, or q to quit")

        app.run(auto_pilot=autopilot)
    for e in failure:
        err.write(f"error: {e}\n")
    return 1 if failure else 0


def main(argv: list[str], out: TextIO, err: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="k9play demo", description="Scripted scenarios that drive the TUI with "
                                     "captions. Without NAME: the list.")
    parser.add_argument("name", nargs="?", metavar="NAME", help="a demo's name (see the list) or a demo file")
    parser.add_argument("--speed", type=float, default=5.0,
                        help="simulated seconds per real second while the demo waits (default 5)")
    parser.add_argument("--record", metavar="DIR", type=Path,
                        help="play headless on the manual clock and write the key frames to DIR/NAME.svg")
    ns = parser.parse_args(argv)
    if ns.name is None:
        return list_demos(out, err)
    if ns.speed <= 0:
        err.write("error: --speed must be positive\n")
        return 2
    try:
        demo = load_demo(find_demo(ns.name))
        if ns.record is not None:
            return record_demo(demo, ns.record, out)
    except DemoError as e:
        err.write(f"error: {e}\n")
        return 1
    return play_demo(demo, ns.speed, err)
