"""Screens: the browser (root), pushed describe/YAML views, XRay, Pulses and help."""

from k9play.tui.screens.browser import BrowserScreen
from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.help import HelpScreen
from k9play.tui.screens.pulses import PulsesScreen
from k9play.tui.screens.xray import XRayScreen

__all__ = ["BrowserScreen", "DetailScreen", "HelpScreen", "PulsesScreen", "XRayScreen"]
