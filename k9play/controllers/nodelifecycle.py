"""NodeLifecycleController: notices silent kubelets and keeps node taints in step with conditions.

Port of ``pkg/controller/nodelifecycle`` (kube-controller-manager v1.34):

* **monitorNodeHealth**, every ``--node-monitor-period`` (5 s): a node is heard from when its
  Ready condition's ``lastHeartbeatTime`` or its Lease's ``renewTime`` changes, noted at the
  pass that sees it. Silent for longer than ``--node-monitor-grace-period`` (50 s since v1.32,
  #126287; ``--node-startup-grace-period`` 60 s before the first status), its Ready,
  MemoryPressure, DiskPressure and PIDPressure become ``Unknown`` (``NodeStatusUnknown``,
  "Kubelet stopped posting node status."); that transition records ``NodeNotReady`` on the
  node and marks each pod on it Ready=False (``MarkPodsNotReady``).
* **NoExecute taints**: a node whose Ready was False/Unknown at the previous pass is queued for
  ``node.kubernetes.io/not-ready`` / ``unreachable`` ``NoExecute``, rate-limited per zone
  (``--node-eviction-rate`` 0.1 node/s, burst 1); a small zone (≤ 50 nodes) with more than two
  and ≥ 55 % nodes not ready stops tainting, and when every zone is fully disrupted all these
  taints come off. Ready again removes them. The taint-eviction controller evicts the pods.
* **NoSchedule taints** (``doNoScheduleTaintingPass``, on every node change): Ready
  False/Unknown → not-ready/unreachable, Memory/Disk/PIDPressure and NetworkUnavailable True
  → memory-/disk-/pid-pressure, network-unavailable; ``spec.unschedulable`` → unschedulable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import Obj, copy_obj, format_time, labels_of, name_of, namespace_of, parse_time
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

MONITOR_PERIOD = 5.0
GRACE_PERIOD = 50.0
STARTUP_GRACE_PERIOD = 60.0
EVICTION_QPS = 0.1
SECONDARY_EVICTION_QPS = 0.01
LARGE_CLUSTER_THRESHOLD = 50
UNHEALTHY_ZONE_THRESHOLD = 0.55
LEASE_NAMESPACE = "kube-node-lease"
EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption"

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
#: condition type → {status: taint key} (``nodeConditionToTaintKeyStatusMap``)
CONDITION_TAINTS: dict[str, dict[str, str]] = {
    "Ready": {"False": NOT_READY, "Unknown": UNREACHABLE},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
CONDITION_TAINT_KEYS = {key for by_status in CONDITION_TAINTS.values() for key in by_status.values()}
HEALTH_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass
class _Health:
    """``nodeHealthData``: when the node was last heard from, and what was seen then."""

    probe: float
    ready_transition: float
    ready: Obj | None
    lease_renew: float | None = None


@dataclass
class _Tainter:
    """``RateLimitedTimedQueue`` with a token bucket of burst 1: nodes waiting for a NoExecute
    taint; ``members`` stay until the node is reachable again (so a node is tainted once)."""

    qps: float = EVICTION_QPS
    token_at: float = float("-inf")
    queue: dict[str, float] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)

    def add(self, name: str, now: float) -> bool:
        if name in self.members:
            return False
        self.members.add(name)
        self.queue[name] = now
        return True

    def remove(self, name: str) -> bool:
        self.queue.pop(name, None)
        if name in self.members:
            self.members.discard(name)
            return True
        return False

    def try_accept(self, now: float) -> bool:
        if self.qps <= 0 or now < self.token_at:
            return False
        self.token_at = now + 1 / self.qps
        return True

    def swap_limiter(self, qps: float, now: float) -> None:
        """``SwapLimiter``: a new bucket, drained if the old one had no token either."""
        if qps == self.qps:
            return
        empty = not self.try_accept(now)
        self.qps = qps
        self.token_at = now + 1 / qps if qps > 0 and empty else float("-inf")


def zone_of(node: Obj) -> str:
    """``nodetopology.GetZoneKey``: region and zone labels, "" without them."""
    labels = labels_of(node)
    region = labels.get("topology.kubernetes.io/region") or labels.get("failure-domain.beta.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def condition(node: Obj, ctype: str) -> Obj | None:
    return next((c for c in (node.get("status") or {}).get("conditions") or [] if c.get("type") == ctype), None)


def has_taint(node: Obj, key: str, effect: str) -> bool:
    return any(t.get("key") == key and t.get("effect") == effect for t in (node.get("spec") or {}).get("taints") or [])


class NodeLifecycleController(Controller):
    name = "nodelifecycle"
    component = "node-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.health: dict[str, _Health] = {}
        self.known: set[str] = set()
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, _Tainter] = {}
        self.retry: set[str] = set()

    def start(self) -> None:
        self.watch("Node", lambda ev: () if ev.type == "DELETED" else (f"node/{name_of(ev.object)}",))
        self.watch("Pod", self._pod_keys)
        self.queue.add("monitor")

    @staticmethod
    def _pod_keys(ev: WatchEvent) -> Iterable[str]:
        node = (ev.object.get("spec") or {}).get("nodeName")
        old = (ev.old.get("spec") or {}).get("nodeName") if ev.old is not None else None
        if ev.type != "DELETED" and node and node != old:
            return (f"pod/{namespace_of(ev.object)}/{name_of(ev.object)}",)
        return ()

    def reconcile(self, key: str) -> float | None:
        kind, _, rest = key.partition("/")
        if kind == "monitor":
            self._monitor()
            return MONITOR_PERIOD
        if kind == "node":
            self._no_schedule_pass(rest)
        elif kind == "taint":
            return self._no_execute_pass(rest)
        elif kind == "pod":
            self._process_pod(*rest.split("/", 1))
        return None

    # ---------------------------------------------------------- NoSchedule
    def _no_schedule_pass(self, name: str) -> None:
        node = self.store.try_get("Node", name)
        if node is None:
            return
        want = [CONDITION_TAINTS[c["type"]][c["status"]] for c in (node.get("status") or {}).get("conditions") or []
                if c.get("status") in CONDITION_TAINTS.get(c.get("type", ""), {})]
        if (node.get("spec") or {}).get("unschedulable"):
            want.append(UNSCHEDULABLE)
        have = [t.get("key") for t in (node.get("spec") or {}).get("taints") or []
                if t.get("effect") == "NoSchedule" and (t.get("key") == UNSCHEDULABLE or t.get("key") in
                                                        CONDITION_TAINT_KEYS)]
        self._swap_taints(node, [k for k in want if k not in have], [k for k in have if k not in want], "NoSchedule")

    def _swap_taints(self, node: Obj, add: list[str], remove: list[str], effect: str) -> bool:
        """``SwapNodeControllerTaint``: new taints get ``timeAdded``, stale ones go."""
        taints = list((node.get("spec") or {}).get("taints") or [])
        kept = [t for t in taints if not (t.get("effect") == effect and t.get("key") in remove)]
        now = format_time(self.clock.now())
        new_taints = kept + [{"effect": effect, "key": k, "timeAdded": now} for k in add
                             if not any(t.get("key") == k and t.get("effect") == effect for t in kept)]
        if new_taints == taints:
            return True
        new = copy_obj(node)
        new.setdefault("spec", {})["taints"] = new_taints
        if not new_taints:
            del new["spec"]["taints"]
        try:
            self.store.update(new)
        except errors.ApiError:
            return False
        return True

    # ------------------------------------------------------------- health
    def _monitor(self) -> None:
        nodes = sorted(self.store.list("Node"), key=name_of)
        names = {name_of(n) for n in nodes}
        for node in nodes:
            name = name_of(node)
            self.tainters.setdefault(zone_of(node), _Tainter())
            if name not in self.known:
                self.known.add(name)
                self._mark_reachable(node)
        for gone in self.known - names:
            self.known.discard(gone)
            self.health.pop(gone, None)
        by_zone: dict[str, list[Obj | None]] = {}
        for node in nodes:
            name = name_of(node)
            observed, current, node = self._update_health(node)
            if EXCLUDE_DISRUPTION not in labels_of(node):
                by_zone.setdefault(zone_of(node), []).append(current)
            if current is None:
                continue
            self._taint_based_eviction(node, observed)
            if current.get("status") != "True" and observed.get("status") == "True":
                self.event(node, NORMAL, "NodeNotReady", f"Node {name} status is now: NodeNotReady")
                self._mark_pods_not_ready(name, self.store.pods_on_node(name))
            elif name in self.retry and observed.get("status") != "True":
                self._mark_pods_not_ready(name, self.store.pods_on_node(name))
            self.retry.discard(name)
        self._handle_disruption(by_zone, nodes)

    def _update_health(self, node: Obj) -> tuple[Obj, Obj | None, Obj]:
        """``tryUpdateNodeHealth``: (observed Ready, current Ready, the node as now stored)."""
        now = self.clock.now()
        name = name_of(node)
        health = self.health.get(name)
        current = condition(node, "Ready")
        created = node["metadata"].get("creationTimestamp", format_time(now))
        if current is None:
            observed: Obj = {"type": "Ready", "status": "Unknown", "lastHeartbeatTime": created,
                             "lastTransitionTime": created}
            grace = STARTUP_GRACE_PERIOD
            if health is not None:
                health.ready = None
            else:
                health = _Health(parse_time(created), parse_time(created), None)
        else:
            observed = dict(current)
            grace = GRACE_PERIOD
        saved = health.ready if health is not None else None
        saved_lease = health.lease_renew if health is not None else None
        if health is None or (saved is None and current is not None) or (saved is not None and current is None):
            health = _Health(now, now, dict(current) if current else None)
        elif current is not None and saved is not None and saved.get("lastHeartbeatTime") != current.get(
                "lastHeartbeatTime"):
            moved = saved.get("lastTransitionTime") != current.get("lastTransitionTime")
            health = _Health(now, now if moved else health.ready_transition, dict(current))
        lease = self.store.try_get("Lease", name, LEASE_NAMESPACE)
        renew_text = ((lease or {}).get("spec") or {}).get("renewTime")
        renew = parse_time(renew_text) if renew_text else None
        if renew is not None and (saved_lease is None or saved_lease < renew):
            health.lease_renew = renew
            health.probe = now
        self.health[name] = health
        if now > health.probe + grace:
            new = copy_obj(node)
            conditions = new.setdefault("status", {}).setdefault("conditions", [])
            stamp = format_time(now)
            for ctype in HEALTH_CONDITIONS:
                cond = next((c for c in conditions if c.get("type") == ctype), None)
                if cond is None:
                    conditions.append({"lastHeartbeatTime": created, "lastTransitionTime": stamp,
                                       "message": "Kubelet never posted node status.",
                                       "reason": "NodeStatusNeverUpdated", "status": "Unknown", "type": ctype})
                elif cond.get("status") != "Unknown":
                    cond.update(status="Unknown", reason="NodeStatusUnknown",
                                message="Kubelet stopped posting node status.", lastTransitionTime=stamp)
            current = condition(new, "Ready")
            if current != observed:
                try:
                    node = self.store.update_status(new)
                except errors.ApiError:
                    return observed, condition(node, "Ready"), node
                self.health[name] = _Health(health.probe, now, dict(current) if current else None, renew)
        return observed, current, node

    def _mark_pods_not_ready(self, node_name: str, pods: Iterable[Obj]) -> None:
        """``MarkPodsNotReady``: the Ready condition goes False (nothing else changes)."""
        stamp = format_time(self.clock.now())
        for pod in pods:
            conds = (pod.get("status") or {}).get("conditions") or []
            ready = next((c for c in conds if c.get("type") == "Ready"), None)
            if ready is None or ready.get("status") == "False":
                continue
            new = copy_obj(pod)
            for c in new["status"]["conditions"]:
                if c.get("type") == "Ready":
                    c.update(status="False", lastTransitionTime=stamp)
            try:
                self.store.update_status(new)
            except errors.ApiError as e:
                if e.code != 404:
                    self.retry.add(node_name)
                continue
            self.event(pod, WARNING, "NodeNotReady", "Node is not ready")

    def _process_pod(self, namespace: str, name: str) -> None:
        """A pod newly bound to a node the controller last saw not Ready is marked at once."""
        pod = self.store.try_get("Pod", name, namespace)
        node_name = ((pod or {}).get("spec") or {}).get("nodeName")
        health = self.health.get(node_name or "")
        if pod is None or health is None or health.ready is None or self.store.try_get("Node", node_name) is None:
            return
        if health.ready.get("status") != "True":
            self._mark_pods_not_ready(node_name or "", [pod])

    # ------------------------------------------------------------ NoExecute
    def _taint_based_eviction(self, node: Obj, observed: Obj) -> None:
        """``processTaintBaseEviction``, on the Ready status the previous pass left."""
        status, name = observed.get("status"), name_of(node)
        if status in ("False", "Unknown"):
            taint, opposite = (NOT_READY, UNREACHABLE) if status == "False" else (UNREACHABLE, NOT_READY)
            if has_taint(node, opposite, "NoExecute"):
                self._swap_taints(node, [taint], [opposite], "NoExecute")
                return
            tainter = self.tainters[zone_of(node)]
            if not has_taint(node, taint, "NoExecute"):
                tainter.remove(name)
            if tainter.add(name, self.clock.now()):
                self.queue.add(f"taint/{zone_of(node)}")
        elif status == "True":
            self._mark_reachable(node)

    def _mark_reachable(self, node: Obj) -> None:
        if has_taint(node, UNREACHABLE, "NoExecute") or has_taint(node, NOT_READY, "NoExecute"):
            self._swap_taints(node, [], [UNREACHABLE, NOT_READY], "NoExecute")
        self.tainters.setdefault(zone_of(node), _Tainter()).remove(name_of(node))

    def _no_execute_pass(self, zone: str) -> float | None:
        """``doNoExecuteTaintingPass`` for one zone: taint queued nodes while tokens last."""
        tainter = self.tainters.get(zone)
        now = self.clock.now()
        while tainter is not None and tainter.queue:
            name = next(iter(tainter.queue))
            if not tainter.try_accept(now):
                return tainter.token_at - now if tainter.qps > 0 else None
            del tainter.queue[name]
            node = self.store.try_get("Node", name)
            ready = condition(node, "Ready") if node is not None else None
            if node is None or ready is None or ready.get("status") == "True":
                continue
            taint, opposite = (NOT_READY, UNREACHABLE) if ready.get("status") == "False" else (UNREACHABLE, NOT_READY)
            if not self._swap_taints(node, [taint], [opposite], "NoExecute"):
                tainter.queue[name] = now
                self.queue.add_rate_limited(f"taint/{zone}")
                return None
        return None

    def _handle_disruption(self, by_zone: dict[str, list[Obj | None]], nodes: list[Obj]) -> None:
        """``handleDisruption``: zone states set the tainting rate."""
        now = self.clock.now()
        new_states: dict[str, str] = {}
        all_full = True
        for zone, conds in by_zone.items():
            state = self._zone_state(conds)
            all_full = all_full and state == "FullDisruption"
            new_states[zone] = state
            self.zone_states.setdefault(zone, "Initial")
        all_were_full = True
        for zone, state in list(self.zone_states.items()):
            if zone not in by_zone:
                del self.zone_states[zone]
                continue
            if state != "FullDisruption":
                all_were_full = False
                break
        if all_full and all_were_full:
            return
        if all_full:
            for node in nodes:
                self._mark_reachable(node)
            for zone in self.zone_states:
                self.tainters[zone].swap_limiter(0, now)
                self.zone_states[zone] = "FullDisruption"
            return
        for zone, state in self.zone_states.items():
            if zone not in new_states or (state == new_states[zone] and not all_were_full):
                continue
            self._set_limiter(zone, len(by_zone[zone]), new_states[zone])
            self.zone_states[zone] = new_states[zone]
        if all_were_full:  # leaving master disruption mode: every node gets a fresh grace period
            for health in self.health.values():
                health.probe = health.ready_transition = now

    @staticmethod
    def _zone_state(conds: list[Obj | None]) -> str:
        ready = sum(1 for c in conds if c is not None and c.get("status") == "True")
        not_ready = len(conds) - ready
        if ready == 0 and not_ready > 0:
            return "FullDisruption"
        if not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
            return "PartialDisruption"
        return "Normal"

    def _set_limiter(self, zone: str, size: int, state: str) -> None:
        if state == "PartialDisruption":
            qps = SECONDARY_EVICTION_QPS if size > LARGE_CLUSTER_THRESHOLD else 0.0
        else:
            qps = EVICTION_QPS
        self.tainters[zone].swap_limiter(qps, self.clock.now())
        if qps > 0 and self.tainters[zone].queue:
            self.queue.add(f"taint/{zone}")
