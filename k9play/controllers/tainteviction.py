"""TaintEvictionController: deletes pods from nodes with NoExecute taints they do not tolerate.

Port of ``pkg/controller/tainteviction`` (``taint-eviction-controller``, v1.34):

* on a node whose NoExecute taints change, each pod is checked: a taint it does not tolerate
  means deletion now; tolerated taints with ``tolerationSeconds`` mean deletion after the
  shortest of them (counted from when the controller saw the taint: the 300 s that admission's
  DefaultTolerationSeconds gives every pod for not-ready/unreachable); without seconds, never;
* a pod bound to a tainted node, or whose tolerations change, is checked the same way;
* deletion = ``TaintManagerEviction`` "Marking for deletion Pod NS/NAME", the
  ``DisruptionTarget`` condition (``DeletionByTaintManager``), then a plain DELETE with the
  pod's own grace period; taints gone before that cancel it ("Cancelling deletion of Pod …").
  A deletion done stays remembered, so it is neither repeated nor "cancelled".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of
from k9play.api.scheduling import tolerates
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore


@dataclass
class _Work:
    """A scheduled deletion (``TimedWorker``)."""

    created: float
    fire_at: float


def no_execute(node: Obj | None) -> list[Obj]:
    return [t for t in ((node or {}).get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"]


def min_toleration_seconds(taints: list[Obj], tolerations: list[Obj]) -> float | None:
    """``GetMatchingTolerations`` + ``getMinTolerationTime``: 0 if a taint is not tolerated,
    ``None`` if every taint is tolerated forever."""
    used = []
    for taint in taints:
        match = [t for t in tolerations if tolerates(t, taint)]
        if not match:
            return 0.0
        used.extend(match)
    seconds = [t["tolerationSeconds"] for t in used if t.get("tolerationSeconds") is not None]
    if any(s <= 0 for s in seconds):
        return 0.0
    return float(min(seconds)) if seconds else None


class TaintEvictionController(Controller):
    name = "tainteviction"
    component = "taint-eviction-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.tainted: dict[str, list[Obj]] = {}
        #: ns/name → pending deletion, or None once it was carried out
        self.work: dict[str, _Work | None] = {}

    def start(self) -> None:
        self.watch("Node", self._node_keys)
        self.watch("Pod", self._pod_keys)

    @staticmethod
    def _node_keys(ev: WatchEvent) -> Iterable[str]:
        if ev.type == "MODIFIED" and no_execute(ev.object) == no_execute(ev.old):
            return ()
        return (f"node/{name_of(ev.object)}",)

    @staticmethod
    def _pod_keys(ev: WatchEvent) -> Iterable[str]:
        if ev.type == "MODIFIED" and ev.old is not None:
            spec, old = ev.object.get("spec") or {}, ev.old.get("spec") or {}
            if spec.get("tolerations") == old.get("tolerations") and spec.get("nodeName") == old.get("nodeName"):
                return ()
        return (f"pod/{namespace_of(ev.object)}/{name_of(ev.object)}",)

    def reconcile(self, key: str) -> float | None:
        kind, _, rest = key.partition("/")
        if kind == "node":
            self._node_update(rest)
        elif kind == "pod":
            self._pod_update(rest)
        elif kind == "evict":
            return self._evict(rest)
        return None

    def _node_update(self, name: str) -> None:
        node = self.store.try_get("Node", name)
        taints = no_execute(node)
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        if node is None:
            return
        for pod in self.store.pods_on_node(name):
            key = f"{namespace_of(pod)}/{name_of(pod)}"
            if not taints:
                self._cancel(key)
            else:
                self._process(key, pod, taints)

    def _pod_update(self, key: str) -> None:
        namespace, _, name = key.partition("/")
        pod = self.store.try_get("Pod", name, namespace)
        if pod is None:
            self._cancel(key)
            return
        taints = self.tainted.get((pod.get("spec") or {}).get("nodeName") or "")
        if taints:
            self._process(key, pod, taints)

    def _process(self, key: str, pod: Obj, taints: list[Obj]) -> None:
        """``processPodOnNode``."""
        now = self.clock.now()
        seconds = min_toleration_seconds(taints, (pod.get("spec") or {}).get("tolerations") or [])
        if seconds is None:
            self._cancel(key)
            return
        if seconds == 0:
            self._cancel(key)
            self._add(key, now, now)
            return
        start, trigger = now, now + seconds
        scheduled = self.work.get(key)
        if scheduled is not None:
            start = scheduled.created
            if start + seconds < trigger:
                return
            self._cancel(key)
        self._add(key, start, trigger)

    def _add(self, key: str, created: float, fire_at: float) -> None:
        if key in self.work:
            return  # already scheduled, or already carried out
        self.work[key] = _Work(created, fire_at)
        self.queue.add_after(f"evict/{key}", fire_at - self.clock.now())

    def _cancel(self, key: str) -> None:
        if key not in self.work:
            return
        if self.work.pop(key) is not None:
            namespace, _, name = key.partition("/")
            self.event(_pod_ref(namespace, name), NORMAL, "TaintManagerEviction", f"Cancelling deletion of Pod {key}")

    def _evict(self, key: str) -> float | None:
        work = self.work.get(key)
        if work is None:
            return None
        if self.clock.now() < work.fire_at:
            return work.fire_at - self.clock.now()
        namespace, _, name = key.partition("/")
        self.event(_pod_ref(namespace, name), NORMAL, "TaintManagerEviction", f"Marking for deletion Pod {key}")
        try:
            self._delete(namespace, name)
        except errors.ApiError:
            del self.work[key]
            return None
        self.work[key] = None
        return None

    def _delete(self, namespace: str, name: str) -> None:
        """``addConditionAndDeletePod``."""
        pod = self.store.get("Pod", name, namespace)
        conds = (pod.get("status") or {}).get("conditions") or []
        target = next((c for c in conds if c.get("type") == "DisruptionTarget"), None)
        if target is None or target.get("status") != "True" or target.get("reason") != "DeletionByTaintManager":
            new = copy_obj(pod)
            new_conds = [c for c in new.setdefault("status", {}).get("conditions") or []
                         if c.get("type") != "DisruptionTarget"]
            new_conds.append({"lastProbeTime": None, "lastTransitionTime": format_time(self.clock.now()),
                              "message": "Taint manager: deleting due to NoExecute taint",
                              "reason": "DeletionByTaintManager", "status": "True", "type": "DisruptionTarget"})
            new["status"]["conditions"] = new_conds
            self.store.update_status(new)
        self.store.delete("Pod", name, namespace)


def _pod_ref(namespace: str, name: str) -> Obj:
    """The controller refers to the pod by name only (``emitPodDeletionEvent``)."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}}
