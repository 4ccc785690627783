"""Requests served per pod, and the CPU they cost.

Every request a pod answers is counted (totals for the TUI) and costs the CPU its server
model says (``Server.request_cpu``: ~20 ms for the HPA example's php-apache, half a
millisecond otherwise). The meter turns the CPU of the last :data:`WINDOW` seconds into a
load on each pod (:meth:`k9play.kubelet.metrics.Metrics.set_load`), which is what
metrics-server reports and the HPA scales on — so a ``while sleep 0.01; do wget -q -O-
http://php-apache; done`` loop in a busybox pod drives the walkthrough's autoscaler.

Synthetic clients generate load without a pod: the ``k9play.dev/load`` annotation on a
Service or Deployment (``"30rps"`` requests per second spread over its ready endpoints or pods
as kube-proxy would, or a CPU amount such as ``"500m"`` put directly on them), or ``load
svc/NAME 30rps`` in ``k9play sim``. The meter runs once a second only while there is traffic.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k9play.api.meta import name_of, namespace_of
from k9play.kubelet.metrics import Metrics

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent
    from k9play.clock import TimerHandle

Obj = dict[str, Any]
PodKey = tuple[str, str]  # (namespace, name)
Target = tuple[str, str, str]  # (kind, namespace, name)
#: what the ``k9play.dev/load`` annotation and ``load`` command can aim at
LOAD_TARGETS = ("Service", "Deployment")

#: seconds of traffic the per-pod CPU is averaged over
WINDOW = 10.0
TICK = 1.0
LOAD_ANNOTATION = "k9play.dev/load"
_RATE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:rps|/s)?$")


def parse_rate(text: str) -> float | None:
    """``"30rps"``, ``"30/s"``, ``"30"`` → 30.0 requests per second; ``None`` if not a rate."""
    m = _RATE.match(str(text).strip())
    return float(m.group(1)) if m else None


class Traffic:
    """Request counters, the per-pod CPU meter and the synthetic load generators."""

    def __init__(self, store: ObjectStore, metrics: Metrics,
                 spread: Callable[[Obj, float], list[tuple[PodKey, float, float]]]) -> None:
        self.store = store
        self.clock = store.clock
        self.metrics = metrics
        #: (Service or Deployment, requests) → [(pod, requests, cpu seconds each)]: how they spread
        self._spread = spread
        self._served: dict[PodKey, float] = {}
        self._recent: dict[PodKey, deque[tuple[float, float]]] = {}
        self._loaded: set[PodKey] = set()
        self._rates: dict[Target, float] = {}
        self._annotated: dict[Target, str] = {}
        self._cpu_loads: set[Target] = set()
        self._timer: TimerHandle | None = None
        self._unsub = [store.add_handler(kind, self._on_target) for kind in LOAD_TARGETS]
        for kind in LOAD_TARGETS:
            for obj in store.list(kind):
                self._on_target_obj(obj)

    # ------------------------------------------------------------ requests
    def record(self, pod: PodKey, cpu: float, count: float = 1.0) -> None:
        """``count`` requests served by ``pod``, each costing ``cpu`` seconds of CPU."""
        self._served[pod] = self._served.get(pod, 0.0) + count
        self._recent.setdefault(pod, deque()).append((self.clock.now(), cpu * count))
        self._ensure_meter()

    def requests(self, namespace: str, name: str) -> int:
        """How many requests the pod has answered."""
        return int(self._served.get((namespace, name), 0.0))

    def counts(self) -> dict[PodKey, int]:
        """Requests answered, per pod (namespace, name) that has answered any."""
        return {k: int(v) for k, v in sorted(self._served.items())}

    def cpu_millis(self, pod: PodKey) -> int:
        """The pod's traffic CPU over the last window, in millicores."""
        now = self.clock.now()
        q = self._recent.get(pod)
        if not q:
            return 0
        while q and q[0][0] <= now - WINDOW:
            q.popleft()
        return round(sum(c for _, c in q) / WINDOW * 1000)

    # ---------------------------------------------------------- generators
    def set_rate(self, namespace: str, name: str, rps: float, kind: str = "Service") -> None:
        """A synthetic client sending ``rps`` requests per second to a Service (or spread over a
        Deployment's ready pods, as a Service would); 0 stops it."""
        key = (kind, namespace, name)
        if rps > 0:
            self._rates[key] = rps
            self._ensure_meter()
        else:
            self._rates.pop(key, None)

    def rate(self, namespace: str, name: str, kind: str = "Service") -> float:
        key = (kind, namespace, name)
        return self._rates.get(key, 0.0) or (parse_rate(self._annotated.get(key, "")) or 0.0)

    def _on_target(self, ev: WatchEvent) -> None:
        obj = ev.object
        key = (obj["kind"], namespace_of(obj), name_of(obj))
        if ev.type == "DELETED":
            self._annotated.pop(key, None)
            self._rates.pop(key, None)
            if key in self._cpu_loads:
                self._cpu_loads.discard(key)
                self.metrics.set_load(key, None)
            return
        self._on_target_obj(obj)

    def _on_target_obj(self, obj: Obj) -> None:
        key = (obj["kind"], namespace_of(obj), name_of(obj))
        value = (obj["metadata"].get("annotations") or {}).get(LOAD_ANNOTATION)
        if value == self._annotated.get(key):
            return
        if value is None:
            self._annotated.pop(key, None)
        else:
            self._annotated[key] = value
        if value is not None and parse_rate(value) is None:
            try:
                self.metrics.set_load(key, value)  # a CPU amount, spread over the ready pods
                self._cpu_loads.add(key)
            except ValueError:
                pass
        elif key in self._cpu_loads:
            self._cpu_loads.discard(key)
            self.metrics.set_load(key, None)
        if value is not None and parse_rate(value):
            self._ensure_meter()

    # --------------------------------------------------------------- meter
    def _ensure_meter(self) -> None:
        if self._timer is None:
            self._timer = self.clock.call_later(TICK, self._tick)

    def _tick(self) -> None:
        self._timer = None
        for kind, ns, name in sorted(set(self._rates) | {k for k, v in self._annotated.items() if parse_rate(v)}):
            target = self.store.try_get(kind, name, ns)
            rps = self.rate(ns, name, kind)
            if target is None or not rps:
                continue
            for pod, count, cost in self._spread(target, rps * TICK):
                self.record(pod, cost, count)
        active = False
        for pod in sorted(set(self._recent) | self._loaded):
            millis = self.cpu_millis(pod)
            if self.store.try_get("Pod", pod[1], pod[0]) is None:
                millis = 0
                self._recent.pop(pod, None)
            if millis > 0:
                self.metrics.set_load(("Pod", pod[0], pod[1]), f"{millis}m")
                self._loaded.add(pod)
                active = True
            elif pod in self._loaded:
                self.metrics.set_load(("Pod", pod[0], pod[1]), None)
                self._loaded.discard(pod)
            if not self._recent.get(pod):
                self._recent.pop(pod, None)
            else:
                active = True
        if active or self._rates or any(parse_rate(v) for v in self._annotated.values()):
            self._ensure_meter()

    def stop(self) -> None:
        for unsub in self._unsub:
            unsub()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
