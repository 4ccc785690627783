"""The simulated kube-scheduler: queue → PreFilter/Filter → PostFilter → Score → bind.

* **Queue**: :mod:`k9play.scheduler.queue` — priority order, back-off, unschedulable pods
  moved on by the cluster events their rejecting plugins registered for.
* **Cycle** (``schedule_one.go``): PreFilter (a plugin may reject everywhere, skip itself,
  or — NodeAffinity's ``matchFields`` on the node name — narrow the nodes), Filter over the
  nodes round-robin until ``numFeasibleNodesToFind`` fit (a pod's nominated node first),
  with nominated pods of equal or higher priority counted where they were nominated;
  PreScore/Score/NormalizeScore × weight; the best total wins, ties broken by the clock's
  seeded RNG; Reserve/PreBind (volumes); ``pods/binding`` and the ``Scheduled`` event.
* **Failure**: DefaultPreemption (:mod:`k9play.scheduler.preemption`) may nominate a node
  and evict victims; then ``FailedScheduling`` with kube-scheduler's exact ``FitError``
  message and ``PodScheduled=False``. The per-node reasons (and plugins) of the last attempt
  are kept while the pod is unschedulable (:meth:`Scheduler.diagnosis`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING, EventRecorder
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of, uid_of
from k9play.api.pods import is_terminal
from k9play.api.store import WatchEvent
from k9play.scheduler import preemption
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
from k9play.scheduler.plugins import (
    DEFAULT_FILTERS,
    DEFAULT_SCORES,
    NODE_ADD,
    NODE_ALLOCATABLE,
    NODE_DELETE,
    NODE_LABEL,
    NODE_TAINT,
    POD_ADD,
    POD_DELETE,
    POD_LABEL,
    SKIP,
    UNRESOLVABLE,
    FilterPlugin,
    ImageLocality,
    ScorePlugin,
    Status,
)
from k9play.scheduler.queue import SchedulingQueue

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

SCHEDULER_NAME = "default-scheduler"
#: pods scheduled per clock callback, so a real-time UI keeps breathing during a burst
BATCH = 256
#: the filter plugins whose checks the fast path below performs itself
_FAST_FILTERS = frozenset({"NodeUnschedulable", "TaintToleration", "NodeResourcesFit"})


@dataclass
class Diagnosis:
    """Why a pod did not fit, node by node (the last attempt)."""

    time: float
    message: str
    node_reasons: dict[str, list[str]]
    #: the filter (or PreFilter) plugin that rejected each node
    node_plugins: dict[str, str] = field(default_factory=dict)


def num_feasible_nodes_to_find(num_nodes: int, percentage: int = 0) -> int:
    """``numFeasibleNodesToFind`` (pkg/scheduler/schedule_one.go): all nodes below 100;
    else ``percentageOfNodesToScore`` or adaptively 50 − nodes/125 percent (at least 5 %),
    and never fewer than 100 nodes."""
    if num_nodes < 100 or percentage >= 100:
        return num_nodes
    pct = percentage
    if pct == 0:
        pct = max(5, 50 - num_nodes // 125)
    return max(num_nodes * pct // 100, 100)


def fit_error_message(num_nodes: int, statuses: dict[str, Status], post_filter: str = "",
                      pre_filter: str = "", absent: Status | None = None) -> str:
    """``FitError.Error``: the PreFilter message or a histogram of reasons sorted as strings
    (nodes without a status count with ``absent``'s reasons), then the PostFilter message."""
    msg = f"0/{num_nodes} nodes are available:"
    if pre_filter:
        msg += f" {pre_filter}."
    else:
        reasons: Counter[str] = Counter()
        for st in statuses.values():
            for r in st.reasons:
                reasons[r] += 1
        if absent is not None and len(statuses) < num_nodes:
            for r in absent.reasons:
                reasons[r] += num_nodes - len(statuses)
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
        # plugins that need the store get a per-scheduler instance
        self.filters = tuple(f.for_scheduler(self) if hasattr(f, "for_scheduler") else f for f in filters)
        self.scores = tuple(s.for_scheduler(self) if hasattr(s, "for_scheduler") else s for s in scores)
        self.percentage = percentage_of_nodes_to_score
        self.recorder = EventRecorder(store, SCHEDULER_NAME)
        self.nodes: dict[str, NodeInfo] = {}
        self._node_list: list[NodeInfo] = []
        self._position: dict[str, int] = {}
        #: nodes with pods that have (anti-)affinity terms / required anti-affinity (``HavePodsWith…List``)
        self.affinity_nodes: dict[str, NodeInfo] = {}
        self.anti_affinity_nodes: dict[str, NodeInfo] = {}
        self._next_start = 0
        self._pod_node: dict[str, str] = {}  # pod uid -> node it is accounted on
        self.queue = SchedulingQueue(self.clock, self._wake)
        self._binding: dict[str, str] = {}  # uid -> node, while a PreBind waits (the pod is assumed there)
        self._bound_info: PodInfo | None = None  # the PodInfo of the pod being bound, reused by the echo
        #: node → {uid: PodInfo} of pods nominated there by preemption, and uid → node
        self.nominated: dict[str, dict[str, PodInfo]] = {}
        self._nominated_of: dict[str, str] = {}
        #: images → number of nodes reporting them (ImageLocality's spread)
        self._image_nodes: Counter[str] = Counter()
        self._image_locality = next((s for s in self.scores if isinstance(s, ImageLocality)), None)
        if self._image_locality is not None:
            self._image_locality.spread = self._image_nodes
        self._interest: dict[str, frozenset[str]] = {}
        for f in self.filters:
            for ev in getattr(f, "events", ()):
                self._interest[ev] = self._interest.get(ev, frozenset()) | {f.name}
        self._cycle_scheduled = False
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
        for kind in sorted({k for f in self.filters for k in getattr(f, "watch_kinds", ())}):  # EventsToRegister
            self._unsub.append(self.store.add_handler(kind, lambda ev, k=kind: self._event(f"{k}/Any")))

    def stop(self) -> None:
        for u in self._unsub:
            u()

    def _event(self, event: str) -> None:
        self.queue.on_event(event, lambda e: self._interest.get(e, frozenset()))

    def _on_node(self, ev: WatchEvent) -> None:
        node = ev.object
        name = name_of(node)
        info = self.nodes.get(name)
        if ev.type == "DELETED":
            if info is not None:
                self._set_images(info, {}, info.images)
                del self.nodes[name]
                self.affinity_nodes.pop(name, None)
                self.anti_affinity_nodes.pop(name, None)
                self._nodes_changed()
                self._event(NODE_DELETE)
            return
        if info is None:
            info = self.nodes[name] = NodeInfo(node)
            self._nodes_changed()
            self._set_images(info, info.images)
            self._event(NODE_ADD)
            return
        old_labels, old_taints, old_unsched = info.labels, info.taints, info.unschedulable
        old_alloc = (info.alloc_cpu, info.alloc_memory, info.alloc_pods, info.alloc_ephemeral, info.alloc_extended)
        old_images = info.images
        info.set_node(node)
        if info.images != old_images:
            self._set_images(info, info.images, old_images)
        if info.labels != old_labels:
            self._event(NODE_LABEL)
        if info.taints != old_taints or info.unschedulable != old_unsched:
            self._event(NODE_TAINT)
        if (info.alloc_cpu, info.alloc_memory, info.alloc_pods, info.alloc_ephemeral, info.alloc_extended) != old_alloc:
            self._event(NODE_ALLOCATABLE)

    def _nodes_changed(self) -> None:
        self._node_list = [self.nodes[n] for n in sorted(self.nodes)]
        self._position = {node.name: i for i, node in enumerate(self._node_list)}
        if self._image_locality is not None:
            self._image_locality.total_nodes = len(self.nodes)

    def _set_images(self, info: NodeInfo, new: dict[str, int], old: dict[str, int] | None = None) -> None:
        for image in old or {}:
            self._image_nodes[image] -= 1
            if not self._image_nodes[image]:
                del self._image_nodes[image]
        for image in new:
            self._image_nodes[image] += 1

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        uid = uid_of(pod)
        spec = pod.get("spec") or {}
        node = spec.get("nodeName")
        gone = ev.type == "DELETED" or is_terminal(pod)
        prev = self._pod_node.get(uid)
        assumed = uid in self._binding and not node and not gone
        if prev is not None and (gone or prev != node) and not assumed:
            info = self.nodes.get(prev)
            if info is not None:
                info.remove_pod(uid)
                self._track(info)
            del self._pod_node[uid]
            self._event(POD_DELETE)
        if node and not gone:
            self._account(ev, uid, node, prev)
        if ev.type == "DELETED" or gone:
            self._unnominate(uid)
        # the queue, for pods not yet assigned
        if ev.type == "DELETED" or node or pod["metadata"].get("deletionTimestamp"):
            self._forget(uid)
            return
        if spec.get("schedulerName", SCHEDULER_NAME) != SCHEDULER_NAME or spec.get("schedulingGates"):
            return
        prio = int(spec.get("priority", 0) or 0)
        if uid in self._binding:
            return
        if self.queue.knows(uid):
            if ev.old is not None and _pod_changed(ev.old, pod):
                self.queue.update(uid, prio)
            return
        self.queue.add(uid, prio)

    def _account(self, ev: WatchEvent, uid: str, node: str, prev: str | None) -> None:
        """Keep the node's aggregates: a status write changes nothing the scheduler counts."""
        info = self.nodes.get(node)
        if info is None:
            return
        pod, old = ev.object, ev.old
        if prev == node and old is not None and old.get("spec") is pod.get("spec") and \
                old["metadata"].get("labels") == pod["metadata"].get("labels") and \
                old["metadata"].get("deletionTimestamp") == pod["metadata"].get("deletionTimestamp"):
            existing = info.pods.get(uid)
            if existing is not None:
                existing.pod = pod
                return
        bound = self._bound_info
        if bound is not None and bound.uid == uid and not bound.has_affinity:
            pinfo, self._bound_info = bound, None
            pinfo.pod, pinfo.node_name, pinfo.cycle = pod, node, {}
        else:
            pinfo = PodInfo(pod)
        labels_changed = prev == node and old is not None and \
            old["metadata"].get("labels") != pod["metadata"].get("labels")
        info.add_pod(pinfo)
        self._track(info)
        self._pod_node[uid] = node
        if prev is None:
            self._event(POD_ADD)
        elif labels_changed:
            self._event(POD_LABEL)

    def _track(self, info: NodeInfo) -> None:
        for index, pods in ((self.affinity_nodes, info.with_affinity), (self.anti_affinity_nodes,
                                                                          info.with_anti_affinity)):
            if pods:
                index[info.name] = info
            else:
                index.pop(info.name, None)

    def _forget(self, uid: str) -> None:
        self.queue.forget(uid)
        self.diagnoses.pop(uid, None)
        self._binding.pop(uid, None)

    # ------------------------------------------------------- read-only (UI)
    def diagnosis(self, pod_uid: str) -> Diagnosis | None:
        """Why the pod's last scheduling attempt failed; None once it is bound or gone."""
        return self.diagnoses.get(pod_uid)

    def assumed_node(self, pod_uid: str) -> str | None:
        """The node a pod is assumed on while its PreBind waits (volume provisioning/binding)."""
        return self._binding.get(pod_uid)

    # --------------------------------------------------------- nominated pods
    def nominate(self, info: PodInfo, node: str) -> None:
        self._unnominate(info.uid)
        if node:
            self.nominated.setdefault(node, {})[info.uid] = info
            self._nominated_of[info.uid] = node

    def _unnominate(self, uid: str) -> None:
        node = self._nominated_of.pop(uid, None)
        if node is not None:
            pods = self.nominated.get(node, {})
            pods.pop(uid, None)
            if not pods:
                self.nominated.pop(node, None)

    # ------------------------------------------------------------------ cycle
    def _wake(self) -> None:
        if not self._cycle_scheduled:
            self._cycle_scheduled = True
            self.clock.call_soon(self._run)

    def _run(self) -> None:
        self._cycle_scheduled = False
        done = 0
        get = self.store.get_by_uid
        while done < BATCH:
            uid = self.queue.pop()
            if uid is None:
                break
            pod = get(uid)
            if pod is None or pod.get("spec", {}).get("nodeName") or pod["metadata"].get("deletionTimestamp"):
                continue
            self.schedule_one(pod)
            done += 1
        if self.queue.pending_active():
            self._wake()

    def schedule_one(self, pod: Obj) -> str | None:
        """One scheduling cycle for ``pod``; returns the node it was bound to, if any."""
        uid = uid_of(pod)
        info = PodInfo(pod)
        self.queue.attempted(uid)
        filters = []
        for plugin in self.filters:  # PreFilter
            st = plugin.pre_filter(info)
            if st is SKIP:
                continue
            if st is not None:
                statuses = dict.fromkeys(self.nodes, st)
                self._fail(pod, info, statuses, pre_filter=", ".join(st.reasons))
                return None
            filters.append(plugin)
        info.cycle["filters"] = filters
        feasible, statuses, absent = self._find_nodes_that_fit(info, filters)
        if not feasible:
            self._fail(pod, info, statuses, absent=absent)
            return None
        node = self._select_host(info, feasible)
        for plugin in self.filters:  # Reserve + PreBind: a plugin waiting for volumes finishes the binding later
            reserve = getattr(plugin, "reserve", None)
            if reserve is not None and reserve(info, node.name):
                self._binding[uid] = node.name
                self.diagnoses.pop(uid, None)  # it fits now; what remains is waiting for its volumes
                node.add_pod(info)
                self._track(node)
                self._pod_node[uid] = node.name
                return node.name
        self._bound_info = info
        return self.bind(pod, node.name)

    def bind(self, pod: Obj, node_name: str) -> str | None:
        """The binding cycle's end: ``pods/binding`` and the Scheduled event."""
        try:
            self.store.bind(pod, node_name)
        except errors.ApiError:
            self._bound_info = None
            return None
        self._bound_info = None
        self.scheduled += 1
        self._forget(uid_of(pod))
        self._unnominate(uid_of(pod))
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
                self._track(self.nodes[node_name])
        if error:
            self._fail(pod, PodInfo(pod), {}, error=error)

    # ---------------------------------------------------------------- Filter
    def _find_nodes_that_fit(self, info: PodInfo, filters: list[FilterPlugin]
                             ) -> tuple[list[NodeInfo], dict[str, Status], Status | None]:
        nodes = self._node_list
        absent: Status | None = None
        wanted: set[str] | None = info.cycle.get("PreFilterResult")
        if wanted is not None:  # a PreFilter narrowed the nodes (``PreFilterResult.NodeNames``)
            nodes = [n for n in nodes if n.name in wanted]
            absent = Status(UNRESOLVABLE, [f"node(s) didn't satisfy plugin(s) [{info.cycle['PreFilterPlugins']}]"])
        statuses: dict[str, Status] = {}
        nominated_node = ((info.pod.get("status") or {}).get("nominatedNodeName") or "")
        if nominated_node and nominated_node in self.nodes:  # ``evaluateNominatedNode``
            node = self.nodes[nominated_node]
            st = self._run_filters(info, node, filters)
            if st is None:
                return [node], statuses, absent
        n = len(nodes)
        if not n:
            return [], statuses, absent
        want = num_feasible_nodes_to_find(n, self.percentage)
        start = self._next_start % n
        run = self._run_filters
        feasible: list[NodeInfo] = []
        append = feasible.append
        fast = _FAST_FILTERS.issuperset(f.name for f in filters) and not info.extended and not self.nominated
        # the fast path accepts a node every active check would accept; the plugins themselves
        # run for any other node (and say why it does not fit)
        cpu, mem = info.cpu, info.memory
        for node in chain(islice(nodes, start, None), islice(nodes, start)):
            if fast and node.clean and node.free_pods > 0 and node.free_cpu >= cpu and node.free_memory >= mem:
                append(node)
            else:
                st = run(info, node, filters)
                if st is not None:
                    statuses[node.name] = st
                    continue
                append(node)
            if len(feasible) == want:
                break
        if len(feasible) < want:
            processed = n
        else:
            processed = (self._position[feasible[-1].name] - start) % n + 1
        self._next_start = (self._next_start + processed) % max(1, len(self._node_list))
        return feasible, statuses, absent

    def _run_filters(self, info: PodInfo, node: NodeInfo, filters: list[FilterPlugin]) -> Status | None:
        """``RunFilterPluginsWithNominatedPods``: with the pods nominated here that outrank or
        equal the pod counted in, then (if that passed) without them."""
        nominated = self.nominated.get(node.name)
        if nominated:
            others = [p for u, p in nominated.items() if u != info.uid and p.priority >= info.priority]
            if others:
                clone, saved = node.clone(), info.cycle
                info.cycle = preemption.clone_cycle(saved)
                try:
                    for p in others:
                        clone.add_pod(p)
                        for f in filters:
                            f.add_pod(info, p, clone)
                    st = self._filters_on(info, clone, filters)
                finally:
                    info.cycle = saved
                if st is not None:
                    return st
        return self._filters_on(info, node, filters)

    @staticmethod
    def _filters_on(info: PodInfo, node: NodeInfo, filters: list[FilterPlugin]) -> Status | None:
        for plugin in filters:
            st = plugin.filter(info, node)
            if st is not None:
                return st
        return None

    # ----------------------------------------------------------------- Score
    def _select_host(self, info: PodInfo, feasible: list[NodeInfo]) -> NodeInfo:
        if len(feasible) == 1:
            return feasible[0]
        active = [plugin for plugin in self.scores if plugin.pre_score(info, feasible)]
        if active and all(plugin.keyed for plugin in active):
            # only resource scores: nodes with the same resource_key total alike, so each
            # distinct key is scored once (the same totals, winners and tie-break as below)
            keys = [node.resource_key for node in feasible]
            table = {k: sum(p.score_key(info, k) * p.weight for p in active) for k in set(keys)}
            best = max(table.values())
            winners = [node for node, k in zip(feasible, keys, strict=True) if table[k] == best]
            return winners[0] if len(winners) == 1 else self.store.rng_for(info.pod).choice(winners)
        totals: list[int] | None = None
        for plugin in active:
            scores = plugin.normalize(info, plugin.score_all(info, feasible), feasible)
            w = plugin.weight
            if totals is None:
                totals = [s * w for s in scores] if w != 1 else list(scores)
            else:
                totals = [t + s * w for t, s in zip(totals, scores, strict=True)]
        if totals is None:
            return self.store.rng_for(info.pod).choice(feasible)
        best = max(totals)
        winners = [node for node, t in zip(feasible, totals, strict=True) if t == best]
        return winners[0] if len(winners) == 1 else self.store.rng_for(info.pod).choice(winners)

    # ---------------------------------------------------------------- failure
    def _fail(self, pod: Obj, info: PodInfo, statuses: dict[str, Status], pre_filter: str = "",
              error: str = "", absent: Status | None = None) -> None:
        uid = uid_of(pod)
        nominated: str | None = None
        if error:
            message = error
        elif not self.nodes:
            message = "no nodes available to schedule pods"
        else:
            nominated, post = preemption.post_filter(self, info, statuses, absent)
            message = fit_error_message(len(self.nodes), statuses, post, pre_filter, absent)
        self.diagnoses[uid] = Diagnosis(self.clock.now(), message, {n: s.reasons for n, s in statuses.items()},
                                        {n: s.plugin for n, s in statuses.items()})
        # park the pod first: the status write below echoes back through _on_pod
        if error:  # an error (not a fit failure) goes straight to the back-off queue
            self.queue.add_backoff(uid, info.priority)
        else:
            rejected = frozenset(s.plugin for s in statuses.values() if s.plugin)
            if absent is not None:
                rejected |= {"NodeAffinity"}
            self.queue.add_unschedulable(uid, rejected, info.priority)
        self.recorder.record(pod, WARNING, "FailedScheduling", message)
        cur = self.store.get_by_uid(uid)
        if cur is None:
            return
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
        if nominated is not None:  # PostFilter's verdict: the node to wait for, or none any more
            if nominated:
                status["nominatedNodeName"] = nominated
                self.nominate(info, nominated)
            else:
                status.pop("nominatedNodeName", None)
                self._unnominate(uid)
        try:
            self.store.update_status(new)
        except errors.ApiError:
            pass


def _pod_changed(old: Obj, new: Obj) -> bool:
    """``isPodUpdated`` for a pending pod: anything but status and resourceVersion."""
    if old.get("spec") != new.get("spec"):
        return True
    om, nm = old.get("metadata") or {}, new.get("metadata") or {}
    return om.get("labels") != nm.get("labels") or om.get("annotations") != nm.get("annotations")


__all__ = ["SCHEDULER_NAME", "Diagnosis", "Scheduler", "fit_error_message", "num_feasible_nodes_to_find"]
