"""The plugin interfaces of the scheduling framework (``k8s.io/kube-scheduler/framework``).

A filter plugin has up to three extension points: ``pre_filter`` (once per attempt: reject
the pod on every node, say the plugin has nothing to check — :data:`SKIP` — or prepare its
``CycleState`` in ``pod.cycle``), ``filter`` (per node) and, for plugins whose state counts
other pods, ``add_pod``/``remove_pod`` (``PreFilterExtensions``: preemption's dry run and
nominated pods change the pods on a node). A score plugin has ``pre_score`` (False: Skip),
``score`` and ``normalize``. ``events`` names the cluster events after which a pod the
plugin rejected may fit (``EventsToRegister``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k9play.scheduler.nodeinfo import NodeInfo, PodInfo

UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"
MAX_SCORE = 100

# Cluster events (``framework.ClusterEvent``), as "Resource/ActionType".
NODE_ADD = "Node/Add"
NODE_DELETE = "Node/Delete"
NODE_LABEL = "Node/UpdateNodeLabel"
NODE_TAINT = "Node/UpdateNodeTaint"
NODE_ALLOCATABLE = "Node/UpdateNodeAllocatable"
POD_ADD = "AssignedPod/Add"
POD_DELETE = "AssignedPod/Delete"
POD_LABEL = "AssignedPod/UpdatePodLabel"
POD_SCALE_DOWN = "AssignedPod/UpdatePodScaleDown"
#: the pod being scheduled changed (``UnscheduledPodUpdate``): always worth another attempt
POD_UPDATE = "UnscheduledPod/Update"


@dataclass
class Status:
    """A plugin's verdict: ``code`` plus the reasons shown in FailedScheduling."""

    code: str
    reasons: list[str] = field(default_factory=list)
    plugin: str = ""


#: ``pre_filter``/``pre_score`` result meaning "nothing to do for this pod" (``fwk.Skip``)
SKIP = Status("Skip")


class FilterPlugin:
    name = "Filter"
    events: frozenset[str] = frozenset()

    def pre_filter(self, pod: PodInfo) -> Status | None:
        return None

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:  # pragma: no cover - interface
        raise NotImplementedError

    def add_pod(self, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        """``PreFilterExtensions.AddPod``: ``added`` now counts as being on ``node``."""

    def remove_pod(self, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        """``PreFilterExtensions.RemovePod``."""

    def reject(self, code: str, reason: str) -> Status:
        return Status(code, [reason], self.name)


class ScorePlugin:
    name = "Score"
    weight = 1
    #: the score depends on the node's ``resource_key`` alone and is not normalised, so the
    #: scheduler may score each distinct key once (``score_key``)
    keyed = False

    def pre_score(self, pod: PodInfo, nodes: list[NodeInfo]) -> bool:
        """False when every node would score alike (``Skip``): the plugin is left out."""
        return True

    def score(self, pod: PodInfo, node: NodeInfo) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def score_all(self, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        """``score`` for every feasible node (plugins may batch it)."""
        score = self.score
        return [score(pod, n) for n in nodes]

    def score_key(self, pod: PodInfo, key: tuple[int, ...]) -> int:  # pragma: no cover - keyed plugins only
        raise NotImplementedError

    def normalize(self, pod: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> list[int]:
        return scores


def default_normalize(scores: list[int], reverse: bool) -> list[int]:
    """``helper.DefaultNormalizeScore``: scale to 0–100 by the maximum (reversed: 100 − that)."""
    top = max(scores, default=0)
    if top == 0:
        return [MAX_SCORE if reverse else 0 for _ in scores]
    out = [s * MAX_SCORE // top for s in scores]
    return [MAX_SCORE - s for s in out] if reverse else out


def state(pod: PodInfo, key: str, default: Any = None) -> Any:
    """A plugin's entry in the pod's ``CycleState``."""
    return pod.cycle.get(key, default)
