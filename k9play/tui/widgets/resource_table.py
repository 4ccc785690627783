"""A Line-API table that draws only the rows on screen.

Why not ``DataTable``: it measures every cell of every row and rebuilds O(n) caches after
any change (research/textual.md §2: ~113 ms a frame at 100k rows). Here a frame asks the
view-model for the ~height visible rows and nothing else, so it costs the same at 10 rows
and at 100k. The cursor is a *key* (namespace, name), not an index: when rows appear or
vanish above it, it follows its object and keeps its place on screen. Sorting, filtering
and marks live in the model; this widget only draws them (and scrolls, and takes clicks).
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

from k9play.tui.viewmodels.table import FLASH_SECONDS, Delta, Key, Row, TableModel

GAP = "  "
ASC, DESC = "↑", "↓"


def _fit(text: str, width: int, right: bool) -> str:
    """Pad ``text`` to ``width`` terminal cells (ASCII fast path)."""
    pad = width - (len(text) if text.isascii() else cell_len(text))
    if pad <= 0:
        return text
    return " " * pad + text if right else text + " " * pad


class ResourceTable(ScrollView, can_focus=True):
    """Virtual table over a :class:`TableModel`; line 0 is the fixed column header."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="k9play.table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="k9play.table.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="k9play.table.page-up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="k9play.table.page-down"),
        Binding("home,g", "jump(0)", "Top", show=False, id="k9play.table.top"),
        Binding("end,G", "jump(-1)", "Bottom", show=False, id="k9play.table.bottom"),
        Binding("left", "pan(-4)", "Left", show=False, id="k9play.table.left"),
        Binding("right", "pan(4)", "Right", show=False, id="k9play.table.right"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--sorter",
        "resource-table--selected-column",
        "resource-table--normal",
        "resource-table--pending",
        "resource-table--error",
        "resource-table--completed",
        "resource-table--kill",
        "resource-table--highlight",
        "resource-table--add",
        "resource-table--modify",
        "resource-table--mark",
        "resource-table--cursor",
        "resource-table--title-scope",
        "resource-table--title-count",
        "resource-table--title-filter",
    }

    DEFAULT_CSS = """
    ResourceTable {
        scrollbar-size-horizontal: 0;
        scrollbar-size-vertical: 1;
        & > .resource-table--header { color: $k9s-table-header; background: $k9s-table-header-bg; text-style: bold; }
        & > .resource-table--sorter { color: $k9s-table-sorter; text-style: bold; }
        & > .resource-table--selected-column { color: $k9s-table-sorter; text-style: bold underline; }
        & > .resource-table--normal { color: $k9s-std; }
        & > .resource-table--pending { color: $k9s-pending; }
        & > .resource-table--error { color: $k9s-error; }
        & > .resource-table--completed { color: $k9s-completed; }
        & > .resource-table--kill { color: $k9s-kill; }
        & > .resource-table--highlight { color: $k9s-highlight; }
        & > .resource-table--add { color: $k9s-add; }
        & > .resource-table--modify { color: $k9s-modify; }
        & > .resource-table--mark { color: $k9s-mark; }
        & > .resource-table--cursor { color: $k9s-cursor-fg; }
        & > .resource-table--title-scope { color: $k9s-title-highlight; text-style: bold; }
        & > .resource-table--title-count { color: $k9s-title-counter; text-style: bold; }
        & > .resource-table--title-filter { color: $k9s-title-filter; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model: TableModel | None = None
        self.now = 0.0
        self.cursor_key: Key | None = None
        self._cursor_index = 0
        #: the column shift-←/→ picks for ``O`` (sort selected column); None until picked
        self.selected_column: int | None = None
        self._widths: list[int] = []
        self._right: list[bool] = []
        self._styles: dict[str, Style] = {}
        self._title = ""
        self._flash_expiry = float("inf")  # earliest end of an add/modify colour on screen

    # ----------------------------------------------------------------- model
    def set_model(self, model: TableModel, now: float, cursor: Key | None = None) -> None:
        """Show another row set (a view switch): widths, cursor and scroll start afresh."""
        self.model = model
        self.now = now
        self.selected_column = None
        self._widths = [cell_len(n) for n in model.names]
        self._widen_header()
        self._right = [c.kind == "number" for c in model.columns]
        index = model.index_of(cursor)
        self._cursor_index = index if index is not None else 0
        self.cursor_key = model.key_at(self._cursor_index) if len(model) else None
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout(keep_offset=None)
        self.refresh()

    def reorder(self) -> None:
        """After a sort or filter change: keep the cursor on its object if it is still shown
        (else on the first row), and redraw everything."""
        model = self.model
        if model is None:
            return
        index = model.index_of(self.cursor_key)
        self._cursor_index = index if index is not None else 0
        self.cursor_key = model.key_at(self._cursor_index) if len(model) else None
        self._widen_header()
        self._relayout(keep_offset=None)
        self.refresh()

    def _widen_header(self) -> None:
        """The sort column's name carries a ↑/↓ mark: make room for it."""
        model = self.model
        if model is not None and 0 <= model.sort_column < len(self._widths):
            i = model.sort_column
            self._widths[i] = max(self._widths[i], cell_len(model.names[i]) + 1)

    def sync(self, now: float, delta: Delta) -> None:
        """After the model applied a batch: follow the cursor's object; redraw only if the
        window shows something new (a changed row, a new second for AGE, an expired flash)."""
        previous, self.now = self.now, now
        model = self.model
        if model is None:
            return
        if delta.structural:
            offset = self._cursor_index - int(self.scroll_y)
            index = model.index_of(self.cursor_key)
            if index is None:  # its object is gone: stay on the same line, like k9s
                index = min(self._cursor_index, len(model) - 1)
            self._cursor_index = max(0, index)
            self.cursor_key = model.key_at(self._cursor_index) if len(model) else None
            self._relayout(keep_offset=offset)
        elif not (int(now) != int(previous) or now >= self._flash_expiry or self._window_touched(delta)):
            return
        else:
            self._widen_window(int(self.scroll_y))
        self._flash_expiry = float("inf")  # recomputed by the lines about to be drawn
        self.refresh()

    def _window_touched(self, delta: Delta) -> bool:
        if not delta.keys or self.model is None:
            return False
        keys = delta.keys
        return any(k in keys for k in self.model.window(int(self.scroll_y), self.body_height))

    def show_title(self, name: str, scope: str, count: int, query: str = "") -> None:
        """k9s' `` pods(default)[3] </fred> ``; only touches the border when the text changes."""
        plain = f" {name}({scope})[{count}] " + (f"</{query}> " if query else "")
        if plain == self._title:
            return
        self._title = plain
        pick = {n: self.get_component_rich_style(f"resource-table--title-{n}") for n in ("scope", "count", "filter")}
        fg = {n: Style(color=st.color, bold=st.bold) for n, st in pick.items()}
        parts: list[str | tuple[str, Style]] = [
            f" {name}(", (scope, fg["scope"]), ")[", (str(count), fg["count"]), "] "]
        if query:
            parts += ["<", (f"/{query}", fg["filter"] + Style(reverse=True)), "> "]
        self.border_title = Text.assemble(*parts)

    @property
    def cursor_index(self) -> int:
        return self._cursor_index

    @property
    def body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _relayout(self, keep_offset: int | None) -> None:
        """Size the virtual canvas, keep the cursor in view and widen columns for visible rows.

        ``keep_offset`` (a sync): the cursor keeps its line on screen — unless the user has
        scrolled it out of view with the wheel, then the window stays where it is."""
        model = self.model
        if model is None:
            return
        rows = len(model)
        height = self.body_height
        top = int(self.scroll_y)
        if keep_offset is not None and 0 <= keep_offset < height:
            top = self._cursor_index - keep_offset
        if keep_offset is None or 0 <= keep_offset < height:
            top = min(top, self._cursor_index)
            top = max(top, self._cursor_index - height + 1)
        top = max(0, min(top, rows - height))
        self._widen_window(top)
        self.virtual_size = Size(self.virtual_size.width, rows + 1)
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def _widen_window(self, top: int) -> bool:
        """Grow column widths to fit the rows of the window starting at ``top`` (never shrink:
        columns that jump back and forth while scrolling are worse than a little slack)."""
        model = self.model
        if model is None:
            return False
        changed = False
        for i in range(max(0, top), min(len(model), top + self.body_height)):
            changed = self._widen(model.row(i, self.now).cells) or changed
        total = 1 + sum(self._widths) + len(GAP) * max(0, len(self._widths) - 1) + 1
        if total != self.virtual_size.width:
            self.virtual_size = Size(total, len(model) + 1)
        return changed

    def _widen(self, cells: tuple[str, ...]) -> bool:
        widths = self._widths
        changed = False
        for i, cell in enumerate(cells):
            w = len(cell) if cell.isascii() else cell_len(cell)
            if w > widths[i]:
                widths[i] = w
                changed = True
        return changed

    # ------------------------------------------------------------- rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.rich_style + self.get_component_rich_style(f"resource-table--{name}")
        return style

    def _line(self, cells: tuple[str, ...] | list[str]) -> str:
        return " " + GAP.join(_fit(c, w, r) for c, w, r in zip(cells, self._widths, self._right, strict=True)) + " "

    def _header(self, model: TableModel) -> list[Segment]:
        """Column names; the sort column's ↑/↓ in k9s' sorter colour, the picked one underlined."""
        plain, sorter, picked = self._style("header"), self._style("sorter"), self._style("selected-column")
        segments: list[Segment] = []
        text = " "
        for i, (name, width, right) in enumerate(zip(model.names, self._widths, self._right, strict=True)):
            if i:
                text += GAP
            mark = (DESC if model.sort_desc else ASC) if i == model.sort_column else ""
            cell = _fit(name + mark, width, right)
            if not mark and i != self.selected_column:
                text += cell
                continue
            head, _, tail = cell.partition(name + mark)
            segments += [Segment(text + head, plain), Segment(name, picked if i == self.selected_column else plain)]
            if mark:
                segments.append(Segment(mark, sorter))
            text = tail
        segments.append(Segment(text + " ", plain))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        model = self.model
        if model is None:
            return Strip.blank(width, self.rich_style)
        if y == 0:
            style = self._style("header")
            return Strip(self._header(model)).crop_extend(scroll_x, scroll_x + width, style)
        index = int(self.scroll_y) + y - 1
        if index >= len(model):
            return Strip.blank(width, self.rich_style)
        row = model.row(index, self.now)
        if row.change:
            expiry = row.changed_at + FLASH_SECONDS
            if self.now < expiry < self._flash_expiry:
                self._flash_expiry = expiry
        style = self._style("mark") if row.key in model.marked else self._row_style(row)
        if index == self._cursor_index:
            style = self._style("cursor") + Style(bgcolor=style.color)
        if self._widen(row.cells):  # only if the window moved without a relayout
            self.call_later(self.refresh)
        return Strip([Segment(self._line(row.cells), style)]).crop_extend(scroll_x, scroll_x + width, style)

    def _row_style(self, row: Row) -> Style:
        """Status colour wins; healthy rows show the add/modify colour while recently changed."""
        if row.status != "normal":
            return self._style(row.status)
        flash = TableModel.flash(row, self.now)
        return self._style(flash or "normal")

    # ---------------------------------------------------------------- moving
    def move_cursor(self, index: int) -> None:
        if self.model is None or not len(self.model):
            return
        self._cursor_index = max(0, min(index, len(self.model) - 1))
        self.cursor_key = self.model.key_at(self._cursor_index)
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

    def select_column(self, step: int) -> None:
        """shift-←/→: pick the column ``O`` sorts by (starts from the current sort column)."""
        model = self.model
        if model is None or not model.names:
            return
        start = self.selected_column if self.selected_column is not None else max(0, model.sort_column)
        self.selected_column = (start + step) % len(model.names)
        self.refresh(layout=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._widen_window(int(new_value))

    def on_resize(self, event: events.Resize) -> None:
        self._relayout(keep_offset=None)

    def on_click(self, event: events.Click) -> None:
        """A click on a row moves the cursor there (k9s with ``ui.enableMouse``)."""
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(int(self.scroll_y) + offset.y - 1)
