"""Keys that work on the table itself: filter, sort, wide, marks (k9s ``view/table.go``).

A mixin between :class:`ResourceActions` and the browser, so the browser file is about
views and navigation, and this one about what you do to the rows you are looking at.
Everything here changes the view-model and then asks the widget to redraw; the widget
never sorts or filters itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual.binding import Binding, BindingType

from k9play.tui.screens.fault_actions import FaultActions
from k9play.tui.screens.resource_actions import ResourceActions
from k9play.tui.viewmodels.navigation import ViewState
from k9play.tui.viewmodels.table import TableModel
from k9play.tui.widgets import CommandBar, ResourceTable

#: k9s' sort keys (research §2.4) → the columns they sort, first one present wins;
#: the aliases view sorts RESOURCE/COMMAND/GROUP on shift-R/C/A (k9s ``view/alias.go``).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "N": ("NAME",), "A": ("AGE", "GROUP"), "S": ("STATUS", "STATE"), "P": ("NAMESPACE",),
    "R": ("RESOURCE",), "C": ("COMMAND",),
}
_SORT_NAMES = {"N": "name", "A": "age", "S": "status", "P": "namespace", "R": "resource", "C": "command"}


def shared_first(base: Sequence[BindingType], own: list[Binding]) -> list[BindingType]:
    """``own`` plus the base class's bindings for the same keys, base first.

    Textual lets a subclass's binding for a key hide every base-class binding for it. The
    verbs and the browser share keys by view, as k9s does (``l`` is logs on pods and
    scrolls right elsewhere; ``u`` is "use" on namespaces): keeping both, verbs first,
    lets each action's ``check_action`` decide."""
    own_keys = {k.strip() for b in own for k in b.key.split(",")}
    shared = [b for b in base if isinstance(b, Binding) and own_keys & {k.strip() for k in b.key.split(",")}]
    return [*shared, *own]


TABLE_BINDINGS = [
    # priority, as ``:``: the app opens the prompt before forwarding the next keys, so a fast ``/ngi``
    # lands in it (table_check: inside the open prompt ``/`` is just a character)
    Binding("slash", "filter", "Filter", show=False, key_display="/", priority=True, id="k9play.filter"),
    Binding("ctrl+u", "clear_filter", "Clear filter", show=False, key_display="ctrl-u", id="k9play.clear-filter"),
    *(Binding(k, f"sort('{k}')", f"Sort {_SORT_NAMES[k]}", show=False, key_display=f"shift-{k.lower()}",
              id=f"k9play.sort-{_SORT_NAMES[k]}") for k in SORT_KEYS),
    Binding("shift+left", "select_column(-1)", "Column ←", show=False, key_display="shift-←",
            id="k9play.column-left"),
    Binding("shift+right", "select_column(1)", "Column →", show=False, key_display="shift-→",
            id="k9play.column-right"),
    Binding("O", "sort_selected", "Sort column", show=False, key_display="shift-o", id="k9play.sort-selected"),
    Binding("ctrl+w", "toggle_wide", "Wide", show=False, key_display="ctrl-w", id="k9play.wide"),
    Binding("space", "mark", "Mark", show=False, id="k9play.mark"),
    Binding("ctrl+@,ctrl+space", "mark_range", "Mark range", show=False, key_display="ctrl-space",
            id="k9play.mark-range"),
    Binding("ctrl+backslash", "clear_marks", "Clear marks", show=False, key_display="ctrl-\\",
            id="k9play.clear-marks"),
    Binding("h", "pan(-4)", "Left", show=False, id="k9play.pan-left"),
    Binding("l", "pan(4)", "Right", show=False, id="k9play.pan-right"),
]

TABLE_ACTIONS = frozenset({"filter", "clear_filter", "sort", "select_column", "sort_selected", "toggle_wide",
                           "mark", "mark_range", "clear_marks", "pan"})


class TableKeys(FaultActions):
    """The browser supplies ``state``, ``model`` and ``reopen``; this adds the table keys."""

    BINDINGS: ClassVar[list[BindingType]] = shared_first(ResourceActions.BINDINGS, TABLE_BINDINGS)

    state: ViewState
    model: TableModel | None

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def reopen(self, state: ViewState) -> None:
        raise NotImplementedError

    def update_title(self) -> None:
        raise NotImplementedError

    def table_check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``check_action`` for the actions above (None: not one of them)."""
        if action not in TABLE_ACTIONS:
            return None
        if action == "sort":
            return self._sort_target(str(parameters[0])) is not None
        if action == "toggle_wide":
            return self.state.view == "resources"
        if action == "filter":
            return not self.query_one(CommandBar).is_open
        return True

    # ----------------------------------------------------------------- filter
    def action_filter(self) -> None:
        self.query_one(CommandBar).open("filter")
        self.filter_opened()

    def filter_opened(self) -> None:
        """Hook: the browser speeds up building the rows' search texts."""

    def action_clear_filter(self) -> None:
        self.set_query("")

    def set_query(self, query: str) -> None:
        """The filter box's text → the model; the cursor stays on its row when it still shows."""
        if self.model is None or query == self.state.query:
            return
        self.state = replace(self.state, query=query)
        self.model.set_filter(query)
        self.table.reorder()
        self.update_title()

    # ------------------------------------------------------------------- sort
    def _sort_target(self, letter: str) -> str | None:
        model = self.model
        if model is None:
            return None
        if letter == "P" and "NAMESPACE" not in model.names:
            return None  # k9s: namespace sort only when viewing all namespaces
        return next((c for c in SORT_KEYS.get(letter, ()) if c in model.names), None)

    def sort_column(self, name: str) -> None:
        """Sort by ``name``; pressing it again flips ascending/descending (k9s ``SortColCmd``)."""
        model = self.model
        if model is None:
            return
        current = model.names[model.sort_column] if model.sort_column >= 0 else None
        desc = not model.sort_desc if name == current else False
        if model.sort_by(name, desc):
            self.state = replace(self.state, sort=(name, desc))
            self.table.reorder()

    def action_sort(self, letter: str) -> None:
        if (name := self._sort_target(letter)) is not None:
            self.sort_column(name)

    def action_select_column(self, step: int) -> None:
        self.table.select_column(step)

    def action_sort_selected(self) -> None:
        model, index = self.model, self.table.selected_column
        if model is None:
            return
        if index is None:
            index = model.sort_column
        if 0 <= index < len(model.names):
            self.sort_column(model.names[index])

    # ------------------------------------------------------------------- wide
    def action_toggle_wide(self) -> None:
        marks = set(self.model.marked) if self.model is not None else set()
        self.reopen(replace(self.state, wide=not self.state.wide, cursor=self.table.cursor_key))
        if self.model is not None:
            self.model.marked |= {k for k in marks if self.model.get(k) is not None}
            self.table.refresh()

    # ------------------------------------------------------------------ marks
    def action_mark(self) -> None:
        key = self.table.cursor_key
        if self.model is not None and key is not None:
            self.model.toggle_mark(key)
            self.table.refresh()

    def action_mark_range(self) -> None:
        if self.model is not None and self.table.cursor_key is not None:
            self.model.span_mark(self.table.cursor_index)
            self.table.refresh()

    def action_clear_marks(self) -> None:
        if self.model is not None:
            self.model.clear_marks()
            self.table.refresh()

    def action_pan(self, step: int) -> None:
        self.table.action_pan(step)
