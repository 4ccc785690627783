"""Helpers for the chapter walk tests: a chapter README's steps, done in the TUI as a new user
does them, over a scratch copy of the samples on the manual clock.

A "save" goes through :meth:`FolderSync.sync_paths` and :meth:`K9playApp.show_sync_report`,
the two calls the folder watcher makes for a changed file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from k9play.cli import first_namespace
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.widgets import ResourceTable

from .helpers import screen_text

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 40)


@dataclass
class Walk:
    """A running app over copied chapters, and the verbs of a README."""

    app: K9playApp
    pilot: Pilot[None]
    sync: FolderSync
    folder: Path  # the scratch copy of sample-manifests/

    @property
    def cluster(self) -> Cluster:
        return self.app.cluster

    def text(self) -> str:
        return screen_text(self.app)

    def flash(self) -> str:
        return self.app.flash_message.text

    def rows(self, name: str) -> list[str]:
        """The lines inside the main frame naming ``name`` as a whole word, frame stripped."""
        lines = [line.strip().strip("│").strip() for line in self.text().splitlines() if line.startswith("│")]
        return [line for line in lines if name in line.split()]

    def row(self, name: str) -> str:
        """The first of :meth:`rows` (``""`` if none)."""
        return next(iter(self.rows(name)), "")

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def command(self, line: str) -> None:
        """``:line`` then enter, from wherever the user is (the prompt opens over any view).
        Long lines are pasted, as one copies them from a README (typing them key by key
        costs the test seconds)."""
        while not isinstance(self.app.screen, BrowserScreen):
            await self.press("escape")
        await self.type("colon", line)
        await self.press("enter")

    async def type(self, opener: str, text: str) -> None:
        """Press ``opener`` (``colon``, ``slash``) and enter ``text`` in the prompt it opens."""
        await self.press(opener)
        if len(text) <= 12:
            await self.press(*text)
            return
        focused = self.app.focused
        assert focused is not None
        focused.post_message(events.Paste(text))
        await self.pilot.pause()

    async def wait(self, seconds: float) -> None:
        """The user waits: virtual time passes and the screens catch up, as the pump does."""
        self.cluster.advance_sync(seconds)
        self.app.sync_screens()
        await self.pilot.pause()

    async def cursor_to(self, name: str) -> None:
        """Arrow down (from the top) to the row of ``name``, as a user would."""
        table = self.app.screen.query_one(ResourceTable)
        await self.press("home")
        for _ in range(len(table.model or ())):
            if table.cursor_key is not None and table.cursor_key[1] == name:
                return
            await self.press("down")
        raise AssertionError(f"no row {name!r} in {self.text()}")

    async def save(self, relative: str, text: str | None = None) -> None:
        """Write ``relative`` (under the copied samples; None: as it is) and apply it as the watcher does."""
        path = self.folder / relative
        if text is not None:
            path.write_text(text)
        self.app.show_sync_report(self.sync.sync_paths({path}))
        self.app.sync_screens()
        await self.pilot.pause()

    def read(self, relative: str) -> str:
        return (self.folder / relative).read_text()


def copy_samples(tmp_path: Path, *chapters: str) -> tuple[Path, list[Path]]:
    """The chapters copied to ``tmp_path/sample-manifests`` (edits never touch the repo)."""
    folder = tmp_path / "sample-manifests"
    for chapter in chapters:
        shutil.copytree(ROOT / "sample-manifests" / chapter, folder / chapter)
    return folder, [folder / c for c in chapters]


def start(tmp_path: Path, *chapters: str) -> tuple[K9playApp, FolderSync, Path]:
    """What ``k9play sample-manifests/A sample-manifests/B`` does before the first frame."""
    folder, paths = copy_samples(tmp_path, *chapters)
    cluster = Cluster().start()
    sync = FolderSync(cluster.store, paths)
    sync.sync_all()
    return K9playApp(cluster, sync, realtime=False, namespace=first_namespace(sync)), sync, folder
