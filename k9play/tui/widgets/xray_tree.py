"""The XRay tree: a Line-API view over an :class:`~k9play.tui.viewmodels.xray.XRayModel`.

Why not Textual's ``Tree``: its cursor is a line number and it rebuilds its whole line list
after any node is added or removed, so a live tree of 10k pods would lose its cursor and pay
O(nodes) on every frame of a rollout. Here, as in :class:`ResourceTable`, the model keeps the
visible lines sorted and a frame draws only the lines on screen; the cursor is a node id, so
it stays on its object while lines appear and vanish around it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from k9play.tui.viewmodels.xray import NodeId, XRayDelta, XRayModel, parent_of


class XRayTree(ScrollView, can_focus=True):
    """Cursor, scrolling and expand/collapse; the screen decides what ``enter`` opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Expand/Collapse", key_display="space"),
        Binding("x", "toggle_all", "Expand/Collapse all"),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "Top", show=False),
        Binding("end,G", "jump(-1)", "Bottom", show=False),
        Binding("left,h", "pan(-4)", "Left", show=False),
        Binding("right,l", "pan(4)", "Right", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "xray-tree--graphic",
        "xray-tree--normal",
        "xray-tree--pending",
        "xray-tree--error",
        "xray-tree--completed",
        "xray-tree--kill",
        "xray-tree--highlight",
        "xray-tree--cursor",
        "xray-tree--title-scope",
        "xray-tree--title-count",
    }

    DEFAULT_CSS = """
    XRayTree {
        height: 1fr;
        background: $k9s-bg;
        border: round $k9s-border;
        border-title-align: center;
        border-title-color: $k9s-title;
        border-title-style: none;
        scrollbar-size-horizontal: 0;
        scrollbar-size-vertical: 1;
        &:focus { border: round $k9s-border-focus; }
        & > .xray-tree--graphic { color: $k9s-border; }
        & > .xray-tree--normal { color: $k9s-std; }
        & > .xray-tree--pending { color: $k9s-pending; }
        & > .xray-tree--error { color: $k9s-error; }
        & > .xray-tree--completed { color: $k9s-completed; }
        & > .xray-tree--kill { color: $k9s-kill; }
        & > .xray-tree--highlight { color: $k9s-highlight; }
        & > .xray-tree--cursor { color: $k9s-cursor-fg; }
        & > .xray-tree--title-scope { color: $k9s-title-highlight; text-style: bold; }
        & > .xray-tree--title-count { color: $k9s-title-counter; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model: XRayModel | None = None
        self.now = 0.0
        self.cursor_id: NodeId | None = None
        self._cursor_index = 0
        self._width = 0
        self._styles: dict[str, Style] = {}
        self._title = ""

    # ----------------------------------------------------------------- model
    def set_model(self, model: XRayModel, now: float) -> None:
        self.model = model
        self.now = now
        self._cursor_index = 0
        self.cursor_id = model.visible[0] if len(model) else None
        self._relayout(keep_offset=None)
        self.refresh()

    def sync(self, now: float, delta: XRayDelta) -> None:
        """After the model folded a batch: follow the cursor's node and redraw if the window
        shows something new (a structural change, a changed object, a new virtual second)."""
        previous, self.now = self.now, now
        if self.model is None:
            return
        if delta.structural:
            self._follow_cursor()
        elif int(now) == int(previous) and not self._window_touched(delta):
            return
        self.refresh()

    def _follow_cursor(self) -> None:
        """Keep the cursor on its node (at the same screen row); if the node is gone, stay on
        the same line; if it is only hidden (a collapsed ancestor), go to that ancestor."""
        model = self.model
        if model is None:
            return
        offset = self._cursor_index - int(self.scroll_y)
        index = model.index_of(self.cursor_id)
        node_id = self.cursor_id
        while index is None and node_id and model.node(node_id) is not None:
            node_id = parent_of(node_id)
            index = model.index_of(node_id) if node_id else None
        if index is None:
            index = min(self._cursor_index, len(model) - 1)
        self._cursor_index = max(0, index)
        self.cursor_id = model.visible[self._cursor_index] if len(model) else None
        self._relayout(keep_offset=offset)

    def _window_touched(self, delta: XRayDelta) -> bool:
        model = self.model
        if model is None or not delta.objects:
            return False
        top = int(self.scroll_y)
        for node_id in model.visible[top:top + self.body_height]:
            node = model.node(node_id)
            if node is not None and node.owner in delta.objects:
                return True
        return False

    def show_title(self, name: str, scope: str, count: int) -> None:
        """`` xray-deployments(default)[3] `` in the border, styled like the table's title."""
        plain = f" {name}({scope})[{count}] "
        if plain == self._title:
            return
        self._title = plain
        pick = {n: self.get_component_rich_style(f"xray-tree--title-{n}") for n in ("scope", "count")}
        fg = {n: Style(color=st.color, bold=st.bold) for n, st in pick.items()}
        self.border_title = Text.assemble(f" {name}(", (scope, fg["scope"]), ")[", (str(count), fg["count"]), "] ")

    @property
    def cursor_index(self) -> int:
        return self._cursor_index

    @property
    def body_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _relayout(self, keep_offset: int | None) -> None:
        model = self.model
        if model is None:
            return
        height = self.body_height
        top = int(self.scroll_y)
        if keep_offset is not None and 0 <= keep_offset < height:
            top = self._cursor_index - keep_offset
        top = min(top, self._cursor_index)
        top = max(top, self._cursor_index - height + 1)
        top = max(0, min(top, len(model) - height))
        self.virtual_size = Size(max(self._width, self.virtual_size.width), len(model))
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    # ------------------------------------------------------------- rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.rich_style + self.get_component_rich_style(f"xray-tree--{name}")
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        model = self.model
        index = int(self.scroll_y) + y
        if model is None or index >= len(model):
            return Strip.blank(width, self.rich_style)
        line = model.line(index, self.now)
        graphic = f" {line.guide}{line.marker} "
        text = f"{line.tag} {line.label}"
        style = self._style(str(line.status))
        if index == self._cursor_index:
            style = self._style("cursor") + Style(bgcolor=style.color)
        total = cell_len(graphic) + cell_len(text) + 1
        if total > self._width:
            self._width = total
            self.call_later(self._grow)
        scroll_x = int(self.scroll_x)
        segments = [Segment(graphic, self._style("graphic")), Segment(text, style)]
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _grow(self) -> None:
        if self.model is not None and self._width > self.virtual_size.width:
            self.virtual_size = Size(self._width, len(self.model))

    # ---------------------------------------------------------------- moving
    def move_cursor(self, index: int) -> None:
        if self.model is None or not len(self.model):
            return
        self._cursor_index = max(0, min(index, len(self.model) - 1))
        self.cursor_id = self.model.visible[self._cursor_index]
        self._relayout(keep_offset=None)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self._cursor_index + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self._cursor_index + direction * self.body_height)

    def action_jump(self, index: int) -> None:
        if self.model is not None:
            self.move_cursor(index if index >= 0 else len(self.model) - 1)

    def action_pan(self, step: int) -> None:
        self.scroll_to(x=max(0, int(self.scroll_x) + step), animate=False, immediate=True)

    def action_toggle(self) -> None:
        """``space``: collapse or expand the node under the cursor (k9s)."""
        if self.model is not None and self.cursor_id is not None and self.model.toggle(self.cursor_id):
            self._follow_cursor()
            self.refresh()

    def action_toggle_all(self) -> None:
        """``x``: collapse everything, or expand everything again (k9s)."""
        if self.model is not None:
            self.model.toggle_all()
            self._follow_cursor()
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout(keep_offset=None)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.move_cursor(int(self.scroll_y) + offset.y)
