"""Actions on the selected (or marked) objects of a resource table: the k9s verbs.

A separate base class of :class:`~k9play.tui.screens.browser.BrowserScreen` so that the
browser (views, filter, navigation) and the verbs (delete, scale, logs …) stay readable apart.
Textual merges ``BINDINGS`` along the MRO, so bindings declared here apply to the browser.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.screen import Screen

from k9play.api.resources import ResourceType

Key = tuple[str, str]


class ResourceActions(Screen[None]):
    """Verbs on objects; the browser supplies ``rt`` and :meth:`selected_keys`."""

    BINDINGS: ClassVar[list[BindingType]] = []

    rt: ResourceType

    def selected_keys(self) -> list[Key]:
        """The marked rows, else the row under the cursor (empty when the table is empty)."""
        raise NotImplementedError
