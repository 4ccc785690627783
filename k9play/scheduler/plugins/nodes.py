"""Plugins that look at the node alone: NodeUnschedulable, NodeName, TaintToleration,
NodeAffinity and NodePorts (``pkg/scheduler/framework/plugins/{nodeunschedulable,nodename,
tainttoleration,nodeaffinity,nodeports}``, v1.34)."""

from __future__ import annotations

from typing import ClassVar

from k9play.api.scheduling import (
    pod_matches_node_selector_and_affinity,
    preferred_affinity_score,
    tolerates,
    untolerated_taint,
)
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
from k9play.scheduler.plugins.base import (
    NODE_ADD,
    NODE_LABEL,
    NODE_TAINT,
    POD_DELETE,
    POD_UPDATE,
    SKIP,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    FilterPlugin,
    ScorePlugin,
    Status,
    default_normalize,
)

_NO_SCHEDULE = ("NoSchedule", "NoExecute")


class NodeUnschedulable(FilterPlugin):
    """A cordoned node takes only pods tolerating ``node.kubernetes.io/unschedulable:NoSchedule``."""

    name = "NodeUnschedulable"
    events = frozenset({NODE_ADD, NODE_TAINT, POD_UPDATE})
    _TAINT: ClassVar[dict[str, str]] = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.unschedulable:
            return None
        if untolerated_taint([self._TAINT], pod.tolerations, ("NoSchedule",)) is None:
            return None
        return self.reject(UNRESOLVABLE, "node(s) were unschedulable")


class NodeName(FilterPlugin):
    name = "NodeName"
    events = frozenset({NODE_ADD})

    def pre_filter(self, pod: PodInfo) -> Status | None:
        return None if pod.node_name else SKIP

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if pod.node_name != node.name:
            return self.reject(UNRESOLVABLE, "node(s) didn't match the requested node name")
        return None


class TaintToleration(FilterPlugin):
    """NoSchedule and NoExecute taints must be tolerated. The reason names no taint: since
    v1.34.2 (#134740, cherry-picked as #135023) taint keys and values stay out of pod status."""

    name = "TaintToleration"
    events = frozenset({NODE_ADD, NODE_TAINT, POD_UPDATE})

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        taints = node.taints
        if not taints or untolerated_taint(taints, pod.tolerations, _NO_SCHEDULE) is None:
            return None
        return self.reject(UNRESOLVABLE, "node(s) had untolerated taint(s)")


class NodeAffinity(FilterPlugin):
    name = "NodeAffinity"
    events = frozenset({NODE_ADD, NODE_LABEL, POD_UPDATE})

    def pre_filter(self, pod: PodInfo) -> Status | None:
        """Nothing to check without nodeSelector or required affinity. Terms that each name
        nodes (``matchFields`` ``metadata.name In …``, as DaemonSet pods carry) narrow the
        nodes to try: the others are "node(s) didn't satisfy plugin(s) [NodeAffinity]"."""
        if not pod.node_affinity:
            return SKIP
        required = (((pod.pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution") or {}
        names: set[str] | None = None
        for term in required.get("nodeSelectorTerms") or []:
            term_names: set[str] | None = None
            for r in term.get("matchFields") or []:
                if r.get("key") == "metadata.name" and r.get("operator") == "In":
                    values = set(r.get("values") or [])
                    term_names = values if term_names is None else term_names & values
            if term_names is None:
                return None  # this term may match any node (terms are ORed)
            names = term_names if names is None else names | term_names
        if names is not None and not names:
            return self.reject(UNRESOLVABLE, "pod affinity terms conflict")
        if names:
            pod.cycle["PreFilterResult"] = names
            pod.cycle["PreFilterPlugins"] = self.name
        return None

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if pod_matches_node_selector_and_affinity(pod.pod, node.node):
            return None
        return self.reject(UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector")


class NodePorts(FilterPlugin):
    name = "NodePorts"
    events = frozenset({NODE_ADD, POD_DELETE})

    def pre_filter(self, pod: PodInfo) -> Status | None:
        return None if pod.host_ports else SKIP

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        used = node.used_ports
        if not used:
            return None
        for ip, proto, port in pod.host_ports:
            for (uip, uproto, uport) in used:
                if uport == port and uproto == proto and (ip == uip or "0.0.0.0" in (ip, uip)):
                    return self.reject(UNSCHEDULABLE, "node(s) didn't have free ports for the requested pod ports")
        return None


# ------------------------------------------------------------------- scores
class TaintTolerationScore(ScorePlugin):
    """Fewer untolerated ``PreferNoSchedule`` taints is better (reverse-normalised)."""

    name = "TaintToleration"
    weight = 3

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        # every node without such a taint scores alike; none with one: nothing to rank
        return any(t.get("effect") == "PreferNoSchedule" for n in nodes if n.taints for t in n.taints)

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        prefer = [t for t in pod.tolerations if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"]
        return sum(1 for taint in node.taints
                   if taint.get("effect") == "PreferNoSchedule" and not any(tolerates(t, taint) for t in prefer))

    def normalize(self, pod: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> list[int]:
        return default_normalize(scores, reverse=True)


class NodeAffinityScore(ScorePlugin):
    """The sum of the weights of the preferred node-affinity terms a node matches."""

    name = "NodeAffinity"
    weight = 2

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        return pod.preferred_affinity

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        return preferred_affinity_score(pod.pod, node.node)

    def normalize(self, pod: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> list[int]:
        return default_normalize(scores, reverse=False)
