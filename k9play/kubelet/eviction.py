"""The kubelet's eviction manager: node-pressure eviction (``pkg/kubelet/eviction``, v1.34).

Every 10 s (``evictionMonitoringPeriod``) it observes ``memory.available`` — the node's
memory capacity minus its working set (the system daemons, every running container, and
any memory a fault made something outside the pods hold) — against the default hard
threshold ``memory.available<100Mi``. While the threshold is met:

* the node reports ``MemoryPressure`` (kept for the 5 min ``evictionPressureTransitionPeriod``
  after the last observation, see :mod:`k9play.kubelet.nodestatus`);
* at most one pod is evicted per round, chosen by ``rankMemoryPressure``: pods whose usage
  exceeds their memory request first, then lower priority, then the larger usage above the
  request. Critical pods (static, mirror, or priority ≥ 2000000000) are never evicted;
* the evicted pod gets phase ``Failed``, reason ``Evicted``, the message "The node was low
  on resource: memory. Threshold quantity: 100Mi, available: …. Container X was using …,
  request is …, has larger consumption of memory. " (``evictionMessage``, trailing space
  included), ``DisruptionTarget`` (``TerminationByKubelet``) and a Warning ``Evicted``
  event; its containers are killed with the 1 s grace period of hard evictions;
* new pods are refused under pressure (``Admit``): BestEffort ones under memory pressure
  unless they tolerate its taint, every one under disk pressure; the pod fails with reason
  ``Evicted`` and "Pod was rejected: The node had condition: [MemoryPressure]. ".

Disk pressure (``nodefs``) has no usage model here: ``fault pressure NODE disk`` sets the
DiskPressure condition (and so the taint) but no pod is ranked or evicted for disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import WARNING
from k9play.api.meta import Obj, copy_obj, format_time, name_of, uid_of
from k9play.api.quantity import QuantityError, whole
from k9play.api.scheduling import tolerates
from k9play.kubelet.metrics import NODE_SYSTEM_MEMORY, STORE_ATTRIBUTE, Metrics, format_memory

if TYPE_CHECKING:
    from k9play.clock import TimerHandle
    from k9play.kubelet.kubelet import Kubelet

MONITORING_PERIOD = 10.0
#: ``immediateEvictionGracePeriodSeconds``: hard thresholds give pods 1 s to stop
HARD_EVICTION_GRACE = 1
MEMORY_THRESHOLD = 100 * 1024 * 1024
THRESHOLD_TEXT = "100Mi"
SYSTEM_CRITICAL_PRIORITY = 2_000_000_000
MEMORY_PRESSURE_TAINT = "node.kubernetes.io/memory-pressure"
MiB = 1024 * 1024


def is_critical(pod: Obj) -> bool:
    """``kubelettypes.IsCriticalPod``: static, mirror, or system-critical priority."""
    annotations = pod["metadata"].get("annotations") or {}
    if "kubernetes.io/config.mirror" in annotations or annotations.get("kubernetes.io/config.source",
                                                                       "api") != "api":
        return True
    return int((pod.get("spec") or {}).get("priority", 0) or 0) >= SYSTEM_CRITICAL_PRIORITY


def _memory_request(spec: Obj) -> tuple[int, str]:
    raw = ((spec.get("resources") or {}).get("requests") or {}).get("memory")
    if raw is None:
        return 0, "0"
    try:
        return whole(raw), str(raw)
    except QuantityError:
        return 0, "0"


class EvictionManager:
    """One kubelet's eviction manager."""

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.store = kubelet.store
        #: memory held outside the pods (``fault pressure NODE memory``), in bytes
        self.outside_memory = 0
        self.evicting: str | None = None  # uid of the pod being evicted: one at a time
        self._timer: TimerHandle | None = None
        self._own_metrics: Metrics | None = None

    # ------------------------------------------------------------ schedule
    def start(self) -> None:
        if self._timer is None:
            self._timer = self.store.clock.call_later(MONITORING_PERIOD, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self) -> None:
        self._timer = None
        if self.kubelet.down:
            return  # power_on starts it again
        self.synchronize()
        self._timer = self.store.clock.call_later(MONITORING_PERIOD, self._tick)

    # ---------------------------------------------------------- observation
    def capacity(self) -> int:
        node = self.store.try_get("Node", self.kubelet.node_name)
        cap = ((node or {}).get("status") or {}).get("capacity") or {}
        try:
            return whole(cap.get("memory", "0"))
        except QuantityError:
            return 0

    def _active_pods(self) -> list[Obj]:
        return [p for p in self.store.pods_on_node(self.kubelet.node_name)
                if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]

    def _metrics(self) -> Metrics:
        """The cluster's usage model (cAdvisor's view); a private one if none is registered —
        the kubelet measures its containers whether or not a metrics API is served."""
        shared = getattr(self.store, STORE_ATTRIBUTE, None)
        if isinstance(shared, Metrics):
            return shared
        if self._own_metrics is None:
            self._own_metrics = Metrics(self.store, register=False)
        return self._own_metrics

    def usage(self, pod: Obj) -> dict[str, int]:
        """Working set per running container of ``pod``."""
        return {c.name: c.memory for c in self._metrics().container_usage(pod)}

    def available(self, pods: list[Obj] | None = None) -> int:
        """``memory.available``: capacity − the node's working set."""
        used = NODE_SYSTEM_MEMORY + self.outside_memory
        for pod in self._active_pods() if pods is None else pods:
            used += sum(self.usage(pod).values())
        return self.capacity() - used

    def under_memory_pressure(self) -> bool:
        return self.kubelet.under_pressure("memory")

    # --------------------------------------------------------- synchronize
    def synchronize(self) -> Obj | None:
        """One round; returns the pod evicted, if any."""
        pods = self._active_pods()
        available = self.available(pods)
        met = available < MEMORY_THRESHOLD
        self.kubelet.pressure["memory"] = met
        if not met:
            return None
        if self.evicting is not None:
            if self.evicting in self.kubelet.workers:
                return None  # waitForPodsCleanup: the last victim is still stopping
            self.evicting = None
        for pod in self._rank(pods):
            if is_critical(pod):
                continue  # "cannot evict a critical pod"
            self._evict(pod, available)
            return pod
        return None

    def _rank(self, pods: list[Obj]) -> list[Obj]:
        """``rankMemoryPressure``: usage over request first, then lower priority, then more
        memory above the request."""

        def key(pod: Obj) -> tuple[bool, int, int, str]:
            usage = sum(self.usage(pod).values())
            request = sum(_memory_request(c)[0] for c in (pod.get("spec") or {}).get("containers") or [])
            priority = int((pod.get("spec") or {}).get("priority", 0) or 0)
            return (not usage > request, priority, -(usage - request), name_of(pod))

        return sorted(pods, key=key)

    def message(self, pod: Obj, available: int) -> str:
        """``evictionMessage`` for memory."""
        msg = (f"The node was low on resource: memory. Threshold quantity: {THRESHOLD_TEXT}, available: "
               f"{format_memory(available)}. ")
        usage = self.usage(pod)
        for c in (pod.get("spec") or {}).get("containers") or []:
            used = usage.get(c.get("name", ""))
            if used is None:
                continue
            req, req_text = _memory_request(c)
            if used > req:
                msg += (f"Container {c.get('name')} was using {format_memory(used)}, request is {req_text}, has larger "
                        "consumption of memory. ")
        return msg

    def _evict(self, pod: Obj, available: int) -> None:
        """``evictPod``: event, then kill with the status the eviction writes."""
        message = self.message(pod, available)
        kubelet = self.kubelet
        kubelet.recorder.record(pod, WARNING, "Evicted", message)
        new = copy_obj(pod)
        status = new.setdefault("status", {})
        conds = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conds.append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                      "lastTransitionTime": format_time(self.store.clock.now()), "reason": "TerminationByKubelet",
                      "message": message})
        status.update(phase="Failed", reason="Evicted", message=message, conditions=conds)
        try:
            self.store.update_status(new)
        except errors.ApiError:
            return
        self.evicting = uid_of(pod)
        worker = kubelet.workers.get(uid_of(pod))
        if worker is not None:
            worker.evict("Evicted", message, HARD_EVICTION_GRACE)

    # ------------------------------------------------------------ admission
    def admit(self, pod: Obj) -> str | None:
        """``Admit``: the rejection message, or None. Critical pods always pass; under memory
        pressure alone, pods that are not BestEffort or that tolerate the memory-pressure taint
        pass; any other pressure refuses every pod."""
        conditions = [c for c, r in (("MemoryPressure", "memory"), ("DiskPressure", "disk"))
                      if self.kubelet.under_pressure(r)]
        if not conditions or is_critical(pod):
            return None
        if conditions == ["MemoryPressure"]:
            if (pod.get("status") or {}).get("qosClass") != "BestEffort":
                return None
            taint = {"key": MEMORY_PRESSURE_TAINT, "effect": "NoSchedule"}
            if any(tolerates(t, taint) for t in (pod.get("spec") or {}).get("tolerations") or []):
                return None
        return f"The node had condition: [{' '.join(conditions)}]. "

    def reject(self, pod: Obj, message: str) -> None:
        """``rejectPod``: a Warning event, then phase Failed, reason Evicted and the message
        prefixed ``Pod was rejected:``."""
        self.kubelet.recorder.record(pod, WARNING, "Evicted", message)
        new = copy_obj(pod)
        new.setdefault("status", {}).update(phase="Failed", reason="Evicted", message="Pod was rejected: " + message)
        try:
            self.store.update_status(new)
        except errors.ApiError:
            pass


__all__ = ["EvictionManager", "is_critical"]
