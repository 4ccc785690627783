"""Why a Pending pod is pending, free of Textual.

Three stages, in the order a pod goes through them: not scheduled (the scheduler's last
per-node diagnosis, with the node facts behind each reason), scheduled but its volumes are
still being bound (the scheduler's PreBind wait), and on a node with containers waiting
(image pulls, mounts, configuration errors — the kubelet's waiting reasons).
"""

from __future__ import annotations

from dataclasses import dataclass

from k9play.api.events import events_for
from k9play.api.meta import Obj, uid_of
from k9play.api.quantity import format_millicpu
from k9play.api.scheduling import untolerated_taint
from k9play.cluster import Cluster
from k9play.scheduler.nodeinfo import NodeInfo, PodInfo

#: Kubelet events that explain a ContainerCreating pod better than its status does.
MOUNT_REASONS = ("FailedMount", "FailedAttachVolume")


@dataclass(frozen=True, slots=True)
class NodeVerdict:
    node: str
    plugin: str
    reasons: tuple[str, ...]
    detail: str  # the node fact behind the reason (the taint, free cpu …), or ""


@dataclass(frozen=True, slots=True)
class Waiting:
    what: str  # container name, or "volumes"
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class PendingReason:
    stage: str  # "Unschedulable" | "Scheduling" | "SchedulingGated" | "Binding volumes" | "Starting"
    message: str
    since: float | None  # when the scheduler last tried (Unschedulable)
    nodes: tuple[NodeVerdict, ...] = ()
    waiting: tuple[Waiting, ...] = ()


def _memory(n: int) -> str:
    for unit, size in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + unit
    return str(n)


def _detail(plugin: str, reasons: tuple[str, ...], pod: Obj, info: PodInfo, node: NodeInfo | None) -> str:
    if node is None:
        return ""
    if plugin == "TaintToleration":
        taint = untolerated_taint(node.node.get("spec", {}).get("taints") or [], info.tolerations,
                                  ("NoSchedule", "NoExecute"))
        if taint is None:
            return ""
        value = f"={taint['value']}" if taint.get("value") else ""
        return f"taint {taint.get('key', '')}{value}:{taint.get('effect', '')}"
    if plugin == "NodeAffinity":
        selector = (pod.get("spec") or {}).get("nodeSelector") or {}
        return "nodeSelector " + ",".join(f"{k}={v}" for k, v in selector.items()) if selector else "node affinity"
    if plugin != "NodeResourcesFit":
        return ""
    facts = []
    if "Insufficient cpu" in reasons:
        facts.append(f"cpu: wants {format_millicpu(info.cpu)}, free {format_millicpu(node.alloc_cpu - node.cpu)}"
                     f" of {format_millicpu(node.alloc_cpu)}")
    if "Insufficient memory" in reasons:
        facts.append(f"memory: wants {_memory(info.memory)}, free {_memory(node.alloc_memory - node.memory)}"
                     f" of {_memory(node.alloc_memory)}")
    if "Too many pods" in reasons:
        facts.append(f"pods: {len(node.pods)} of {node.alloc_pods}")
    return "; ".join(facts)


def _unscheduled(cluster: Cluster, pod: Obj) -> PendingReason:
    spec = pod.get("spec") or {}
    gates = [g.get("name", "") for g in spec.get("schedulingGates") or []]
    if gates:
        return PendingReason("SchedulingGated", "scheduling gates: " + ", ".join(gates), None)
    uid = uid_of(pod)
    sched = cluster.scheduler
    node = sched.assumed_node(uid)
    if node is not None:
        claims = [v["persistentVolumeClaim"].get("claimName", "") for v in spec.get("volumes") or []
                  if isinstance(v.get("persistentVolumeClaim"), dict)]
        waiting = []
        for name in claims:
            pvc = cluster.store.try_get("PersistentVolumeClaim", name, pod["metadata"].get("namespace"))
            phase = ((pvc or {}).get("status") or {}).get("phase", "missing")
            last = events_for(cluster.store, pvc)[-1:] if pvc is not None else []
            waiting.append(Waiting(f"pvc/{name}", phase, last[0].get("message", "") if last else ""))
        return PendingReason("Binding volumes", f"assumed on {node}; the VolumeBinding PreBind waits for its "
                                                "claims to be bound", None, waiting=tuple(waiting))
    diagnosis = sched.diagnosis(uid)
    if diagnosis is None:
        return PendingReason("Scheduling", "waiting for the scheduler", None)
    info = PodInfo.of(pod)
    verdicts = []
    for name in sorted(diagnosis.node_reasons):
        reasons = tuple(diagnosis.node_reasons[name])
        plugin = diagnosis.node_plugins.get(name, "")
        verdicts.append(NodeVerdict(name, plugin, reasons, _detail(plugin, reasons, pod, info, sched.nodes.get(name))))
    return PendingReason("Unschedulable", diagnosis.message, diagnosis.time, tuple(verdicts))


def _starting(cluster: Cluster, pod: Obj) -> PendingReason:
    status = pod.get("status") or {}
    waiting = []
    for st in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        w = (st.get("state") or {}).get("waiting")
        if w is not None:
            waiting.append(Waiting(st.get("name", ""), w.get("reason", ""), w.get("message", "")))
    mounts = [e for e in events_for(cluster.store, pod) if e.get("reason") in MOUNT_REASONS]
    if mounts:
        waiting.append(Waiting("volumes", mounts[-1].get("reason", ""), mounts[-1].get("message", "")))
    node = (pod.get("spec") or {}).get("nodeName", "")
    return PendingReason("Starting", f"scheduled to {node}; the kubelet is starting it", None, waiting=tuple(waiting))


def why_pending(cluster: Cluster, pod: Obj) -> PendingReason | None:
    """Why ``pod`` is Pending, or None when it is not (or is being deleted)."""
    if (pod.get("status") or {}).get("phase", "Pending") != "Pending" or pod["metadata"].get("deletionTimestamp"):
        return None
    if not (pod.get("spec") or {}).get("nodeName"):
        return _unscheduled(cluster, pod)
    return _starting(cluster, pod)
