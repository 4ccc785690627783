"""Events as real ``v1/Event`` objects, aggregated the way client-go's recorder does.

The same (object, type, reason, message, source) within the aggregation window bumps
``count`` and ``lastTimestamp`` on one Event instead of creating another, which is what
gives ``kubectl describe`` its ``(x3 over 20s)``. Events expire after one hour, like the
apiserver's ``--event-ttl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import copy_obj, format_time, name_of, namespace_of, uid_of

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

EVENT_TTL = 3600.0
NORMAL, WARNING = "Normal", "Warning"


class EventRecorder:
    """Records events for one component (``default-scheduler``, ``kubelet`` …)."""

    def __init__(self, store: ObjectStore, component: str, host: str | None = None) -> None:
        self.store = store
        self.component = component
        self.host = host
        self._recent: dict[tuple[str, ...], tuple[str, str]] = {}

    def record(self, obj: Obj, type_: str, reason: str, message: str, field_path: str | None = None) -> None:
        store = self.store
        now = store.clock.now()
        ns = namespace_of(obj) or "default"
        key = (uid_of(obj), field_path or "", type_, reason, message)
        ts = format_time(now)
        prev = self._recent.get(key)
        if prev is not None:
            ev = store.try_get("Event", prev[0], prev[1])
            if ev is not None:
                new = copy_obj(ev)
                new["count"] = ev.get("count", 1) + 1
                new["lastTimestamp"] = ts
                store.update(new)
                self._schedule_expiry(prev[0], prev[1], now)
                return
        involved: Obj = {
            "kind": obj.get("kind"),
            "namespace": namespace_of(obj) or None,
            "name": name_of(obj),
            "uid": uid_of(obj),
            "apiVersion": obj.get("apiVersion"),
            "resourceVersion": obj.get("metadata", {}).get("resourceVersion"),
        }
        if field_path:
            involved["fieldPath"] = field_path
        involved = {k: v for k, v in involved.items() if v is not None}
        source: Obj = {"component": self.component}
        if self.host:
            source["host"] = self.host
        event: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": f"{name_of(obj)}.{_event_suffix(now, store)}", "namespace": ns},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": ts,
            "lastTimestamp": ts,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": self.component,
            "reportingInstance": self.host or "",
        }
        try:
            created = store.create(event)
        except errors.ApiError:
            return  # e.g. the namespace is terminating: events are best-effort, as in client-go
        self._recent[key] = (name_of(created), ns)
        self._schedule_expiry(name_of(created), ns, now)

    def _schedule_expiry(self, name: str, ns: str, now: float) -> None:
        self.store.clock.call_at(now + EVENT_TTL, self._expire, name, ns, format_time(now))

    def _expire(self, name: str, ns: str, stamp: str) -> None:
        ev = self.store.try_get("Event", name, ns)
        if ev is not None and ev.get("lastTimestamp") == stamp:
            self.store.delete("Event", name, ns)
            for key, loc in list(self._recent.items()):
                if loc == (name, ns):
                    del self._recent[key]


def _event_suffix(now: float, store: ObjectStore) -> str:
    """client-go names events ``<object>.<hex unix nanos>``; a counter keeps them unique."""
    nanos = int(now * 1e9) + store.resource_version
    return f"{nanos:x}"


def events_for(store: ObjectStore, obj: Obj) -> list[Obj]:
    """Events about ``obj`` (matched by uid, like ``kubectl describe``), oldest first."""
    uid = uid_of(obj)
    ns = namespace_of(obj) or "default"
    evs = [e for e in store.list("Event", ns) if e.get("involvedObject", {}).get("uid") == uid]
    evs.sort(key=lambda e: (e.get("lastTimestamp") or "", e.get("firstTimestamp") or ""))
    return evs
