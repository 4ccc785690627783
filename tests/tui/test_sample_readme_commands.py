"""Every ``:command`` a chapter README tells a person to type works in the TUI on the samples:
the view opens (or the page is pushed) and the flash line shows no error."""

from __future__ import annotations

import re
from pathlib import Path

from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen

ROOT = Path(__file__).resolve().parents[2]
PROMPT = re.compile(r"`(:[a-z][^`\n]*)`")


async def test_readme_commands_open_their_views_without_errors() -> None:
    readmes = (ROOT / "sample-manifests").glob("*/README.md")
    commands = sorted({c for r in readmes for c in PROMPT.findall(r.read_text())})
    assert len(commands) > 20
    cluster = Cluster().start()
    sync = FolderSync(cluster.store, [ROOT / "sample-manifests"])
    sync.sync_all()
    cluster.advance_sync(60)
    app = K9playApp(cluster, sync, realtime=False, namespace=None)
    async with app.run_test(size=(160, 40)) as pilot:
        for command in commands:
            while not isinstance(app.screen, BrowserScreen):
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("colon", *command[1:], "enter")
            await pilot.pause()
            flash = app.flash_message
            assert flash.level != "error", (command, flash.text)
