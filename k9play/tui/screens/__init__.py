"""Screens: the browser (root), pushed describe/YAML views and help."""

from k9play.tui.screens.browser import BrowserScreen
from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.help import HelpScreen

__all__ = ["BrowserScreen", "DetailScreen", "HelpScreen"]
