"""Fault injection: the things that go wrong in a real cluster, on demand.

Each fault happens the way it happens for real — a machine loses power, a process dies, a
registry stops answering, a node runs short of memory — and the consequences are left to the
engine: the kubelet restarts containers per ``restartPolicy``, the node lifecycle controller
notices a silent node, the taint-eviction controller evicts its pods, ReplicaSets replace
them, the HPA reacts to load. Nothing writes the outcome into the API directly (only ``kill``
is an API call: a DELETE, as k9s' ctrl-k sends it).

Every method returns one line saying what was done (for the TUI's flash line and ``k9play
sim``) and raises :class:`FaultError` for a target that does not exist or cannot take it.
Faults draw no randomness and read no wall clock, so runs stay deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from k9play.api import errors
from k9play.api.meta import Obj, uid_of
from k9play.controllers.nodelifecycle import GRACE_PERIOD
from k9play.kubelet import images
from k9play.kubelet.metrics import normalize_target, parse_cpu
from k9play.kubelet.nodestatus import PRESSURE_TRANSITION_PERIOD

if TYPE_CHECKING:
    from k9play.cluster import Cluster
    from k9play.kubelet.container import ContainerRun
    from k9play.kubelet.kubelet import Kubelet
    from k9play.kubelet.podworker import PodWorker

ProbeKind = Literal["liveness", "readiness", "startup"]
PressureKind = Literal["memory", "disk", "off"]
LoadKind = Literal["deployment", "pod", "replicaset", "statefulset", "daemonset", "replicationcontroller", "job",
                   "service"]
#: k9s' ctrl-k: ``NowGrace``, like ``kubectl delete --now``
KILL_GRACE_SECONDS = 1
#: ``memory.available`` a memory-pressure fault leaves (the hard eviction threshold is 100Mi)
LEAK_LEAVES = 90 * 1024 * 1024


class FaultError(Exception):
    """A fault that cannot be injected (no such target, node down …); the text says why."""


class Faults:
    """The fault injector of one cluster (``cluster.faults``)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    # ---------------------------------------------------------------- nodes
    def node_down(self, node: str) -> str:
        """The machine stops: its kubelet posts no status and renews no Lease, its containers die."""
        kubelet = self._kubelet(node)
        if kubelet.down:
            raise FaultError(f'node "{node}" is already down')
        kubelet.power_off()
        return (f"node {node} is down: its kubelet stopped posting status "
                f"(NotReady once the {GRACE_PERIOD:.0f}s grace period passes)")

    def node_up(self, node: str) -> str:
        """The machine boots: the kubelet reports Ready again and syncs the pods bound to it."""
        kubelet = self._kubelet(node)
        if not kubelet.down:
            raise FaultError(f'node "{node}" is not down')
        kubelet.power_on()
        return f"node {node} is up: its kubelet restarted (boot id {kubelet.boot_id()})"

    def pressure(self, node: str, kind: PressureKind) -> str:
        """The node runs short of memory or disk (``off``: no longer).

        Memory: something outside the pods (a leaking system daemon) takes memory until
        ``memory.available`` is :data:`LEAK_LEAVES` — below the kubelet's 100Mi hard
        eviction threshold —, so the eviction manager reports MemoryPressure and evicts pods
        (as ranked) until enough is free. Disk: there is no disk usage model, so the fault is
        the DiskPressure condition itself (and its taint); nothing is evicted for disk."""
        kubelet = self._kubelet(node)
        if kind not in ("memory", "disk", "off"):
            raise FaultError(f'unknown pressure "{kind}" (memory, disk or off)')
        if kubelet.down:
            raise FaultError(f'node "{node}" is down')
        if kind == "off":
            kubelet.pressure = {"memory": False, "disk": False}
            kubelet.eviction.outside_memory = 0
            return (f"node {node} no longer short of memory or disk: the kubelet clears the pressure conditions "
                    f"{PRESSURE_TRANSITION_PERIOD:.0f}s later")
        if kind == "memory":
            eviction = kubelet.eviction
            eviction.outside_memory = max(0, eviction.outside_memory + eviction.available() - LEAK_LEAVES)
            return (f"node {node} is short of memory (a process outside the pods holds it; "
                    f"{LEAK_LEAVES // 2**20}Mi available): the kubelet reports MemoryPressure=True at its next "
                    "status update, the node gets the node.kubernetes.io/memory-pressure:NoSchedule taint, and the "
                    "eviction manager evicts pods until 100Mi are free")
        kubelet.pressure[kind] = True
        return (f"node {node} is short of {kind}: the kubelet reports DiskPressure=True at its next status update, "
                f"and the node gets the node.kubernetes.io/{kind}-pressure:NoSchedule taint")

    # ----------------------------------------------------------------- pods
    def kill(self, pod: str, namespace: str) -> str:
        """Delete the pod with a 1 s grace period, through the API (k9s' ctrl-k)."""
        self._pod(pod, namespace)
        try:
            self.cluster.store.delete("Pod", pod, namespace, grace_period=KILL_GRACE_SECONDS)
        except errors.ApiError as e:
            raise FaultError(str(e)) from e
        return f'pod "{pod}" killed (deleted with a {KILL_GRACE_SECONDS}s grace period)'

    def crash(self, pod: str, namespace: str, container: str | None = None, *, exit_code: int = 1) -> str:
        """The container's main process exits with ``exit_code``; the kubelet takes it from there."""
        obj = self._pod(pod, namespace)
        worker = self._worker(obj)
        name = container or _default_container(obj)
        run = worker.find(name)
        if run is None:
            raise FaultError(f'container "{name}" not found in pod "{pod}"')
        if run.state != "running" or run.process is None or run.process.exited:
            raise FaultError(f'container "{name}" of pod "{pod}" is not running')
        run.process.crash(exit_code)
        policy = worker.restart_policy
        return f'container "{name}" of pod "{pod}" crashed with exit code {exit_code} (restartPolicy {policy})'

    def probe(self, pod: str, namespace: str, probe: ProbeKind, fail: bool) -> str:
        """Force every ``probe`` of the pod's containers to fail (``fail=False`` lifts it)."""
        if probe not in ("liveness", "readiness", "startup"):
            raise FaultError(f'unknown probe "{probe}" (liveness, readiness or startup)')
        obj = self._pod(pod, namespace)
        worker = self._worker(obj)
        runs: list[ContainerRun] = [c for c in worker.all_runs() if f"{probe}Probe" in c.spec]
        if not runs:
            raise FaultError(f'pod "{pod}" has no container with a {probe} probe')
        names = ", ".join(c.name for c in runs)
        if fail:
            worker.failing_probes.add(probe)
            note = " (startup probes run only while a container starts)" if probe == "startup" else ""
            return f'{probe} probes of pod "{pod}" now fail ({names}){note}'
        worker.failing_probes.discard(probe)
        return f'{probe} probes of pod "{pod}" are no longer forced to fail ({names})'

    # --------------------------------------------------------------- images
    def image_unpullable(self, image: str) -> str:
        """The registry stops serving ``image``; nodes that have it cached still run it
        (imagePullPolicy IfNotPresent), as in a registry outage."""
        full = self._image(image)
        self.cluster.kubelets.unpullable.add(full)
        return f"pulls of {full} now fail (the registry answers 503); nodes that have it cached still start it"

    def image_pullable(self, image: str) -> str:
        full = self._image(image)
        if full not in self.cluster.kubelets.unpullable:
            raise FaultError(f"pulls of {full} were not failing")
        self.cluster.kubelets.unpullable.discard(full)
        return f"pulls of {full} work again"

    # ----------------------------------------------------------------- load
    def load(self, kind: LoadKind | str, name: str, namespace: str, cpu: str) -> str:
        """Put ``cpu`` of demand on a workload (spread over its ready pods) or a pod; 0 removes it."""
        try:
            target = normalize_target((kind, namespace, name))
            millis = parse_cpu(cpu)
        except ValueError as e:
            raise FaultError(str(e)) from e
        if millis < 0:
            raise FaultError("load must not be negative")
        kind_name, ns, _ = target
        if self.cluster.store.try_get(kind_name, name, ns) is None:
            raise FaultError(f'{kind_name.lower()} "{name}" not found in namespace "{ns}"')
        self.cluster.metrics.set_load(target, f"{millis}m")
        label = f"{kind_name.lower()}/{name}"
        if millis == 0:
            return f"load removed from {label}"
        spread = "" if kind_name == "Pod" else ", spread over its ready pods"
        return f"load of {millis}m CPU on {label}{spread}"

    # -------------------------------------------------------------- helpers
    def _kubelet(self, node: str) -> Kubelet:
        kubelet = self.cluster.kubelets.kubelets.get(node)
        if kubelet is None or self.cluster.store.try_get("Node", node) is None:
            raise FaultError(f'node "{node}" not found')
        return kubelet

    def _pod(self, pod: str, namespace: str) -> Obj:
        obj = self.cluster.store.try_get("Pod", pod, namespace)
        if obj is None:
            raise FaultError(f'pod "{pod}" not found in namespace "{namespace}"')
        return obj

    def _worker(self, pod: Obj) -> PodWorker:
        name = pod["metadata"]["name"]
        node = (pod.get("spec") or {}).get("nodeName")
        if not node:
            raise FaultError(f'pod "{name}" is not scheduled to a node yet')
        kubelet = self._kubelet(node)
        if kubelet.down:
            raise FaultError(f'node "{node}" of pod "{name}" is down')
        worker = kubelet.workers.get(uid_of(pod))
        if worker is None:
            raise FaultError(f'pod "{name}" is not running on {node}')
        return worker

    @staticmethod
    def _image(image: str) -> str:
        image = image.strip()
        if not image:
            raise FaultError("an image reference is required")
        return images.parse_image(image).full


def _default_container(pod: Obj) -> str:
    """kubectl's default container: the annotation, else the first container."""
    default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    containers = (pod.get("spec") or {}).get("containers") or [{}]
    return str(default or containers[0].get("name", ""))
