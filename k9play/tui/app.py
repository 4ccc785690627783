"""``K9playApp``: the k9s-like face over a simulated cluster.

The app owns the *pump* between the engine and the screens. The store calls back
synchronously for every write; the app only notes "something changed" and posts one
message per batch. When that message runs (at most once a frame in real time), every
screen folds its batch in and redraws — so UI cost follows the frame rate, not the event rate.

With ``realtime=False`` nothing moves by itself: no clock driver, no file watcher. Tests
and snapshots advance the cluster by hand and see exactly the same frames every run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.theme import Theme

from k9play.api.store import WatchEvent
from k9play.cluster import Cluster
from k9play.manifests.sync import FolderSync, SyncReport
from k9play.tui.commands import AppCommand
from k9play.tui.keymap import load_keymap
from k9play.tui.screens import BrowserScreen, HelpScreen
from k9play.tui.screens.browser import binding_chains
from k9play.tui.widgets import Flash
from k9play.tui.widgets.flash import FlashMessage, Level

#: Minimum wall time between two UI syncs in real-time mode (one frame at 30 fps).
FRAME_SECONDS = 1 / 30
#: How often ages and the header clock are refreshed when nothing else happens.
TICK_SECONDS = 0.25

#: k9s' stock skin (research/k9s.md §3), as theme variables so a skin could override them.
K9S_COLORS = {
    "k9s-bg": "black",
    "k9s-std": "lightskyblue",
    "k9s-add": "dodgerblue",
    "k9s-modify": "greenyellow",
    "k9s-pending": "darkorange",
    "k9s-error": "orangered",
    "k9s-highlight": "aqua",
    "k9s-kill": "mediumpurple",
    "k9s-completed": "gray",
    "k9s-cursor-fg": "black",
    "k9s-table-header": "white",
    "k9s-border": "dodgerblue",
    "k9s-border-focus": "aqua",
    "k9s-title": "aqua",
    "k9s-title-highlight": "fuchsia",
    "k9s-title-counter": "papayawhip",
    "k9s-info-label": "white",
    "k9s-info": "orange",
    "k9s-menu-key": "dodgerblue",
    "k9s-menu": "white",
    "k9s-logo": "orange",
    "k9s-prompt": "cadetblue",
    "k9s-prompt-border": "aqua",
    "k9s-prompt-suggest": "dodgerblue",
    "k9s-flash-info": "navajowhite",
    "k9s-flash-warn": "orange",
    "k9s-flash-error": "orangered",
    "k9s-yaml-key": "steelblue",
    "k9s-yaml-colon": "white",
    "k9s-yaml-value": "papayawhip",
    "k9s-help-section": "white",
    "k9s-help-text": "cadetblue",
    "k9s-table-sorter": "orange",
    "k9s-mark": "darkgoldenrod",
    "k9s-title-filter": "steelblue",
    "k9s-crumb-fg": "black",
    "k9s-crumb-bg": "steelblue",
    "k9s-crumb-active": "orange",
}

K9S_THEME = Theme(
    name="k9s",
    primary="#1e90ff",  # dodgerblue
    secondary="#00ffff",
    accent="#ff00ff",
    warning="#ff8c00",
    error="#ff4500",
    success="#adff2f",
    foreground="#87cefa",
    background="#000000",
    surface="#000000",
    panel="#000000",
    dark=True,
)


@runtime_checkable
class Syncable(Protocol):
    def sync(self, now: float) -> None: ...


class K9playApp(App[None]):
    """k9s over a :class:`Cluster`; ``sync`` re-applies manifest files as they are saved."""

    CSS_PATH = Path(__file__).with_name("k9play.tcss")  # absolute: subclasses elsewhere still find it
    TITLE = "k9play"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit", "Quit", priority=True, show=False, key_display="ctrl-c"),
    ]

    def __init__(self, cluster: Cluster, sync: FolderSync | None = None, *, realtime: bool = True) -> None:
        super().__init__()
        self.cluster = cluster
        self.folder_sync = sync
        self.realtime = realtime
        self.namespace: str | None = "default"
        self.keymap_report = load_keymap(binding_chains(type(self)))
        self.set_keymap(self.keymap_report.keymap)
        self._clashes_seen: set[frozenset[str]] = set()
        self.flash_message = self._initial_flash()
        self._dirty = False
        self._last_sync = 0.0
        self._last_now: float | None = None
        self._stop = asyncio.Event()
        self._unsubscribe: Callable[[], None] | None = None
        self.register_theme(K9S_THEME)
        self.theme = "k9s"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(K9S_COLORS)

    def get_default_screen(self) -> BrowserScreen:
        return BrowserScreen()

    def on_mount(self) -> None:
        self._unsubscribe = self.cluster.store.add_handler(None, self._on_store_event)
        self.set_interval(TICK_SECONDS, self._tick)
        if not self.realtime:
            return
        if self.cluster.clock.mode == "realtime":
            self.run_worker(self.cluster.clock.run(), name="clock", group="sim", exit_on_error=True)
        if self.folder_sync is not None:
            self.run_worker(self.folder_sync.watch(self.show_sync_report, self._stop), name="manifests", group="sim")

    def on_unmount(self) -> None:
        self._stop.set()
        if self._unsubscribe is not None:
            self._unsubscribe()

    # ------------------------------------------------------------------- pump
    def _on_store_event(self, _: WatchEvent) -> None:
        """Store handler: runs inside the engine's write, so it must stay O(1) and never write."""
        self.request_sync()

    def request_sync(self) -> None:
        """Ask for one :meth:`sync_screens` soon; any number of calls before it runs coalesce."""
        if self._dirty:
            return
        self._dirty = True
        self.call_later(self._pump)

    def _pump(self) -> None:
        wait = self._last_sync + FRAME_SECONDS - time.monotonic() if self.realtime else 0.0
        if wait > 0:
            self.set_timer(wait, self.sync_screens)
        else:
            self.sync_screens()

    def _tick(self) -> None:
        if self.cluster.clock.now() != self._last_now:
            self.sync_screens()

    def sync_screens(self) -> None:
        """Bring every screen on the stack up to the store and the virtual clock, now."""
        self._dirty = False
        self._last_sync = time.monotonic()
        now = self._last_now = self.cluster.clock.now()
        for screen in self.screen_stack:
            if isinstance(screen, Syncable):
                screen.sync(now)

    # ------------------------------------------------------------------ flash
    def flash(self, text: str, level: Level = "info") -> None:
        self.flash_message = FlashMessage(text, level)
        for screen in self.screen_stack:
            for widget in screen.query(Flash):
                widget.show(self.flash_message)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """Textual dropped a binding for a remapped key: say so once (the keymap check at
        start should have caught it; this is the backstop)."""
        ids = frozenset(b.id or b.action for b in clashed_bindings)
        if ids not in self._clashes_seen:
            self._clashes_seen.add(ids)
            self.flash(f"keymap: the remapped key hides {', '.join(sorted(ids))}", "warn")

    def _initial_flash(self) -> FlashMessage:
        if self.keymap_report.problems:  # a bad keymap first: it changes what every key does
            return FlashMessage(self.keymap_report.summary, "warn")
        if self.folder_sync is None:
            return FlashMessage()
        errors = [e for errs in self.folder_sync.errors.values() for e in errs]
        if errors:
            return FlashMessage(_errors_text([str(e) for e in errors]), "error")
        files = len(self.folder_sync.owned)
        return FlashMessage(f"watching {files} manifest file{'s' * (files != 1)} in "
                            f"{', '.join(_short(p) for p in self.folder_sync.paths)}")

    def show_sync_report(self, report: SyncReport) -> None:
        """``FolderSync.watch`` callback: errors win the flash line, else what was applied."""
        if report.errors:
            self.flash(_errors_text([str(e) for e in report.errors]), "error")
        elif report.applied or report.deleted:
            self.flash(", ".join([*report.applied, *report.deleted]))

    # ---------------------------------------------------------------- commands
    def run_app_command(self, cmd: AppCommand) -> None:
        clock = self.cluster.clock
        if cmd.name == "quit":
            self.exit()
        elif cmd.name == "help":
            self.push_screen(HelpScreen())
        elif clock.mode != "realtime":
            self.flash(f"{cmd.name}: the clock is manual (stepped); nothing to do", "warn")
        elif cmd.name == "pause":
            clock.pause()
        elif cmd.name == "resume":
            clock.resume()
        elif cmd.name == "speed" and cmd.value is not None:
            clock.set_speed(cmd.value)
        self.sync_screens()


def _errors_text(lines: list[str]) -> str:
    first = lines[0].splitlines()[0] if lines else ""
    return first + (f" (+{len(lines) - 1} more)" if len(lines) > 1 else "")


def _short(path: Path) -> str:
    return path.name or str(path)
