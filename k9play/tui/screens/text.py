"""A titled text view pushed over the browser: k9s' ``Details`` page for results that are not
one object's describe/YAML (the secret decoder, a drain's progress).

The text comes from a callable asked again on every sync, so a producer that changes while
simulated time passes (a drain evicting pods) stays live without its own timer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from k9play.tui.widgets import ClusterHeader, DetailView, Flash

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp


class TextScreen(Screen[None]):
    AUTO_FOCUS = "#text"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", key_display="esc", id="k9play.text.back"),
    ]

    def __init__(self, title: str, path: str, text: Callable[[], str], *, wrap: bool = True,
                 plain: bool = False) -> None:
        """``wrap=False``: a table (kubectl output) scrolls sideways instead of folding;
        ``plain``: a log, not YAML (no key/value colours)."""
        super().__init__()
        self.title_text, self.path, self.text, self.wrap, self.plain = title, path, text, wrap, plain

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        yield DetailView(id="text", wrap=self.wrap, plain=self.plain)
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.query_one(DetailView).show_title(self.title_text, self.path)
        self.sync(self.k9.cluster.clock.now())

    def sync(self, now: float) -> None:
        self.query_one(DetailView).show(self.text())
        self.query_one(ClusterHeader).update_state()

    def action_back(self) -> None:
        self.dismiss()
