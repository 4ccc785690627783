"""NamespaceController: empty a Terminating namespace, then let it go.

When a namespace is deleted it turns ``Terminating``; this controller deletes every
namespaced object in it, waits for them to disappear (pods terminate gracefully), then
removes the ``kubernetes`` finalizer from ``spec.finalizers`` so the apiserver can remove
the namespace.
"""

from __future__ import annotations

from collections.abc import Iterable

from k9play.api import errors, resources
from k9play.api.meta import copy_obj, name_of
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller


class NamespaceController(Controller):
    name = "namespace"
    component = "namespace-controller"

    def start(self) -> None:
        self.watch("Namespace", lambda ev: (name_of(ev.object),) if ev.type != "DELETED" else ())
        self.watch(None, self._content_keys)

    def _content_keys(self, ev: WatchEvent) -> Iterable[str]:
        if ev.type != "DELETED":
            return ()
        ns = ev.object.get("metadata", {}).get("namespace")
        if not ns:
            return ()
        nso = self.store.try_get("Namespace", ns)
        if nso is not None and nso["metadata"].get("deletionTimestamp"):
            return (ns,)
        return ()

    def reconcile(self, key: str) -> float | None:
        ns = self.store.try_get("Namespace", key)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return None
        remaining = 0
        for rt in resources.RESOURCE_TYPES:
            if not rt.namespaced:
                continue
            for obj in self.store.list(rt.kind, key):
                remaining += 1
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.store.delete(rt.kind, name_of(obj), key)
                except errors.ApiError:
                    pass
        if remaining:
            return None  # content deletions re-trigger us
        finalizers = [f for f in (ns.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"]
        new = copy_obj(ns)
        if finalizers:
            new["spec"]["finalizers"] = finalizers
        else:
            new.get("spec", {}).pop("finalizers", None)
        self.store.update(new, subresource="finalize")
        return None
