"""PodGCController: force-delete pods bound to a Node that no longer exists.

The kubelet of a deleted node can never confirm its pods' termination, so kube-controller-
manager's pod garbage collector removes them (``DeletionByPodGC``)."""

from __future__ import annotations

from k9play.api import errors
from k9play.api.meta import name_of
from k9play.controllers.base import Controller


class PodGCController(Controller):
    name = "podgc"
    component = "pod-garbage-collector"

    def start(self) -> None:
        self.watch("Node", lambda ev: (name_of(ev.object),) if ev.type == "DELETED" else ())

    def reconcile(self, key: str) -> float | None:
        if self.store.try_get("Node", key) is not None:
            return None
        for pod in self.store.pods_on_node(key):
            try:
                self.store.delete("Pod", name_of(pod), pod["metadata"]["namespace"], grace_period=0)
            except errors.ApiError:
                pass
        return None
