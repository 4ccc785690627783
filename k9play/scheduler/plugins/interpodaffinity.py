"""InterPodAffinity: required pod affinity/anti-affinity as a filter, preferred terms (and
the symmetric terms of pods already placed) as a score.

Port of ``pkg/scheduler/framework/plugins/interpodaffinity`` (v1.34, ``filtering.go`` and
``scoring.go``): PreFilter counts, per topology pair (``topologyKey``, node label value),
the existing pods matching the incoming pod's terms and the existing pods whose
anti-affinity terms match the incoming pod; Filter reads those counts per node. A
``namespaceSelector`` of the incoming pod is resolved against the namespaces once (then it
selects nothing more); ``hardPodAffinityWeight`` is 1 and preferred terms of existing pods
count too (``ignorePreferredTermsOfExistingPods: false``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api.meta import labels_of, name_of
from k9play.scheduler.nodeinfo import AffinityTerm, NodeInfo, PodInfo
from k9play.scheduler.plugins.base import (
    MAX_SCORE,
    NODE_ADD,
    NODE_LABEL,
    POD_ADD,
    POD_DELETE,
    POD_LABEL,
    POD_UPDATE,
    SKIP,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    FilterPlugin,
    ScorePlugin,
    Status,
)

if TYPE_CHECKING:
    from k9play.scheduler.scheduler import Scheduler

ERR_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1
KEY = "InterPodAffinity"

Pair = tuple[str, str]


class _State:
    """``preFilterState``: the three topology-pair counters and the pod's namespace labels."""

    __slots__ = ("affinity", "anti", "existing_anti", "ns_labels")

    def __init__(self, ns_labels: dict[str, str]) -> None:
        self.ns_labels = ns_labels
        self.existing_anti: dict[Pair, int] = {}
        self.affinity: dict[Pair, int] = {}
        self.anti: dict[Pair, int] = {}

    def clone(self) -> _State:
        c = _State(self.ns_labels)
        c.existing_anti, c.affinity, c.anti = dict(self.existing_anti), dict(self.affinity), dict(self.anti)
        return c


def _bump(counts: dict[Pair, int], node: NodeInfo, key: str, by: int) -> None:
    value = node.labels.get(key)
    if value is None:
        return
    pair = (key, value)
    n = counts.get(pair, 0) + by
    if n:
        counts[pair] = n
    else:
        counts.pop(pair, None)


def matches_all(terms: list[AffinityTerm], pod: PodInfo) -> bool:
    """``podMatchesAllAffinityTerms`` (the incoming pod's namespace selectors are merged)."""
    return bool(terms) and all(t.matches(pod.namespace, pod.labels, {}) for t in terms)


class InterPodAffinity(FilterPlugin):
    name = "InterPodAffinity"
    events = frozenset({POD_ADD, POD_LABEL, POD_DELETE, NODE_ADD, NODE_LABEL, POD_UPDATE})

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler

    def for_scheduler(self, scheduler: Scheduler) -> InterPodAffinity:
        return type(self)(scheduler)

    # ------------------------------------------------------------ namespaces
    def namespace_labels(self, namespace: str) -> dict[str, str]:
        if self.scheduler is None:
            return {}
        ns = self.scheduler.store.try_get("Namespace", namespace)
        return labels_of(ns) if ns is not None else {}

    def merge_namespaces(self, term: AffinityTerm) -> None:
        """``mergeAffinityTermNamespacesIfNotEmpty``."""
        sel = term.namespace_selector
        if sel.empty or sel.nothing:
            return
        if self.scheduler is not None:
            for ns in self.scheduler.store.list("Namespace"):
                if sel.matches(labels_of(ns)):
                    term.namespaces.add(name_of(ns))
        from k9play.api.selectors import NOTHING

        term.namespace_selector = NOTHING

    # ------------------------------------------------------------- PreFilter
    def pre_filter(self, pod: PodInfo) -> Status | None:
        for t in pod.required_affinity + pod.required_anti_affinity:
            self.merge_namespaces(t)
        sched = self.scheduler
        if sched is None or (not sched.anti_affinity_nodes and not pod.required_affinity and
                             not pod.required_anti_affinity):
            return SKIP
        st = _State(self.namespace_labels(pod.namespace))
        for node in sched.anti_affinity_nodes.values():
            for other in node.with_anti_affinity.values():
                self._count_existing(st, pod, other, node, 1)
        if not st.existing_anti and not pod.required_affinity and not pod.required_anti_affinity:
            return SKIP
        if pod.required_affinity or pod.required_anti_affinity:
            for node in sched.nodes.values():
                for other in node.pods.values():
                    self._count_incoming(st, pod, other, node, 1)
        pod.cycle[KEY] = st
        return None

    @staticmethod
    def _count_existing(st: _State, pod: PodInfo, other: PodInfo, node: NodeInfo, by: int) -> None:
        for t in other.required_anti_affinity:
            if t.matches(pod.namespace, pod.labels, st.ns_labels):
                _bump(st.existing_anti, node, t.topology_key, by)

    @staticmethod
    def _count_incoming(st: _State, pod: PodInfo, other: PodInfo, node: NodeInfo, by: int) -> None:
        if matches_all(pod.required_affinity, other):
            for t in pod.required_affinity:
                _bump(st.affinity, node, t.topology_key, by)
        for t in pod.required_anti_affinity:
            if t.matches(other.namespace, other.labels, {}):
                _bump(st.anti, node, t.topology_key, by)

    def add_pod(self, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        st = pod.cycle.get(KEY)
        if st is not None:
            self._count_existing(st, pod, added, node, 1)
            self._count_incoming(st, pod, added, node, 1)

    def remove_pod(self, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        st = pod.cycle.get(KEY)
        if st is not None:
            self._count_existing(st, pod, removed, node, -1)
            self._count_incoming(st, pod, removed, node, -1)

    # ---------------------------------------------------------------- Filter
    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        st: _State = pod.cycle[KEY]
        if not self._affinity_ok(st, pod, node):
            return self.reject(UNRESOLVABLE, ERR_AFFINITY)
        if st.anti:
            for t in pod.required_anti_affinity:
                value = node.labels.get(t.topology_key)
                if value is not None and st.anti.get((t.topology_key, value), 0) > 0:
                    return self.reject(UNSCHEDULABLE, ERR_ANTI_AFFINITY)
        if st.existing_anti:
            for pair in node.labels.items():
                if st.existing_anti.get(pair, 0) > 0:
                    return self.reject(UNSCHEDULABLE, ERR_EXISTING_ANTI_AFFINITY)
        return None

    @staticmethod
    def _affinity_ok(st: _State, pod: PodInfo, node: NodeInfo) -> bool:
        """``satisfyPodAffinity``: every topology key on the node and matching pods in each
        domain — or no matching pod anywhere and the pod matches its own terms (the first
        pod of a group that has affinity to itself)."""
        pods_exist = True
        for t in pod.required_affinity:
            value = node.labels.get(t.topology_key)
            if value is None:
                return False
            if st.affinity.get((t.topology_key, value), 0) <= 0:
                pods_exist = False
        if not pods_exist:
            return not st.affinity and matches_all(pod.required_affinity, pod)
        return True


class InterPodAffinityScore(ScorePlugin):
    """Preferred (anti-)affinity of the incoming pod, the existing pods' required affinity
    (weight 1) and their preferred terms, summed per topology domain; min-max normalised."""

    name = "InterPodAffinity"
    weight = 2

    def __init__(self, plugin: InterPodAffinity | None = None) -> None:
        self.plugin = plugin or InterPodAffinity()

    def for_scheduler(self, scheduler: Scheduler) -> InterPodAffinityScore:
        return type(self)(InterPodAffinity(scheduler))

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        sched = self.plugin.scheduler
        has_constraints = bool(pod.preferred_affinity_terms or pod.preferred_anti_terms)
        if sched is None or (not has_constraints and not sched.affinity_nodes):
            return False
        for _, t in pod.preferred_affinity_terms + pod.preferred_anti_terms:
            self.plugin.merge_namespaces(t)
        ns_labels = self.plugin.namespace_labels(pod.namespace)
        topo: dict[str, dict[str, int]] = {}
        for node in (sched.nodes if has_constraints else sched.affinity_nodes).values():
            if not node.labels:
                continue
            others = node.pods if has_constraints else node.with_affinity
            for other in others.values():
                self._process(topo, pod, other, node, ns_labels)
        if not topo:
            return False
        pod.cycle["PreScore" + KEY] = topo
        return True

    @staticmethod
    def _process(topo: dict[str, dict[str, int]], pod: PodInfo, other: PodInfo, node: NodeInfo,
                 ns_labels: dict[str, str]) -> None:
        """``processExistingPod``."""

        def add(term: AffinityTerm, weight: int, ns: str, labels: dict[str, str], nsl: dict[str, str]) -> None:
            value = node.labels.get(term.topology_key)
            if value is not None and term.matches(ns, labels, nsl):
                by_value = topo.setdefault(term.topology_key, {})
                by_value[value] = by_value.get(value, 0) + weight

        for w, t in pod.preferred_affinity_terms:
            add(t, w, other.namespace, other.labels, {})
        for w, t in pod.preferred_anti_terms:
            add(t, -w, other.namespace, other.labels, {})
        for t in other.required_affinity:
            add(t, HARD_POD_AFFINITY_WEIGHT, pod.namespace, pod.labels, ns_labels)
        for w, t in other.preferred_affinity_terms:
            add(t, w, pod.namespace, pod.labels, ns_labels)
        for w, t in other.preferred_anti_terms:
            add(t, -w, pod.namespace, pod.labels, ns_labels)

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        topo: dict[str, dict[str, int]] = pod.cycle["PreScore" + KEY]
        total = 0
        for key, by_value in topo.items():
            value = node.labels.get(key)
            if value is not None:
                total += by_value.get(value, 0)
        return total

    def normalize(self, pod: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> list[int]:
        lo, hi = min(scores, default=0), max(scores, default=0)
        if hi - lo <= 0:
            return [0] * len(scores)
        return [int(MAX_SCORE * ((s - lo) / (hi - lo))) for s in scores]
