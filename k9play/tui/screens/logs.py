"""``l``: a container's log, followed live as the virtual clock advances (k9s' log view).

Lines come from :class:`~k9play.kubectl.logstream.LogStream` — what ``kubectl logs -f``
reads from the simulated runtime — polled once per frame in :meth:`LogsScreen.sync`, so a
chatty container costs one incremental read per frame, not one redraw per line.
Keys follow k9s' log view: ``s`` autoscroll, ``w`` wrap, ``t`` timestamps, ``p`` previous
instance, ``c`` container, ``0``–``6`` the range (tail, head, 1m … 1h).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import RichLog, Static

from k9play.kubectl.exec import containers_of
from k9play.kubectl.logstream import SINCE, Line, LogStream, timestamp
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.widgets import ClusterHeader, Flash

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

#: Lines kept on screen (k9s' log buffer is 5000 lines too).
MAX_LINES = 5000


class LogsScreen(Screen[None]):
    """The log of one container of one pod, following by default."""

    AUTO_FOCUS = "#log"

    COMPONENT_CLASSES: ClassVar[set[str]] = {"logs-screen--problem"}

    DEFAULT_CSS = """
    LogsScreen {
        & > .logs-screen--problem { color: $k9s-flash-warn; }
        #log-indicator {
            height: 1; width: 100%; text-align: center; text-style: bold;
            color: $k9s-logs-indicator-fg; background: $k9s-logs-indicator-bg;
        }
        #log {
            height: 1fr; background: $k9s-logs-bg; color: $k9s-logs-fg; padding: 0 1;
            border: round $k9s-border; border-title-align: center; border-title-color: $k9s-title;
            scrollbar-size-vertical: 1;
        }
        #log:focus { border: round $k9s-border-focus; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "autoscroll", "Toggle AutoScroll", id="k9play.logs.autoscroll"),
        Binding("w", "wrap", "Toggle Wrap", id="k9play.logs.wrap"),
        Binding("t", "timestamps", "Toggle Timestamp", id="k9play.logs.timestamps"),
        Binding("p", "previous", "Previous", id="k9play.logs.previous"),
        Binding("c", "container", "Containers", id="k9play.logs.container"),
        *(Binding(str(i), f"since('{name}')", name, id=f"k9play.logs.since-{name}") for i, name in enumerate(SINCE)),
        Binding("escape,q", "back", "Back", key_display="esc", id="k9play.logs.back"),
    ]

    def __init__(self, namespace: str, pod: str, container: str, *, previous: bool = False) -> None:
        super().__init__()
        self.namespace, self.pod = namespace, pod
        self.stream: LogStream | None = None
        self._container, self._previous = container, previous
        self.lines: list[Line] = []
        self.autoscroll = True
        self.wrap = False
        self.timestamps = False

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield Static(id="log-indicator")
        yield RichLog(id="log", max_lines=MAX_LINES, wrap=False, auto_scroll=True)
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.stream = LogStream(self.k9.cluster, self.namespace, self.pod, self._container, previous=self._previous)
        self._show_state()
        self.sync(self.k9.cluster.clock.now())

    # ----------------------------------------------------------------- sync
    def sync(self, now: float) -> None:
        """Per frame: append what the container wrote since the last frame."""
        self.query_one(ClusterHeader).update_state()
        if self.stream is None:
            return
        chunk = self.stream.poll()
        if chunk is None:
            return
        if chunk.reset:
            self.lines = []
            self.query_one(RichLog).clear()
        log = self.query_one(RichLog)
        if chunk.problem:  # the kubelet's refusal, shown where the lines would be (not kept)
            log.write(Text(chunk.problem, style=self.get_component_rich_style("logs-screen--problem")))
        self.lines.extend(chunk.lines)
        del self.lines[:-MAX_LINES]
        for line in chunk.lines:
            log.write(self._format(line))

    def _format(self, line: Line) -> Text:
        t, text = line
        return Text(f"{timestamp(t)} {text}" if self.timestamps else text)

    def _redraw(self) -> None:
        """Re-render every kept line (after a wrap or timestamp toggle)."""
        log = self.query_one(RichLog)
        log.clear()
        log.wrap = self.wrap
        for line in self.lines:
            log.write(self._format(line), scroll_end=self.autoscroll)

    def _show_state(self) -> None:
        assert self.stream is not None
        s = self.stream
        flags = [("Autoscroll", self.autoscroll), ("Timestamps", self.timestamps), ("Wrap", self.wrap),
                 ("Previous", s.previous)]
        self.query_one("#log-indicator", Static).update("     ".join(f"{n}:{'On' if v else 'Off'}" for n, v in flags))
        self.query_one(RichLog).border_title = Text(f" Logs({s.namespace}/{s.pod}:{s.container})[{s.since}] ")

    # -------------------------------------------------------------- actions
    def action_autoscroll(self) -> None:
        self.autoscroll = not self.autoscroll
        log = self.query_one(RichLog)
        log.auto_scroll = self.autoscroll
        if self.autoscroll:
            log.scroll_end(animate=False)
        self._show_state()

    def action_wrap(self) -> None:
        self.wrap = not self.wrap
        self._redraw()
        self._show_state()

    def action_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._redraw()
        self._show_state()

    def action_previous(self) -> None:
        assert self.stream is not None
        self._restart(previous=not self.stream.previous)

    def action_since(self, name: str) -> None:
        self._restart(since=name)

    def action_container(self) -> None:
        pod = self.k9.cluster.store.try_get("Pod", self.pod, self.namespace)
        if pod is None or self.stream is None:
            return
        names = containers_of(pod)
        if len(names) < 2:
            self.k9.flash(f"pod {self.namespace}/{self.pod} has a single container")
            return

        def picked(name: str | None) -> None:
            if name is not None:
                self._restart(container=name)

        self.app.push_screen(PickDialog("Containers", names, self.stream.container), picked)

    def _restart(self, **changes: str | bool) -> None:
        assert self.stream is not None
        self.stream.restart(**changes)  # type: ignore[arg-type]
        self._show_state()
        self.sync(self.k9.cluster.clock.now())

    def action_back(self) -> None:
        self.dismiss()
