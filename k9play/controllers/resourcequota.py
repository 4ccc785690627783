"""ResourceQuotaController: ``status.hard`` follows ``spec.hard`` and ``status.used`` is what
the namespace's objects use (``pkg/controller/resourcequota``, ``syncResourceQuota``).

Usage is recalculated from the objects themselves with the same evaluators admission uses
(:mod:`k9play.api.quota`): every tracked resource starts at ``0``; terminal pods use nothing.
The real controller recalculates on a 5-minute resync plus "replenishment" when a pod
finishes or an object is deleted; here any change to an object a quota tracks queues the
namespace's quotas, which gives the same numbers without the wait. The status is written only
when it changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from k9play.api import errors
from k9play.api.meta import Obj, copy_obj, name_of, namespace_of
from k9play.api.quantity import canonical
from k9play.api.quota import is_terminal, matches, matching_resources, usage_of
from k9play.api.resources import RESOURCE_TYPES
from k9play.api.store import ObjectStore, WatchEvent
from k9play.controllers.base import Controller

#: kinds whose objects a quota can count (everything namespaced but Events)
TRACKED = frozenset(rt.kind for rt in RESOURCE_TYPES if rt.namespaced and rt.kind != "Event")


def calculate_usage(store: ObjectStore, quota: Obj) -> dict[str, str]:
    """``CalculateUsage``: the usage of every resource in ``spec.hard``."""
    hard = (quota.get("spec") or {}).get("hard") or {}
    names = set(hard)
    totals: dict[str, tuple[Fraction, str]] = {}
    for kind in sorted(TRACKED):
        tracked = matching_resources(kind, names)
        if not tracked:
            continue
        for name in tracked:
            totals.setdefault(name, (Fraction(0), "DecimalSI"))
        for obj in store.list(kind, namespace_of(quota)):
            if (kind == "Pod" and is_terminal(obj)) or not matches(quota, obj, hard=hard):
                continue
            for name, (amount, fmt) in usage_of(obj).items():
                if name in tracked:
                    total, tfmt = totals[name]
                    totals[name] = (total + amount, tfmt if total else fmt)
    return {name: canonical(*totals[name]) for name in sorted(totals)}


class ResourceQuotaController(Controller):
    name = "resourcequota"
    component = "resourcequota-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        #: namespace → names of its quotas (so unrelated writes cost one dict lookup)
        self._quotas: dict[str, set[str]] = {}

    def start(self) -> None:
        self.watch("ResourceQuota", self._quota_keys)
        self.watch(None, self._object_keys)
        for q in self.store.list("ResourceQuota"):
            self._quota_keys(WatchEvent("ADDED", q, None, 0))
            self.queue.add(f"{namespace_of(q)}/{name_of(q)}")

    def _quota_keys(self, ev: WatchEvent) -> Iterable[str]:
        ns, name = namespace_of(ev.object), name_of(ev.object)
        if ev.type == "DELETED":
            names = self._quotas.get(ns, set())
            names.discard(name)
            if not names:
                self._quotas.pop(ns, None)
            return ()
        self._quotas.setdefault(ns, set()).add(name)
        return (f"{ns}/{name}",)

    def _object_keys(self, ev: WatchEvent) -> Iterable[str]:
        obj = ev.object
        if obj.get("kind") not in TRACKED or obj.get("kind") == "ResourceQuota":
            return ()
        ns = obj.get("metadata", {}).get("namespace", "")
        names = self._quotas.get(ns)
        if not names:
            return ()
        if ev.type == "MODIFIED" and ev.old is not None and obj.get("kind") == "Pod" \
                and is_terminal(obj) == is_terminal(ev.old) and obj.get("spec") == ev.old.get("spec"):
            return ()  # a status write that does not change what the pod uses
        return [f"{ns}/{n}" for n in sorted(names)]

    def reconcile(self, key: str) -> float | None:
        ns, _, name = key.partition("/")
        quota = self.store.try_get("ResourceQuota", name, ns)
        if quota is None:
            return None
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        status = {"hard": hard, "used": calculate_usage(self.store, quota)}
        if (quota.get("status") or {}) == status:
            return None
        new = copy_obj(quota)
        new["status"] = status
        try:
            self.store.update_status(new)
        except errors.ApiError:
            self.queue.add_rate_limited(key)
        return None
