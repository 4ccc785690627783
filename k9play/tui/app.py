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
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual import events
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Input

from k9play.api import errors
from k9play.api.auth import ADMIN, impersonated
from k9play.api.authorized import AuthorizedStore
from k9play.api.store import WatchEvent
from k9play.cluster import Cluster
from k9play.kubectl.acting import ActingCluster
from k9play.manifests.loader import display_path
from k9play.manifests.sync import FolderSync, SyncReport
from k9play.tui.commands import AppCommand, CommandError, KubectlCommand, parse
from k9play.tui.keymap import load_keymap
from k9play.tui.screens import BrowserScreen, HelpScreen
from k9play.tui.screens.browser import binding_chains
from k9play.tui.screens.prompt import PromptScreen
from k9play.tui.skins import K9S_COLORS as K9S_COLORS  # re-exported: the stock look lives in skins.py
from k9play.tui.skins import K9S_THEME as K9S_THEME
from k9play.tui.skins import STOCK_THEME, Skin, SkinError, bundled_skins, derive_k9s_colors, resolve_skin
from k9play.tui.time_controls import TimeControlledApp
from k9play.tui.widgets import Flash
from k9play.tui.widgets.flash import FlashMessage, Level

#: Minimum wall time between two UI syncs in real-time mode (one frame at 30 fps).
FRAME_SECONDS = 1 / 30
#: How often ages and the header clock are refreshed when nothing else happens.
TICK_SECONDS = 0.25
#: Wall seconds at most that keys typed while a page opens wait for it (see ``_hold_keys``).
KEY_HOLD_LIMIT = 1.0


@runtime_checkable
class Syncable(Protocol):
    def sync(self, now: float) -> None: ...


class K9playApp(TimeControlledApp):
    """k9s over a :class:`Cluster`; ``sync`` re-applies manifest files as they are saved."""

    CSS_PATH = Path(__file__).with_name("k9play.tcss")  # absolute: subclasses elsewhere still find it
    TITLE = "k9play"
    #: The palette (themes, screenshots) on ctrl+p: free in k9play, and in k9s only "persist
    #: context config", which a simulated cluster has no use for.
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit", "Quit", priority=True, show=False, key_display="ctrl-c"),
        # k9s' prompt opens from any view: on a page over the table (xray, pulses, sources, describe …)
        # it opens over that page (the browser's own binding wins on the table)
        # priority, and keys held until the prompt has focus: a fast ``:kubectl get po`` lands in it
        Binding("colon", "command_anywhere", "Command", show=False, key_display=":", priority=True),
    ]

    def __init__(self, cluster: Cluster, sync: FolderSync | None = None, *, realtime: bool = True,
                 skin: Skin | str | Path | None = None, namespace: str | None = "default") -> None:
        """``skin``: a loaded :class:`Skin`, or ``--skin``'s NAME|FILE; None is k9s' stock look."""
        super().__init__()
        self.cluster = cluster
        self._acting = ActingCluster(cluster)
        self._held_keys: list[events.Key] | None = None  # typed ahead of a page opening: see _hold_keys
        self._holds = 0
        self.folder_sync = sync
        self.realtime = realtime
        self.namespace: str | None = namespace  # None: every namespace
        self._skin_flash: FlashMessage | None = None
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
        for bundled in bundled_skins():
            self.register_theme(bundled.theme)
        self.theme = self._use_skin(skin)
        if self._skin_flash is not None and self.flash_message.level != "error":  # manifest errors first
            self.flash_message = self._skin_flash

    def _use_skin(self, skin: Skin | str | Path | None) -> str:
        """Register the skin's theme and return its name; a bad skin leaves the stock look and a flash."""
        if skin is None:
            return STOCK_THEME
        try:
            chosen = skin if isinstance(skin, Skin) else resolve_skin(str(skin))
        except SkinError as e:
            self._skin_flash = FlashMessage(f"skin {e} (using the stock skin)", "error")
            return STOCK_THEME
        if isinstance(chosen, str):  # one of Textual's themes
            return chosen
        if chosen.warnings:
            more = f" (+{len(chosen.warnings) - 1} more)" if len(chosen.warnings) > 1 else ""
            self._skin_flash = FlashMessage(f"skin {chosen.warnings[0]}{more}", "warn")
        self.register_theme(chosen.theme)
        return chosen.name

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """``$k9s-*`` for themes without them (Textual's own, picked in the palette); skins and
        the stock theme carry theirs in ``Theme.variables``, which win over these."""
        return derive_k9s_colors(self.current_theme)

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
        if not self.is_running:  # shutting down: screens are losing their widgets; a late tick must not crash
            return
        self._last_sync = time.monotonic()
        if self.folder_sync is not None and self.folder_sync.waiting:  # a folder put back while its namespace went
            report = self.folder_sync.retry_waiting()
            if report.applied or report.errors:
                self.show_sync_report(report)
        now = self._last_now = self.cluster.clock.now()
        for screen in self.screen_stack:
            # a tick can fire while the app is exiting and screens are being torn down, or
            # between a push and the new screen's mount (its own on_mount syncs it then)
            if isinstance(screen, Syncable) and screen.is_attached and screen.is_mounted and screen.children:
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
        """Manifest errors first, then a bad keymap (it changes what keys do), then the news."""
        errors = [e for errs in self.folder_sync.errors.values() for e in errs] if self.folder_sync else []
        if errors:
            return FlashMessage(_errors_text([str(e) for e in errors]), "error")
        if self.keymap_report.problems:
            return FlashMessage(self.keymap_report.summary, "error")
        if self.folder_sync is None:
            return FlashMessage()
        files = len(self.folder_sync.owned)
        return FlashMessage(f"watching {files} manifest file{'s' * (files != 1)} in "
                            f"{', '.join(_short(p) for p in self.folder_sync.paths)}")

    def show_sync_report(self, report: SyncReport, *, say_unchanged: bool = False) -> None:
        """``FolderSync.watch`` callback: errors win the flash line, else what was applied."""
        if report.errors:
            self.flash(_errors_text([str(e) for e in report.errors]), "error")
        elif report.applied or report.deleted:
            self.flash(", ".join([*report.applied, *report.deleted]))
        elif report.fixed:  # else the error of the broken save would stay in the flash line
            self.flash(f"{', '.join(display_path(p) for p in report.fixed)}: no errors now (nothing to change)")
        elif not say_unchanged:
            return
        else:
            self.flash("no changes: the file applies as it is")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_anywhere":  # not where ``:`` is typed (the shell) nor over the table
            return not isinstance(self.screen, ModalScreen | BrowserScreen) and not isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def action_command_anywhere(self) -> None:
        browser = self.browser
        self.push_screen(PromptScreen(browser.complete_command, browser.prompt_history, cursor_blink=self.realtime),
                         callback=self._prompt_entered)

    # ------------------------------------------------------------ typing ahead
    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(*args, **kwargs)
        self._hold_keys()
        return result

    def pop_screen(self) -> AwaitComplete:
        result = super().pop_screen()
        self._hold_keys()
        return result

    def _hold_keys(self) -> None:
        """Keys typed right after one that opens or closes a page (``d`` then ``end``, ``:`` then a
        command, ``esc`` then ``:svc``) wait until the page now on top has resumed and focused
        its widget: forwarded at once, they would reach a screen with nothing focused, or the
        focused widget of the page just closed, and be lost."""
        self._holds += 1
        if self._held_keys is None:
            self._held_keys = []
        self.screen.call_later(self._release_keys)
        holds = self._holds
        # a backstop on the host's clock: a page that never gets to its queue must not freeze the keyboard
        self.set_timer(KEY_HOLD_LIMIT, lambda: self._release_keys() if self._holds == holds else None)

    async def on_event(self, event: events.Event) -> None:
        if self._held_keys is not None and isinstance(event, events.Key):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    async def _release_keys(self) -> None:
        """The page on top is ready: the held keys are handled in order (keys arriving meanwhile
        queue behind them); one that opens or closes a page again leaves the rest held for it."""
        held = self._held_keys
        while held:
            holds = self._holds
            await super().on_event(held.pop(0))
            if self._holds != holds:
                return  # the next page's release goes on with the same list
        if held is self._held_keys:
            self._held_keys = None

    def _prompt_entered(self, text: str | None) -> None:
        """A line entered over a page: a kubectl line is a one-off output, so it (and a clock, help
        or quit command, or an error) stays over the page, and esc comes back to it; a view goes
        back to the table and opens there, a new page stack (k9s ``clearStack``)."""
        if not text:
            return
        if not isinstance(parse(text), KubectlCommand | AppCommand | CommandError):
            while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowserScreen):
                self.pop_screen()
        self.browser.run_command(text)

    @property
    def browser(self) -> BrowserScreen:
        """The table: the root of the page stack."""
        return next(s for s in self.screen_stack if isinstance(s, BrowserScreen))

    # -------------------------------------------------------------------- user
    @property
    def acting(self) -> ActingCluster:
        """The cluster as the acting user reaches it: what the TUI's verbs go through."""
        return self._acting

    def act_as(self, name: str | None, groups: list[str]) -> None:
        """``:user NAME [GROUP…]``: act as NAME from now on (``kubectl --as``); no name: the admin again."""
        user = impersonated(name, groups) if name else ADMIN
        self._acting = ActingCluster(self.cluster, user)
        shown = f"{user.name} (groups: {', '.join(user.groups)})"
        self.flash(f"acting as {shown}" if name else f"acting as {ADMIN.name} again")

    def denied(self, verb: str, kind: str, namespace: str | None, name: str = "",
               subresource: str = "") -> errors.ApiError | None:
        """The apiserver's Forbidden if the acting user may not ``verb`` this, else None."""
        store = self._acting.store
        if not isinstance(store, AuthorizedStore):
            return None
        try:
            store.check(verb, kind, namespace, name, subresource)
        except errors.ApiError as e:
            return e
        return None

    # ---------------------------------------------------------------- commands
    def run_app_command(self, cmd: AppCommand) -> None:
        if cmd.name == "quit":
            self.exit()
        elif cmd.name == "help":
            self.push_screen(HelpScreen())
        else:  # pause | resume | speed | step: the simulated clock (time_controls)
            self.time_command(cmd.name, cmd.value)


def _errors_text(lines: list[str]) -> str:
    first = lines[0].splitlines()[0] if lines else ""
    return first + (f" (+{len(lines) - 1} more)" if len(lines) > 1 else "")


def _short(path: Path) -> str:
    return path.name or str(path)
