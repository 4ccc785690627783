"""Wiring: one clock, one store, the nodes, the control plane and the kubelets.

``Cluster`` is what every face (TUI, ``k9play sim``, tests) drives. It builds the default
topology (a tainted control-plane node plus N workers, kind-style names), starts the
controllers, scheduler and kubelets, and exposes ``advance`` for manual time.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from k9play import kubeadm
from k9play.api import rbac_bootstrap
from k9play.api.meta import Obj, format_time
from k9play.api.store import ObjectStore
from k9play.clock import Mode, VirtualClock
from k9play.controllers.base import Controller
from k9play.controllers.clusterroleaggregation import ClusterRoleAggregationController
from k9play.controllers.cronjob import CronJobController
from k9play.controllers.daemonset import DaemonSetController
from k9play.controllers.deployment import DeploymentController
from k9play.controllers.disruption import DisruptionController
from k9play.controllers.endpoints import EndpointsController
from k9play.controllers.endpointslice import EndpointSliceController
from k9play.controllers.endpointslicemirroring import EndpointSliceMirroringController
from k9play.controllers.garbagecollector import GarbageCollector
from k9play.controllers.hpa import HorizontalPodAutoscalerController
from k9play.controllers.ingressnginx import IngressNginxController
from k9play.controllers.job import JobController
from k9play.controllers.kubernetesservice import KubernetesServiceController
from k9play.controllers.loadbalancer import LoadBalancerController
from k9play.controllers.namespace import NamespaceController
from k9play.controllers.nodelifecycle import NodeLifecycleController
from k9play.controllers.persistentvolume import PersistentVolumeController
from k9play.controllers.podgc import PodGCController
from k9play.controllers.replicaset import ReplicaSetController
from k9play.controllers.replication import ReplicationManager
from k9play.controllers.resourcequota import ResourceQuotaController
from k9play.controllers.rootcacert import RootCACertPublisher
from k9play.controllers.serviceaccount import ServiceAccountController
from k9play.controllers.statefulset import StatefulSetController
from k9play.controllers.tainteviction import TaintEvictionController
from k9play.faults import Faults
from k9play.kubelet.kubelet import KubeletManager
from k9play.kubelet.metrics import Metrics
from k9play.network import Network, ProxyMode
from k9play.scheduler.scheduler import Scheduler

CLUSTER_NAME = "k9play"
#: how long the simulated cluster ran before the user arrives (CoreDNS is Ready after ~12 s)
BOOT_SECONDS = 30.0
CONTROL_PLANE = f"{CLUSTER_NAME}-control-plane"
DEFAULT_CAPACITY = {"cpu": "4", "memory": "8Gi", "pods": "110"}

#: the PriorityClasses the apiserver creates at startup (``SystemPriorityClasses``)
SYSTEM_PRIORITY_CLASSES = (
    ("system-node-critical", 2000001000,
     "Used for system critical pods that must not be moved from their current node."),
    ("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be "
                                            "moved to another node if necessary."),
)

CONTROLLERS: tuple[type[Controller], ...] = (
    NamespaceController,
    ServiceAccountController,
    RootCACertPublisher,
    GarbageCollector,
    PodGCController,
    PersistentVolumeController,
    DeploymentController,
    ReplicaSetController,
    ReplicationManager,
    DaemonSetController,
    StatefulSetController,
    JobController,
    CronJobController,
    HorizontalPodAutoscalerController,
    NodeLifecycleController,
    TaintEvictionController,
    DisruptionController,
    ClusterRoleAggregationController,
    ResourceQuotaController,
    EndpointsController,
    EndpointSliceController,
    EndpointSliceMirroringController,
    KubernetesServiceController,
    LoadBalancerController,
    IngressNginxController,
)


def worker_name(i: int) -> str:
    """kind's naming: ``k9play-worker``, ``k9play-worker2``, ``k9play-worker3`` …"""
    return f"{CLUSTER_NAME}-worker" if i == 1 else f"{CLUSTER_NAME}-worker{i}"


def node_manifest(name: str, *, control_plane: bool = False, capacity: dict[str, str] | None = None) -> Obj:
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    spec: Obj = {}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
        "status": {"capacity": dict(capacity or DEFAULT_CAPACITY)},
    }


class Cluster:
    """A simulated cluster on one virtual clock."""

    def __init__(
        self,
        *,
        workers: int = 2,
        seed: int | None = 0,
        mode: Mode = "manual",
        speed: float = 1.0,
        clock: VirtualClock | None = None,
        proxy_mode: ProxyMode = "iptables",
    ) -> None:
        #: the cluster booted this long before its clock reads the start time, so that the system
        #: pods (CoreDNS, kube-proxy) are Running and Ready when the user arrives, as on a kind
        #: cluster one has just created and waited for
        self.boot_seconds = BOOT_SECONDS if clock is None else 0.0
        if clock is None:  # its own clock starts at boot; start() runs it to the usual start time
            clock = VirtualClock(mode, seed=seed, speed=speed)
            clock.rewind(self.boot_seconds)
        self.clock = clock
        self.store = ObjectStore(self.clock)
        self.name = CLUSTER_NAME
        self.workers = workers
        self.controllers: list[Controller] = [cls(self.store) for cls in CONTROLLERS]
        self.scheduler = Scheduler(self.store)
        self.kubelets = KubeletManager(self.store)
        self.kubelets.preloaded = kubeadm.IMAGES
        #: the simulated metrics-server (pod/node usage, load knobs); HPAs and `kubectl top` read it
        self.metrics = Metrics(self.store, self.kubelets)
        lb = next(c for c in self.controllers if isinstance(c, LoadBalancerController))
        #: the data plane: cluster DNS, kube-proxy (``iptables`` or ``ipvs``), ingress-nginx, traffic
        self.network = Network(self.store, self.kubelets, self.metrics, proxy_mode=proxy_mode,
                               announcer=lb.announcing_node)
        self.kubelets.network = self.network
        #: fault injection: nodes down and up, crashes, failing probes, registry outages, load, pressure
        self.faults = Faults(self)
        self.started = False

    def start(self) -> Cluster:
        """Create the nodes and system objects and start every component."""
        if self.started:
            return self
        self.started = True
        for c in self.controllers:
            c.start()
        self.scheduler.start()
        self.kubelets.start()
        rbac_bootstrap.bootstrap(self.store)
        control_plane = self.store.create(node_manifest(CONTROL_PLANE, control_plane=True))
        self._system_objects(control_plane)
        self.clock.settle()  # the control plane is up before the workers join, as in kind: CoreDNS runs there
        for i in range(1, self.workers + 1):
            self.store.create(node_manifest(worker_name(i)))
        self.store.create({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
        })
        self.clock.settle()
        if self.boot_seconds:
            self.clock.advance_sync(self.boot_seconds)
        return self

    def _system_objects(self, control_plane: Obj) -> None:
        """What kubeadm leaves in kube-system (:mod:`k9play.kubeadm`), drawn from a random
        stream of its own so that a seed still names the user's objects as before."""
        store = self.store
        store.system_rng = random.Random(f"kube-system/{self.clock.rng.getstate()[1][0]}")
        node_ip = self.kubelets.kubelets[CONTROL_PLANE].node_ip
        with store.system():
            for name, value, description in SYSTEM_PRIORITY_CLASSES:
                store.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                              "metadata": {"name": name}, "value": value, "description": description})
            for obj in kubeadm.kube_proxy() + kubeadm.coredns():
                store.create(obj)
            for pod in kubeadm.static_pods(control_plane, node_ip, format_time(self.clock.now())):
                store.create(pod)

    def stop(self) -> None:
        for c in self.controllers:
            c.stop()
        self.scheduler.stop()
        self.kubelets.stop()

    # ---- time
    async def advance(self, seconds: float) -> int:
        return await self.clock.advance(seconds)

    def advance_sync(self, seconds: float) -> int:
        return self.clock.advance_sync(seconds)

    # ---- convenience for faces and tests
    def apply_objects(self, objs: Iterable[Obj]) -> list[Any]:
        """Create or replace each object (a plain ``kubectl apply`` without three-way merge)."""
        from k9play.manifests.applier import apply_object

        return [apply_object(self.store, o) for o in objs]
