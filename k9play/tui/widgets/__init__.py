"""Widgets of the k9play TUI (one per module)."""

from k9play.tui.widgets.command_bar import CommandBar
from k9play.tui.widgets.detail_view import DetailView
from k9play.tui.widgets.flash import Flash
from k9play.tui.widgets.header import ClusterHeader
from k9play.tui.widgets.resource_table import ResourceTable

__all__ = ["ClusterHeader", "CommandBar", "DetailView", "Flash", "ResourceTable"]
