"""Simulated kubelets: one per node, running pods as timed state machines.

Nothing runs on the host. A pod bound to a node is handed to a :class:`PodWorker` (see
:mod:`k9play.kubelet.podworker`), which goes through the kubelet's visible steps on the
virtual clock. The kubelet itself registers its Node, allocates pod IPs from the node's
pod CIDR, pulls images (one at a time, per-node cache) and answers DNS lookups made by
containers (``nslookup myservice``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k9play import KUBERNETES_VERSION
from k9play.api import errors
from k9play.api.events import NORMAL, EventRecorder
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of, uid_of
from k9play.api.store import WatchEvent
from k9play.kubelet import behaviour as bh
from k9play.kubelet import images
from k9play.kubelet.container import BackOff, ContainerRun
from k9play.kubelet.podworker import PodWorker
from k9play.kubelet.probes import ProbeResult
from k9play.kubelet.shell import FileSystem

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

RUNTIME_VERSION = "containerd://2.1.1"
CLUSTER_DOMAIN = "cluster.local"


def _now_str(store: ObjectStore) -> str:
    return format_time(store.clock.now())


class Kubelet:
    """The node agent for one node."""

    def __init__(self, store: ObjectStore, node_name: str, index: int) -> None:
        self.store = store
        self.node_name = node_name
        self.index = index
        self.node_ip = f"172.18.0.{index + 2}"
        self.pod_cidr = ipaddress.ip_network(f"10.244.{index}.0/24")
        self._next_ip = 2
        self.images = images.ImageCache()
        #: the node's simulated filesystem (hostPath volumes) — never the host's
        self.node_fs = FileSystem()
        #: persistent volume contents by claim, shared by every node (set by the manager)
        self.claims: dict[str, FileSystem] = {}
        self.workers: dict[str, PodWorker] = {}
        self.recorder = EventRecorder(store, "kubelet", node_name)
        self._pull_free_at = 0.0
        self._pulling: dict[str, list[Any]] = {}
        self._dirty: set[str] = set()

    # ------------------------------------------------------------ the node
    def register(self) -> None:
        node = self.store.try_get("Node", self.node_name)
        if node is None:
            return
        now = _now_str(self.store)
        new = copy_obj(node)
        status = new.setdefault("status", {})
        cap = status.setdefault("capacity", {"cpu": "4", "memory": "8Gi", "pods": "110"})
        cap.setdefault("ephemeral-storage", "100Gi")
        cap.setdefault("hugepages-1Gi", "0")
        cap.setdefault("hugepages-2Mi", "0")
        status["allocatable"] = {**cap, **(status.get("allocatable") or {})}
        status["addresses"] = [{"address": self.node_ip, "type": "InternalIP"},
                               {"address": self.node_name, "type": "Hostname"}]
        status["conditions"] = [
            _node_cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
                       "kubelet has sufficient memory available", now),
            _node_cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
            _node_cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
            _node_cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
        ]
        status["daemonEndpoints"] = {"kubeletEndpoint": {"Port": 10250}}
        status["nodeInfo"] = {
            "architecture": "amd64", "bootID": f"{self.index:08x}-0000-4000-8000-k9play",
            "containerRuntimeVersion": RUNTIME_VERSION, "kernelVersion": "6.8.0-k9play",
            "kubeProxyVersion": "", "kubeletVersion": KUBERNETES_VERSION,
            "machineID": f"{self.index:032x}", "operatingSystem": "linux",
            "osImage": "Debian GNU/Linux 12 (bookworm)", "systemUUID": f"{self.index:08x}-k9play",
        }
        new.setdefault("spec", {}).setdefault("podCIDR", str(self.pod_cidr))
        new["spec"].setdefault("podCIDRs", [str(self.pod_cidr)])
        new["spec"].setdefault("providerID", f"kind://docker/k9play/{self.node_name}")
        try:
            stored = self.store.update(new)
            stored = self.store.update_status({**stored, "status": status})
        except errors.ApiError:
            return
        self.recorder.record(stored, NORMAL, "Starting", "Starting kubelet.")
        for reason in ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"):
            self.recorder.record(stored, NORMAL, reason, f"Node {self.node_name} status is now: {reason}")
        self.recorder.record(stored, NORMAL, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
        self.recorder.record(stored, NORMAL, "NodeReady", f"Node {self.node_name} status is now: NodeReady")

    def allocate_ip(self) -> str:
        ip = str(self.pod_cidr.network_address + self._next_ip)
        self._next_ip = self._next_ip % 253 + 2
        return ip

    # ---------------------------------------------------------------- pulls
    def pull(self, image: str, done: Callable[[bool, float, float, str], None]) -> None:
        """Serialised image pulls (``serializeImagePulls``); concurrent pulls of one image
        coalesce. ``done(ok, waited, took, error)`` runs when the pull ends."""
        requested = self.store.clock.now()
        waiters = self._pulling.get(image)
        if waiters is not None:
            waiters.append((requested, done))
            return
        self._pulling[image] = [(requested, done)]
        start = max(requested, self._pull_free_at)
        ok = bh.tag_exists(image)
        took = images.pull_seconds(bh.profile_for(image).size) if ok else images.PULL_OVERHEAD
        self._pull_free_at = start + took
        self.store.clock.call_at(start + took, self._pull_done, image, took, ok)

    def _pull_done(self, image: str, took: float, ok: bool) -> None:
        err = ""
        if ok:
            self.images.add(image)
        else:
            full = images.parse_image(image).full
            err = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed to resolve '
                   f'reference "{full}": {full}: not found')
        now = self.store.clock.now()
        for requested, done in self._pulling.pop(image, []):
            done(ok, now - requested, took, err)

    # ------------------------------------------------------------------- DNS
    def resolve_in(self, namespace: str) -> Callable[[str], str | None]:
        """A resolver for containers of ``namespace``: Service names as CoreDNS answers them."""

        def resolve(name: str) -> str | None:
            name = name.rstrip(".")
            parts = name.split(".")
            if name.endswith(f".svc.{CLUSTER_DOMAIN}"):
                parts = parts[: -len(CLUSTER_DOMAIN.split(".")) - 1]
            elif len(parts) == 3 and parts[2] == "svc":
                parts = parts[:2]
            if len(parts) == 1:
                svc, ns = parts[0], namespace
            elif len(parts) == 2:
                svc, ns = parts
            else:
                return None
            obj = self.store.try_get("Service", svc, ns) if ns else None
            if obj is None:
                return None
            return (obj.get("spec") or {}).get("clusterIP") or None

        return resolve

    # ----------------------------------------------------------------- pods
    def on_pod(self, ev: WatchEvent) -> None:
        """Informer handler: note the pod and sync it on the clock (handlers never write)."""
        pod = ev.object
        uid = uid_of(pod)
        if ev.type == "DELETED":
            worker = self.workers.pop(uid, None)
            if worker is not None:
                worker.cancel()
            return
        if uid not in self._dirty:
            self._dirty.add(uid)
            self.store.clock.call_soon(self._sync_pod, uid, name_of(pod), namespace_of(pod))

    def _sync_pod(self, uid: str, name: str, namespace: str) -> None:
        self._dirty.discard(uid)
        pod = self.store.try_get("Pod", name, namespace)
        if pod is None or uid_of(pod) != uid or pod.get("spec", {}).get("nodeName") != self.node_name:
            return
        worker = self.workers.get(uid)
        if worker is None:
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                return
            worker = self.workers[uid] = PodWorker(self, pod)
            worker.start()
        if pod["metadata"].get("deletionTimestamp") and not worker.terminating:
            worker.terminate(int(pod["metadata"].get("deletionGracePeriodSeconds", 30)))

    def forget(self, uid: str) -> None:
        self.workers.pop(uid, None)


def _node_cond(ctype: str, status: str, reason: str, message: str, now: str) -> Obj:
    return {"lastHeartbeatTime": now, "lastTransitionTime": now, "message": message, "reason": reason,
            "status": status, "type": ctype}


class KubeletManager:
    """Starts a kubelet for every Node object and routes each pod to its node's kubelet."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.kubelets: dict[str, Kubelet] = {}
        self.claims: dict[str, FileSystem] = {}
        self._next_index = 0
        self._unsub: list[Any] = []

    def start(self) -> None:
        self._unsub.append(self.store.add_handler("Node", self._on_node))
        self._unsub.append(self.store.add_handler("Pod", self._on_pod))
        for node in self.store.list("Node"):
            self._on_node(WatchEvent("ADDED", node, None, 0))

    def stop(self) -> None:
        for u in self._unsub:
            u()

    def _on_node(self, ev: WatchEvent) -> None:
        name = name_of(ev.object)
        if ev.type == "DELETED":
            self.kubelets.pop(name, None)
            return
        if name not in self.kubelets:
            kubelet = Kubelet(self.store, name, self._next_index)
            kubelet.claims = self.claims
            self._next_index += 1
            self.kubelets[name] = kubelet
            self.store.clock.call_soon(kubelet.register)

    def _on_pod(self, ev: WatchEvent) -> None:
        node = ev.object.get("spec", {}).get("nodeName")
        if not node:
            return
        kubelet = self.kubelets.get(node)
        if kubelet is not None:
            kubelet.on_pod(ev)

    def logs(self, pod: Obj, container: str | None = None, previous: bool = False) -> list[tuple[float, str]] | None:
        """The log lines of a container of ``pod`` (``None`` if the kubelet has no such container)."""
        kubelet = self.kubelets.get(pod.get("spec", {}).get("nodeName") or "")
        worker = kubelet.workers.get(uid_of(pod)) if kubelet is not None else None
        if worker is None:
            return None
        return worker.logs(container, previous)

    def worker(self, pod: Obj) -> PodWorker | None:
        kubelet = self.kubelets.get(pod.get("spec", {}).get("nodeName") or "")
        return kubelet.workers.get(uid_of(pod)) if kubelet is not None else None

    # -------------------------------------------------- read-only views (UI)
    def _run(self, pod_uid: str, container: str) -> ContainerRun | None:
        for kubelet in self.kubelets.values():
            worker = kubelet.workers.get(pod_uid)
            if worker is not None:
                return worker.find(container)
        return None

    def probe_history(self, pod_uid: str, container: str) -> list[ProbeResult]:
        """The container's recent probe results, oldest first (empty if no kubelet runs it)."""
        run = self._run(pod_uid, container)
        return run.probe_results() if run is not None else []

    def backoff(self, pod_uid: str, container: str) -> BackOff | None:
        """The CrashLoopBackOff the container is waiting out, if it is."""
        run = self._run(pod_uid, container)
        return run.crash_loop() if run is not None else None
