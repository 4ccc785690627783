"""NamespaceController: empty a Terminating namespace, then let it go.

When a namespace is deleted it turns ``Terminating``. As kube-controller-manager's
namespace controller does, this one waits 5 s (``namespaceDeletionGracePeriod``), deletes
every namespaced object in it, and then polls rather than watches: while pods may still be
terminating it comes back after half their longest grace period plus one second (the
``ResourcesRemainingError`` estimate), so a namespace with a running pod is gone about 21 s
after its deletion, not the instant its pod goes. When nothing is left it removes the
``kubernetes`` finalizer from ``spec.finalizers`` so the apiserver can remove the namespace.
"""

from __future__ import annotations

from k9play.api import errors, resources
from k9play.api.meta import copy_obj, name_of, parse_time
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

#: ``namespaceDeletionGracePeriod``: the delay before a deleted namespace is emptied
DELETION_GRACE_PERIOD = 5.0
#: ``finalizerEstimateSeconds``: the estimate when only objects held by finalizers remain
FINALIZER_ESTIMATE = 15


class NamespaceController(Controller):
    name = "namespace"
    component = "namespace-controller"

    def start(self) -> None:
        self._unsubscribe.append(self.store.add_handler("Namespace", self._on_namespace))

    def _on_namespace(self, ev: WatchEvent) -> None:
        if ev.type != "DELETED" and ev.object["metadata"].get("deletionTimestamp"):
            self.queue.add_after(name_of(ev.object), DELETION_GRACE_PERIOD)

    def _pod_estimate(self, namespace: str, deleted_at: float) -> int:
        """``estimateGracefulTerminationForPods``: the longest grace period of a pod still
        running, or 0 once that much time has passed since the namespace was deleted."""
        estimate = 0
        for pod in self.store.list("Pod", namespace):
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            estimate = max(estimate, int(pod["spec"].get("terminationGracePeriodSeconds") or 0))
        return 0 if self.clock.now() - deleted_at >= estimate else estimate

    def reconcile(self, key: str) -> float | None:
        ns = self.store.try_get("Namespace", key)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return None
        estimate = self._pod_estimate(key, parse_time(ns["metadata"]["deletionTimestamp"]))
        held = False
        for rt in resources.RESOURCE_TYPES:
            if not rt.namespaced:
                continue
            for obj in self.store.list(rt.kind, key):
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.store.delete(rt.kind, name_of(obj), key)
                except errors.ApiError:
                    pass
            left = self.store.list(rt.kind, key)
            if left and not estimate:
                if not any(o["metadata"].get("finalizers") for o in left):
                    raise errors.ApiError(f"unexpected items still remain in namespace: {key} for "
                                          f"{rt.plural}")  # retried with back-off, as in Go
                held = True
        if held:
            estimate = max(estimate, FINALIZER_ESTIMATE)
        if estimate:
            return estimate // 2 + 1  # ResourcesRemainingError: come back later
        finalizers = [f for f in (ns.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"]
        new = copy_obj(ns)
        if finalizers:
            new["spec"]["finalizers"] = finalizers
        else:
            new.get("spec", {}).pop("finalizers", None)
        self.store.update(new, subresource="finalize")
        return None
