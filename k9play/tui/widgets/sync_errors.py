"""The errors panel: manifest files whose last save did not apply, until they are fixed.

The flash line shows the newest problem once; this panel keeps every broken file in view
(one line each, ``file:line:col: reason``) for as long as it stays broken.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from k9play.manifests.sync import FolderSync

#: rows shown before "… and N more"
MAX_LINES = 3


class SyncErrors(Widget):
    """Hidden while every watched file applies; redraws only when the sync's version moves."""

    DEFAULT_CSS = """
    SyncErrors {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $k9s-error;
        display: none;
        &.-shown { display: block; }
    }
    """

    def __init__(self, sync: FolderSync | None) -> None:
        super().__init__()
        self.sync = sync
        self._version = -1
        self._lines: list[str] = []

    def on_mount(self) -> None:
        self.update_state()

    def update_state(self) -> None:
        sync = self.sync
        if sync is None or sync.version == self._version:
            return
        self._version = sync.version
        errors = [e for errs in sync.errors.values() for e in errs]
        lines = [str(e).splitlines()[0] for e in errors[:MAX_LINES]]
        if len(errors) > MAX_LINES:
            lines.append(f"… and {len(errors) - MAX_LINES} more (:sources)")
        self._lines = lines
        self.set_class(bool(lines), "-shown")
        self.refresh(layout=True)

    def render(self) -> Text:
        return Text("\n".join(f"✗ {line}" for line in self._lines), no_wrap=True, overflow="ellipsis")
