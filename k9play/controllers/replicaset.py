"""ReplicaSetController: keep ``spec.replicas`` pods running for each ReplicaSet.

Port of ``pkg/controller/replicaset``: claim pods (adopt matching orphans, release
non-matching owned pods), create from the template or delete the lowest-ranked pods,
then publish status (replicas, fullyLabeled, ready, available, observedGeneration).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from k9play.api import errors, pods
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    key_of,
    labels_of,
    name_of,
    owner_reference,
    parse_time,
    split_key,
    uid_of,
)
from k9play.api.selectors import LabelSelector, selector_from_labels, selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

#: ``burstReplicas``: at most this many creations or deletions per sync.
BURST_REPLICAS = 500

_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}


def deletion_rank_key(pod: Obj, doubled: int, now: float) -> tuple[Any, ...]:
    """Sort key of ``ActivePodsWithRanks``: pods that sort first are deleted first."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    ready = pods.is_ready(pod)
    cost = int(pod.get("metadata", {}).get("annotations", {}).get("controller.kubernetes.io/pod-deletion-cost", 0) or 0)
    ready_key: tuple[int, str] = (0, "")
    if ready:
        cond = pods.condition(pod, "Ready") or {}
        since = cond.get("lastTransitionTime")
        ready_key = (_log_bucket(now - parse_time(since)) if since else -1, uid_of(pod))
    restarts = max((c.get("restartCount", 0) for c in status.get("containerStatuses") or []), default=0)
    created = pod.get("metadata", {}).get("creationTimestamp")
    created_key = (_log_bucket(now - parse_time(created)) if created else -1, uid_of(pod))
    return (
        bool(spec.get("nodeName")),
        _PHASE_ORDER.get(status.get("phase", ""), 3),
        ready,
        cost,
        -doubled,
        ready_key,
        -restarts,
        created_key,
    )


def _log_bucket(seconds: float) -> int:
    nanos = seconds * 1e9
    return int(math.log2(nanos)) if nanos > 0 else -1


class ReplicaSetController(Controller):
    name = "replicaset"
    component = "replicaset-controller"
    kind = "ReplicaSet"

    def start(self) -> None:
        self.watch_self(self.kind)
        self.watch("Pod", self._pod_keys)
        self.enqueue_all(self.kind)

    def selector(self, rs: Obj) -> LabelSelector:
        return selector_from_spec(rs.get("spec", {}).get("selector"))

    def _pod_keys(self, ev: WatchEvent) -> Iterable[str]:
        keys: list[str] = []
        for obj in (ev.object, ev.old):
            if obj is None:
                continue
            ref = controller_ref(obj)
            ns = obj["metadata"].get("namespace", "")
            if ref is not None:
                if ref.get("kind") == self.kind:
                    keys.append(f"{ns}/{ref['name']}")
            elif ev.type != "DELETED" and obj is ev.object:
                for rs in self.store.list(self.kind, ns):
                    if self.selector(rs).matches(labels_of(obj)):
                        keys.append(key_of(rs))
        return keys

    # ----------------------------------------------------------------------
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        rs = self.store.try_get(self.kind, name, ns)
        if rs is None:
            return None
        selector = self.selector(rs)
        claimed = self._claim_pods(rs, selector)
        active = [p for p in claimed if pods.is_active(p)]
        failure: str | None = None
        if not rs["metadata"].get("deletionTimestamp"):
            failure = self._manage_replicas(rs, active)
        return self._update_status(rs, active, failure)

    def _claim_pods(self, rs: Obj, selector: LabelSelector) -> list[Obj]:
        """``PodControllerRefManager.ClaimPods``: adopt matching orphans, release strays."""
        ns = rs["metadata"]["namespace"]
        uid = uid_of(rs)
        deleting = bool(rs["metadata"].get("deletionTimestamp"))
        claimed: list[Obj] = []
        seen: set[str] = set()
        for pod in self.store.dependents_of(uid):
            ref = controller_ref(pod)
            if pod.get("kind") != "Pod" or ref is None or ref.get("uid") != uid:
                continue
            seen.add(uid_of(pod))
            if selector.matches(labels_of(pod)) or deleting:
                claimed.append(pod)
            else:
                self._release(pod, uid)
        if deleting or selector.empty:
            return claimed
        for pod in self.store.list("Pod", ns, selector):
            if uid_of(pod) in seen or controller_ref(pod) is not None or pod["metadata"].get("deletionTimestamp"):
                continue
            adopted = self._adopt(rs, pod)
            if adopted is not None:
                claimed.append(adopted)
        return claimed

    def _adopt(self, rs: Obj, pod: Obj) -> Obj | None:
        new = copy_obj(pod)
        new["metadata"].setdefault("ownerReferences", []).append(owner_reference(rs))
        try:
            return self.store.update(new)
        except errors.ApiError:
            return None

    def _release(self, pod: Obj, uid: str) -> None:
        new = copy_obj(pod)
        refs = [r for r in new["metadata"].get("ownerReferences", []) if r.get("uid") != uid]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        try:
            self.store.update(new)
        except errors.ApiError:
            pass

    def _manage_replicas(self, rs: Obj, active: list[Obj]) -> str | None:
        want = rs.get("spec", {}).get("replicas", 1)
        diff = len(active) - want
        if diff < 0:
            return self._create_pods(rs, min(-diff, BURST_REPLICAS))
        if diff > 0:
            self._delete_pods(rs, active, min(diff, BURST_REPLICAS))
        return None

    def _create_pods(self, rs: Obj, count: int) -> str | None:
        tmpl = rs.get("spec", {}).get("template") or {}
        tmeta = tmpl.get("metadata") or {}
        for _ in range(count):
            pod: Obj = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "generateName": f"{name_of(rs)}-",
                    "namespace": rs["metadata"]["namespace"],
                    "labels": copy_obj(tmeta.get("labels") or {}),
                    "ownerReferences": [owner_reference(rs)],
                },
                "spec": copy_obj(tmpl.get("spec") or {}),
            }
            if tmeta.get("annotations"):
                pod["metadata"]["annotations"] = copy_obj(tmeta["annotations"])
            try:
                created = self.store.create(pod)
            except errors.ApiError as e:
                self.event(rs, WARNING, "FailedCreate", f"Error creating: {e}")
                return str(e)
            self.event(rs, NORMAL, "SuccessfulCreate", f"Created pod: {name_of(created)}")
        return None

    def _delete_pods(self, rs: Obj, active: list[Obj], count: int) -> None:
        now = self.clock.now()
        per_node = Counter(p.get("spec", {}).get("nodeName", "") for p in active)
        ranked = sorted(active, key=lambda p: deletion_rank_key(p, per_node[p.get("spec", {}).get("nodeName", "")] - 1
                                                                if p.get("spec", {}).get("nodeName") else 0, now))
        for pod in ranked[:count]:
            try:
                self.store.delete("Pod", name_of(pod), pod["metadata"]["namespace"])
            except errors.ApiError:
                continue
            self.event(rs, NORMAL, "SuccessfulDelete", f"Deleted pod: {name_of(pod)}")

    def _update_status(self, rs: Obj, active: list[Obj], failure: str | None) -> float | None:
        spec = rs.get("spec", {})
        min_ready = spec.get("minReadySeconds", 0) or 0
        now = self.clock.now()
        tlabels = selector_from_labels((spec.get("template") or {}).get("metadata", {}).get("labels") or {})
        ready = sum(1 for p in active if pods.is_ready(p))
        available = sum(1 for p in active if pods.is_available(p, min_ready, now))
        status: Obj = {
            "replicas": len(active),
            "fullyLabeledReplicas": sum(1 for p in active if tlabels.matches(labels_of(p))),
            "readyReplicas": ready,
            "availableReplicas": available,
            "observedGeneration": rs["metadata"].get("generation", 1),
        }
        conditions = [c for c in rs.get("status", {}).get("conditions") or [] if c.get("type") != "ReplicaFailure"]
        if failure:
            old = next((c for c in rs.get("status", {}).get("conditions") or [] if c.get("type") == "ReplicaFailure"),
                       None)
            conditions.append({
                "type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": failure,
                "lastTransitionTime": old["lastTransitionTime"] if old else _now(self),
            })
        if conditions:
            status["conditions"] = conditions
        # zero-valued fields are omitted by the Go serializer
        status = {k: v for k, v in status.items() if v not in (0, None) or k == "replicas"}
        if status != rs.get("status"):
            self.store.update_status({**rs, "status": status})
        want = spec.get("replicas", 1)
        if min_ready > 0 and ready == want and available != want:
            return float(min_ready)
        if failure:
            raise errors.ApiError(failure)  # syncReplicaSet returns the create error: rate-limited retry
        return None


def _now(ctrl: Controller) -> str:
    from k9play.api.meta import format_time

    return format_time(ctrl.clock.now())
