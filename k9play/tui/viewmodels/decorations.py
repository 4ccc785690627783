"""Extra, TUI-only cells for resource tables: things kubectl does not print but a k9s-like UI shows.

The table calls :func:`decorate` for a row of a kind listed in :data:`COLUMNS` (after it rendered
the kubectl cells) and appends the decoration as one more column. Today: a Deployment's rollout
progress bar — new replicas (available ``█``, not yet ``▓``) against old ones (``░``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from k9play.api.meta import Obj
from k9play.api.store import ObjectStore
from k9play.tui.viewmodels.progress import ROLE_COLORS, rollout_progress

#: kind → header of the extra column.
COLUMNS = {"Deployment": "PROGRESS"}
#: Cells of the bar itself; the count after it makes the cell a little wider.
BAR_WIDTH = 10

__all__ = ["BAR_WIDTH", "COLUMNS", "ROLE_COLORS", "Decoration", "decorate"]


@dataclass(frozen=True, slots=True)
class Decoration:
    """One extra cell: its plain ``text`` and the same text split into ``(piece, role)`` runs.

    A role names a theme variable through :data:`ROLE_COLORS` (``""``: keep the row's colour).
    """

    column: str
    text: str
    runs: tuple[tuple[str, str], ...]


def decorate(store: ObjectStore, kind: str, obj: Obj, cells: Mapping[str, str]) -> Decoration | None:
    """The extra cell for a row of ``kind`` (None when the kind has none). ``cells`` are the row's
    kubectl cells by column name, for decorations that build on them (the progress bar does not)."""
    if kind != "Deployment":
        return None
    progress = rollout_progress(store, obj)
    runs = [*progress.runs(BAR_WIDTH), (f" {progress.new_available}/{progress.desired}", "")]
    return Decoration(COLUMNS[kind], "".join(text for text, _ in runs), tuple(runs))
