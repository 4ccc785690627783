"""The scheduler's cache: per-node aggregates and per-pod scheduling facts.

Like kube-scheduler's cache (``pkg/scheduler/framework/types.go``: ``NodeInfo``, ``PodInfo``,
``AffinityTerm``) it is built from watch events (nodes, and pods bound to nodes), so each
scheduling decision reads O(1) aggregates instead of walking all pods. A pod's affinity
terms are parsed once, when its ``PodInfo`` is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k9play.api import pods as podutil
from k9play.api.meta import Obj, labels_of, name_of, namespace_of, parse_time, uid_of
from k9play.api.quantity import QuantityError, milli, whole
from k9play.api.selectors import NOTHING, LabelSelector, SelectorError, selector_from_spec

#: Requests assumed for containers that set none, when *scoring* (not when filtering):
#: ``DefaultMilliCPURequest`` and ``DefaultMemoryRequest`` (pkg/scheduler/util/pod_resources.go).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024

Term = tuple[int, "AffinityTerm"]


class AffinityTerm:
    """A parsed ``PodAffinityTerm`` (``framework.AffinityTerm``).

    Without ``namespaces`` and ``namespaceSelector`` a term applies to the owning pod's own
    namespace; a nil ``namespaceSelector`` selects no namespace, ``{}`` every namespace.
    """

    __slots__ = ("namespace_selector", "namespaces", "selector", "topology_key")

    def __init__(self, owner_namespace: str, term: Obj, owner_labels: dict[str, str] | None = None) -> None:
        self.topology_key: str = term.get("topologyKey") or ""
        spec_ns = term.get("namespaces") or []
        ns_sel = term.get("namespaceSelector")
        self.namespaces: set[str] = set(spec_ns) if spec_ns or ns_sel is not None else {owner_namespace}
        try:
            self.namespace_selector: LabelSelector = selector_from_spec(ns_sel) if ns_sel is not None else NOTHING
            selector = term.get("labelSelector")
            sel = selector_from_spec(selector) if selector is not None else NOTHING
        except SelectorError:
            self.namespace_selector, sel = NOTHING, NOTHING
        self.selector: LabelSelector = _with_label_keys(sel, term, owner_labels or {})

    def matches(self, namespace: str, labels: dict[str, str], ns_labels: dict[str, str] | None) -> bool:
        """``AffinityTerm.Matches``: the pod is in one of the term's namespaces (or its
        namespace's labels match the namespace selector) and its labels match."""
        if namespace in self.namespaces or (ns_labels is not None and self.namespace_selector.matches(ns_labels)):
            return self.selector.matches(labels)
        return False


def _with_label_keys(sel: LabelSelector, term: Obj, labels: dict[str, str]) -> LabelSelector:
    """``matchLabelKeys``/``mismatchLabelKeys``: the apiserver merges them into the selector
    as ``key in (value)`` / ``key notin (value)`` of the owning pod's labels (v1.34, beta)."""
    from k9play.api.selectors import Requirement

    extra = [Requirement(k, "in", (labels[k],)) for k in term.get("matchLabelKeys") or [] if k in labels]
    extra += [Requirement(k, "notin", (labels[k],)) for k in term.get("mismatchLabelKeys") or [] if k in labels]
    if not extra or sel.nothing:
        return sel
    return LabelSelector((*sel.requirements, *extra))


def _terms(pod: Obj, kind: str, when: str) -> list[Obj]:
    aff = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    return list(aff.get(f"{when}DuringSchedulingIgnoredDuringExecution") or [])


class PodInfo:
    """What the plugins need from a pod, computed once per scheduling attempt (and once per
    bound pod in the cache). ``cycle`` is the attempt's ``CycleState``: plugins keep what
    their PreFilter/PreScore computed there."""

    __slots__ = ("cpu", "cycle", "extended", "host_ports", "images", "labels", "memory", "namespace", "node_affinity",
                 "node_name", "pod", "preferred_affinity", "preferred_affinity_terms", "preferred_anti_terms",
                 "priority", "required_affinity", "required_anti_affinity", "score_cpu", "score_memory",
                 "tolerations", "uid")

    def __init__(self, pod: Obj) -> None:
        self.pod = pod
        self.uid = uid_of(pod)
        self.namespace = namespace_of(pod)
        self.labels = labels_of(pod)
        spec = pod.get("spec") or {}
        self.priority = int(spec.get("priority", 0) or 0)
        self.cpu, self.memory = podutil.requests(pod)
        score_cpu = score_mem = 0
        extended: dict[str, int] = {}
        ports: list[tuple[str, str, int]] = []
        images: list[str] = []
        for c in spec.get("containers") or []:
            req = (c.get("resources") or {}).get("requests") or {}
            score_cpu += milli(req["cpu"]) if "cpu" in req else DEFAULT_MILLI_CPU
            score_mem += whole(req["memory"]) if "memory" in req else DEFAULT_MEMORY
            for rname, q in req.items():
                if rname not in ("cpu", "memory"):
                    try:
                        extended[rname] = extended.get(rname, 0) + whole(q)
                    except QuantityError:
                        pass
            for p in c.get("ports") or []:
                if p.get("hostPort"):
                    ports.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"])))
            images.append(str(c.get("image") or ""))
        images += [str(c.get("image") or "") for c in spec.get("initContainers") or []]
        self.score_cpu, self.score_memory = score_cpu, score_mem
        self.extended = extended
        self.host_ports = ports
        self.images = images
        self.tolerations: list[Obj] = list(spec.get("tolerations") or [])
        self.node_name: str = spec.get("nodeName") or ""
        node_aff = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        #: nodeSelector or required node affinity present (the NodeAffinity filter has work to do)
        self.node_affinity = bool(spec.get("nodeSelector")) or "requiredDuringSchedulingIgnoredDuringExecution" in \
            node_aff
        #: preferred node-affinity terms present (the NodeAffinity score has work to do)
        self.preferred_affinity = bool(node_aff.get("preferredDuringSchedulingIgnoredDuringExecution"))
        ns, labels = self.namespace, self.labels
        self.required_affinity = [AffinityTerm(ns, t, labels) for t in _terms(pod, "podAffinity", "required")]
        self.required_anti_affinity = [AffinityTerm(ns, t, labels) for t in _terms(pod, "podAntiAffinity", "required")]
        self.preferred_affinity_terms: list[Term] = [
            (int(t.get("weight", 0)), AffinityTerm(ns, t.get("podAffinityTerm") or {}, labels))
            for t in _terms(pod, "podAffinity", "preferred")]
        self.preferred_anti_terms: list[Term] = [
            (int(t.get("weight", 0)), AffinityTerm(ns, t.get("podAffinityTerm") or {}, labels))
            for t in _terms(pod, "podAntiAffinity", "preferred")]
        self.cycle: dict[str, Any] = {}

    @classmethod
    def of(cls, pod: Obj) -> PodInfo:
        return cls(pod)

    @property
    def has_affinity(self) -> bool:
        """Any pod (anti-)affinity term (``NodeInfo.PodsWithAffinity``)."""
        return bool(self.required_affinity or self.required_anti_affinity or self.preferred_affinity_terms
                    or self.preferred_anti_terms)

    @property
    def start_time(self) -> float:
        """``status.startTime`` (creation time before the kubelet set it) — preemption's tie-breaker."""
        st = (self.pod.get("status") or {}).get("startTime") or self.pod["metadata"].get("creationTimestamp")
        return parse_time(st) if st else 0.0


def normalized_image_name(name: str) -> str:
    """``normalizedImageName``: an image without tag or digest means ``:latest``."""
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        return name + ":latest"
    return name


@dataclass
class NodeInfo:
    """One node and the pods the scheduler accounts on it (bound or assumed)."""

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
    #: pods with any (anti-)affinity term, and with required anti-affinity
    with_affinity: dict[str, PodInfo] = field(default_factory=dict)
    with_anti_affinity: dict[str, PodInfo] = field(default_factory=dict)
    #: ``node.status.images`` by normalized name → size in bytes
    images: dict[str, int] = field(default_factory=dict)
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[Obj] = field(default_factory=list)
    unschedulable: bool = False
    #: no taints and not cordoned: NodeUnschedulable and TaintToleration pass at once
    clean: bool = True
    #: derived after every change, for the scheduler's hot loops: what is left, and the
    #: resource state the resource scores depend on
    free_cpu: int = 0
    free_memory: int = 0
    free_pods: int = 0
    resource_key: tuple[int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0)

    def __post_init__(self) -> None:
        self.set_node(self.node)

    def set_node(self, node: Obj) -> None:
        self.node = node
        self.name = name_of(node)
        self.labels = labels_of(node)
        spec = node.get("spec") or {}
        self.taints = list(spec.get("taints") or [])
        self.unschedulable = bool(spec.get("unschedulable"))
        self.clean = not self.taints and not self.unschedulable
        status = node.get("status") or {}
        alloc: dict[str, Any] = status.get("allocatable") or status.get("capacity") or {}
        self.alloc_cpu = milli(alloc["cpu"]) if "cpu" in alloc else 0
        self.alloc_memory = whole(alloc["memory"]) if "memory" in alloc else 0
        self.alloc_pods = whole(alloc["pods"]) if "pods" in alloc else 0
        self.alloc_ephemeral = whole(alloc["ephemeral-storage"]) if "ephemeral-storage" in alloc else 0
        self.alloc_extended = {k: whole(v) for k, v in alloc.items()
                               if k not in ("cpu", "memory", "pods", "ephemeral-storage")}
        images: dict[str, int] = {}
        for img in status.get("images") or []:
            for n in img.get("names") or []:
                images[normalized_image_name(n)] = int(img.get("sizeBytes") or 0)
        self.images = images
        self._derive()

    def _derive(self) -> None:
        self.free_cpu = self.alloc_cpu - self.cpu
        self.free_memory = self.alloc_memory - self.memory
        self.free_pods = self.alloc_pods - len(self.pods)
        self.resource_key = (self.score_cpu, self.score_memory, self.cpu, self.memory, self.alloc_cpu,
                             self.alloc_memory)

    def add_pod(self, info: PodInfo) -> None:
        uid = info.uid
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
        if info.has_affinity:
            self.with_affinity[uid] = info
            if info.required_anti_affinity:
                self.with_anti_affinity[uid] = info
        self._derive()

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
        self.with_affinity.pop(uid, None)
        self.with_anti_affinity.pop(uid, None)
        self._derive()

    def replace_pod(self, info: PodInfo) -> None:
        """The pod object changed but nothing the scheduler accounts did (a status write)."""
        self.pods[info.uid] = info
        if info.uid in self.with_affinity:
            self.with_affinity[info.uid] = info
        if info.uid in self.with_anti_affinity:
            self.with_anti_affinity[info.uid] = info

    def clone(self) -> NodeInfo:
        """A copy whose pod set can change without touching the cache (preemption's dry run)."""
        c = NodeInfo.__new__(NodeInfo)
        c.__dict__.update(self.__dict__)
        c.extended = dict(self.extended)
        c.pods = dict(self.pods)
        c.used_ports = dict(self.used_ports)
        c.with_affinity = dict(self.with_affinity)
        c.with_anti_affinity = dict(self.with_anti_affinity)
        return c
