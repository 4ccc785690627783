"""``kubectl describe`` — placeholder until the per-kind describers land."""

from __future__ import annotations

from k9play.api.meta import Obj
from k9play.api.store import ObjectStore
from k9play.kubectl.printers import to_yaml


def describe(store: ObjectStore, obj: Obj, now: float) -> str:
    """The describe text for one object."""
    return to_yaml(obj)
