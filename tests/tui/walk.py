"""A chapter README walked in the TUI as a new user walks it, for the ``test_walk_*`` tests.

The chapters are copied to a scratch ``sample-manifests/`` (edits never touch the repository) and
opened as ``k9play sample-manifests/A …`` opens them, in the namespace :func:`first_namespace`
picks. The clock is manual, so waiting is a verb (:meth:`Walk.wait`), and a save goes through the
folder watcher's own calls (``sync_paths``, then the report on the flash line): what a test sees
after a save is what a reader sees after ``:w`` in their editor.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from k9play.cli import first_namespace
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import DeleteDialog, PickDialog
from k9play.tui.widgets import ResourceTable

from .helpers import screen_text

SAMPLES = Path(__file__).resolve().parents[2] / "sample-manifests"
SIZE = (160, 45)


class Walk:
    """One walk: ``async with Walk(tmp_path, "01-namespaces", "04-deployments") as w: …``.

    ``warm_up`` seconds pass before the app opens (a reader who starts k9play and looks a little
    later); ``cluster`` replaces the manual-clock cluster (a test of the time keys brings its own).
    """

    def __init__(self, tmp_path: Path, *chapters: str, size: tuple[int, int] = SIZE, warm_up: float = 0,
                 cluster: Cluster | None = None) -> None:
        self.folder = tmp_path / "sample-manifests"
        for chapter in chapters:
            shutil.copytree(SAMPLES / chapter, self.folder / chapter)
        self.cluster = cluster or Cluster().start()
        self.sync = FolderSync(self.cluster.store, [self.folder / c for c in chapters])
        self.sync.sync_all()
        self.cluster.advance_sync(warm_up)
        self.app = K9playApp(self.cluster, self.sync, realtime=False, namespace=first_namespace(self.sync))
        self.size = size
        self.pilot: Pilot[None]
        self._run: Any = None

    async def __aenter__(self) -> Walk:
        self._run = self.app.run_test(size=self.size)
        self.pilot = await self._run.__aenter__()
        await self.pilot.pause()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._run.__aexit__(*exc)

    # ------------------------------------------------------------ looking
    def screen(self) -> str:
        """What the terminal shows now, as plain text."""
        return screen_text(self.app)

    def flash(self) -> str:
        return self.app.flash_message.text

    def rows(self, name: str) -> list[str]:
        """The lines of the main frame showing ``name`` as a whole word (so ``web`` is not
        ``web-nodeport``), the frame's borders cut off: ``.split()`` gives the cells, and the
        column spacing is kept for tests that look for ``" 4/6 "``."""
        lines = [line.strip().strip("│") for line in self.screen().splitlines() if line.startswith("│")]
        return [line for line in lines if name in line.split()]

    def row(self, name: str) -> str:
        """The first of :meth:`rows`; ``""`` when ``name`` is not on screen (a row that went)."""
        return next(iter(self.rows(name)), "")

    # ------------------------------------------------------------ doing
    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def home(self) -> None:
        """``esc`` until the browser is on top (out of logs, describe, shells, dialogs)."""
        while not isinstance(self.app.screen, BrowserScreen):
            await self.press("escape")

    async def command(self, line: str) -> None:
        """``:line`` and enter, from wherever the user is."""
        await self.home()
        await self.prompt("colon", line)
        await self.press("enter")

    async def prompt(self, opener: str, text: str) -> None:
        """Press ``opener`` (``colon``, ``slash``) and enter ``text`` in the prompt it opens. Long
        lines are pasted, as one copies them from a README (typed key by key they cost seconds)."""
        await self.press(opener)
        if len(text) <= 12:
            await self.press(*text)
            return
        focused = self.app.focused
        assert focused is not None
        focused.post_message(events.Paste(text))
        await self.pilot.pause()

    async def fill(self, text: str, *, submit: bool = True) -> None:
        """Replace the focused dialog field's value, as backspaces and typing do; enter submits."""
        value = getattr(self.app.focused, "value", "")
        await self.press(*["backspace"] * len(str(value)), *text, *(["enter"] if submit else []))

    async def wait(self, seconds: float, step: float = 1.0) -> None:
        """The user waits: virtual time passes ``step`` by ``step`` and the screens catch up after
        each, as the app's tick does (live pages poll on every redraw)."""
        left = seconds
        while left > 1e-9:
            self.cluster.advance_sync(min(step, left))
            left -= step
            self.app.sync_screens()
            await self.pilot.pause()

    async def cursor_to(self, name: str) -> None:
        """Arrow down from the top to the row of ``name``, as a user would."""
        table = self.app.screen.query_one(ResourceTable)
        await self.press("home")
        for _ in range(len(table.model or ())):
            if table.cursor_key is not None and table.cursor_key[1] == name:
                return
            await self.press("down")
        raise AssertionError(f"no row {name!r} in {self.screen()}")

    async def pick(self, label: str) -> None:
        """Choose ``label`` in the open menu with the arrow keys and enter."""
        assert isinstance(self.app.screen, PickDialog), self.screen()
        options = self.app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert label in labels, labels
        for _ in range(labels.index(label) - (options.highlighted or 0)):
            await self.press("down")
        await self.press("enter")

    async def confirm(self) -> None:
        """OK in a k9s confirm dialog: it opens on Cancel, so ``tab`` then ``enter``."""
        await self.press("tab", "enter")

    async def delete(self, name: str, *, view: str | None = None) -> None:
        """``:view`` (if given), the row of ``name``, ``ctrl+d`` and OK."""
        if view is not None:
            await self.command(view)
        await self.cursor_to(name)
        await self.press("ctrl+d")
        assert isinstance(self.app.screen, DeleteDialog), self.screen()
        await self.confirm()
        assert isinstance(self.app.screen, BrowserScreen)

    # ------------------------------------------------------------ files
    def path(self, relative: str) -> Path:
        """A file of the copied chapters, e.g. ``path("02-pods/nginx-pod.yaml")``."""
        return self.folder / relative

    def edit(self, relative: str, old: str, new: str) -> None:
        """The reader's editor: every ``old`` (which must be there) becomes ``new``; not saved yet."""
        path = self.path(relative)
        text = path.read_text()
        assert old in text, (old, relative)
        path.write_text(text.replace(old, new))

    async def save(self, relative: str, old: str | None = None, new: str = "") -> None:
        """Save ``relative`` (after :meth:`edit` ``old`` → ``new``; no ``old``: as it is on disk, or
        gone from it) and apply it as the watcher does, its report on the flash line."""
        if old is not None:
            self.edit(relative, old, new)
        self.app.show_sync_report(self.sync.sync_paths([self.path(relative)]))
        self.app.sync_screens()
        await self.pilot.pause()
