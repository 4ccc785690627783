"""The scheduler's cache: per-node aggregates and per-pod scheduling facts.

Like kube-scheduler's cache it is built from watch events (nodes, and pods bound to
nodes), so each scheduling decision reads O(1) aggregates instead of walking all pods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k9play.api import pods as podutil
from k9play.api.meta import Obj, labels_of, name_of, uid_of
from k9play.api.quantity import milli, whole

#: Requests assumed for containers that set none, when *scoring* (not when filtering).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


@dataclass
class PodInfo:
    """What the plugins need from a pod, computed once per scheduling attempt."""

    pod: Obj
    cpu: int
    memory: int
    score_cpu: int
    score_memory: int
    extended: dict[str, int]
    host_ports: list[tuple[str, str, int]]
    tolerations: list[Obj]
    node_name: str = ""
    #: nodeSelector or required node affinity present (the NodeAffinity filter has work to do)
    node_affinity: bool = False
    #: preferred node-affinity terms present (the NodeAffinity score has work to do)
    preferred_affinity: bool = False

    @classmethod
    def of(cls, pod: Obj) -> PodInfo:
        cpu, mem = podutil.requests(pod)
        spec = pod.get("spec", {})
        score_cpu = score_mem = 0
        extended: dict[str, int] = {}
        ports: list[tuple[str, str, int]] = []
        for c in spec.get("containers") or []:
            req = (c.get("resources") or {}).get("requests") or {}
            score_cpu += milli(req["cpu"]) if "cpu" in req else DEFAULT_MILLI_CPU
            score_mem += whole(req["memory"]) if "memory" in req else DEFAULT_MEMORY
            for rname, q in req.items():
                if rname not in ("cpu", "memory"):
                    extended[rname] = extended.get(rname, 0) + whole(q)
            for p in c.get("ports") or []:
                if p.get("hostPort"):
                    ports.append((p.get("hostIP", "0.0.0.0"), p.get("protocol", "TCP"), int(p["hostPort"])))
        node_aff = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        return cls(pod, cpu, mem, score_cpu, score_mem, extended, ports, list(spec.get("tolerations") or []),
                   node_name=spec.get("nodeName") or "",
                   node_affinity=bool(spec.get("nodeSelector")) or
                   "requiredDuringSchedulingIgnoredDuringExecution" in node_aff,
                   preferred_affinity=bool(node_aff.get("preferredDuringSchedulingIgnoredDuringExecution")))

    @property
    def priority(self) -> int:
        return int(self.pod.get("spec", {}).get("priority", 0) or 0)


@dataclass
class NodeInfo:
    node: Obj
    alloc_cpu: int = 0
    alloc_memory: int = 0
    alloc_pods: int = 110
    alloc_ephemeral: int = 0
    alloc_extended: dict[str, int] = field(default_factory=dict)
    cpu: int = 0
    memory: int = 0
    score_cpu: int = 0
    score_memory: int = 0
    extended: dict[str, int] = field(default_factory=dict)
    pods: dict[str, PodInfo] = field(default_factory=dict)
    used_ports: dict[tuple[str, str, int], int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return name_of(self.node)

    @property
    def labels(self) -> dict[str, str]:
        return labels_of(self.node)

    def set_node(self, node: Obj) -> None:
        self.node = node
        alloc: dict[str, Any] = node.get("status", {}).get("allocatable") or node.get("status", {}).get(
            "capacity") or {}
        self.alloc_cpu = milli(alloc["cpu"]) if "cpu" in alloc else 0
        self.alloc_memory = whole(alloc["memory"]) if "memory" in alloc else 0
        self.alloc_pods = whole(alloc["pods"]) if "pods" in alloc else 0
        self.alloc_ephemeral = whole(alloc["ephemeral-storage"]) if "ephemeral-storage" in alloc else 0
        self.alloc_extended = {k: whole(v) for k, v in alloc.items()
                               if k not in ("cpu", "memory", "pods", "ephemeral-storage")}

    def add_pod(self, info: PodInfo) -> None:
        uid = uid_of(info.pod)
        if uid in self.pods:
            self.remove_pod(uid)
        self.pods[uid] = info
        self.cpu += info.cpu
        self.memory += info.memory
        self.score_cpu += info.score_cpu
        self.score_memory += info.score_memory
        for k, v in info.extended.items():
            self.extended[k] = self.extended.get(k, 0) + v
        for port in info.host_ports:
            self.used_ports[port] = self.used_ports.get(port, 0) + 1

    def remove_pod(self, uid: str) -> None:
        info = self.pods.pop(uid, None)
        if info is None:
            return
        self.cpu -= info.cpu
        self.memory -= info.memory
        self.score_cpu -= info.score_cpu
        self.score_memory -= info.score_memory
        for k, v in info.extended.items():
            self.extended[k] = self.extended.get(k, 0) - v
        for port in info.host_ports:
            self.used_ports[port] -= 1
            if not self.used_ports[port]:
                del self.used_ports[port]
