"""k9s' header: cluster facts on the left, the current screen's key hints, the logo on the right.

Time is the *virtual* clock's (the simulation's), never the wall clock: the header is
what tells the user how far the simulated cluster has got and whether it is paused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

LOGO = (
    "╻┏ ┏━┓┏━┓╻  ┏━┓╻ ╻",
    "┣┻┓┗━┫┣━┛┃  ┣━┫┗┳┛",
    "╹ ╹┗━┛╹  ┗━╸╹ ╹ ╹ ",
)
HINT_ROWS = 4


def clock_text(now: float) -> str:
    """``HH:MM:SS`` of a virtual instant, in UTC."""
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%H:%M:%S")


def speed_text(mode: str, speed: float, paused: bool) -> str:
    """``▶ 2x running`` / ``⏸ 2x paused``; the manual clock only moves when stepped."""
    if mode == "manual":
        return "manual (stepped)"
    rate = f"{speed:g}x"
    return f"⏸ {rate} paused" if paused else f"▶ {rate} running"


class ClusterHeader(Widget):
    """Reads the app's cluster, namespace and the screen's bindings on every render."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cluster-header--label", "cluster-header--value", "cluster-header--key", "cluster-header--menu",
        "cluster-header--logo", "cluster-header--paused",
    }

    DEFAULT_CSS = """
    ClusterHeader {
        height: 4;
        padding: 0 1;
        & > .cluster-header--label { color: $k9s-info-label; }
        & > .cluster-header--value { color: $k9s-info; text-style: bold; }
        & > .cluster-header--key { color: $k9s-menu-key; }
        & > .cluster-header--menu { color: $k9s-menu; text-style: $k9s-menu-style; }
        & > .cluster-header--logo { color: $k9s-logo; text-style: bold; }
        & > .cluster-header--paused { color: $k9s-pending; text-style: bold reverse; }
    }
    """

    _shown: tuple[object, ...] = ()
    _hints: list[tuple[str, str]] | None = None

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", lambda _: self.update_state(), init=False)

    def update_state(self) -> None:
        """Redraw only when something it shows changed (the clock's second, namespace, speed,
        and the key hints, which follow the current view's kind)."""
        app = cast("K9playApp", self.app)
        clock = app.cluster.clock
        if self._hints is None or not isinstance(self.screen.focused, Input):  # a focused prompt hides letters
            self._hints = self.hints()
        state = (int(clock.now()), app.namespace, clock.speed, clock.paused, tuple(self._hints))
        if state != self._shown:
            self._shown = state
            self.refresh()

    def hints(self) -> list[tuple[str, str]]:
        """``(key, description)`` for every binding the current screen shows."""
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            out.append((self.app.get_key_display(binding), binding.description))
        return out

    def render(self) -> RenderableType:
        app = cast("K9playApp", self.app)
        clock = app.cluster.clock
        style = {name: self.get_component_rich_style(f"cluster-header--{name}")
                 for name in ("label", "value", "key", "menu", "logo", "paused")}
        info = Table.grid(padding=(0, 1))
        info.add_column(style=style["label"], no_wrap=True)
        info.add_column(style=style["value"], no_wrap=True)
        info.add_row("Cluster:", app.cluster.name)
        info.add_row("Namespace:", app.namespace or "all")
        info.add_row("Time:", f"{clock_text(clock.now())} UTC")
        paused = clock.mode == "realtime" and clock.paused
        speed = speed_text(clock.mode, clock.speed, clock.paused)
        info.add_row("Speed:", Text(speed, style=style["paused"]) if paused else speed)

        hints = self.hints() if self._hints is None else self._hints
        menu = Table.grid(padding=(0, 1))
        columns = max(1, -(-len(hints) // HINT_ROWS))
        for _ in range(columns):
            menu.add_column(no_wrap=True)
        for r in range(HINT_ROWS):
            cells = []
            for c in range(columns):
                i = c * HINT_ROWS + r
                if i < len(hints):
                    key, desc = hints[i]
                    cells.append(Text.assemble((f"<{key}>", style["key"]), " ", (desc, style["menu"])))
                else:
                    cells.append(Text(""))
            menu.add_row(*cells)

        logo = Text("\n".join(LOGO), style=style["logo"], no_wrap=True, justify="left")
        outer = Table.grid(expand=True, padding=(0, 3))
        outer.add_column(no_wrap=True)
        outer.add_column(ratio=1, no_wrap=True)
        outer.add_column(justify="right", no_wrap=True)
        outer.add_row(info, menu, logo)
        return outer
