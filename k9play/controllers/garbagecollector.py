"""GarbageCollector: delete dependents whose owners are gone, honouring propagation.

Port of the behaviour of ``pkg/controller/garbagecollector``:

* **background** (default): once every owner of a dependent is gone, delete the dependent;
  owners that are gone are dropped from a dependent that still has a live owner;
* **foreground**: an owner with the ``foregroundDeletion`` finalizer has its dependents
  deleted first (in foreground too), and loses the finalizer when none remain;
* **orphan**: an owner with the ``orphan`` finalizer has its ownerReferences removed from
  its dependents, then loses the finalizer.
"""

from __future__ import annotations

from collections.abc import Iterable

from k9play.api import errors
from k9play.api.meta import Obj, copy_obj, name_of, namespace_of, owner_refs, uid_of
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"


class GarbageCollector(Controller):
    name = "garbagecollector"
    component = "garbage-collector-controller"

    def start(self) -> None:
        self.watch(None, self._keys)

    def _keys(self, ev: WatchEvent) -> Iterable[str]:
        obj = ev.object
        uid = uid_of(obj)
        if ev.type == "DELETED":
            # the owner is gone: look at each dependent; a dependent's removal may unblock its owner
            keys = [f"dep:{uid_of(d)}" for d in self.store.dependents_of(uid)]
            keys += [f"owner:{r.get('uid')}" for r in owner_refs(obj)]
            return keys
        keys = []
        finalizers = obj["metadata"].get("finalizers") or []
        if obj["metadata"].get("deletionTimestamp") and (ORPHAN in finalizers or FOREGROUND in finalizers):
            keys.append(f"owner:{uid}")
        if ev.type == "ADDED" and owner_refs(obj):
            keys.append(f"dep:{uid}")
        elif ev.old is not None and owner_refs(obj) != owner_refs(ev.old):
            keys.append(f"dep:{uid}")
        if obj["metadata"].get("deletionTimestamp") and owner_refs(obj):
            keys += [f"owner:{r.get('uid')}" for r in owner_refs(obj)]
        return keys

    def reconcile(self, key: str) -> float | None:
        role, _, uid = key.partition(":")
        obj = self.store.get_by_uid(uid)
        if obj is None:
            return None
        if role == "dep":
            self._attempt_to_delete(obj)
        else:
            self._process_owner(obj)
        return None

    def _owner_alive(self, ref: dict) -> bool:
        owner = self.store.get_by_uid(ref.get("uid", ""))
        return owner is not None

    def _attempt_to_delete(self, obj: Obj) -> None:
        refs = owner_refs(obj)
        if not refs or obj["metadata"].get("deletionTimestamp"):
            return
        dangling = [r for r in refs if not self._owner_alive(r)]
        waiting = [r for r in refs if r not in dangling and self._owner_deleting_foreground(r)]
        if not dangling and not waiting:
            return
        solid = [r for r in refs if r not in dangling and r not in waiting]
        if solid:
            if dangling:
                new = copy_obj(obj)
                new["metadata"]["ownerReferences"] = [r for r in refs if r not in dangling]
                self._try(lambda: self.store.update(new))
            return
        policy = "Foreground" if waiting else "Background"
        self._try(lambda: self.store.delete(obj["kind"], name_of(obj), namespace_of(obj) or None,
                                            propagation=policy))

    def _owner_deleting_foreground(self, ref: dict) -> bool:
        owner = self.store.get_by_uid(ref.get("uid", ""))
        return bool(owner and owner["metadata"].get("deletionTimestamp")
                    and FOREGROUND in (owner["metadata"].get("finalizers") or []))

    def _process_owner(self, owner: Obj) -> None:
        finalizers = owner["metadata"].get("finalizers") or []
        if not owner["metadata"].get("deletionTimestamp"):
            return
        uid = uid_of(owner)
        dependents = self.store.dependents_of(uid)
        if ORPHAN in finalizers:
            for dep in dependents:
                new = copy_obj(dep)
                new["metadata"]["ownerReferences"] = [r for r in owner_refs(dep) if r.get("uid") != uid]
                if not new["metadata"]["ownerReferences"]:
                    del new["metadata"]["ownerReferences"]
                self._try(lambda n=new: self.store.update(n))
            self._remove_finalizer(owner, ORPHAN)
            return
        if FOREGROUND in finalizers:
            blocking = []
            for dep in dependents:
                if not dep["metadata"].get("deletionTimestamp"):
                    self._try(lambda d=dep: self.store.delete(d["kind"], name_of(d), namespace_of(d) or None,
                                                              propagation="Foreground"))
                blocking.append(dep)
            remaining = [d for d in self.store.dependents_of(uid)
                         if any(r.get("uid") == uid and r.get("blockOwnerDeletion") for r in owner_refs(d))]
            if not remaining:
                self._remove_finalizer(owner, FOREGROUND)

    def _remove_finalizer(self, obj: Obj, finalizer: str) -> None:
        cur = self.store.get_by_uid(uid_of(obj))
        if cur is None:
            return
        new = copy_obj(cur)
        fins = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
        if fins:
            new["metadata"]["finalizers"] = fins
        else:
            new["metadata"].pop("finalizers", None)
        self._try(lambda: self.store.update(new))

    @staticmethod
    def _try(fn) -> None:  # type: ignore[no-untyped-def]
        try:
            fn()
        except errors.ApiError as e:
            if e.reason not in ("NotFound", "Conflict"):
                raise
