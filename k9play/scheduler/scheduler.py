"""The simulated kube-scheduler: queue → filter → score → bind.

* **Queue**: active pods ordered by priority, then arrival (PrioritySort); a pod that did
  not fit waits in the unschedulable set until a cluster event (node added or changed, a
  pod leaving a node) moves it back, no sooner than its back-off (1 s doubling to 10 s),
  and at the latest after 5 minutes.
* **Cycle**: run the filter plugins over the nodes (``percentageOfNodesToScore`` as
  kube-scheduler computes it, visiting nodes round-robin), score the feasible ones, pick
  the best (ties broken by the clock's seeded RNG), bind through ``pods/binding``.
* **Failure**: ``FailedScheduling`` with kube-scheduler's exact message and the
  ``PodScheduled=False`` condition; the per-node reasons (and the filter plugin that gave
  them) of the last attempt are kept while the pod stays unschedulable, so the UI can say
  *why* a pod is Pending (:meth:`Scheduler.diagnosis`).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING, EventRecorder
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of, uid_of
from k9play.api.pods import is_terminal
from k9play.api.store import WatchEvent
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
from k9play.scheduler.plugins import (
    DEFAULT_FILTERS,
    DEFAULT_SCORES,
    UNRESOLVABLE,
    FilterPlugin,
    ScorePlugin,
    Status,
)

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import TimerHandle

SCHEDULER_NAME = "default-scheduler"
INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 10.0
MAX_UNSCHEDULABLE = 300.0
FLUSH_PERIOD = 30.0
#: pods scheduled per clock callback, so a real-time UI keeps breathing during a burst
BATCH = 256


@dataclass
class Diagnosis:
    """Why a pod did not fit, node by node (the last attempt)."""

    time: float
    message: str
    node_reasons: dict[str, list[str]]
    #: the filter (or PreFilter) plugin that rejected each node
    node_plugins: dict[str, str] = field(default_factory=dict)


def num_feasible_nodes_to_find(num_nodes: int, percentage: int = 0) -> int:
    """``numFeasibleNodesToFind`` (pkg/scheduler/schedule_one.go)."""
    if num_nodes < 100 or percentage >= 100:
        return num_nodes
    pct = percentage
    if pct == 0:
        pct = max(5, 50 - num_nodes // 125)
    return max(num_nodes * pct // 100, 100)


def fit_error_message(num_nodes: int, statuses: dict[str, Status], post_filter: str = "",
                      pre_filter: str = "") -> str:
    """``FitError.Error``: the PreFilter message or a sorted histogram of reasons, then the
    PostFilter message."""
    msg = f"0/{num_nodes} nodes are available:"
    if pre_filter:
        msg += f" {pre_filter}."
    else:
        reasons: Counter[str] = Counter()
        for st in statuses.values():
            for r in st.reasons:
                reasons[r] += 1
        hist = sorted(f"{n} {r}" for r, n in reasons.items())
        if hist:
            msg += f" {', '.join(hist)}."
    if post_filter:
        msg += f" {post_filter}"
    return msg


class Scheduler:
    def __init__(self, store: ObjectStore, *, filters: tuple[FilterPlugin, ...] = DEFAULT_FILTERS,
                 scores: tuple[ScorePlugin, ...] = DEFAULT_SCORES, percentage_of_nodes_to_score: int = 0) -> None:
        self.store = store
        self.clock = store.clock
        # plugins that need the store (the volume plugins) get a per-scheduler instance
        self.filters = tuple(f.for_scheduler(self) if hasattr(f, "for_scheduler") else f for f in filters)
        self.scores = scores
        self.percentage = percentage_of_nodes_to_score
        self.recorder = EventRecorder(store, SCHEDULER_NAME)
        self.nodes: dict[str, NodeInfo] = {}
        self._node_order: list[str] = []
        self._next_start = 0
        self._pod_node: dict[str, str] = {}  # pod uid -> node it is accounted on
        self._active: list[tuple[int, float, int, str]] = []
        self._queued: set[str] = set()
        self._seq = itertools.count()
        self._unschedulable: dict[str, float] = {}  # uid -> time it became unschedulable
        self._attempts: dict[str, int] = {}
        self._last_attempt: dict[str, float] = {}
        self._backoff_timers: dict[str, TimerHandle] = {}
        self._binding: dict[str, str] = {}  # uid -> node, while a PreBind waits (the pod is assumed there)
        self._cycle_scheduled = False
        self._flush_timer: TimerHandle | None = None
        self.diagnoses: dict[str, Diagnosis] = {}
        self.scheduled = 0
        self._unsub: list = []

    # ----------------------------------------------------------------- wiring
    def start(self) -> None:
        self._unsub.append(self.store.add_handler("Node", self._on_node))
        self._unsub.append(self.store.add_handler("Pod", self._on_pod))
        for node in self.store.list("Node"):
            self._on_node(WatchEvent("ADDED", node, None, 0))
        for pod in self.store.list("Pod"):
            self._on_pod(WatchEvent("ADDED", pod, None, 0))
        for kind in sorted({k for f in self.filters for k in getattr(f, "events", ())}):  # EventsToRegister
            self._unsub.append(self.store.add_handler(kind, lambda ev: self._move_all_to_active()))

    def stop(self) -> None:
        for u in self._unsub:
            u()

    def _on_node(self, ev: WatchEvent) -> None:
        name = name_of(ev.object)
        if ev.type == "DELETED":
            self.nodes.pop(name, None)
            self._node_order = sorted(self.nodes)
            return
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(ev.object)
            self._node_order = sorted(self.nodes)
        info.set_node(ev.object)
        self._move_all_to_active()

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        uid = uid_of(pod)
        node = pod.get("spec", {}).get("nodeName")
        gone = ev.type == "DELETED" or is_terminal(pod)
        # cache accounting for assigned pods
        prev = self._pod_node.get(uid)
        assumed = uid in self._binding and not node and not gone
        if prev is not None and (gone or prev != node) and not assumed:
            info = self.nodes.get(prev)
            if info is not None:
                info.remove_pod(uid)
            del self._pod_node[uid]
            self._move_all_to_active()
        if node and not gone:
            info = self.nodes.get(node)
            if info is not None:
                info.add_pod(PodInfo.of(pod))
                self._pod_node[uid] = node
        # queue for unassigned pods
        if ev.type == "DELETED" or node or pod["metadata"].get("deletionTimestamp"):
            self._forget(uid)
            return
        if pod.get("spec", {}).get("schedulerName", SCHEDULER_NAME) != SCHEDULER_NAME:
            return
        if (pod.get("spec", {}).get("schedulingGates")):
            return
        if uid in self._queued or uid in self._unschedulable or uid in self._backoff_timers or uid in self._binding:
            return
        self._push(pod)

    def _forget(self, uid: str) -> None:
        self._queued.discard(uid)
        self._unschedulable.pop(uid, None)
        self._attempts.pop(uid, None)
        self._last_attempt.pop(uid, None)
        self.diagnoses.pop(uid, None)
        self._binding.pop(uid, None)
        t = self._backoff_timers.pop(uid, None)
        if t is not None:
            t.cancel()

    # ------------------------------------------------------- read-only (UI)
    def diagnosis(self, pod_uid: str) -> Diagnosis | None:
        """Why the pod's last scheduling attempt failed; None once it is bound or gone."""
        return self.diagnoses.get(pod_uid)

    def assumed_node(self, pod_uid: str) -> str | None:
        """The node a pod is assumed on while its PreBind waits (volume provisioning/binding)."""
        return self._binding.get(pod_uid)

    # ------------------------------------------------------------------ queue
    def _push(self, pod: Obj) -> None:
        uid = uid_of(pod)
        prio = int(pod.get("spec", {}).get("priority", 0) or 0)
        heapq.heappush(self._active, (-prio, self.clock.now(), next(self._seq), uid))
        self._queued.add(uid)
        if not self._cycle_scheduled:
            self._cycle_scheduled = True
            self.clock.call_soon(self._run)

    def _backoff(self, uid: str) -> float:
        n = self._attempts.get(uid, 1)
        return min(MAX_BACKOFF, INITIAL_BACKOFF * 2 ** max(0, n - 1))

    def _move_all_to_active(self) -> None:
        if not self._unschedulable:
            return
        now = self.clock.now()
        for uid in list(self._unschedulable):
            del self._unschedulable[uid]
            ready_at = self._last_attempt.get(uid, now) + self._backoff(uid)
            self._requeue_at(uid, ready_at)

    def _requeue_at(self, uid: str, when: float) -> None:
        if uid in self._backoff_timers:
            return
        self._backoff_timers[uid] = self.clock.call_at(max(when, self.clock.now()), self._backoff_done, uid)

    def _backoff_done(self, uid: str) -> None:
        self._backoff_timers.pop(uid, None)
        pod = self.store.get_by_uid(uid)
        if pod is None or pod.get("spec", {}).get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            return
        if uid not in self._queued:
            self._push(pod)

    def _flush(self) -> None:
        self._flush_timer = None
        now = self.clock.now()
        for uid, since in list(self._unschedulable.items()):
            if now - since >= MAX_UNSCHEDULABLE:
                del self._unschedulable[uid]
                self._requeue_at(uid, now)
        self._arm_flush()

    def _arm_flush(self) -> None:
        if self._unschedulable and self._flush_timer is None:
            self._flush_timer = self.clock.call_later(FLUSH_PERIOD, self._flush)

    # ------------------------------------------------------------------ cycle
    def _run(self) -> None:
        self._cycle_scheduled = False
        done = 0
        while self._active and done < BATCH:
            _, _, _, uid = heapq.heappop(self._active)
            if uid not in self._queued:
                continue
            self._queued.discard(uid)
            pod = self.store.get_by_uid(uid)
            if pod is None or pod.get("spec", {}).get("nodeName") or pod["metadata"].get("deletionTimestamp"):
                continue
            self.schedule_one(pod)
            done += 1
        if self._active and not self._cycle_scheduled:
            self._cycle_scheduled = True
            self.clock.call_soon(self._run)

    def schedule_one(self, pod: Obj) -> str | None:
        """One scheduling cycle for ``pod``; returns the node it was bound to, if any."""
        uid = uid_of(pod)
        info = PodInfo.of(pod)
        self._attempts[uid] = self._attempts.get(uid, 0) + 1
        self._last_attempt[uid] = self.clock.now()
        for plugin in self.filters:  # PreFilter
            pre_filter = getattr(plugin, "pre_filter", None)
            rejected = pre_filter(info) if pre_filter is not None else None
            if rejected is not None:
                self._fail(pod, info, dict.fromkeys(self.nodes, rejected), pre_filter=", ".join(rejected.reasons))
                return None
        feasible, statuses = self._find_nodes_that_fit(info)
        if not feasible:
            self._fail(pod, info, statuses)
            return None
        node = self._select_host(info, feasible)
        for plugin in self.filters:  # Reserve + PreBind: a plugin waiting for volumes finishes the binding later
            reserve = getattr(plugin, "reserve", None)
            if reserve is not None and reserve(info, node.name):
                self._binding[uid] = node.name
                self.diagnoses.pop(uid, None)  # it fits now; what remains is waiting for its volumes
                node.add_pod(info)
                self._pod_node[uid] = node.name
                return node.name
        return self.bind(pod, node.name)

    def bind(self, pod: Obj, node_name: str) -> str | None:
        """The binding cycle's end: ``pods/binding`` and the Scheduled event."""
        try:
            self.store.bind(pod, node_name)
        except errors.ApiError:
            return None
        self.scheduled += 1
        self._forget(uid_of(pod))
        self.recorder.record(pod, NORMAL, "Scheduled",
                             f"Successfully assigned {namespace_of(pod)}/{name_of(pod)} to {node_name}")
        return node_name

    def finish_binding(self, uid: str, error: str = "") -> None:
        """A PreBind that waited is done: bind the assumed pod, or forget it and retry after back-off."""
        node_name = self._binding.pop(uid, None)
        pod = self.store.get_by_uid(uid)
        if node_name is None or pod is None or pod.get("spec", {}).get("nodeName"):
            return
        if not error and self.bind(pod, node_name) is not None:
            return
        if self._pod_node.get(uid) == node_name:
            del self._pod_node[uid]
            if node_name in self.nodes:
                self.nodes[node_name].remove_pod(uid)
        if error:
            self._fail(pod, PodInfo.of(pod), {}, error=error)

    def _find_nodes_that_fit(self, info: PodInfo) -> tuple[list[NodeInfo], dict[str, Status]]:
        order = self._node_order
        n = len(order)
        want = num_feasible_nodes_to_find(n, self.percentage)
        feasible: list[NodeInfo] = []
        statuses: dict[str, Status] = {}
        processed = 0
        for i in range(n):
            name = order[(self._next_start + i) % n]
            node = self.nodes[name]
            processed += 1
            status = self._run_filters(info, node)
            if status is None:
                feasible.append(node)
                if len(feasible) >= want:
                    break
            else:
                statuses[name] = status
        if n:
            self._next_start = (self._next_start + processed) % n
        return feasible, statuses

    def _run_filters(self, info: PodInfo, node: NodeInfo) -> Status | None:
        for plugin in self.filters:
            st = plugin.filter(info, node)
            if st is not None:
                return st
        return None

    def _select_host(self, info: PodInfo, feasible: list[NodeInfo]) -> NodeInfo:
        if len(feasible) == 1:
            return feasible[0]
        totals = [0] * len(feasible)
        for plugin in self.scores:
            raw = [plugin.score(info, node) for node in feasible]
            for i, s in enumerate(plugin.normalize(raw)):
                totals[i] += s * plugin.weight
        best = max(totals)
        winners = [node for node, t in zip(feasible, totals, strict=True) if t == best]
        return winners[0] if len(winners) == 1 else self.clock.rng.choice(winners)

    # ---------------------------------------------------------------- failure
    def _post_filter_message(self, info: PodInfo, statuses: dict[str, Status]) -> str:
        """DefaultPreemption's verdict when no victims can help (preemption itself: later)."""
        if info.pod.get("spec", {}).get("preemptionPolicy") == "Never":
            return "preemption: not eligible due to preemptionPolicy=Never."
        post: dict[str, Status] = {}
        for name, st in statuses.items():
            if st.code == UNRESOLVABLE:
                post[name] = Status(UNRESOLVABLE, ["Preemption is not helpful for scheduling"])
            else:
                post[name] = Status(st.code, ["No preemption victims found for incoming pod"])
        return "preemption: " + fit_error_message(len(self.nodes), post)

    def _fail(self, pod: Obj, info: PodInfo, statuses: dict[str, Status], pre_filter: str = "",
              error: str = "") -> None:
        uid = uid_of(pod)
        message = error or fit_error_message(len(self.nodes), statuses, self._post_filter_message(info, statuses),
                                             pre_filter)
        if not self.nodes and not error:
            message = "no nodes available to schedule pods"
        self.diagnoses[uid] = Diagnosis(self.clock.now(), message, {n: s.reasons for n, s in statuses.items()},
                                        {n: s.plugin for n, s in statuses.items()})
        # park the pod first: the status write below echoes back through _on_pod
        if error:  # an error (not a fit failure) goes straight to the back-off queue
            self._requeue_at(uid, self.clock.now() + self._backoff(uid))
        else:
            self._unschedulable[uid] = self.clock.now()
            self._arm_flush()
        self.recorder.record(pod, WARNING, "FailedScheduling", message)
        cur = self.store.get_by_uid(uid)
        if cur is not None:
            new = copy_obj(cur)
            status = new.setdefault("status", {})
            conds = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
            old = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
            conds.insert(0, {
                "type": "PodScheduled", "status": "False", "lastProbeTime": None,
                "lastTransitionTime": old["lastTransitionTime"] if old and old.get("status") == "False"
                else format_time(self.clock.now()),
                "reason": "SchedulerError" if error else "Unschedulable", "message": message,
            })
            status["conditions"] = conds
            try:
                self.store.update_status(new)
            except errors.ApiError:
                pass
