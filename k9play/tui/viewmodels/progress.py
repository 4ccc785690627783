"""Rollout progress as numbers and as bar runs, free of Textual (the table and the rollout pane share it).

A bar is a list of ``(text, role)`` runs whose glyphs alone tell the parts apart (so it still
reads in a single colour), and whose *role* names the ``$k9s-*`` theme variable a face may
colour it with (:data:`ROLE_COLORS`), so skins apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from k9play.api.meta import Obj, controller_ref, uid_of
from k9play.api.store import ObjectStore
from k9play.controllers.deployment_util import by_creation, find_new_rs

#: role → theme variable. New and available is healthy; new but not yet available is on its way;
#: old replicas are being scaled away; a missing replica is a gap.
ROLE_COLORS = {
    "new-available": "k9s-modify",
    "new-unavailable": "k9s-pending",
    "old": "k9s-kill",
    "missing": "k9s-completed",
    "fill-new": "k9s-modify",
    "fill-old": "k9s-kill",
    "empty": "k9s-completed",
}
GLYPHS = {"new-available": "█", "new-unavailable": "▓", "old": "░", "missing": "·", "fill-new": "█", "fill-old": "█",
          "empty": "░"}


def bar_runs(parts: Sequence[tuple[int, str]], total: int, width: int, rest: str = "missing") -> list[tuple[str, str]]:
    """Split ``width`` cells among ``parts`` (count, role) in proportion to ``total``; what the
    parts leave is drawn as ``rest``. Cumulative rounding keeps the bar exactly ``width`` long."""
    if width <= 0:
        return []
    total = max(total, sum(n for n, _ in parts), 1)
    out: list[tuple[str, str]] = []
    done = cells_done = 0
    for count, role in [*parts, (total - sum(n for n, _ in parts), rest)]:
        done += max(0, count)
        cells = round(done * width / total) - cells_done
        if cells > 0:
            out.append((GLYPHS[role] * cells, role))
            cells_done += cells
    return out


def level_runs(value: int, scale: int, width: int, new: bool = True) -> list[tuple[str, str]]:
    """A one-value bar (``value`` of ``scale``) for a ReplicaSet counter, in its new/old colour."""
    return bar_runs([(value, "fill-new" if new else "fill-old")], scale, width, rest="empty")


@dataclass(frozen=True, slots=True)
class RolloutProgress:
    """Where a Deployment's rollout stands, counted from its ReplicaSets."""

    desired: int  # spec.replicas
    updated: int  # replicas of the new ReplicaSet
    new_available: int  # available replicas of the new ReplicaSet
    old: int  # replicas of every old ReplicaSet

    @property
    def complete(self) -> bool:
        return self.old == 0 and self.updated == self.desired == self.new_available

    @property
    def runs_total(self) -> int:
        return max(self.desired, self.updated + self.old)

    def runs(self, width: int) -> list[tuple[str, str]]:
        """``█`` new and available, ``▓`` new not yet available, ``░`` old, ``·`` not there yet."""
        parts = [(self.new_available, "new-available"), (self.updated - self.new_available, "new-unavailable"),
                 (self.old, "old")]
        return bar_runs(parts, self.runs_total, width)


def owned_replica_sets(store: ObjectStore, d: Obj) -> tuple[list[Obj], Obj | None]:
    """The Deployment's old ReplicaSets (oldest first) and its new one, via the owner index."""
    uid = uid_of(d)
    owned = [o for o in store.dependents_of(uid)
             if o.get("kind") == "ReplicaSet" and (controller_ref(o) or {}).get("uid") == uid]
    owned = by_creation(owned)
    new = find_new_rs(d, owned)
    return [rs for rs in owned if rs is not new], new


def _count(obj: Obj | None, field: str) -> int:
    return int(((obj or {}).get("status") or {}).get(field) or 0)


def progress_of(d: Obj, old: list[Obj], new: Obj | None) -> RolloutProgress:
    """Count a rollout from the ReplicaSets :func:`owned_replica_sets` found."""
    spec = d.get("spec") or {}
    desired = int(spec["replicas"]) if spec.get("replicas") is not None else 1
    return RolloutProgress(desired, _count(new, "replicas"), _count(new, "availableReplicas"),
                           sum(_count(rs, "replicas") for rs in old))


def rollout_progress(store: ObjectStore, d: Obj) -> RolloutProgress:
    return progress_of(d, *owned_replica_sets(store, d))
