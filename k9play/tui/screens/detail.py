"""Describe / YAML of one object, pushed over the browser and kept live (k9s ``live_view``).

A pod's describe gets two live panes under the text, each shown only when it has something
to say: *why pending* (the scheduler's per-node verdict, or what volumes and containers wait
for) and *probes* (✓/✗ per probe run over virtual time, restarts, the CrashLoopBackOff
countdown). A Deployment's describe offers ``o`` for its rollout pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen

from k9play.api.meta import Obj
from k9play.api.resources import ResourceType
from k9play.kubectl.describe import describe
from k9play.kubectl.printers import to_yaml
from k9play.tui.screens.help import HelpScreen
from k9play.tui.screens.rollout import RolloutScreen
from k9play.tui.viewmodels.pending import why_pending
from k9play.tui.viewmodels.probe_timeline import probe_timeline
from k9play.tui.widgets import ClusterHeader, DetailView, Flash
from k9play.tui.widgets.probe_timeline import ProbeTimelineView
from k9play.tui.widgets.why_pending import WhyPendingView

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

Mode = Literal["describe", "yaml"]


class DetailScreen(Screen[None]):
    """Re-renders when the object is replaced in the store (and, for describe, as ages tick)."""

    AUTO_FOCUS = "#detail"

    DEFAULT_CSS = """
    DetailScreen #pod-panes {
        height: auto;
        max-height: 60%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("o", "rollout", "Rollout"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
    ]

    def __init__(self, rt: ResourceType, key: tuple[str, str], mode: Mode) -> None:
        super().__init__()
        self.rt = rt
        self.obj_namespace, self.obj_name = key
        self.mode: Mode = mode
        self._obj: Obj | None = None
        self._stamp: int | None = None
        self._gone = False

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield DetailView(id="detail", wrap=True)
        if self.pod_panes:
            with Vertical(id="pod-panes"):
                yield WhyPendingView(id="why-pending")
                yield ProbeTimelineView(id="probes")
        yield Flash(self.k9.flash_message)

    @property
    def pod_panes(self) -> bool:
        return self.rt.kind == "Pod" and self.mode == "describe"

    def on_mount(self) -> None:
        self.watch(self.query_one(DetailView), "scroll_y", self._scrolled, init=False)
        self.sync(self.k9.cluster.clock.now())

    def _scrolled(self, old: float, new: float) -> None:
        if new < old:  # the reader scrolled up: no longer follow the end
            self.query_one(DetailView).follow_end = False

    def sync(self, now: float) -> None:
        if not self.is_attached or not self.children:  # the app is tearing the screen down
            return
        obj = self.k9.cluster.store.try_get(self.rt.kind, self.obj_name, self.obj_namespace or None)
        view = self.query_one(DetailView)
        if obj is None:
            if not self._gone:
                self._gone = True
                view.show_title(self.mode, self._path, " [deleted]")
            self.query_one(ClusterHeader).update_state()
            return
        stamp = int(now)
        if obj is not self._obj or (self.mode == "describe" and stamp != self._stamp) or self._gone:
            self._gone = False
            self._obj, self._stamp = obj, stamp
            text = describe(self.k9.cluster.store, obj, now) if self.mode == "describe" else to_yaml(obj)
            view.show(text)
            view.show_title(self.mode, self._path)
            if self.pod_panes:
                self._show_pod_panes(obj, now)
        self.query_one(ClusterHeader).update_state()

    def _show_pod_panes(self, pod: Obj, now: float) -> None:
        cluster = self.k9.cluster
        self.query_one(WhyPendingView).show(why_pending(cluster, pod), now)
        probes = self.query_one(ProbeTimelineView)
        probes.show(probe_timeline(cluster.kubelets, pod, now, probes.marks_width()))

    @property
    def _path(self) -> str:
        return f"{self.obj_namespace}/{self.obj_name}" if self.obj_namespace else self.obj_name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rollout":
            return self.rt.kind == "Deployment"
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_rollout(self) -> None:
        self.app.push_screen(RolloutScreen(self.obj_namespace, self.obj_name))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_top(self) -> None:
        self.query_one(DetailView).follow_end = False
        self.query_one(DetailView).scroll_home(animate=False)

    def action_bottom(self) -> None:
        """The end, and it stays there while the page grows (the pod's panes appear below the text
        once laid out, events are added): ``end`` right after ``d`` must not stop short."""
        view = self.query_one(DetailView)
        view.follow_end = True
        view.scroll_end(animate=False)
