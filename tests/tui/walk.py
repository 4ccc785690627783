"""A chapter README walked in the TUI as a person would: the app over a copy of the chapter's
folder (opened in the namespace ``k9play DIR`` opens in), on the manual clock; keys, commands
and waits; file edits applied through the watcher's own path (``sync_paths`` → the flash line)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from k9play.cli import first_namespace
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import DeleteDialog
from k9play.tui.widgets import ResourceTable

from .helpers import screen_text

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 45)


@dataclass
class Walk:
    """One chapter's folder, cluster, watcher and app."""

    folder: Path
    cluster: Cluster
    sync: FolderSync
    app: K9playApp

    def screen(self) -> str:
        return screen_text(self.app)

    def row(self, name: str) -> str:
        """The table line showing ``name`` (as a whole word)."""
        return next(line for line in self.screen().splitlines() if f" {name} " in line)

    def flash(self) -> str:
        return self.app.flash_message.text

    async def wait(self, pilot: Pilot[None], seconds: float) -> None:
        """Time passing while the user watches: the clock advances and every screen syncs."""
        self.cluster.advance_sync(seconds)
        self.app.sync_screens()
        await pilot.pause()

    async def command(self, pilot: Pilot[None], text: str) -> None:
        """``:text`` ⏎ typed at the prompt, from whatever page is open."""
        while not isinstance(self.app.screen, BrowserScreen):
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("colon", *text, "enter")
        await pilot.pause()

    async def select(self, pilot: Pilot[None], name: str) -> None:
        """Arrow keys down (or up) to the row named ``name``."""
        table = self.app.screen.query_one(ResourceTable)
        names = [key[1] for key in table.model.keys]
        assert name in names, (name, names)
        step = "down" if names.index(name) > names.index(table.cursor_key[1]) else "up"
        while table.cursor_key[1] != name:
            await pilot.press(step)
        await pilot.pause()

    async def key(self, pilot: Pilot[None], *keys: str) -> None:
        await pilot.press(*keys)
        await pilot.pause()

    async def save(self, pilot: Pilot[None], relpath: str, edit: Callable[[str], str] | None = None) -> None:
        """Edit the file (``None``: save it again as it is) and save: applied as the watcher applies
        a save, and reported on the flash line."""
        path = self.folder / relpath
        if edit is not None:
            text = path.read_text()
            changed = edit(text)
            assert changed != text, f"the edit changed nothing in {relpath}"
            path.write_text(changed)
        self.app.show_sync_report(self.sync.sync_paths({path.absolute()}))
        self.app.sync_screens()
        await pilot.pause()

    async def delete(self, pilot: Pilot[None], view: str, name: str) -> None:
        """``:view``, the row, ``ctrl+d``, ``tab`` to OK (Cancel has the focus, as in k9s), ``enter``."""
        await self.command(pilot, view)
        await self.select(pilot, name)
        await self.key(pilot, "ctrl+d")
        assert isinstance(self.app.screen, DeleteDialog)
        await self.key(pilot, "tab", "enter")
        assert isinstance(self.app.screen, BrowserScreen)


def open_chapter(tmp_path: Path, chapter: str, *, warm_up: float = 30) -> Walk:
    """``k9play sample-manifests/CHAPTER`` on a copy of the folder, ``warm_up`` seconds after the start."""
    folder = tmp_path / chapter
    shutil.copytree(ROOT / "sample-manifests" / chapter, folder)
    cluster = Cluster().start()
    sync = FolderSync(cluster.store, [folder])
    sync.sync_all()
    cluster.advance_sync(warm_up)
    app = K9playApp(cluster, sync, realtime=False, namespace=first_namespace(sync))
    return Walk(folder, cluster, sync, app)


def replace(old: str, new: str) -> Callable[[str], str]:
    """An edit: ``old`` (which must be there) becomes ``new``."""
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)
    return edit
