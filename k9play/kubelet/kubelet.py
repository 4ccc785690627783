"""Simulated kubelets: one per node, running pods as timed state machines.

Nothing runs on the host. A pod bound to a node goes through the kubelet's visible steps
on the virtual clock — sandbox, image pull (per-node cache, serialised pulls), create,
start, ready — and every step is a status write and an event, exactly what ``kubectl
get``/``describe`` show for a real node. Deletion honours the grace period: SIGTERM, the
wait (images whose PID 1 ignores SIGTERM are killed when the grace period ends), the
terminal phase, then the final delete with grace 0.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k9play import KUBERNETES_VERSION
from k9play.api import errors
from k9play.api.events import NORMAL, EventRecorder
from k9play.api.meta import Obj, copy_obj, format_time, name_of, namespace_of, uid_of
from k9play.api.store import WatchEvent
from k9play.kubelet import images

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import TimerHandle

#: The kubelet notices a newly bound pod through its watch and its pod worker's first sync;
#: until then kubectl shows the pod as plain ``Pending``.
NOTICE_SECONDS = 0.5
SANDBOX_SECONDS = 1.0
CREATE_SECONDS = 0.2
START_SECONDS = 0.1
INIT_RUN_SECONDS = 1.0
GRACEFUL_STOP_SECONDS = 0.3
#: Images whose PID 1 exits promptly on SIGTERM; others (shells, ``sleep``) ignore it.
HANDLES_SIGTERM = frozenset({"nginx", "httpd", "redis", "mysql", "postgres", "registry.k8s.io/e2e-test-images/agnhost",
                             "registry.k8s.io/goproxy", "registry.k8s.io/hpa-example", "php"})
RUNTIME_VERSION = "containerd://2.1.1"


def _now_str(store: ObjectStore) -> str:
    return format_time(store.clock.now())


@dataclass
class ContainerRun:
    """The kubelet's view of one container of a pod."""

    name: str
    image: str
    init: bool
    state: str = "waiting"  # waiting | running | terminated
    reason: str = "ContainerCreating"
    message: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    exit_code: int = 0
    container_id: str = ""
    image_ready: bool = False
    ready: bool = False
    restart_count: int = 0
    last_state: dict[str, Any] = field(default_factory=dict)

    def status(self) -> Obj:
        st: Obj = {"image": images.parse_image(self.image).full if self.image_ready else self.image,
                   "imageID": images.image_id(self.image) if self.image_ready else "",
                   "lastState": self.last_state, "name": self.name, "ready": self.ready,
                   "restartCount": self.restart_count}
        if self.container_id:
            st["containerID"] = self.container_id
        if self.state == "waiting":
            st["started"] = False
            st["state"] = {"waiting": {"reason": self.reason, **({"message": self.message} if self.message else {})}}
        elif self.state == "running":
            st["started"] = True
            st["state"] = {"running": {"startedAt": format_time(self.started_at or 0)}}
        else:
            st["started"] = False
            term = {"containerID": self.container_id, "exitCode": self.exit_code,
                    "finishedAt": format_time(self.finished_at or 0), "reason": self.reason,
                    "startedAt": format_time(self.started_at or 0)}
            st["state"] = {"terminated": term}
        return dict(sorted(st.items()))


class PodWorker:
    """Drives one pod on one node."""

    def __init__(self, kubelet: Kubelet, pod: Obj) -> None:
        self.kubelet = kubelet
        self.store = kubelet.store
        self.clock = kubelet.store.clock
        self.uid = uid_of(pod)
        self.name = name_of(pod)
        self.namespace = namespace_of(pod)
        spec = pod.get("spec", {})
        self.init = [ContainerRun(c["name"], c.get("image", ""), True, reason="PodInitializing")
                     for c in spec.get("initContainers") or []]
        self.containers = [ContainerRun(c["name"], c.get("image", ""), False,
                                        reason="PodInitializing" if self.init else "ContainerCreating")
                           for c in spec.get("containers") or []]
        if self.init:
            self.init[0].reason = "ContainerCreating"
        self.specs = {c["name"]: c for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])}
        self.pod_ip: str | None = None
        self.sandbox_ready = False
        self.start_time = self.clock.now()
        self.terminating = False
        self.terminal_phase: str | None = None
        self._timers: list[TimerHandle] = []
        self.recorder = kubelet.recorder

    # ------------------------------------------------------------- helpers
    def _later(self, delay: float, fn: Any, *args: Any) -> None:
        self._timers.append(self.clock.call_later(delay, fn, *args))

    def cancel(self) -> None:
        for t in self._timers:
            t.cancel()
        self._timers.clear()

    def pod(self) -> Obj | None:
        pod = self.store.try_get("Pod", self.name, self.namespace)
        if pod is None or uid_of(pod) != self.uid:
            return None
        return pod

    def event(self, type_: str, reason: str, message: str, container: str | None = None) -> None:
        pod = self.pod()
        if pod is None:
            return
        path = None
        if container is not None:
            key = "initContainers" if any(c.name == container and c.init for c in self.init) else "containers"
            path = f"spec.{key}{{{container}}}"
        self.recorder.record(pod, type_, reason, message, field_path=path)

    # ----------------------------------------------------------- lifecycle
    def start(self) -> None:
        self._later(NOTICE_SECONDS, self._first_sync)

    def _first_sync(self) -> None:
        self.start_time = self.clock.now()
        self.write_status()
        self._later(SANDBOX_SECONDS, self._sandbox_ready)

    def _sandbox_ready(self) -> None:
        if self.terminating:
            return
        self.sandbox_ready = True
        self.pod_ip = self.kubelet.allocate_ip()
        if self.init:
            self._start_container(self.init[0])
        else:
            self._start_app_containers()
        self.write_status()

    def _start_app_containers(self) -> None:
        for c in self.containers:
            c.reason = "ContainerCreating"
        self._start_next_app(0)

    def _start_next_app(self, index: int) -> None:
        if index < len(self.containers):
            self._start_container(self.containers[index], then=lambda: self._start_next_app(index + 1))

    def _start_container(self, c: ContainerRun, then: Any = None) -> None:
        """Pull (if needed), create and start one container; ``then`` runs once it started."""
        spec = self.specs[c.name]
        policy = spec.get("imagePullPolicy", "IfNotPresent")
        if policy == "Always" or not self.kubelet.images.has(c.image):
            if policy == "Never":
                return  # ErrImageNeverPull: the behaviour model arrives with pod lifecycle work
            self.event(NORMAL, "Pulling", f'Pulling image "{c.image}"', c.name)
            self.kubelet.pull(c.image, lambda waited, took: self._pulled(c, waited, took, then))
        else:
            self.event(NORMAL, "Pulled", f'Container image "{c.image}" already present on machine', c.name)
            self._create(c, then)

    def _pulled(self, c: ContainerRun, waited: float, took: float, then: Any) -> None:
        if self.terminating:
            return
        size = images.image_size(c.image)
        self.event(NORMAL, "Pulled", f'Successfully pulled image "{c.image}" in {took:.3f}s ({waited:.3f}s including '
                                     f"waiting). Image size: {size} bytes.", c.name)
        self._create(c, then)

    def _create(self, c: ContainerRun, then: Any) -> None:
        self._later(CREATE_SECONDS, self._created, c, then)

    def _created(self, c: ContainerRun, then: Any) -> None:
        if self.terminating:
            return
        c.image_ready = True
        c.container_id = f"{RUNTIME_VERSION.split(':')[0]}://{self.clock.rng.getrandbits(256):064x}"
        self.event(NORMAL, "Created", f"Created container: {c.name}", c.name)
        self._later(START_SECONDS, self._started, c, then)

    def _started(self, c: ContainerRun, then: Any) -> None:
        if self.terminating:
            return
        c.state, c.reason, c.started_at = "running", "", self.clock.now()
        self.event(NORMAL, "Started", f"Started container {c.name}", c.name)
        if c.init:
            self._later(INIT_RUN_SECONDS, self._init_done, c)
        else:
            c.ready = "readinessProbe" not in self.specs[c.name]
        self.write_status()
        if then is not None:
            then()

    def _init_done(self, c: ContainerRun) -> None:
        if self.terminating:
            return
        c.state, c.reason, c.exit_code, c.finished_at = "terminated", "Completed", 0, self.clock.now()
        idx = self.init.index(c)
        if idx + 1 < len(self.init):
            self.init[idx + 1].reason = "ContainerCreating"
            self._start_container(self.init[idx + 1])
        else:
            self._start_app_containers()
        self.write_status()

    # ---------------------------------------------------------- termination
    def terminate(self, grace: int) -> None:
        """The pod got a deletionTimestamp: stop containers within ``grace`` seconds."""
        if self.terminating:
            return
        self.terminating = True
        self.cancel()
        running = [c for c in self.init + self.containers if c.state == "running"]
        if not running:
            self._finish()
            return
        for c in running:
            self.event(NORMAL, "Killing", f"Stopping container {c.name}", c.name)
            graceful = images.parse_image(c.image).short in HANDLES_SIGTERM
            if graceful and GRACEFUL_STOP_SECONDS < grace:
                self._later(GRACEFUL_STOP_SECONDS, self._stopped, c, 0, "Completed")
            else:
                self._later(float(grace), self._stopped, c, 137, "Error")

    def _stopped(self, c: ContainerRun, code: int, reason: str) -> None:
        c.state, c.exit_code, c.reason, c.finished_at, c.ready = "terminated", code, reason, self.clock.now(), False
        if all(x.state != "running" for x in self.init + self.containers):
            self._finish()
        else:
            self.write_status()

    def _finish(self) -> None:
        for c in self.init + self.containers:
            if c.state == "waiting":
                c.ready = False
        app = [c for c in self.containers if c.state == "terminated"]
        self.terminal_phase = "Succeeded" if app and len(app) == len(self.containers) and all(
            c.exit_code == 0 for c in app) else "Failed"
        self.write_status()
        pod = self.pod()
        if pod is not None:
            try:
                self.store.delete("Pod", self.name, self.namespace, grace_period=0, uid=self.uid)
            except errors.ApiError:
                pass
        self.kubelet.forget(self.uid)

    # --------------------------------------------------------------- status
    def phase(self) -> str:
        if self.terminal_phase:
            return self.terminal_phase
        if any(c.state != "terminated" for c in self.init):
            return "Pending"
        if any(c.state == "running" for c in self.containers):
            return "Running"
        return "Pending"

    def write_status(self) -> None:
        pod = self.pod()
        if pod is None:
            return
        old = pod.get("status") or {}
        now = _now_str(self.store)
        old_conds = {c.get("type"): c for c in old.get("conditions") or []}

        def cond(ctype: str, ok: bool, reason: str = "", message: str = "") -> Obj:
            status = "True" if ok else "False"
            prev = old_conds.get(ctype)
            since = prev["lastTransitionTime"] if prev and prev.get("status") == status else now
            c: Obj = {"lastProbeTime": None, "lastTransitionTime": since, "status": status, "type": ctype}
            if not ok and reason:
                c["reason"] = reason
                c["message"] = message
            return c

        pending_init = [c.name for c in self.init if c.state != "terminated" or c.exit_code != 0]
        unready = [c.name for c in self.containers if not c.ready]
        all_ready = not unready and not self.terminating
        if self.terminal_phase:
            unready = [c.name for c in self.containers]
        conditions = [
            cond("PodReadyToStartContainers", self.sandbox_ready and not self.terminal_phase),
            cond("Initialized", not pending_init, "ContainersNotInitialized",
                 f"containers with incomplete status: [{' '.join(pending_init)}]"),
            cond("Ready", all_ready and not self.terminal_phase, "ContainersNotReady" if not self.terminal_phase
                 else "PodCompleted", f"containers with unready status: [{' '.join(unready)}]"),
            cond("ContainersReady", all_ready and not self.terminal_phase, "ContainersNotReady" if not
                 self.terminal_phase else "PodCompleted", f"containers with unready status: [{' '.join(unready)}]"),
        ]
        if self.terminal_phase:
            for c in conditions[2:]:
                if c["status"] == "False":
                    c["reason"] = "PodCompleted"
                    c.pop("message", None)
        if "PodScheduled" in old_conds:
            conditions.append(old_conds["PodScheduled"])
        status: Obj = {
            "conditions": conditions,
            "containerStatuses": sorted((c.status() for c in self.containers), key=lambda s: s["name"]),
            "hostIP": self.kubelet.node_ip,
            "hostIPs": [{"ip": self.kubelet.node_ip}],
            "phase": self.phase(),
        }
        if self.init:
            status["initContainerStatuses"] = [c.status() for c in self.init]
        if self.pod_ip:
            status["podIP"] = self.pod_ip
            status["podIPs"] = [{"ip": self.pod_ip}]
        if "qosClass" in old:
            status["qosClass"] = old["qosClass"]
        status["startTime"] = format_time(self.start_time)
        if status == old:
            return
        try:
            self.store.update_status({**pod, "status": status})
        except errors.ApiError:
            pass


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
    def pull(self, image: str, done: Any) -> None:
        """Serialised image pulls (``serializeImagePulls``); concurrent pulls of one image coalesce."""
        requested = self.store.clock.now()
        waiters = self._pulling.get(image)
        if waiters is not None:
            waiters.append((requested, done))
            return
        self._pulling[image] = [(requested, done)]
        start = max(requested, self._pull_free_at)
        took = images.pull_seconds(image)
        self._pull_free_at = start + took
        self.store.clock.call_at(start + took, self._pull_done, image, took)

    def _pull_done(self, image: str, took: float) -> None:
        self.images.add(image)
        now = self.store.clock.now()
        for requested, done in self._pulling.pop(image, []):
            done(now - requested, took)

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
