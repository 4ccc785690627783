"""Walking a chapter of ``sample-manifests/`` as its README tells a new user to, in a pilot.

The chapter is copied to a scratch folder and watched by a :class:`FolderSync`, as
``k9play sample-manifests/NN-…`` does; an edit is written to the copy and applied through the
watcher's own path (``sync_file`` and the app's report on the flash line). The clock is manual:
:func:`advance` is the user waiting.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.widgets import ResourceTable

from .helpers import screen_text

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 45)


def chapter_app(tmp: Path, *chapters: str) -> tuple[K9playApp, Path]:
    """The TUI over copies of ``chapters`` (folder names), opened as the CLI opens it."""
    base = tmp / "sample-manifests"
    for chapter in chapters:
        shutil.copytree(ROOT / "sample-manifests" / chapter, base / chapter)
    cluster = Cluster().start()
    sync = FolderSync(cluster.store, [base / c for c in chapters])
    sync.sync_all()
    return K9playApp(cluster, sync, realtime=False, namespace=None), base


async def advance(app: K9playApp, pilot: Pilot[None], seconds: float, step: float = 1.0) -> None:
    """Wait ``seconds`` of virtual time, the screen redrawn every ``step`` as the app's tick does."""
    left = seconds
    while left > 1e-9:
        app.cluster.advance_sync(min(step, left))
        left -= step
        app.sync_screens()
    await pilot.pause()


async def command(pilot: Pilot[None], text: str) -> None:
    """Type ``:text`` and enter."""
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def save(app: K9playApp, pilot: Pilot[None], path: Path, old: str = "", new: str = "") -> None:
    """Edit ``path`` (``old`` → ``new``; nothing: just save it again) and let the watcher apply it."""
    text = path.read_text()
    if old:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)
    sync = app.folder_sync
    assert sync is not None
    app.show_sync_report(sync.sync_file(path))
    app.sync_screens()
    await pilot.pause()


async def select(app: K9playApp, pilot: Pilot[None], name: str) -> None:
    """Move the cursor to the row named ``name`` with the arrow keys."""
    table = app.screen.query_one(ResourceTable)
    await pilot.press("home")
    for _ in range(len(table.model) if table.model is not None else 0):
        if table.cursor_key is not None and table.cursor_key[1] == name:
            return
        await pilot.press("down")
    assert table.cursor_key is not None and table.cursor_key[1] == name, (name, table.cursor_key)


async def home(app: K9playApp, pilot: Pilot[None]) -> None:
    """``esc`` until the browser is on top."""
    while not isinstance(app.screen, BrowserScreen):
        await pilot.press("escape")
        await pilot.pause()


def menu(app: K9playApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def pick(app: K9playApp, pilot: Pilot[None], label: str) -> None:
    """Choose ``label`` in the open menu with the arrow keys and enter."""
    assert isinstance(app.screen, PickDialog)
    labels = menu(app)
    assert label in labels, labels
    options = app.screen.query_one(OptionList)
    for _ in range(labels.index(label) - (options.highlighted or 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def row(app: K9playApp, name: str) -> str:
    """The table line of ``name`` (columns squeezed to single spaces); '' when it is not shown."""
    for line in screen_text(app).splitlines():
        cells = line.strip("│ ").split()
        if name in cells[:2]:
            return " ".join(cells)
    return ""


def flash(app: K9playApp) -> str:
    return app.flash_message.text
