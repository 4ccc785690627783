"""NodeResourcesFit (filter and LeastAllocated score), NodeResourcesBalancedAllocation and
ImageLocality (``pkg/scheduler/framework/plugins/{noderesources,imagelocality}``, v1.34)."""

from __future__ import annotations

from k9play.scheduler.nodeinfo import NodeInfo, PodInfo, normalized_image_name
from k9play.scheduler.plugins.base import (
    MAX_SCORE,
    NODE_ADD,
    NODE_ALLOCATABLE,
    POD_DELETE,
    POD_SCALE_DOWN,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    FilterPlugin,
    ScorePlugin,
    Status,
)


class NodeResourcesFit(FilterPlugin):
    """Requests must fit in allocatable minus what the node's pods request. A request larger
    than the whole allocatable makes the node ``UnschedulableAndUnresolvable`` — preemption
    cannot help there (#131345, v1.34)."""

    name = "NodeResourcesFit"
    events = frozenset({NODE_ADD, NODE_ALLOCATABLE, POD_DELETE, POD_SCALE_DOWN})

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        reasons: list[str] | None = None
        code = UNSCHEDULABLE
        if len(node.pods) + 1 > node.alloc_pods:
            reasons = ["Too many pods"]
        cpu, mem = pod.cpu, pod.memory
        if cpu and node.cpu + cpu > node.alloc_cpu:
            reasons = [*(reasons or []), "Insufficient cpu"]
            if cpu > node.alloc_cpu:
                code = UNRESOLVABLE
        if mem and node.memory + mem > node.alloc_memory:
            reasons = [*(reasons or []), "Insufficient memory"]
            if mem > node.alloc_memory:
                code = UNRESOLVABLE
        if pod.extended:
            for rname, amount in pod.extended.items():
                if not amount:
                    continue
                alloc = node.alloc_ephemeral if rname == "ephemeral-storage" else node.alloc_extended.get(rname, 0)
                if node.extended.get(rname, 0) + amount > alloc:
                    reasons = [*(reasons or []), f"Insufficient {rname}"]
                    if amount > alloc:
                        code = UNRESOLVABLE
        return Status(code, reasons, self.name) if reasons else None


# ------------------------------------------------------------------- scores
def least_allocated(requested_cpu: int, alloc_cpu: int, requested_mem: int, alloc_mem: int) -> int:
    """``leastRequestedScore`` for cpu and memory, weight 1 each."""
    total = 0
    if alloc_cpu and requested_cpu <= alloc_cpu:
        total += (alloc_cpu - requested_cpu) * MAX_SCORE // alloc_cpu
    if alloc_mem and requested_mem <= alloc_mem:
        total += (alloc_mem - requested_mem) * MAX_SCORE // alloc_mem
    return total // 2


class LeastAllocated(ScorePlugin):
    """NodeResourcesFit's default scoring strategy: favour emptier nodes. Containers without
    requests count as 100m CPU / 200Mi (the non-zero requests)."""

    name = "NodeResourcesFit"
    weight = 1
    keyed = True

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        return least_allocated(node.score_cpu + pod.score_cpu, node.alloc_cpu,
                               node.score_memory + pod.score_memory, node.alloc_memory)

    def score_key(self, pod: PodInfo, key: tuple[int, ...]) -> int:
        return least_allocated(key[0] + pod.score_cpu, key[4], key[1] + pod.score_memory, key[5])

    def score_all(self, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        # nodes in the same state score alike: each state is computed once (a large cluster has few)
        keys = [n.resource_key for n in nodes]
        table = {k: self.score_key(pod, k) for k in set(keys)}
        return [table[k] for k in keys]


def balanced(requested_cpu: int, alloc_cpu: int, requested_mem: int, alloc_mem: int) -> int:
    """``balancedResourceScorer`` for two resources: (1 − |f_cpu − f_mem| / 2) × 100."""
    fractions = [min(1.0, r / a) for r, a in ((requested_cpu, alloc_cpu), (requested_mem, alloc_mem)) if a]
    std = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
    return int((1 - std) * MAX_SCORE)


class BalancedAllocation(ScorePlugin):
    """Favour nodes whose cpu and memory fractions stay alike, on the actual requests. Skipped
    for best-effort pods, so they do not pile onto one node (#129138)."""

    name = "NodeResourcesBalancedAllocation"
    weight = 1
    keyed = True

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        return bool(pod.cpu or pod.memory)

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        return balanced(node.cpu + pod.cpu, node.alloc_cpu, node.memory + pod.memory, node.alloc_memory)

    def score_key(self, pod: PodInfo, key: tuple[int, ...]) -> int:
        return balanced(key[2] + pod.cpu, key[4], key[3] + pod.memory, key[5])

    def score_all(self, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        keys = [n.resource_key for n in nodes]
        table = {k: self.score_key(pod, k) for k in set(keys)}
        return [table[k] for k in keys]


MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


class ImageLocality(ScorePlugin):
    """Favour nodes that already have the pod's images (``node.status.images``), each image's
    size scaled by the share of nodes that have it, clamped to 23MB … 1000MB per container."""

    name = "ImageLocality"
    weight = 1

    def __init__(self, spread: dict[str, int] | None = None, total_nodes: int = 0) -> None:
        #: image → number of nodes reporting it (``ImageStateSummary.NumNodes``), set by the scheduler
        self.spread = spread if spread is not None else {}
        self.total_nodes = total_nodes

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        return any(normalized_image_name(i) in self.spread for i in pod.images)

    def score(self, pod: PodInfo, node: NodeInfo) -> int:
        total = max(1, self.total_nodes)
        s = 0
        for image in pod.images:
            name = normalized_image_name(image)
            size = node.images.get(name)
            if size is not None:
                s += int(size * (self.spread.get(name, 0) / total))
        max_threshold = MAX_CONTAINER_THRESHOLD * len(pod.images)
        s = min(max(s, MIN_THRESHOLD), max_threshold)
        return MAX_SCORE * (s - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)
