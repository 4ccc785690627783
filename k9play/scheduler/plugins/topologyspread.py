"""PodTopologySpread: ``DoNotSchedule`` constraints as a filter, ``ScheduleAnyway`` ones (and
the cluster-level system defaults) as a score.

Port of ``pkg/scheduler/framework/plugins/podtopologyspread`` (v1.34, ``common.go``,
``filtering.go``, ``scoring.go``):

* a constraint counts, per domain (value of ``topologyKey``), the pods in the pod's namespace
  matching its ``labelSelector`` (with ``matchLabelKeys`` merged), not terminating, on nodes
  that have every constraint's topology key and pass the inclusion policies —
  ``nodeAffinityPolicy: Honor`` (the pod's nodeSelector/required node affinity) and
  ``nodeTaintsPolicy: Ignore`` by default;
* Filter: ``count(domain) + self-match − global minimum > maxSkew`` rejects the node; the
  global minimum is 0 while fewer than ``minDomains`` domains exist; a node without the
  topology key is rejected as unresolvable;
* Score: ``count × log(domains + 2) + (maxSkew − 1)`` per constraint, then
  ``100 × (max + min − s) / max``; pods without constraints get the system defaults
  (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over the selector of the Services,
  ReplicationController, ReplicaSet or StatefulSet that select them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from k9play.api.meta import controller_ref
from k9play.api.scheduling import pod_matches_node_selector_and_affinity, untolerated_taint
from k9play.api.selectors import LabelSelector, Requirement, SelectorError, selector_from_labels, selector_from_spec
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
from k9play.scheduler.plugins.base import (
    MAX_SCORE,
    NODE_ADD,
    NODE_DELETE,
    NODE_LABEL,
    NODE_TAINT,
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
    from k9play.api.store import ObjectStore
    from k9play.scheduler.scheduler import Scheduler

ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
ERR_NODE_LABEL = ERR_CONSTRAINTS + " (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
#: ``systemDefaultConstraints`` (``defaultingType: System``)
SYSTEM_DEFAULTS = ((HOSTNAME, 3), (ZONE, 5))
KEY = "PodTopologySpread"


class Constraint:
    __slots__ = ("affinity_policy", "max_skew", "min_domains", "selector", "taints_policy", "topology_key")

    def __init__(self, max_skew: int, topology_key: str, selector: LabelSelector, min_domains: int = 1,
                 affinity_policy: str = "Honor", taints_policy: str = "Ignore") -> None:
        self.max_skew, self.topology_key, self.selector = max_skew, topology_key, selector
        self.min_domains, self.affinity_policy, self.taints_policy = min_domains, affinity_policy, taints_policy

    def includes(self, pod: PodInfo, node: NodeInfo) -> bool:
        """``matchNodeInclusionPolicies``."""
        if self.affinity_policy == "Honor" and pod.node_affinity and \
                not pod_matches_node_selector_and_affinity(pod.pod, node.node):
            return False
        return not (self.taints_policy == "Honor" and node.taints and
                    untolerated_taint(node.taints, pod.tolerations, ("NoSchedule", "NoExecute")) is not None)


def pod_constraints(pod: PodInfo, action: str) -> list[Constraint]:
    """``filterTopologySpreadConstraints``: the pod's constraints for ``DoNotSchedule`` or
    ``ScheduleAnyway``, ``matchLabelKeys`` merged into the selector."""
    out = []
    for c in (pod.pod.get("spec") or {}).get("topologySpreadConstraints") or []:
        if c.get("whenUnsatisfiable", "DoNotSchedule") != action:
            continue
        try:
            sel = selector_from_spec(c.get("labelSelector"))
        except SelectorError:
            continue
        extra = [Requirement(k, "in", (pod.labels[k],)) for k in c.get("matchLabelKeys") or [] if k in pod.labels]
        if extra and not sel.nothing:
            sel = LabelSelector((*sel.requirements, *extra))
        out.append(Constraint(int(c.get("maxSkew", 1)), c.get("topologyKey", ""), sel,
                              int(c.get("minDomains") or 1), c.get("nodeAffinityPolicy") or "Honor",
                              c.get("nodeTaintsPolicy") or "Ignore"))
    return out


def default_selector(store: ObjectStore, pod: PodInfo) -> LabelSelector:
    """``helper.DefaultSelector``: the Services selecting the pod, then its controller's selector."""
    label_set: dict[str, str] = {}
    for svc in store.list("Service", pod.namespace):
        sel = (svc.get("spec") or {}).get("selector") or {}
        if sel and all(pod.labels.get(k) == v for k, v in sel.items()):
            label_set.update(sel)
    selector = selector_from_labels(label_set) if label_set else LabelSelector()
    owner = controller_ref(pod.pod)
    if owner is None:
        return selector
    kind, api = owner.get("kind"), owner.get("apiVersion")
    obj = store.try_get(kind, owner.get("name", ""), pod.namespace) if (kind, api) in (
        ("ReplicationController", "v1"), ("ReplicaSet", "apps/v1"), ("StatefulSet", "apps/v1")) else None
    if obj is None:
        return selector
    spec_sel = (obj.get("spec") or {}).get("selector")
    if kind == "ReplicationController":
        return selector_from_labels({**label_set, **(spec_sel or {})}) if (label_set or spec_sel) else selector
    try:
        other = selector_from_spec(spec_sel)
    except SelectorError:
        return selector
    return LabelSelector((*selector.requirements, *other.requirements)) if not other.nothing else selector


def count_matching(node: NodeInfo, selector: LabelSelector, namespace: str) -> int:
    """``countPodsMatchSelector``: pods of the namespace, not terminating, matching."""
    n = 0
    for p in node.pods.values():
        if p.namespace == namespace and not p.pod["metadata"].get("deletionTimestamp") and \
                selector.matches(p.labels):
            n += 1
    return n


def has_keys(node: NodeInfo, constraints: list[Constraint]) -> bool:
    """``nodeLabelsMatchSpreadConstraints``."""
    return all(c.topology_key in node.labels for c in constraints)


class _State:
    """``preFilterState``: matching pods per domain and each constraint's global minimum."""

    __slots__ = ("constraints", "counts", "mins")

    def __init__(self, constraints: list[Constraint]) -> None:
        self.constraints = constraints
        self.counts: list[dict[str, int]] = [{} for _ in constraints]
        self.mins: list[int] = []

    def refresh(self) -> None:
        self.mins = [min(c.values(), default=2**31 - 1) for c in self.counts]

    def clone(self) -> _State:
        s = _State(self.constraints)
        s.counts, s.mins = [dict(c) for c in self.counts], list(self.mins)
        return s


class PodTopologySpread(FilterPlugin):
    name = "PodTopologySpread"
    events = frozenset({POD_ADD, POD_LABEL, POD_DELETE, NODE_ADD, NODE_LABEL, NODE_TAINT, NODE_DELETE, POD_UPDATE})

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler

    def for_scheduler(self, scheduler: Scheduler) -> PodTopologySpread:
        return type(self)(scheduler)

    def pre_filter(self, pod: PodInfo) -> Status | None:
        constraints = pod_constraints(pod, "DoNotSchedule")
        if not constraints or self.scheduler is None:
            return SKIP
        st = _State(constraints)
        for node in self.scheduler.nodes.values():
            if not has_keys(node, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.includes(pod, node):
                    continue
                value = node.labels[c.topology_key]
                st.counts[i][value] = st.counts[i].get(value, 0) + count_matching(node, c.selector, pod.namespace)
        st.refresh()
        pod.cycle[KEY] = st
        return None

    def _update(self, pod: PodInfo, other: PodInfo, node: NodeInfo, by: int) -> None:
        st: _State | None = pod.cycle.get(KEY)
        if st is None or other.namespace != pod.namespace or not has_keys(node, st.constraints):
            return
        for i, c in enumerate(st.constraints):
            if c.selector.matches(other.labels) and c.includes(pod, node):
                value = node.labels[c.topology_key]
                st.counts[i][value] = st.counts[i].get(value, 0) + by
        st.refresh()

    def add_pod(self, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        self._update(pod, added, node, 1)

    def remove_pod(self, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        self._update(pod, removed, node, -1)

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        st: _State = pod.cycle[KEY]
        for i, c in enumerate(st.constraints):
            value = node.labels.get(c.topology_key)
            if value is None:
                return self.reject(UNRESOLVABLE, ERR_NODE_LABEL)
            global_min = 0 if len(st.counts[i]) < c.min_domains else st.mins[i]
            self_match = 1 if c.selector.matches(pod.labels) else 0
            if st.counts[i].get(value, 0) + self_match - global_min > c.max_skew:
                return self.reject(UNSCHEDULABLE, ERR_CONSTRAINTS)
        return None


class PodTopologySpreadScore(ScorePlugin):
    name = "PodTopologySpread"
    weight = 2

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler

    def for_scheduler(self, scheduler: Scheduler) -> PodTopologySpreadScore:
        return type(self)(scheduler)

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        sched = self.scheduler
        if sched is None:
            return False
        constraints = pod_constraints(pod, "ScheduleAnyway")
        require_all = bool((pod.pod.get("spec") or {}).get("topologySpreadConstraints"))
        if not require_all:
            selector = default_selector(sched.store, pod)
            if selector.empty:
                return False
            constraints = [Constraint(skew, key, selector) for key, skew in SYSTEM_DEFAULTS]
        if not constraints:
            return False
        ignored: set[str] = set()
        counts: list[dict[str, int]] = [{} for _ in constraints]
        for node in nodes:
            if require_all and not has_keys(node, constraints):
                ignored.add(node.name)
                continue
            for i, c in enumerate(constraints):
                if c.topology_key != HOSTNAME:
                    counts[i].setdefault(node.labels.get(c.topology_key, ""), 0)
        weights = []
        for i, c in enumerate(constraints):
            size = len(nodes) - len(ignored) if c.topology_key == HOSTNAME else len(counts[i])
            weights.append(math.log(size + 2))
        for node in sched.nodes.values():
            if require_all and not has_keys(node, constraints):
                continue
            for i, c in enumerate(constraints):
                if c.topology_key == HOSTNAME or not c.includes(pod, node):
                    continue
                value = node.labels.get(c.topology_key, "")
                if value in counts[i]:
                    counts[i][value] += count_matching(node, c.selector, pod.namespace)
        pod.cycle["PreScore" + KEY] = (constraints, ignored, counts, weights)
        return True

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        constraints, ignored, counts, weights = pod.cycle["PreScore" + KEY]
        if node.name in ignored:
            return 0
        total = 0.0
        for i, c in enumerate(constraints):
            value = node.labels.get(c.topology_key)
            if value is None:
                continue
            cnt = count_matching(node, c.selector, pod.namespace) if c.topology_key == HOSTNAME \
                else counts[i].get(value, 0)
            total += cnt * weights[i] + (c.max_skew - 1)
        return math.floor(total + 0.5)  # Go's math.Round: halves away from zero

    def normalize(self, pod: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> list[int]:
        ignored = pod.cycle["PreScore" + KEY][1]
        valid = [s for s, n in zip(scores, nodes, strict=True) if n.name not in ignored]
        lo, hi = min(valid, default=0), max(valid, default=0)
        out = []
        for s, n in zip(scores, nodes, strict=True):
            if n.name in ignored:
                out.append(0)
            elif hi == 0:
                out.append(MAX_SCORE)
            else:
                out.append(MAX_SCORE * (hi + lo - s) // hi)
        return out


