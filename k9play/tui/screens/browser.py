"""The root screen: one live resource table, the ``:`` prompt and the flash line (k9s' browser)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from k9play.api.resources import ResourceType, by_kind
from k9play.tui.commands import ALL, AppCommand, CommandError, ViewCommand, parse
from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.help import HelpScreen
from k9play.tui.screens.resource_actions import Key, ResourceActions
from k9play.tui.viewmodels.table import ResourceTableModel
from k9play.tui.widgets import ClusterHeader, CommandBar, Flash, ResourceTable
from k9play.tui.widgets.flash import FlashMessage

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp


class BrowserScreen(ResourceActions):
    """Owns the current view (kind + namespace) and turns commands into view switches."""

    AUTO_FOCUS = "#table"

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the app handles it before forwarding the next keys, so a fast ``:pods``
        # lands in the prompt (see check_action: inside the open prompt ``:`` is just a character)
        Binding("colon", "command", "Command", key_display=":", priority=True),
        Binding("d", "describe", "Describe"),
        Binding("y", "yaml", "YAML"),
        Binding("enter", "view", "View", key_display="enter"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rt: ResourceType = by_kind("Pod")
        self.last_namespaced: ResourceType = self.rt
        self.model: ResourceTableModel | None = None

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield ResourceTable(id="table")
        yield CommandBar(cursor_blink=self.k9.realtime)
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.show_view(self.rt)

    def on_unmount(self) -> None:
        if self.model is not None:
            self.model.close()

    # ------------------------------------------------------------------ views
    def show_view(self, rt: ResourceType) -> None:
        """Replace the table's model with a fresh one for ``rt`` in the app's namespace."""
        if self.model is not None:
            self.model.close()
        self.rt = rt
        if rt.namespaced:
            self.last_namespaced = rt
        now = self.k9.cluster.clock.now()
        self.model = ResourceTableModel(self.k9.cluster.store, rt, self.k9.namespace,
                                        on_dirty=self.k9.request_sync)
        table = self.query_one(ResourceTable)
        table.set_model(self.model, now)
        self._update_title()
        self.query_one(ClusterHeader).update_state()

    def sync(self, now: float) -> None:
        """Per frame: fold the model's batch into the table and redraw what changed."""
        if self.model is None:
            return
        delta = self.model.apply_pending(now)
        self.query_one(ResourceTable).sync(now, delta)
        if delta.structural:
            self._update_title()
        self.query_one(ClusterHeader).update_state()

    def _update_title(self) -> None:
        model = self.model
        if model is None:
            return
        self.query_one(ResourceTable).show_title(model.rt.plural, model.namespace or "all", len(model))

    # ---------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command" and self.query_one(CommandBar).is_open:
            return False
        return super().check_action(action, parameters)  # the verbs: per kind (ResourceActions)

    def action_command(self) -> None:
        self.query_one(CommandBar).open()

    def on_command_bar_closed(self, _: CommandBar.Closed) -> None:
        self.query_one(ResourceTable).focus()

    def on_command_bar_run(self, event: CommandBar.Run) -> None:
        self.run_command(event.text)

    def run_command(self, text: str) -> None:
        """Execute one prompt line; errors go to the flash line, never raise."""
        cmd = parse(text)
        if isinstance(cmd, CommandError):
            self.k9.flash(cmd.message, "error")
        elif isinstance(cmd, AppCommand):
            self.k9.run_app_command(cmd)
        elif isinstance(cmd, ViewCommand):
            if cmd.namespace is not None and not self.switch_namespace(cmd.namespace):
                return
            self.show_view(cmd.rt or (self.rt if self.rt.namespaced else self.last_namespaced))

    def switch_namespace(self, namespace: str) -> bool:
        if namespace != ALL and self.k9.cluster.store.try_get("Namespace", namespace) is None:
            self.k9.flash(f'namespace "{namespace}" not found', "error")
            return False
        self.k9.namespace = None if namespace == ALL else namespace
        return True

    def selected_keys(self) -> list[Key]:
        key = self.query_one(ResourceTable).cursor_key
        return [key] if key is not None else []

    def _selected(self) -> tuple[ResourceType, tuple[str, str]] | None:
        key = self.query_one(ResourceTable).cursor_key
        return (self.rt, key) if key is not None else None

    def action_describe(self) -> None:
        if (sel := self._selected()) is not None:
            self.app.push_screen(DetailScreen(*sel, mode="describe"))

    def action_yaml(self) -> None:
        if (sel := self._selected()) is not None:
            self.app.push_screen(DetailScreen(*sel, mode="yaml"))

    def action_view(self) -> None:
        """Enter: a namespace row switches to its pods; anything else is described (k9s)."""
        sel = self._selected()
        if sel is None:
            return
        rt, (_, name) = sel
        if rt.kind == "Namespace":
            self.k9.namespace = name
            self.show_view(by_kind("Pod"))
        else:
            self.action_describe()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

    def action_back(self) -> None:
        """Esc at the root: nothing to go back to; just make sure the table has focus."""
        self.query_one(ResourceTable).focus()

    def show_flash(self, message: FlashMessage) -> None:
        self.query_one(Flash).show(message)
