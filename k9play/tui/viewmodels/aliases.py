"""Rows and columns of the aliases view (``ctrl-a`` / ``:aliases``, k9s ``render/alias.go``)."""

from __future__ import annotations

from k9play.api.meta import Obj
from k9play.kubectl.columns import Column
from k9play.tui.commands import alias_table

ALIAS_COLUMNS = [
    Column("RESOURCE", lambda o, n: o["metadata"]["name"]),
    Column("GROUP", lambda o, n: o["group"]),
    Column("VERSION", lambda o, n: o["version"]),
    Column("COMMAND", lambda o, n: ",".join(o["commands"])),
]


def alias_rows() -> list[Obj]:
    """One row per served kind, keyed ("", plural) so ``enter`` can run ``:plural``."""
    return [{"kind": "Alias", "metadata": {"name": e.rt.plural, "namespace": ""},
             "group": e.rt.group, "version": e.rt.version, "commands": e.commands}
            for e in alias_table()]
