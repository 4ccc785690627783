"""Walking a chapter README in the TUI, as a person does: the chapter's folders copied to a
scratch directory, the app opened where ``k9play DIR…`` opens it, simulated time moved by
hand, and file edits saved and applied the way the folder watcher applies them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from k9play.cli import first_namespace
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.widgets import ResourceTable

from .helpers import screen_text

SAMPLES = Path(__file__).resolve().parents[2] / "sample-manifests"


class Walk:
    """One chapter's walk: ``async with Walk(tmp_path, "01-namespaces", "04-deployments") as w``."""

    def __init__(self, tmp_path: Path, *chapters: str, size: tuple[int, int] = (160, 45),
                 cluster: Cluster | None = None) -> None:
        self.root = tmp_path / "sample-manifests"
        for chapter in chapters:
            shutil.copytree(SAMPLES / chapter, self.root / chapter)
        self.cluster = cluster or Cluster().start()
        self.sync = FolderSync(self.cluster.store, [self.root / c for c in chapters])
        self.sync.sync_all()
        self.app = K9playApp(self.cluster, self.sync, realtime=False, namespace=first_namespace(self.sync))
        self.size = size
        self._run: Any = None
        self.pilot: Pilot[None]

    async def __aenter__(self) -> Walk:
        self._run = self.app.run_test(size=self.size)
        self.pilot = await self._run.__aenter__()
        await self.pilot.pause()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._run.__aexit__(*exc)

    # ------------------------------------------------------------ looking
    @property
    def screen(self) -> str:
        return screen_text(self.app)

    def row(self, name: str) -> str:
        """The table line of ``name`` (its NAME cell, so ``web`` is not ``web-nodeport``)."""
        lines = [line for line in self.screen.splitlines() if f" {name} " in line]
        assert lines, (name, self.screen)
        return lines[0]

    def cells(self, name: str) -> list[str]:
        """The words of ``name``'s row, without the table's border."""
        return self.row(name).strip().strip("│").split()

    @property
    def flash(self) -> str:
        return self.app.flash_message.text

    # ------------------------------------------------------------ doing
    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def command(self, text: str) -> None:
        while not isinstance(self.app.screen, BrowserScreen):
            await self.press("escape")
        await self.pilot.press("colon", *text, "enter")
        await self.pilot.pause()

    async def wait(self, seconds: float, step: float = 5.0) -> None:
        """Let simulated time pass, redrawing as it goes (live pages poll on every redraw)."""
        left = seconds
        while left > 0:
            self.cluster.advance_sync(min(step, left))
            left -= step
            self.app.sync_screens()
            await self.pilot.pause()

    async def cursor_to(self, name: str) -> None:
        """Move the table cursor down (wrapping to the top first) until it is on ``name``."""
        table = self.app.screen.query_one(ResourceTable)
        await self.press("home")
        for _ in range(len(table.model or ())):
            if table.cursor_key is not None and table.cursor_key[1] == name:
                return
            await self.press("down")
        raise AssertionError(f"no row {name!r} in {self.screen}")

    async def pick(self, label: str) -> None:
        """Choose ``label`` in the open menu with the arrow keys and enter."""
        assert isinstance(self.app.screen, PickDialog), self.screen
        options = self.app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert label in labels, labels
        for _ in range(labels.index(label) - (options.highlighted or 0)):
            await self.press("down")
        await self.press("enter")

    async def confirm(self) -> None:
        """A k9s confirm dialog opens on Cancel: tab to OK and press it."""
        await self.press("tab", "enter")

    async def type_into_dialog(self, text: str, *, submit: bool = True) -> None:
        """Replace the focused field's value, as backspaces and typing do; enter submits the dialog."""
        value = getattr(self.app.focused, "value", "")
        await self.press(*["backspace"] * len(str(value)), *text, *(["enter"] if submit else []))

    def path(self, relative: str) -> Path:
        return self.root / relative

    async def save(self, relative: str, old: str, new: str) -> None:
        """Edit a copied manifest and save it: the watcher syncs the file and reports."""
        path = self.path(relative)
        text = path.read_text()
        assert old in text, (old, relative)
        path.write_text(text.replace(old, new, 1))
        await self.resave(relative)

    async def resave(self, relative: str) -> None:
        """Save the file again as it is (an editor's ``:w``)."""
        self.app.show_sync_report(self.sync.sync_paths([self.path(relative)]))
        self.app.sync_screens()
        await self.pilot.pause()
