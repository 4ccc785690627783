"""``:xray KIND [NS]``: the live dependency tree of one kind, pushed over the browser (k9s XRay)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from k9play.api.resources import ResourceType, by_kind
from k9play.tui.screens.detail import DetailScreen, Mode
from k9play.tui.screens.help import HelpScreen
from k9play.tui.viewmodels.xray import Node, XRayModel
from k9play.tui.widgets import ClusterHeader, Flash
from k9play.tui.widgets.xray_tree import XRayTree

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

#: Leaves that stand for an object of their own (containers stand for their pod).
REFERENCE_KINDS = frozenset({"ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim"})


class XRayScreen(Screen[None]):
    """Folds the model's batch once per frame (``sync``), like the browser does for its table."""

    AUTO_FOCUS = "#xray"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "goto", "Goto", key_display="enter"),
        Binding("d", "describe", "Describe"),
        Binding("y", "yaml", "YAML"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, rt: ResourceType, namespace: str | None) -> None:
        super().__init__()
        self.rt = rt
        self.namespace = namespace
        self.model: XRayModel | None = None

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield XRayTree(id="xray")
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.model = XRayModel(self.k9.cluster.store, self.rt.kind, self.namespace, on_dirty=self.k9.request_sync)
        self.query_one(XRayTree).set_model(self.model, self.k9.cluster.clock.now())
        self._update_title()

    def on_unmount(self) -> None:
        if self.model is not None:
            self.model.close()

    def sync(self, now: float) -> None:
        if self.model is None:
            return
        delta = self.model.apply_pending(now)
        self.query_one(XRayTree).sync(now, delta)
        if delta.structural:
            self._update_title()
        self.query_one(ClusterHeader).update_state()

    def _update_title(self) -> None:
        if self.model is not None:
            self.query_one(XRayTree).show_title(f"xray-{self.rt.plural}", self.namespace or "all", self.model.count)

    # ---------------------------------------------------------------- actions
    def _target(self) -> tuple[ResourceType, tuple[str, str]] | None:
        """The object the cursor's line stands for: itself, a container's pod, or a referenced object."""
        tree = self.query_one(XRayTree)
        node: Node | None = self.model.node(tree.cursor_id) if self.model and tree.cursor_id else None
        if node is None or node.kind == "Namespace":
            return None
        if node.kind in REFERENCE_KINDS:
            if self.k9.cluster.store.try_get(node.kind, node.name, node.namespace) is None:
                self.k9.flash(f'{node.kind.lower()} "{node.name}" not found', "warn")
                return None
            return by_kind(node.kind), (node.namespace, node.name)
        if node.owner is None:
            return None
        kind, ns, name = node.owner
        return by_kind(kind), (ns, name)

    def _open(self, mode: Mode) -> None:
        if (target := self._target()) is not None:
            self.app.push_screen(DetailScreen(*target, mode=mode))

    def action_goto(self) -> None:
        """Enter: describe what the line stands for (a pod, its owner, a ConfigMap …); a namespace toggles."""
        tree = self.query_one(XRayTree)
        node = self.model.node(tree.cursor_id) if self.model and tree.cursor_id else None
        if node is not None and node.kind == "Namespace":
            tree.action_toggle()
        else:
            self._open("describe")

    def action_describe(self) -> None:
        self._open("describe")

    def action_yaml(self) -> None:
        self._open("yaml")

    def action_back(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
