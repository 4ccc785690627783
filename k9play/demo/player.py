"""Playing a demo: each step drives the real :class:`K9playApp` through Textual's pilot.

The same code plays a demo at real speed (``k9play demo NAME``: the clock runs, ``advance``
waits for that much simulated time, captions stay up long enough to read, ``ctrl+t`` pauses
all of it) and on the manual clock (tests and ``--record``: ``advance`` moves the clock by
hand, nothing waits, every key frame is byte-for-byte the same on every run).
"""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Input

from k9play.cli import SimShell, bundled_samples
from k9play.cluster import Cluster
from k9play.demo.caption import CAPTION_CSS, caption_on
from k9play.demo.script import Demo, DemoError, Step
from k9play.manifests.sync import FolderSync, SyncReport
from k9play.tui.app import K9playApp

#: Terminal size of headless runs (tests, ``--record``): the snapshots' size.
FRAME_SIZE = (120, 36)
#: Wall seconds a caption stays up at real speed, after a key, and after a typed character.
READ_SECONDS = 3.0
KEY_SECONDS = 0.15
CHAR_SECONDS = 0.05
#: How long (wall seconds) a real-speed ``expect`` waits for the screen to catch up.
EXPECT_SECONDS = 3.0
EXPECT_STEP = 0.1  # how often (viewer seconds) an expect looks at the screen again at real speed

OnSnapshot = Callable[[str, str], None]


class DemoApp(K9playApp):
    """The TUI plus a caption bar on every screen; on the manual clock, also no animations."""

    CSS = CAPTION_CSS

    def __init__(self, cluster: Cluster, sync: FolderSync, *, realtime: bool) -> None:
        super().__init__(cluster, sync, realtime=realtime)
        self.caption = ""
        if not realtime:
            self.animation_level = "none"  # animations run on wall time: frames would differ

    def on_mount(self) -> None:
        super().on_mount()
        if self.realtime:  # screens opened by the viewer's own keys get the bar too
            self.set_interval(0.1, self.show_caption)

    def say(self, text: str) -> None:
        self.caption = text
        self.show_caption()

    def show_caption(self) -> None:
        caption_on(self.screen, self.caption)


class Player:
    """Runs a :class:`Demo`'s steps against a running :class:`DemoApp`."""

    def __init__(self, app: DemoApp, pilot: Pilot[None], demo: Demo, workdir: Path, *,
                 on_snapshot: OnSnapshot | None = None) -> None:
        self.app = app
        self.pilot = pilot
        self.demo = demo
        self.workdir = workdir
        self.on_snapshot = on_snapshot
        self.clock = app.cluster.clock
        self.realtime = app.realtime
        self._holding = False  # the player (not the viewer's ctrl+t) paused the clock

    async def play(self) -> None:
        self._hold_time()
        try:
            for step in self.demo.steps:
                try:
                    await getattr(self, f"_{step.kind}")(step)
                except DemoError:
                    raise
                except Exception as e:  # a step the app refused: say which
                    raise DemoError(f"{step.where}: {step.kind} failed: {e}") from e
                await self._settle()
        finally:
            self._release_time()  # the cluster runs on for the viewer to explore

    # ------------------------------------------------------------------ time
    def _hold_time(self) -> None:
        """At real speed, simulated time stands still between ``advance`` steps, as on the manual
        clock: captions, typing and the app's own work take none of it, so a played demo meets
        the states its script (and its recorded key frames) were written for."""
        if self.realtime and not self.clock.paused:
            self.clock.pause()
            self._holding = True

    def _release_time(self) -> None:
        if self._holding:
            self._holding = False
            self.clock.resume()

    # ------------------------------------------------------------------ timing
    async def _settle(self) -> None:
        """Let the app catch up: on the manual clock, sync every screen and drain the messages.

        At real speed the pauses between steps already give the app its time; the pilot's own
        pause also waits for the process to go idle (up to a second), which a running cluster
        never is, so it is not used there."""
        if not self.realtime:
            self.clock.settle()
            self.app.sync_screens()
            await self.pilot.pause()
        self.app.show_caption()
        for field in self.app.screen.query(Input):
            field.cursor_blink = False  # the blink runs on wall time
        if not self.realtime:
            await self.pilot.pause()

    async def _on_clock(self, virtual_seconds: float) -> None:
        """Let ``virtual_seconds`` of simulated time pass on the cluster's clock (which stands
        still while the viewer pauses it with ctrl+t): a timer on the clock wakes us."""
        reached = asyncio.Event()
        handle = self.clock.call_later(virtual_seconds, reached.set)
        try:
            await reached.wait()
        finally:
            handle.cancel()

    async def _wall(self, seconds: float) -> None:
        """At real speed, give the viewer ``seconds`` to read or watch (the app's own timer: the
        simulated clock stands still meanwhile, see :meth:`_hold_time`)."""
        if self.realtime and seconds > 0:
            shown = asyncio.Event()
            self.app.set_timer(seconds, shown.set)
            await shown.wait()

    # ------------------------------------------------------------------- steps
    async def _say(self, step: Step) -> None:
        self.app.say(step.value)
        await self._wall(READ_SECONDS)

    async def _advance(self, step: Step) -> None:
        if not self.realtime:
            self.app.cluster.advance_sync(step.value)
            return
        self._release_time()
        try:
            await self._on_clock(step.value)  # ctrl+t (the viewer's pause) stops it too
        finally:
            self._hold_time()

    async def _press(self, step: Step, pause: float = KEY_SECONDS) -> None:
        for key in step.value:
            if self.realtime:  # as the keyboard would: no wait for an idle process (see _settle)
                self.app._driver.send_message(key_event(key, self.app))  # type: ignore[union-attr]
            else:
                await self.pilot.press(key)
            await self._wall(pause)

    async def _type(self, step: Step) -> None:
        await self._press(Step("press", list(step.value), step.line, step.file), CHAR_SECONDS)

    async def _apply(self, step: Step) -> None:
        copied: list[Path] = []
        for rel in step.value:
            source = self._source(step, rel)
            dest = self._inside(step, rel)
            if source.is_dir():
                shutil.copytree(source, dest, dirs_exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, dest)
            copied.append(dest)
        self._report(step, self.app.folder_sync.sync_paths(copied))  # type: ignore[union-attr]

    async def _write(self, step: Step) -> None:
        path = self._inside(step, step.value["path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(step.value["content"], encoding="utf-8")
        self._report(step, self.app.folder_sync.sync_paths([path]))  # type: ignore[union-attr]

    async def _edit(self, step: Step) -> None:
        path = self._inside(step, step.value["path"])
        if not path.is_file():
            raise DemoError(f"{step.where}: edit: {step.value['path']} is not in the demo's folder (apply it first)")
        text = path.read_text(encoding="utf-8")
        for old, new in step.value["replace"].items():
            if old not in text:
                raise DemoError(f"{step.where}: edit: {old!r} is not in {step.value['path']}")
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        self._report(step, self.app.folder_sync.sync_paths([path]))  # type: ignore[union-attr]

    async def _sim(self, step: Step) -> None:
        out, err = io.StringIO(), io.StringIO()
        shell = SimShell(self.app.cluster, out, err)
        shell.run(step.value)
        if shell.failed:
            raise DemoError(f"{step.where}: sim: {err.getvalue().strip() or 'failed'}")
        self.app.flash(out.getvalue().strip())

    async def _expect(self, step: Step) -> None:
        text, pattern = step.value.get("text"), step.value.get("pattern")
        waited = 0.0
        while not _shows(shown := screen_text(self.app), text, pattern):
            if not self.realtime or waited >= EXPECT_SECONDS:
                wanted = repr(text) if text else f"a match of {pattern!r}"
                raise DemoError(f"{step.where}: expect: the screen does not show {wanted}; it shows:\n{shown}")
            await self._wall(EXPECT_STEP)  # at real speed the screen may still be catching up
            waited += EXPECT_STEP

    async def _snapshot(self, step: Step) -> None:
        if self.on_snapshot is not None:
            await self._settle()
            self.on_snapshot(step.value, self.app.export_screenshot())

    # ------------------------------------------------------------------- paths
    def _source(self, step: Step, rel: str) -> Path:
        for base in (self.demo.path.parent, bundled_samples()):
            if (base / rel).exists():
                return base / rel
        raise DemoError(f"{step.where}: apply: {rel} is neither beside the demo nor in sample-manifests/")

    def _inside(self, step: Step, rel: str) -> Path:
        """``rel`` in the demo's working copy; a path that climbs out of it is refused."""
        path = (self.workdir / rel).resolve()
        if path != self.workdir.resolve() and self.workdir.resolve() not in path.parents:
            raise DemoError(f"{step.where}: {rel} is outside the demo's folder")
        return path

    def _report(self, step: Step, report: SyncReport) -> None:
        self.app.show_sync_report(report)
        if report.errors:
            raise DemoError(f"{step.where}: {step.kind}: {report.errors[0]}")


def _shows(screen: str, text: str | None, pattern: str | None) -> bool:
    return text in screen if text else re.search(pattern or "", screen) is not None


def key_event(key: str, app: K9playApp) -> events.Key:
    """The event a terminal sends for ``key`` (a key name or one character), as Textual's pilot makes it."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    return event


def screen_text(app: K9playApp) -> str:
    """The current screen as plain text, as the viewer sees it (what ``expect`` searches)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def workspace(root: Path, demo: Demo) -> Path:
    """The demo's working folder under ``root``: named after the demo, as the flash line shows it."""
    work = root / demo.name
    work.mkdir(parents=True, exist_ok=True)
    return work


def new_app(demo: Demo, workdir: Path, *, realtime: bool, speed: float = 1.0, seed: int | None = 0) -> DemoApp:
    """A fresh cluster watching the demo's (empty) working folder, in its app."""
    cluster = Cluster(workers=demo.nodes, seed=seed, mode="realtime" if realtime else "manual", speed=speed).start()
    return DemoApp(cluster, FolderSync(cluster.store, [workdir]), realtime=realtime)


async def record(demo: Demo, root: Path) -> dict[str, str]:
    """Play ``demo`` headless on the manual clock; its key frames' SVGs by snapshot name."""
    frames: dict[str, str] = {}
    app = new_app(demo, workspace(root, demo), realtime=False)
    async with app.run_test(size=FRAME_SIZE) as pilot:
        await pilot.pause()
        await Player(app, pilot, demo, workspace(root, demo), on_snapshot=frames.__setitem__).play()
    return frames
