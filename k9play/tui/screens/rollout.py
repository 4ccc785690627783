"""A Deployment's rollout, live: pushed from the browser (or the deployment's describe) with ``o``."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from k9play.api.resources import by_kind
from k9play.tui.screens.help import HelpScreen
from k9play.tui.viewmodels.rollout import RolloutModel
from k9play.tui.widgets import ClusterHeader, Flash
from k9play.tui.widgets.rollout_view import RolloutView

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp


class RolloutScreen(Screen[None]):
    """Follows ``namespace/name`` and redraws when its Deployment, ReplicaSets or scaling events
    change (and once a virtual second, for the ages)."""

    AUTO_FOCUS = "#rollout"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("d", "describe", "Describe"),
        Binding("y", "yaml", "YAML"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, namespace: str, name: str) -> None:
        super().__init__()
        self.namespace = namespace
        self.deployment = name
        self.model: RolloutModel | None = None
        self._stamp: int | None = None

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield RolloutView(id="rollout")
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.model = RolloutModel(self.k9.cluster.store, self.namespace, self.deployment,
                                  on_dirty=self.k9.request_sync)
        self.query_one(RolloutView).show_title(f"{self.namespace}/{self.deployment}")
        self.sync(self.k9.cluster.clock.now())

    def on_unmount(self) -> None:
        if self.model is not None:
            self.model.close()

    def sync(self, now: float) -> None:
        """Per frame: rebuild only when the model saw a change or a virtual second passed."""
        if self.model is None or not self.is_attached or not self.children:  # not yet, or being torn down
            return
        if self.model.dirty or int(now) != self._stamp:
            self._stamp = int(now)
            state = self.model.state()
            view = self.query_one(RolloutView)
            view.show_title(f"{self.namespace}/{self.deployment}", "" if state is not None else " [deleted]")
            view.show(state, now)
        self.query_one(ClusterHeader).update_state()

    def action_back(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_describe(self) -> None:
        from k9play.tui.screens.detail import DetailScreen  # detail imports this module for its ``o``

        self.app.push_screen(DetailScreen(by_kind("Deployment"), (self.namespace, self.deployment), "describe"))

    def action_yaml(self) -> None:
        from k9play.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(by_kind("Deployment"), (self.namespace, self.deployment), "yaml"))
