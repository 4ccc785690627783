"""Scheduler plugins, one small class per concern, in kube-scheduler's default order.

Filters return ``None`` (fits) or a :class:`Status` whose reasons are the exact strings
kube-scheduler puts in ``FailedScheduling``. Scores return 0–100 per node, and each
plugin may normalise its scores across nodes; weights are the default profile's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k9play.api.scheduling import (
    pod_matches_node_selector_and_affinity,
    preferred_affinity_score,
    untolerated_taint,
)
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
from k9play.scheduler.volumes import VolumeBinding, VolumeZone

UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"
MAX_SCORE = 100


@dataclass
class Status:
    code: str
    reasons: list[str] = field(default_factory=list)
    plugin: str = ""


class FilterPlugin:
    name = "Filter"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:  # pragma: no cover - interface
        raise NotImplementedError


class NodeUnschedulable(FilterPlugin):
    name = "NodeUnschedulable"
    _TAINT: ClassVar[dict[str, str]] = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.node.get("spec", {}).get("unschedulable"):
            return None
        if untolerated_taint([self._TAINT], pod.tolerations, ("NoSchedule",)) is None:
            return None
        return Status(UNRESOLVABLE, ["node(s) were unschedulable"], self.name)


class NodeName(FilterPlugin):
    name = "NodeName"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if pod.node_name and pod.node_name != node.name:
            return Status(UNRESOLVABLE, ["node(s) didn't match the requested node name"], self.name)
        return None


class TaintToleration(FilterPlugin):
    name = "TaintToleration"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        taints = node.node.get("spec", {}).get("taints")
        if not taints or untolerated_taint(taints, pod.tolerations, ("NoSchedule", "NoExecute")) is None:
            return None
        return Status(UNRESOLVABLE, ["node(s) had untolerated taint(s)"], self.name)


class NodeAffinity(FilterPlugin):
    name = "NodeAffinity"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not pod.node_affinity or pod_matches_node_selector_and_affinity(pod.pod, node.node):
            return None
        return Status(UNRESOLVABLE, ["node(s) didn't match Pod's node affinity/selector"], self.name)


class NodePorts(FilterPlugin):
    name = "NodePorts"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        for ip, proto, port in pod.host_ports:
            for (uip, uproto, uport) in node.used_ports:
                if uport == port and uproto == proto and (ip == uip or "0.0.0.0" in (ip, uip)):
                    return Status(UNSCHEDULABLE, ["node(s) didn't have free ports for the requested pod ports"],
                                  self.name)
        return None


class NodeResourcesFit(FilterPlugin):
    name = "NodeResourcesFit"

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        reasons = []
        if len(node.pods) + 1 > node.alloc_pods:
            reasons.append("Too many pods")
        if pod.cpu and node.cpu + pod.cpu > node.alloc_cpu:
            reasons.append("Insufficient cpu")
        if pod.memory and node.memory + pod.memory > node.alloc_memory:
            reasons.append("Insufficient memory")
        for rname, amount in pod.extended.items():
            if rname == "ephemeral-storage":
                if amount and node.extended.get(rname, 0) + amount > node.alloc_ephemeral:
                    reasons.append("Insufficient ephemeral-storage")
            elif amount and node.extended.get(rname, 0) + amount > node.alloc_extended.get(rname, 0):
                reasons.append(f"Insufficient {rname}")
        return Status(UNSCHEDULABLE, reasons, self.name) if reasons else None


DEFAULT_FILTERS: tuple[FilterPlugin, ...] = (
    NodeUnschedulable(), NodeName(), TaintToleration(), NodeAffinity(), NodePorts(), NodeResourcesFit(),
    VolumeBinding(), VolumeZone(),  # duck-typed: volumes.py cannot subclass FilterPlugin (imported from here)
)


# ------------------------------------------------------------------- scores
class ScorePlugin:
    name = "Score"
    weight = 1

    def score(self, pod: PodInfo, node: NodeInfo) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def normalize(self, scores: list[int]) -> list[int]:
        return scores


def _default_normalize(scores: list[int], reverse: bool) -> list[int]:
    top = max(scores, default=0)
    if top == 0:
        return [MAX_SCORE if reverse else 0 for _ in scores]
    out = [s * MAX_SCORE // top for s in scores]
    return [MAX_SCORE - s for s in out] if reverse else out


class LeastAllocated(ScorePlugin):
    """NodeResourcesFit's default scoring strategy: favour emptier nodes (cpu and memory)."""

    name = "NodeResourcesFit"
    weight = 1

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        total = 0
        for requested, alloc in ((node.score_cpu + pod.score_cpu, node.alloc_cpu),
                                 (node.score_memory + pod.score_memory, node.alloc_memory)):
            if alloc == 0 or requested > alloc:
                continue
            total += (alloc - requested) * MAX_SCORE // alloc
        return total // 2


class BalancedAllocation(ScorePlugin):
    name = "NodeResourcesBalancedAllocation"
    weight = 1

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        fractions = []
        for requested, alloc in ((node.score_cpu + pod.score_cpu, node.alloc_cpu),
                                 (node.score_memory + pod.score_memory, node.alloc_memory)):
            fractions.append(min(1.0, requested / alloc) if alloc else 1.0)
        mean = sum(fractions) / len(fractions)
        std = (sum((f - mean) ** 2 for f in fractions) / len(fractions)) ** 0.5
        return int((1 - std) * MAX_SCORE)


class TaintTolerationScore(ScorePlugin):
    name = "TaintToleration"
    weight = 3

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        from k9play.api.scheduling import tolerates

        taints = node.node.get("spec", {}).get("taints")
        if not taints:
            return 0
        prefer = [t for t in pod.tolerations if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"]
        return sum(1 for taint in node.node.get("spec", {}).get("taints") or []
                   if taint.get("effect") == "PreferNoSchedule" and not any(tolerates(t, taint) for t in prefer))

    def normalize(self, scores: list[int]) -> list[int]:
        return _default_normalize(scores, reverse=True)


class NodeAffinityScore(ScorePlugin):
    name = "NodeAffinity"
    weight = 2

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        return preferred_affinity_score(pod.pod, node.node) if pod.preferred_affinity else 0

    def normalize(self, scores: list[int]) -> list[int]:
        return _default_normalize(scores, reverse=False)


DEFAULT_SCORES: tuple[ScorePlugin, ...] = (
    TaintTolerationScore(), NodeAffinityScore(), LeastAllocated(), BalancedAllocation(),
)
