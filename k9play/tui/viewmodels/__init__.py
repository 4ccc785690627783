"""View-models: UI state derived from the store, free of Textual so they can be tested alone."""

from k9play.tui.viewmodels.status import RowStatus, row_status
from k9play.tui.viewmodels.table import Delta, ResourceTableModel, Row

__all__ = ["Delta", "ResourceTableModel", "Row", "RowStatus", "row_status"]
