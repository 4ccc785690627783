"""Simulated kubelets: one per node, running pods as timed state machines.

Nothing runs on the host. A pod bound to a node is handed to a :class:`PodWorker` (see
:mod:`k9play.kubelet.podworker`), which goes through the kubelet's visible steps on the
virtual clock. The kubelet itself registers its Node, renews its Lease and posts node
status (:mod:`k9play.kubelet.nodestatus`), allocates pod IPs from the node's pod CIDR, pulls
images (one at a time, per-node cache) and answers DNS lookups made by containers
(``nslookup myservice``). The machine under it can lose power and come back
(:meth:`Kubelet.power_off`, :meth:`Kubelet.power_on`), which is how ``k9play.faults``
takes a node down.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k9play import KUBERNETES_VERSION
from k9play.api import errors
from k9play.api.events import NORMAL, WARNING, EventRecorder
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of, uid_of
from k9play.api.store import WatchEvent
from k9play.kubelet import behaviour as bh
from k9play.kubelet import etc_files, images
from k9play.kubelet import nodestatus as ns
from k9play.kubelet.configsync import ConfigSync
from k9play.kubelet.container import BackOff, ContainerRun
from k9play.kubelet.eviction import EvictionManager
from k9play.kubelet.netclient import DnsAnswer, HttpRequest, HttpResponse, PodNetwork, no_network
from k9play.kubelet.podworker import PodWorker
from k9play.kubelet.probes import ProbeResult
from k9play.kubelet.shell import FileSystem
from k9play.kubelet.storage import VolumeData, node_filesystem
from k9play.kubelet.storage_eviction import VolumeStats, local_storage_eviction

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import TimerHandle

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
        self.node_fs = node_filesystem(node_name)
        #: NFS servers and persistent volume contents, shared by every node (set by the manager)
        self.volume_data: VolumeData | None = None
        self.workers: dict[str, PodWorker] = {}
        self.recorder = EventRecorder(store, "kubelet", node_name)
        self._pull_free_at = 0.0
        self._pulling: dict[str, list[Any]] = {}
        self._pull_timers: dict[str, TimerHandle] = {}
        self._dirty: set[str] = set()
        #: full image references the registry refuses to serve (shared by every kubelet)
        self.unpullable: set[str] = set()
        #: the cluster's simulated network (DNS, Services, ingress), set by the manager
        self.network: PodNetwork | None = None
        #: the machine is off: no status, no lease, no containers
        self.down = False
        self.boots = 0
        #: resources the eviction manager finds short (``memory``, ``disk``), and when it last did
        self.pressure: dict[str, bool] = {"memory": False, "disk": False}
        self._pressure_seen: dict[str, float] = {}
        #: volume usage as the eviction manager sees it (measured once a minute)
        self.volume_stats = VolumeStats()
        self._heartbeat: TimerHandle | None = None
        self._last_report = 0.0
        #: node-pressure eviction; it runs just before each heartbeat, so a status update
        #: reports what it last observed
        self.eviction = EvictionManager(self)

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
            "architecture": "amd64", "bootID": self.boot_id(),
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
        self._last_report = self.store.clock.now()
        self.eviction.start()
        self._beat()

    def boot_id(self) -> str:
        return f"{self.index:08x}-{self.boots:04x}-4000-8000-k9play"

    # ------------------------------------------------------------ heartbeats
    def _beat(self) -> None:
        """Renew the Lease and sync node status; one timer every 10 s."""
        self._heartbeat = None
        if self.down:
            return
        node = self.store.try_get("Node", self.node_name)
        if node is None:
            return
        now = self.store.clock.now()
        lease = self.store.try_get("Lease", self.node_name, ns.LEASE_NAMESPACE)
        try:
            new = ns.renewed_lease(lease, node, now)
            if lease is None:
                self._create_lease(new)
            else:
                self.store.update(new)
        except errors.ApiError:
            pass  # the kubelet retries at its next renewal
        self.sync_node_status()
        local_storage_eviction(list(self.workers.values()), self.volume_stats, now)
        self._heartbeat = self.store.clock.call_later(ns.RENEW_INTERVAL, self._beat)

    def _create_lease(self, lease: Obj) -> None:
        """The Lease's uid comes from the node's own random stream, so that adding heartbeats
        leaves the names a seed generates for everything else unchanged."""
        clock = self.store.clock
        shared, clock.rng = clock.rng, random.Random(f"{self.node_name}/lease/{self.boots}")
        try:
            self.store.create(lease)
        finally:
            clock.rng = shared

    def under_pressure(self, resource: str) -> bool:
        now = self.store.clock.now()
        if self.pressure.get(resource):
            self._pressure_seen[resource] = now
        seen = self._pressure_seen.get(resource)
        return seen is not None and now - seen < ns.PRESSURE_TRANSITION_PERIOD

    def sync_node_status(self, events: tuple[tuple[str, str, str], ...] = ()) -> None:
        """``tryUpdateNodeStatus``: post the conditions when they changed or every 5 minutes.
        ``events`` (type, reason, message) are recorded before the setters' own."""
        node = self.store.try_get("Node", self.node_name)
        if node is None:
            return
        now = self.store.clock.now()
        status = node.get("status") or {}
        old = status.get("conditions") or []
        desired = {"MemoryPressure": self.under_pressure("memory"), "DiskPressure": self.under_pressure("disk"),
                   "PIDPressure": False, "Ready": True}
        if not events and now - self._last_report < ns.STATUS_REPORT_FREQUENCY and ns.unchanged(old, desired):
            return  # the common case, every 10 s: nothing to post
        conditions, changes = ns.set_conditions(old, desired, format_time(now))
        changed = ns.without_heartbeats(conditions) != ns.without_heartbeats(old)
        if not changed and not events and now - self._last_report < ns.STATUS_REPORT_FREQUENCY:
            return
        new_status = {**status, "conditions": conditions,
                      "nodeInfo": {**(status.get("nodeInfo") or {}), "bootID": self.boot_id()}}
        try:
            stored = self.store.update_status({**node, "status": new_status})
        except errors.ApiError:
            return
        self._last_report = now
        for type_, reason, message in events:
            self.recorder.record(stored, type_, reason, message)
        for event in changes:
            self.recorder.record(stored, NORMAL, event, f"Node {self.node_name} status is now: {event}")

    # ----------------------------------------------------------- the machine
    def power_off(self) -> None:
        """The machine stops: no more heartbeats, pulls or containers, and nothing says so."""
        if self.down:
            return
        self.down = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        for timer in self._pull_timers.values():
            timer.cancel()
        self._pull_timers.clear()
        self._pulling.clear()
        self._pull_free_at = 0.0
        for worker in list(self.workers.values()):
            worker.halt()
        self.eviction.stop()

    def power_on(self) -> None:
        """The machine boots: the kubelet posts Ready status (``Rebooted``: a new boot id),
        renews its Lease, and syncs every pod bound to the node."""
        if not self.down:
            return
        self.down = False
        self.boots += 1
        self._pressure_seen.clear()
        self.sync_node_status(events=(
            (NORMAL, "Starting", "Starting kubelet."),
            (WARNING, "Rebooted", f"Node {self.node_name} has been rebooted, boot id: {self.boot_id()}"),
        ))
        self.eviction.start()
        self._beat()
        bound = {uid_of(p): p for p in self.store.pods_on_node(self.node_name)}
        for uid, worker in list(self.workers.items()):
            if uid not in bound:
                worker.cancel()
                self.workers.pop(uid, None)
                continue
            worker.boot()
        for uid, pod in bound.items():
            if uid not in self.workers:
                self.on_pod(WatchEvent("MODIFIED", pod, None, 0))

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
        outage = images.parse_image(image).full in self.unpullable
        ok = bh.tag_exists(image) and not outage
        took = images.pull_seconds(bh.profile_for(image).size) if ok else images.PULL_OVERHEAD
        self._pull_free_at = start + took
        self._pull_timers[image] = self.store.clock.call_at(start + took, self._pull_done, image, took, ok, outage)

    def _pull_done(self, image: str, took: float, ok: bool, outage: bool = False) -> None:
        self._pull_timers.pop(image, None)
        err = ""
        if ok:
            self.images.add(image)
        elif outage:
            err = images.unavailable_error(image)
        else:
            full = images.parse_image(image).full
            err = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed to resolve '
                   f'reference "{full}": {full}: not found')
        now = self.store.clock.now()
        for requested, done in self._pulling.pop(image, []):
            done(ok, now - requested, took, err)

    # ------------------------------------------------------------------- network
    def resolver(self, namespace: str, pod: str) -> Callable[[str], DnsAnswer]:
        """The cluster DNS as the containers of ``pod`` see it (``nslookup``, ``wget`` …)."""
        if self.network is not None:
            return self.network.resolver(namespace, pod)
        return self._service_ip_resolver(namespace)

    def resolv_conf(self, namespace: str, pod: str) -> str:
        """The pod's ``/etc/resolv.conf`` (the cluster DNS; without a simulated network, kind's)."""
        if self.network is not None:
            return self.network.resolv_conf(namespace, pod)
        return etc_files.resolv_conf(["10.96.0.10"], [f"{namespace}.svc.cluster.local", "svc.cluster.local",
                                                      "cluster.local"], 5)

    def http_client(self, namespace: str, pod: str) -> Callable[[HttpRequest], HttpResponse]:
        """The network as the containers of ``pod`` see it (``wget``/``curl``)."""
        return self.network.client(namespace, pod) if self.network is not None else no_network

    def _service_ip_resolver(self, namespace: str) -> Callable[[str], DnsAnswer]:
        """Without a simulated network: Service names resolve to their ClusterIP, nothing else."""

        def resolve(name: str) -> DnsAnswer:
            parts = name.rstrip(".").split(".")
            if name.rstrip(".").endswith(f".svc.{CLUSTER_DOMAIN}"):
                parts = parts[: -len(CLUSTER_DOMAIN.split(".")) - 1]
            elif len(parts) == 3 and parts[2] == "svc":
                parts = parts[:2]
            svc_name, ns = (parts[0], namespace) if len(parts) == 1 else ([*parts, ""])[:2]
            obj = self.store.try_get("Service", svc_name, ns) if ns and len(parts) <= 2 else None
            ip = (obj.get("spec") or {}).get("clusterIP") if obj is not None else None
            if not ip or ip == "None":
                return DnsAnswer(name, error="NXDOMAIN")
            return DnsAnswer(name, f"{svc_name}.{ns}.svc.{CLUSTER_DOMAIN}", (ip,))

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
            self.volume_stats.forget(uid)
            return
        if self.down:
            return  # nobody is watching: power_on syncs every pod bound here
        if uid not in self._dirty:
            self._dirty.add(uid)
            self.store.clock.call_soon(self._sync_pod, uid, name_of(pod), namespace_of(pod))

    def _sync_pod(self, uid: str, name: str, namespace: str) -> None:
        self._dirty.discard(uid)
        if self.down:
            return
        pod = self.store.try_get("Pod", name, namespace)
        if pod is None or uid_of(pod) != uid or pod.get("spec", {}).get("nodeName") != self.node_name:
            return
        worker = self.workers.get(uid)
        if worker is None:
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                return
            refused = None if pod["metadata"].get("deletionTimestamp") else self.eviction.admit(pod)
            if refused is not None:
                self.eviction.reject(pod, refused)
                return
            worker = self.workers[uid] = PodWorker(self, pod)
            worker.start()
        if pod["metadata"].get("deletionTimestamp") and not worker.terminating:
            worker.terminate(int(pod["metadata"].get("deletionGracePeriodSeconds", 30)))
        elif not worker.terminating and not worker.terminal_phase and worker.images_differ(pod):
            worker.sync_spec(pod)

    def forget(self, uid: str) -> None:
        self.workers.pop(uid, None)
        self.volume_stats.forget(uid)


def _node_cond(ctype: str, status: str, reason: str, message: str, now: str) -> Obj:
    return {"lastHeartbeatTime": now, "lastTransitionTime": now, "message": message, "reason": reason,
            "status": status, "type": ctype}


class KubeletManager:
    """Starts a kubelet for every Node object and routes each pod to its node's kubelet."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.kubelets: dict[str, Kubelet] = {}
        #: NFS servers and PV contents (:mod:`k9play.kubelet.storage`)
        self.volume_data = VolumeData(store, self._node_fs, lambda: [k.node_fs for k in self.kubelets.values()])
        #: ConfigMap/Secret changes reaching mounted files (:mod:`k9play.kubelet.configsync`)
        self.config_sync = ConfigSync(store, lambda: list(self.kubelets.values()))
        #: image references the registry refuses to serve (``k9play.faults``)
        self.unpullable: set[str] = set()
        #: images every node has from the start (kind's node image carries the control plane's)
        self.preloaded: tuple[str, ...] = ()
        self._next_index = 0
        self._unsub: list[Any] = []
        self._network: PodNetwork | None = None

    @property
    def network(self) -> PodNetwork | None:
        """The simulated network every kubelet's containers use (``k9play.network``)."""
        return self._network

    @network.setter
    def network(self, net: PodNetwork | None) -> None:
        self._network = net
        for kubelet in self.kubelets.values():
            kubelet.network = net

    def start(self) -> None:
        self._unsub.append(self.store.add_handler("Node", self._on_node))
        self._unsub.append(self.store.add_handler("Pod", self._on_pod))
        self._unsub.append(self.volume_data.start())
        self._unsub += self.config_sync.start()
        for node in self.store.list("Node"):
            self._on_node(WatchEvent("ADDED", node, None, 0))

    def stop(self) -> None:
        for u in self._unsub:
            u()

    def _on_node(self, ev: WatchEvent) -> None:
        name = name_of(ev.object)
        if ev.type == "DELETED":
            gone = self.kubelets.pop(name, None)
            if gone is not None:
                gone.power_off()
            return
        if name not in self.kubelets:
            kubelet = Kubelet(self.store, name, self._next_index)
            for image in self.preloaded:
                kubelet.images.add(image)
            kubelet.volume_data = self.volume_data
            kubelet.unpullable = self.unpullable
            kubelet.network = self._network
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

    def _node_fs(self, node: str) -> FileSystem | None:
        kubelet = self.kubelets.get(node)
        return kubelet.node_fs if kubelet is not None else None

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
