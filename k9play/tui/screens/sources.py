"""``:sources``: every watched manifest file, what it defines, and how its last save went."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from k9play.tui import editor
from k9play.tui.screens.help import HelpScreen
from k9play.tui.viewmodels.sources import SourceRow, source_detail, source_rows
from k9play.tui.widgets import ClusterHeader, Flash

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

COLUMNS = ("FILE", "OBJECTS", "RESULT", "SYNCED", "PROBLEM")


class SourcesScreen(Screen[None]):
    """Live: redraws when the folder sync reports a change or a virtual second passes."""

    AUTO_FOCUS = "#sources"

    DEFAULT_CSS = """
    SourcesScreen #sources { height: 1fr; border: round $k9s-border; border-title-align: center; }
    SourcesScreen #sources:focus { border: round $k9s-border-focus; }
    SourcesScreen #source-detail { height: auto; max-height: 12; padding: 0 1; color: $k9s-std; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="sources.edit"),
        Binding("escape", "back", "Back", id="sources.back"),
        Binding("q", "back", "Back", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[SourceRow] = []
        self._shown: tuple[int, int] = (-1, -1)

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        table: DataTable[str] = DataTable(id="sources", cursor_type="row", zebra_stripes=False)
        table.add_columns(*COLUMNS)
        yield table
        yield Static(id="source-detail")
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.sync(self.k9.cluster.clock.now())

    def sync(self, now: float) -> None:
        folder = self.k9.folder_sync
        version = folder.version if folder is not None else 0
        if (version, int(now)) == self._shown:
            return
        self._shown = (version, int(now))
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self._rows = source_rows(folder, now) if folder is not None else []
        table.clear()
        for row in self._rows:
            table.add_row(row.file, row.objects, row.result, row.synced, row.problem, key=str(row.path))
        if self._rows:
            table.move_cursor(row=min(keep, len(self._rows) - 1))
        watched = ", ".join(str(p) for p in folder.paths) if folder is not None else "nothing"
        table.border_title = f" sources[{len(self._rows)}] <{watched}> "
        self._show_detail()
        self.query_one(ClusterHeader).update_state()

    def _selected(self) -> SourceRow | None:
        table = self.query_one(DataTable)
        return self._rows[table.cursor_row] if self._rows and 0 <= table.cursor_row < len(self._rows) else None

    def _show_detail(self) -> None:
        row, folder = self._selected(), self.k9.folder_sync
        text = source_detail(folder, row.path) if row is not None and folder is not None else \
            "No manifest files are watched: start k9play with a folder, e.g. `k9play ./manifests`."
        self.query_one("#source-detail", Static).update(text)

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_edit(self) -> None:
        """Open the file at its first error (or its top) in the user's editor, then apply it."""
        row, folder = self._selected(), self.k9.folder_sync
        if row is None or folder is None:
            return
        try:
            editor.edit_file(self.app, row.path, row.error_line)
        except editor.EditorError as e:
            self.k9.flash(str(e), "error")
            return
        self.k9.show_sync_report(folder.sync_file(row.path), say_unchanged=True)
        self.sync(self.k9.cluster.clock.now())

    def action_back(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
