"""A live view of one Deployment's rollout: its ReplicaSets, conditions and scaling events.

Like the table model, the store handlers only *note* that something changed; the screen asks
for a fresh :class:`RolloutState` at most once a frame. Events are kept incrementally (a
namespace may hold tens of thousands), so a frame never scans them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from k9play.api.events import events_for
from k9play.api.meta import Obj, annotations_of, name_of, parse_time, uid_of
from k9play.api.store import DELETED, ObjectStore, WatchEvent
from k9play.controllers.deployment_util import max_surge, max_unavailable
from k9play.tui.viewmodels.progress import RolloutProgress, owned_replica_sets, progress_of

SCALING = "ScalingReplicaSet"
#: Old ReplicaSets shown beside the new one: every one still holding replicas, else the latest.
MAX_OLD = 3


@dataclass(frozen=True, slots=True)
class ReplicaSetView:
    name: str
    revision: str
    images: str
    new: bool
    desired: int
    current: int
    ready: int
    available: int


@dataclass(frozen=True, slots=True)
class ScaleEvent:
    first: float  # virtual time of the first occurrence
    last: float
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class RolloutState:
    deployment: Obj
    progress: RolloutProgress
    replica_sets: tuple[ReplicaSetView, ...]  # shown old ones (oldest first), then the new one
    conditions: tuple[Obj, ...]
    events: tuple[ScaleEvent, ...]  # by their last occurrence, as kubectl describe lists them
    surge: int
    unavailable: int

    @property
    def scale(self) -> int:
        """Full length of a per-ReplicaSet bar: the most replicas any of them may reach."""
        values = [self.progress.desired + self.surge]
        values += [max(r.desired, r.current) for r in self.replica_sets]
        return max(1, *values)


def _count(obj: Obj, field: str) -> int:
    return int((obj.get("status") or {}).get(field) or 0)


def _view(rs: Obj, new: bool) -> ReplicaSetView:
    containers = ((((rs.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or [])
    return ReplicaSetView(
        name_of(rs), annotations_of(rs).get("deployment.kubernetes.io/revision", ""),
        ",".join(str(c.get("image", "")) for c in containers), new,
        int((rs.get("spec") or {}).get("replicas") or 0), _count(rs, "replicas"), _count(rs, "readyReplicas"),
        _count(rs, "availableReplicas"))


def _time(value: str | None) -> float:
    return parse_time(value) if value else 0.0


def _event_order(ev: Obj) -> tuple[float, int]:
    """Last occurrence (kubectl's SortableEvents), then creation order (client-go names events
    ``<object>.<hex nanos>``). A repeated message — a rollback scales the same ReplicaSet down
    the same steps again — is one event with a count: it belongs where it happened last."""
    suffix = name_of(ev).rpartition(".")[2]
    try:
        seq = int(suffix, 16)
    except ValueError:
        seq = 0
    return _time(ev.get("lastTimestamp") or ev.get("firstTimestamp")), seq


class RolloutModel:
    """Watches one Deployment (by namespace/name, across re-creation) and what it owns."""

    def __init__(self, store: ObjectStore, namespace: str, name: str,
                 on_dirty: Callable[[], None] | None = None) -> None:
        self.store = store
        self.namespace = namespace
        self.name = name
        self._on_dirty = on_dirty
        self.dirty = True
        self._uid = ""
        self._events: dict[str, Obj] = {}
        self._unsubscribe = [store.add_handler(kind, self._on_event) for kind in ("Deployment", "ReplicaSet", "Event")]

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    def _on_event(self, ev: WatchEvent) -> None:
        """Store handler: O(1), never writes. Scaling events are kept as they come."""
        obj = ev.object
        if obj["metadata"].get("namespace") != self.namespace:
            return
        if obj.get("kind") == "Event":
            if obj.get("reason") != SCALING or (obj.get("involvedObject") or {}).get("uid") != self._uid:
                return
            if ev.type == DELETED:
                self._events.pop(name_of(obj), None)
            else:
                self._events[name_of(obj)] = obj
        self._mark()

    def _mark(self) -> None:
        if not self.dirty:
            self.dirty = True
            if self._on_dirty is not None:
                self._on_dirty()

    def state(self) -> RolloutState | None:
        """The rollout now (None while the Deployment does not exist); clears the dirty mark."""
        self.dirty = False
        d = self.store.try_get("Deployment", self.name, self.namespace)
        if d is None:
            self._uid = ""
            self._events.clear()
            return None
        if uid_of(d) != self._uid:  # first look, or the Deployment was re-created
            self._uid = uid_of(d)
            self._events = {name_of(e): e for e in events_for(self.store, d) if e.get("reason") == SCALING}
        old, new = owned_replica_sets(self.store, d)
        active = [rs for rs in old if (rs.get("spec") or {}).get("replicas") or _count(rs, "replicas")]
        shown = (active or old[-1:])[-MAX_OLD:]
        views = [_view(rs, False) for rs in shown] + ([_view(new, True)] if new is not None else [])
        events = tuple(ScaleEvent(_time(e.get("firstTimestamp")), _time(e.get("lastTimestamp")),
                                  int(e.get("count") or 1), str(e.get("message", "")))
                       for e in sorted(self._events.values(), key=_event_order))
        return RolloutState(d, progress_of(d, old, new), tuple(views),
                            tuple((d.get("status") or {}).get("conditions") or []), events,
                            max_surge(d), max_unavailable(d))
