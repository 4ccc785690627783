"""Scheduler plugins, one small class per concern, in kube-scheduler's default order.

Filters return ``None`` (fits) or a :class:`Status` whose reasons are the exact strings
kube-scheduler puts in ``FailedScheduling``. Scores return a number per node that the
plugin may normalise across nodes to 0–100; weights are the default profile's
(``pkg/scheduler/apis/config/v1/default_plugins.go``: TaintToleration 3, NodeAffinity 2,
NodeResourcesFit 1, PodTopologySpread 2, InterPodAffinity 2, BalancedAllocation 1,
ImageLocality 1).
"""

from __future__ import annotations

from k9play.scheduler.plugins.base import (
    MAX_SCORE,
    NODE_ADD,
    NODE_ALLOCATABLE,
    NODE_DELETE,
    NODE_LABEL,
    NODE_TAINT,
    POD_ADD,
    POD_DELETE,
    POD_LABEL,
    POD_SCALE_DOWN,
    POD_UPDATE,
    SKIP,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    FilterPlugin,
    ScorePlugin,
    Status,
    default_normalize,
)
from k9play.scheduler.plugins.interpodaffinity import InterPodAffinity, InterPodAffinityScore
from k9play.scheduler.plugins.nodes import (
    NodeAffinity,
    NodeAffinityScore,
    NodeName,
    NodePorts,
    NodeUnschedulable,
    TaintToleration,
    TaintTolerationScore,
)
from k9play.scheduler.plugins.resources import BalancedAllocation, ImageLocality, LeastAllocated, NodeResourcesFit
from k9play.scheduler.plugins.topologyspread import PodTopologySpread, PodTopologySpreadScore
from k9play.scheduler.volumes import VolumeBinding, VolumeZone

DEFAULT_FILTERS: tuple[FilterPlugin, ...] = (
    NodeUnschedulable(), NodeName(), TaintToleration(), NodeAffinity(), NodePorts(), NodeResourcesFit(),
    VolumeBinding(), VolumeZone(),  # duck-typed: volumes.py cannot subclass FilterPlugin (imported from here)
    PodTopologySpread(), InterPodAffinity(),
)

DEFAULT_SCORES: tuple[ScorePlugin, ...] = (
    TaintTolerationScore(), NodeAffinityScore(), LeastAllocated(), PodTopologySpreadScore(), InterPodAffinityScore(),
    BalancedAllocation(), ImageLocality(),
)

__all__ = [
    "DEFAULT_FILTERS", "DEFAULT_SCORES", "MAX_SCORE", "NODE_ADD", "NODE_ALLOCATABLE", "NODE_DELETE", "NODE_LABEL",
    "NODE_TAINT", "POD_ADD", "POD_DELETE", "POD_LABEL", "POD_SCALE_DOWN", "POD_UPDATE", "SKIP", "UNRESOLVABLE",
    "UNSCHEDULABLE", "BalancedAllocation", "FilterPlugin", "ImageLocality", "InterPodAffinity",
    "InterPodAffinityScore", "LeastAllocated", "NodeAffinity", "NodeAffinityScore", "NodeName", "NodePorts",
    "NodeResourcesFit", "NodeUnschedulable", "PodTopologySpread", "PodTopologySpreadScore", "ScorePlugin", "Status",
    "TaintToleration", "TaintTolerationScore", "default_normalize",
]
