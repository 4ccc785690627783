"""Simulated resource usage, and the metrics-server's view of it (``metrics.k8s.io/v1beta1``).

Usage is computed from the simulated world, never sampled from the host:

* each **running** container uses its ``k9play.dev/cpu`` annotation (``250m``) if set, else a
  small idle baseline that depends on what it runs (1m for an idle nginx, 0 for ``sleep``);
  ``stress --cpu N`` spins N cores;
* on top of that comes **load**: CPU demand put on a workload with :func:`set_load` (or
  :meth:`Metrics.set_load`), spread evenly over the workload's *ready* pods like a Service
  spreads requests, and given to each pod's first app container;
* a container's CPU never exceeds its CPU limit (the CFS quota throttles it);
* memory is the ``k9play.dev/memory`` annotation if set, else what the process holds (the
  server's working set, ``stress --vm-bytes`` …), with a small floor for idle shells.

:class:`Metrics` is also the simulated **metrics-server**: every 15 s (``--metric-resolution``)
it scrapes every running container and keeps the last two points per container, exactly as
metrics-server's storage does; a pod appears in the API once each of its containers has two
points (or one point taken 10–15 s after the container started). What it serves are
``PodMetrics``/``NodeMetrics`` objects shaped like the real API's (``timestamp``, ``window``,
``usage.cpu`` in nanocores, ``usage.memory`` in bytes), which is what the HPA controller and
``kubectl top`` read. Scraping starts on demand (first query or first HPA sync) as if it had
always been running, so clusters that never ask for metrics carry no extra timers.

One ``Metrics`` belongs to one store; creating it registers it as the store's resource metrics
API (``store.resource_metrics``), which is where the HPA controller finds it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k9play.api import resources
from k9play.api.meta import format_time, labels_of, name_of, namespace_of, parse_time, uid_of
from k9play.api.pods import is_active, is_ready
from k9play.api.quantity import QuantityError, milli, parse_quantity
from k9play.api.selectors import (
    EVERYTHING,
    LabelSelector,
    parse_label_selector,
    selector_from_labels,
    selector_from_spec,
)
from k9play.kubelet import behaviour as bh

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import TimerHandle
    from k9play.kubelet.kubelet import KubeletManager

Obj = dict[str, Any]

#: where an ``ObjectStore`` keeps its metrics API (the HPA controller looks here)
STORE_ATTRIBUTE = "resource_metrics"
#: metrics-server ``--metric-resolution``
RESOLUTION = 15.0
#: metrics-server ``freshContainerMinMetricsResolution``
FRESH_CONTAINER_MIN_RESOLUTION = 10.0
NANO = 1_000_000_000
MILLI_TO_NANO = 1_000_000
KiB = 1024
MiB = 1024 * 1024

#: idle CPU of a server process, in millicores, by image (other servers: DEFAULT_SERVER_IDLE_MILLIS)
IDLE_CPU_MILLIS: dict[str, int] = {
    "nginx": 1,
    "httpd": 1,
    "registry.k8s.io/hpa-example": 1,
    "redis": 2,
    "postgres": 3,
    "mysql": 5,
}
DEFAULT_SERVER_IDLE_MILLIS = 1
#: working set of a process that never allocates (a shell, ``sleep``)
MIN_MEMORY = 512 * KiB
#: the node's own usage (kubelet, containerd, system daemons) added to its pods' in NodeMetrics
NODE_SYSTEM_CPU_MILLIS = 30
NODE_SYSTEM_MEMORY = 256 * MiB

#: kinds a load can be put on: a Pod itself, or the ready pods a selector picks
LOAD_KINDS = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "DaemonSet",
              "Job", "Service")

Target = tuple[str, str, str]  # (kind, namespace, name)


@dataclass(slots=True)
class ContainerUsage:
    """One running container's usage right now."""

    name: str
    started: float  # when the running instance started (virtual seconds)
    cpu: int  # nanocores
    memory: int  # bytes

    @property
    def cpu_millis(self) -> int:
        return -(-self.cpu // MILLI_TO_NANO)


@dataclass(slots=True)
class _Point:
    """A metrics-server point for one container: taken at ``ts``."""

    started: float
    ts: float
    cpu: int
    memory: int


@dataclass(slots=True)
class _PodPoints:
    uid: str
    node: str
    containers: dict[str, _Point]


@dataclass(slots=True)
class _Running:
    """A running container as the metrics model needs it."""

    spec: Obj
    started: float
    overrides: bh.Overrides
    server: bool
    profile: bh.ImageProfile
    argv: list[str]
    memory: int | None  # what the process holds (None: not known without the kubelet)
    tmpfs: int = 0  # tmpfs pages it wrote (``medium: Memory`` emptyDirs), charged to its cgroup

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))


# ---------------------------------------------------------------- formatting
def format_cpu(nanocores: int) -> str:
    """A CPU amount as metrics-server serialises it (DecimalSI, scale -9): ``1m``, ``87142857n``, ``2``."""
    return _decimal_si(nanocores, ("n", "u", "m", "", "k", "M", "G"))


def format_memory(n: int) -> str:
    """A byte count as metrics-server serialises it (BinarySI): ``20Mi``, ``1234Ki``, ``1000``."""
    if n == 0:
        return "0"
    for suffix, unit in (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def format_milli_decimal(value: int) -> str:
    """``resource.NewMilliQuantity(v, DecimalSI).String()``: ``1m``, ``200m``, ``2``, ``157286400``, ``12M``."""
    return _decimal_si(value, ("m", "", "k", "M", "G", "T", "P", "E"))


def _decimal_si(value: int, suffixes: tuple[str, ...]) -> str:
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    i = 0
    while i + 1 < len(suffixes) and value % 1000 == 0:
        value //= 1000
        i += 1
    return f"{sign}{value}{suffixes[i]}"


def format_window(seconds: float) -> str:
    """A Go ``time.Duration`` string, as the API serialises ``window`` (``15s``, ``12.35s``)."""
    ms = round(seconds * 1000)
    if ms <= 0:
        return "0s"
    minutes, rest = divmod(ms, 60_000)
    secs = f"{rest // 1000}" if rest % 1000 == 0 else f"{rest / 1000:.3f}".rstrip("0")
    if minutes == 0:
        return f"{secs}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m{secs}s" if hours else f"{minutes}m{secs}s"


def parse_cpu(cpu: str | int | float | None) -> int:
    """A CPU quantity (``"610m"``, ``"1"``, ``0.5`` cores) in millicores; ``None`` is 0."""
    if cpu is None:
        return 0
    if isinstance(cpu, float):
        return math.ceil(cpu * 1000 - 1e-9)
    return milli(cpu)


# ------------------------------------------------------------------ Metrics
class Metrics:
    """Resource usage of the simulated cluster, and the metrics-server that serves it.

    ``kubelets`` gives access to the running processes (their memory); without it the model
    reads container states from pod status and uses each image's typical memory.
    """

    def __init__(self, store: ObjectStore, kubelets: KubeletManager | None = None, *,
                 resolution: float = RESOLUTION, register: bool = True) -> None:
        self.store = store
        self.clock = store.clock
        self.kubelets = kubelets
        self.resolution = resolution
        self._loads: dict[Target, int] = {}  # millicores of demand
        self._last: dict[tuple[str, str], _PodPoints] = {}
        self._prev: dict[tuple[str, str], _PodPoints] = {}
        self._node_scrapes: dict[str, int] = {}
        self._last_scrape: float | None = None
        self._prev_scrape: float | None = None
        self._timer: TimerHandle | None = None
        self._shares_key: tuple[float, int, int] | None = None
        self._shares: dict[str, int] = {}
        self._load_version = 0
        if register:
            setattr(store, STORE_ATTRIBUTE, self)

    @classmethod
    def attach(cls, store: ObjectStore, kubelets: KubeletManager | None = None) -> Metrics:
        """The store's metrics (created and registered if it has none); fills in ``kubelets``."""
        existing = getattr(store, STORE_ATTRIBUTE, None)
        if isinstance(existing, Metrics):
            if kubelets is not None and existing.kubelets is None:
                existing.kubelets = kubelets
            return existing
        return cls(store, kubelets)

    # ------------------------------------------------------------ scraping
    @property
    def running(self) -> bool:
        return self._timer is not None

    def start(self) -> None:
        """Start scraping every ``resolution`` seconds, on multiples of it (idempotent).

        Scraping starts on demand (the first query, or the HPA controller's first sync), so a
        cluster nobody asks for metrics runs no extra timers. It starts as if metrics-server had
        been running all along: the first scrape, taken at once, assumes each container that
        has run for a full window used what it uses now over that window.
        """
        if self._timer is not None:
            return
        now = self.clock.now()
        self.scrape(assume_history=True)
        first = math.floor(now / self.resolution) * self.resolution + self.resolution
        self._timer = self.clock.call_at(first, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self) -> None:
        self.scrape()
        self._timer = self.clock.call_at(self.clock.now() + self.resolution, self._tick)

    def scrape(self, assume_history: bool = False) -> None:
        """Take one point per running container (metrics-server's ``Store``).

        ``assume_history``: containers without a previous point that have run for a full
        window get one, ``resolution`` seconds ago, with their current usage.
        """
        now = self.clock.now()
        shares = self._load_shares()
        last: dict[tuple[str, str], _PodPoints] = {}
        prev: dict[tuple[str, str], _PodPoints] = {}
        nodes: set[str] = set()
        for pod, runs in self._running_pods():
            key = (namespace_of(pod), name_of(pod))
            uid = uid_of(pod)
            node = (pod.get("spec") or {}).get("nodeName") or ""
            nodes.add(node)
            old = self._last.get(key)
            if old is not None and old.uid != uid:
                old = None
            old_prev = self._prev.get(key)
            if old_prev is not None and old_prev.uid != uid:
                old_prev = None
            points: dict[str, _Point] = {}
            prev_points: dict[str, _Point] = {}
            for c in self._usages(pod, runs, shares):
                if c.name in points:
                    continue
                point = _Point(c.started, now, c.cpu, c.memory)
                points[c.name] = point
                age = now - c.started
                if c.started < now and FRESH_CONTAINER_MIN_RESOLUTION <= age < self.resolution:
                    prev_points[c.name] = _Point(c.started, c.started, 0, c.memory)
                elif old is not None and c.name in old.containers and c.started < old.containers[c.name].ts:
                    stored = old.containers[c.name]
                    if now > stored.ts:
                        prev_points[c.name] = stored
                    elif old_prev is not None and c.name in old_prev.containers \
                            and old_prev.containers[c.name].ts < now:
                        prev_points[c.name] = old_prev.containers[c.name]
                if assume_history and c.name not in prev_points and c.started <= now - self.resolution:
                    prev_points[c.name] = _Point(c.started, now - self.resolution, c.cpu, c.memory)
            last[key] = _PodPoints(uid, node, points)
            if prev_points:
                prev[key] = _PodPoints(uid, node, prev_points)
        self._last, self._prev = last, prev
        reachable = self._node_names()
        for node in [n for n in self._node_scrapes if n not in reachable]:
            del self._node_scrapes[node]  # a node that is down (or gone) starts over
        for node in reachable:
            self._node_scrapes[node] = self._node_scrapes.get(node, 0) + (2 if assume_history else 1)
        if assume_history and self._last_scrape is None:
            self._prev_scrape, self._last_scrape = now - self.resolution, now
        else:
            self._prev_scrape, self._last_scrape = self._last_scrape, now

    # -------------------------------------------------------- the metrics API
    def list_pod_metrics(self, namespace: str | None = None,
                         selector: LabelSelector | str | None = None) -> list[Obj]:
        """``GET /apis/metrics.k8s.io/v1beta1/[namespaces/NS/]pods?labelSelector=…``.

        Pods that exist now, match ``selector`` and have a complete pair of points; sorted by
        namespace and name. Starts the scraper if nobody has.
        """
        self.start()
        sel = parse_label_selector(selector) if isinstance(selector, str) else (selector or EVERYTHING)
        out = []
        for key in sorted(self._last):
            if namespace is not None and key[0] != namespace:
                continue
            item = self._pod_metrics(key)
            if item is not None and sel.matches(item["metadata"].get("labels")):
                out.append(item)
        return out

    def get_pod_metrics(self, name: str, namespace: str = "default") -> Obj | None:
        """``GET …/namespaces/NS/pods/NAME`` (``None`` is the API's NotFound)."""
        self.start()
        return self._pod_metrics((namespace, name))

    def _pod_metrics(self, key: tuple[str, str]) -> Obj | None:
        last = self._last.get(key)
        prev = self._prev.get(key)
        if last is None or prev is None or prev.uid != last.uid:
            return None
        pod = self.store.try_get("Pod", key[1], key[0])
        if pod is None or uid_of(pod) != last.uid:
            return None
        containers = []
        ts = window = None
        for cname, point in last.containers.items():
            before = prev.containers.get(cname)
            if before is None:
                return None
            if ts is None or point.ts < ts:
                ts, window = point.ts, point.ts - before.ts
            containers.append({"name": cname, "usage": {"cpu": format_cpu(point.cpu),
                                                         "memory": format_memory(point.memory)}})
        if ts is None or window is None:
            return None
        md: Obj = {"name": key[1], "namespace": key[0], "creationTimestamp": format_time(self.clock.now())}
        if labels_of(pod):
            md["labels"] = dict(labels_of(pod))
        return {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": md,
                "timestamp": format_time(ts), "window": format_window(window), "containers": containers}

    def list_node_metrics(self) -> list[Obj]:
        """``GET /apis/metrics.k8s.io/v1beta1/nodes``: the node's pods plus its own daemons."""
        self.start()
        if self._last_scrape is None or self._prev_scrape is None:
            return []
        cpu: dict[str, int] = {}
        mem: dict[str, int] = {}
        for pts in self._last.values():
            for p in pts.containers.values():
                cpu[pts.node] = cpu.get(pts.node, 0) + p.cpu
                mem[pts.node] = mem.get(pts.node, 0) + p.memory
        out = []
        for node in self._node_names():
            if self._node_scrapes.get(node, 0) < 2:
                continue
            out.append({
                "kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                "metadata": {"name": node, "creationTimestamp": format_time(self.clock.now())},
                "timestamp": format_time(self._last_scrape),
                "window": format_window(self._last_scrape - self._prev_scrape),
                "usage": {"cpu": format_cpu(cpu.get(node, 0) + NODE_SYSTEM_CPU_MILLIS * MILLI_TO_NANO),
                          "memory": format_memory(mem.get(node, 0) + NODE_SYSTEM_MEMORY + self._outside(node))},
            })
        return out

    # ----------------------------------------------------- live usage (top)
    def container_usage(self, pod: Obj) -> list[ContainerUsage]:
        """What each running container of ``pod`` uses at this instant (not the scraped view)."""
        runs = self._runs_for(pod)
        if not runs:
            return []
        return self._usages(pod, runs, self._load_shares())

    def pod_usage(self, pod: Obj) -> tuple[int, int]:
        """``(cpu millicores, memory bytes)`` the pod uses at this instant (sum of its containers)."""
        usages = self.container_usage(pod)
        cpu = sum(c.cpu for c in usages)
        return -(-cpu // MILLI_TO_NANO), sum(c.memory for c in usages)

    # ----------------------------------------------------------------- load
    def set_load(self, target: Target | tuple[str, str] | str, cpu: str | int | float | None,
                 namespace: str = "default") -> Target:
        """Put ``cpu`` of demand (``"610m"``, ``"1"``, ``0.5`` cores) on a workload or pod.

        ``target`` is ``(kind, namespace, name)``, ``(kind, name)`` or ``"kind/name"`` (kubectl's
        names and short names work: ``deploy/php-apache``). ``cpu`` of 0 or ``None`` removes the
        load. Returns the normalised target.
        """
        key = normalize_target(target, namespace)
        millis = parse_cpu(cpu)
        if millis < 0:
            raise ValueError("load must not be negative")
        if millis == 0:
            self._loads.pop(key, None)
        else:
            self._loads[key] = millis
        self._load_version += 1
        return key

    def clear_load(self, target: Target | tuple[str, str] | str, namespace: str = "default") -> None:
        self.set_load(target, None, namespace)

    def load_of(self, target: Target | tuple[str, str] | str, namespace: str = "default") -> int:
        """Millicores of demand on ``target`` (0 if none)."""
        return self._loads.get(normalize_target(target, namespace), 0)

    def loads(self) -> dict[Target, int]:
        """Every load, ``{(kind, namespace, name): millicores}``."""
        return dict(self._loads)

    def load_pods(self, target: Target | tuple[str, str] | str, namespace: str = "default") -> list[Obj]:
        """The pods a load on ``target`` is spread over right now."""
        return self._target_pods(normalize_target(target, namespace))

    # ------------------------------------------------------------- internals
    def _load_shares(self) -> dict[str, int]:
        """Nanocores of load per pod uid."""
        if not self._loads:
            return {}
        key = (self.clock.now(), self.store.resource_version, self._load_version)
        if key == self._shares_key:
            return self._shares
        shares: dict[str, int] = {}
        for target, millis in self._loads.items():
            pods = self._target_pods(target)
            if not pods:
                continue
            base, extra = divmod(millis * MILLI_TO_NANO, len(pods))
            for i, p in enumerate(pods):
                uid = uid_of(p)
                shares[uid] = shares.get(uid, 0) + base + (1 if i < extra else 0)
        self._shares_key, self._shares = key, shares
        return shares

    def _target_pods(self, target: Target) -> list[Obj]:
        kind, ns, name = target
        if kind == "Pod":
            pod = self.store.try_get("Pod", name, ns)
            if pod is None or not is_active(pod) or (pod.get("status") or {}).get("phase") != "Running":
                return []
            return [pod]
        obj = self.store.try_get(kind, name, ns)
        if obj is None:
            return []
        spec = obj.get("spec") or {}
        if kind in ("ReplicationController", "Service"):
            if not spec.get("selector"):
                return []
            sel = selector_from_labels(spec.get("selector"))
        else:
            try:
                sel = selector_from_spec(spec.get("selector"))
            except ValueError:
                return []
        if sel.empty:
            return []
        return [p for p in self.store.list("Pod", ns, sel) if is_active(p) and is_ready(p)]

    def _outside(self, node: str) -> int:
        """Memory held on the node outside its pods (a fault's leak, see ``kubelet.eviction``)."""
        kubelet = self.kubelets.kubelets.get(node) if self.kubelets is not None else None
        return kubelet.eviction.outside_memory if kubelet is not None else 0

    def _node_names(self) -> list[str]:
        """The nodes metrics-server can scrape (not those whose machine is down)."""
        if self.kubelets is not None:
            return sorted(n for n, k in self.kubelets.kubelets.items() if not k.down)
        return [name_of(n) for n in self.store.list("Node")]

    def _running_pods(self) -> Iterable[tuple[Obj, list[_Running]]]:
        if self.kubelets is not None:
            for node in sorted(self.kubelets.kubelets):
                kubelet = self.kubelets.kubelets[node]
                for worker in list(kubelet.workers.values()):
                    runs = _worker_runs(worker)
                    if not runs:
                        continue
                    pod = self.store.try_get("Pod", worker.name, worker.namespace)
                    if pod is None or uid_of(pod) != worker.uid:
                        continue
                    yield pod, runs
            return
        for pod in self.store.list("Pod"):
            runs = _status_runs(pod)
            if runs:
                yield pod, runs

    def _runs_for(self, pod: Obj) -> list[_Running]:
        if self.kubelets is not None:
            worker = self.kubelets.worker(pod)
            return _worker_runs(worker) if worker is not None else []
        return _status_runs(pod)

    def _usages(self, pod: Obj, runs: list[_Running], shares: dict[str, int]) -> list[ContainerUsage]:
        share = shares.get(uid_of(pod), 0)
        app_names = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        recipient = next((r for n in app_names for r in runs if r.name == n), None)
        out = []
        for r in runs:
            load = share if r is recipient else 0
            out.append(ContainerUsage(r.name, r.started, _cpu_nanos(r, load), _memory(r)))
        return out


# ------------------------------------------------------------------ helpers
def normalize_target(target: Target | tuple[str, str] | str, namespace: str = "default") -> Target:
    """``(kind, namespace, name)`` with the kind's canonical name (``deploy`` → ``Deployment``)."""
    if isinstance(target, str):
        kind_text, sep, name = target.partition("/")
        if not sep or not name:
            raise ValueError(f"load target must be KIND/NAME, got {target!r}")
        kind, ns = kind_text, namespace
    elif len(target) == 3:
        kind, ns, name = target  # type: ignore[misc]
    elif len(target) == 2:
        kind, name = target  # type: ignore[misc]
        ns = namespace
    else:
        raise ValueError(f"load target must be (kind, namespace, name), got {target!r}")
    canonical = kind if kind in LOAD_KINDS else None
    if canonical is None:
        rt = resources.lookup(kind) or resources.lookup(kind.split(".", 1)[0])
        canonical = rt.kind if rt is not None else None
    if canonical not in LOAD_KINDS:
        raise ValueError(f"cannot put load on {kind!r}: use one of {', '.join(LOAD_KINDS)}")
    return canonical, ns or "default", name


def metrics_for(source: Any) -> Metrics:
    """The :class:`Metrics` of a store, a cluster (anything with ``.metrics`` or ``.store``) or itself."""
    if isinstance(source, Metrics):
        return source
    own = getattr(source, "metrics", None)
    if isinstance(own, Metrics):
        return own
    registered = getattr(source, STORE_ATTRIBUTE, None)
    if isinstance(registered, Metrics):
        return registered
    store = getattr(source, "store", None)
    if store is not None and hasattr(store, "clock"):
        return Metrics.attach(store, getattr(source, "kubelets", None))
    if hasattr(source, "clock") and hasattr(source, "try_get"):
        return Metrics.attach(source)
    raise TypeError(f"no metrics for {type(source).__name__}: pass a Metrics, an ObjectStore or a Cluster")


def set_load(source: Any, target: Target | tuple[str, str] | str, cpu: str | int | float | None,
             namespace: str = "default") -> Target:
    """Put ``cpu`` of demand on ``target`` (see :meth:`Metrics.set_load`).

    ``set_load(cluster, ("Deployment", "default", "php-apache"), "610m")``; ``source`` is a
    :class:`Metrics`, an ``ObjectStore`` or a ``Cluster``."""
    return metrics_for(source).set_load(target, cpu, namespace)


def _worker_runs(worker: Any) -> list[_Running]:
    out = []
    for c in worker.all_runs():
        proc = c.process
        if c.state != "running" or proc is None or proc.exited:
            continue
        out.append(_Running(c.spec, c.started_at if c.started_at is not None else proc.started_at,
                            proc.overrides, proc.server is not None, proc.profile, list(proc.argv), proc.memory,
                            proc.memory_usage() - proc.memory))
    return out


def _status_runs(pod: Obj) -> list[_Running]:
    status = pod.get("status") or {}
    spec = pod.get("spec") or {}
    specs = {c.get("name"): c for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])}
    out = []
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        running = (cs.get("state") or {}).get("running")
        c = specs.get(cs.get("name"))
        if running is None or c is None:
            continue
        profile = bh.profile_for(str(c.get("image", "")))
        argv = bh.command_line(c, profile)
        started = running.get("startedAt")
        out.append(_Running(c, parse_time(started) if started else 0.0, bh.overrides_for(pod, str(c.get("name"))),
                            bh.server_for(argv, profile) is not None, profile, argv, None))
    return out


def _cpu_limit_nanos(spec: Obj) -> int | None:
    lim = ((spec.get("resources") or {}).get("limits") or {}).get("cpu")
    if lim is None:
        return None
    try:
        return math.ceil(parse_quantity(lim) * NANO)
    except (QuantityError, TypeError):
        return None


def _stress_cpu_nanos(argv: list[str]) -> int:
    """``stress --cpu N`` (or ``-c N``) keeps N cores busy."""
    if not argv or argv[0].rsplit("/", 1)[-1] != "stress":
        return 0
    for flag in ("--cpu", "-c"):
        if flag in argv[:-1]:
            try:
                return int(argv[argv.index(flag) + 1]) * NANO
            except ValueError:
                return 0
    return 0


def _cpu_nanos(r: _Running, load: int) -> int:
    if r.overrides.cpu is not None:
        base = r.overrides.cpu * MILLI_TO_NANO
    elif r.server:
        base = IDLE_CPU_MILLIS.get(r.profile.repo, DEFAULT_SERVER_IDLE_MILLIS) * MILLI_TO_NANO
    else:
        base = 0
    demand = base + load + _stress_cpu_nanos(r.argv)
    limit = _cpu_limit_nanos(r.spec)
    return min(demand, limit) if limit is not None else demand


def _memory(r: _Running) -> int:
    return _process_memory(r) + r.tmpfs


def _process_memory(r: _Running) -> int:
    if r.overrides.memory is not None:
        return r.overrides.memory
    if r.memory is not None:
        return max(r.memory, MIN_MEMORY)
    server = bh.server_for(r.argv, r.profile)
    return max(server.memory if server is not None else 0, MIN_MEMORY)


__all__ = [
    "RESOLUTION", "STORE_ATTRIBUTE", "ContainerUsage", "Metrics", "format_cpu", "format_memory",
    "format_milli_decimal", "format_window", "metrics_for", "normalize_target", "parse_cpu", "set_load",
]
