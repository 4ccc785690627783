"""ServiceAccountsController: every namespace gets a ``default`` ServiceAccount."""

from __future__ import annotations

from k9play.api import errors
from k9play.api.meta import name_of
from k9play.controllers.base import Controller


class ServiceAccountController(Controller):
    name = "serviceaccount"
    component = "serviceaccount-controller"

    def start(self) -> None:
        self.watch("Namespace", lambda ev: (name_of(ev.object),) if ev.type != "DELETED" else ())
        self.watch("ServiceAccount", lambda ev: (ev.object["metadata"]["namespace"],)
                   if ev.type == "DELETED" and name_of(ev.object) == "default" else ())
        self.enqueue_all("Namespace")

    def reconcile(self, key: str) -> float | None:
        ns = self.store.try_get("Namespace", key)
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return None
        if self.store.try_get("ServiceAccount", "default", key) is None:
            try:
                self.store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                                   "metadata": {"name": "default", "namespace": key}})
            except errors.ApiError:
                pass
        return None
