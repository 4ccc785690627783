"""The HPA's replica calculator and resource metrics client.

Ports of ``pkg/controller/podautoscaler/replica_calculator.go`` (``GetResourceReplicas``,
``GetRawResourceReplicas``, ``groupPods``, ``calculatePodRequests``),
``metrics/utilization.go`` and the resource part of ``metrics/client.go``. Errors carry the
real messages, because they end up verbatim in events and conditions.

The metrics source is anything with ``list_pod_metrics(namespace, selector) -> [PodMetrics]``
returning ``metrics.k8s.io/v1beta1`` PodMetrics objects (k9play's is
:class:`k9play.kubelet.metrics.Metrics`); ``None`` behaves like a cluster without
metrics-server.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from k9play.api.meta import name_of, parse_time
from k9play.api.pods import condition
from k9play.api.quantity import QuantityError, milli

if TYPE_CHECKING:
    from k9play.api.selectors import LabelSelector
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]


class MetricsSource(Protocol):
    def list_pod_metrics(self, namespace: str | None, selector: LabelSelector) -> list[Obj]: ...


class MetricsError(Exception):
    """A failure with the message the real controller would report."""


@dataclass(slots=True)
class PodMetric:
    timestamp: float
    window: float
    value: int  # milli-units (millicores, millibytes)


_DURATION = re.compile(r"(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """A Go duration string (``15s``, ``1m0.5s``) in seconds."""
    return sum(float(n) * _UNIT[u] for n, u in _DURATION.findall(text or ""))


# ---------------------------------------------------------------- metrics client
def get_resource_metric(source: MetricsSource | None, resource: str, namespace: str, selector: LabelSelector,
                        container: str) -> tuple[dict[str, PodMetric], float]:
    """``resourceMetricsClient.GetResourceMetric``: per-pod usage in milli-units, and a timestamp."""
    if source is None:
        raise MetricsError("unable to fetch metrics from resource metrics API: the server could not find the "
                           "requested resource (get pods.metrics.k8s.io)")
    items = source.list_pod_metrics(namespace, selector)
    if not items:
        raise MetricsError("no metrics returned from resource metrics API")
    res: dict[str, PodMetric] = {}
    for m in items:
        ts = parse_time(m["timestamp"])
        window = parse_duration(m.get("window", ""))
        containers = m.get("containers") or []
        if container:
            found = False
            for c in containers:
                if c.get("name") == container:
                    found = True
                    val = (c.get("usage") or {}).get(resource)
                    if val is not None:
                        res[name_of(m)] = PodMetric(ts, window, milli(val))
                    break
            if not found:
                raise MetricsError(f"failed to get container metrics: container {container} not present in "
                                   f"metrics for pod {m['metadata'].get('namespace', '')}/{name_of(m)}")
            continue
        total = 0
        missing = not containers
        for c in containers:
            val = (c.get("usage") or {}).get(resource)
            if val is None:
                missing = True
                break
            total += milli(val)
        if not missing:
            res[name_of(m)] = PodMetric(ts, window, total)
    return res, parse_time(items[0]["timestamp"])


# ------------------------------------------------------------------ utilization
def resource_utilization_ratio(metrics: dict[str, PodMetric], requests: dict[str, int],
                               target_utilization: int) -> tuple[float, int, int]:
    """``GetResourceUtilizationRatio``: (ratio, utilization %, raw average milli-value)."""
    metrics_total = requests_total = entries = 0
    for pod, metric in metrics.items():
        request = requests.get(pod)
        if request is None:
            continue
        metrics_total += metric.value
        requests_total += request
        entries += 1
    if requests_total == 0:
        raise MetricsError("no metrics returned matched known pods")
    utilization = _go_div(metrics_total * 100, requests_total)
    return utilization / target_utilization, utilization, _go_div(metrics_total, entries)


def metric_usage_ratio(metrics: dict[str, PodMetric], target_usage: int) -> tuple[float, int]:
    """``GetMetricUsageRatio``: (ratio, average milli-value)."""
    total = sum(m.value for m in metrics.values())
    usage = _go_div(total, len(metrics))
    return usage / target_usage, usage


def _go_div(a: int, b: int) -> int:
    """Go's integer division truncates towards zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


# ------------------------------------------------------------------- calculator
@dataclass(slots=True)
class _Groups:
    ready: int
    unready: set[str]
    missing: set[str]
    ignored: set[str]


class ReplicaCalculator:
    """``ReplicaCalculator`` over the store's pods and a metrics source."""

    def __init__(self, store: ObjectStore, source: Callable[[], MetricsSource | None], *, tolerance: float = 0.1,
                 cpu_initialization_period: float = 300.0, delay_of_initial_readiness_status: float = 30.0) -> None:
        self.store = store
        self.source = source
        self.tolerance = tolerance
        self.cpu_initialization_period = cpu_initialization_period
        self.delay_of_initial_readiness_status = delay_of_initial_readiness_status

    def _pods(self, namespace: str, selector: LabelSelector) -> list[Obj]:
        return self.store.list("Pod", namespace, selector)

    def get_resource_replicas(self, current: int, target_utilization: int, resource: str, namespace: str,
                              selector: LabelSelector, container: str) -> tuple[int, int, int, float]:
        """``GetResourceReplicas``: (replicas, utilization %, raw average, timestamp)."""
        try:
            metrics, timestamp = get_resource_metric(self.source(), resource, namespace, selector, container)
        except MetricsError as e:
            raise MetricsError(f"unable to get metrics for resource {resource}: {e}") from None
        pods = self._pods(namespace, selector)
        if not pods:
            raise MetricsError("no pods returned by selector while calculating replica count")
        groups = self._group_pods(pods, metrics, resource)
        for name in groups.ignored | groups.unready:
            metrics.pop(name, None)
        if not metrics:
            raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
        requests = calculate_pod_requests(pods, container, resource)
        usage_ratio, utilization, raw = resource_utilization_ratio(metrics, requests, target_utilization)

        scale_up_with_unready = bool(groups.unready) and usage_ratio > 1.0
        if not scale_up_with_unready and not groups.missing:
            if abs(1.0 - usage_ratio) <= self.tolerance:
                return current, utilization, raw, timestamp
            return math.ceil(usage_ratio * groups.ready), utilization, raw, timestamp

        if groups.missing:
            if usage_ratio < 1.0:
                fallback = max(100, target_utilization)
                for name in groups.missing:
                    metrics[name] = PodMetric(0.0, 0.0, _go_div(requests.get(name, 0) * fallback, 100))
            elif usage_ratio > 1.0:
                for name in groups.missing:
                    metrics[name] = PodMetric(0.0, 0.0, 0)
        if scale_up_with_unready:
            for name in groups.unready:
                metrics[name] = PodMetric(0.0, 0.0, 0)

        new_ratio, _, _ = resource_utilization_ratio(metrics, requests, target_utilization)
        if abs(1.0 - new_ratio) <= self.tolerance or (usage_ratio < 1.0 < new_ratio) \
                or (usage_ratio > 1.0 > new_ratio):
            return current, utilization, raw, timestamp
        new_replicas = math.ceil(new_ratio * len(metrics))
        if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
            return current, utilization, raw, timestamp
        return new_replicas, utilization, raw, timestamp

    def get_raw_resource_replicas(self, current: int, target_usage: int, resource: str, namespace: str,
                                  selector: LabelSelector, container: str) -> tuple[int, int, float]:
        """``GetRawResourceReplicas``: (replicas, average usage milli-value, timestamp)."""
        try:
            metrics, timestamp = get_resource_metric(self.source(), resource, namespace, selector, container)
        except MetricsError as e:
            raise MetricsError(f"unable to get metrics for resource {resource}: {e}") from None
        replicas, usage = self._plain_metric_replicas(metrics, current, target_usage, namespace, selector, resource)
        return replicas, usage, timestamp

    def _plain_metric_replicas(self, metrics: dict[str, PodMetric], current: int, target_usage: int,
                               namespace: str, selector: LabelSelector, resource: str) -> tuple[int, int]:
        """``calcPlainMetricReplicas``."""
        pods = self._pods(namespace, selector)
        if not pods:
            raise MetricsError("no pods returned by selector while calculating replica count")
        groups = self._group_pods(pods, metrics, resource)
        for name in groups.ignored | groups.unready:
            metrics.pop(name, None)
        if not metrics:
            raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
        usage_ratio, usage = metric_usage_ratio(metrics, target_usage)
        scale_up_with_unready = bool(groups.unready) and usage_ratio > 1.0
        if not scale_up_with_unready and not groups.missing:
            if abs(1.0 - usage_ratio) <= self.tolerance:
                return current, usage
            return math.ceil(usage_ratio * groups.ready), usage
        if groups.missing:
            if usage_ratio < 1.0:
                for name in groups.missing:
                    metrics[name] = PodMetric(0.0, 0.0, target_usage)
            elif usage_ratio > 1.0:
                for name in groups.missing:
                    metrics[name] = PodMetric(0.0, 0.0, 0)
        if scale_up_with_unready:
            for name in groups.unready:
                metrics[name] = PodMetric(0.0, 0.0, 0)
        new_ratio, _ = metric_usage_ratio(metrics, target_usage)
        if abs(1.0 - new_ratio) <= self.tolerance or (usage_ratio < 1.0 < new_ratio) \
                or (usage_ratio > 1.0 > new_ratio):
            return current, usage
        new_replicas = math.ceil(new_ratio * len(metrics))
        if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
            return current, usage
        return new_replicas, usage

    def _group_pods(self, pods: list[Obj], metrics: dict[str, PodMetric], resource: str) -> _Groups:
        """``groupPods``: ready count; unready, missing and ignored pod names."""
        now = self.store.clock.now()
        g = _Groups(0, set(), set(), set())
        for pod in pods:
            name = name_of(pod)
            status = pod.get("status") or {}
            if pod["metadata"].get("deletionTimestamp") or status.get("phase") == "Failed":
                g.ignored.add(name)
                continue
            if status.get("phase") == "Pending":
                g.unready.add(name)
                continue
            metric = metrics.get(name)
            if metric is None:
                g.missing.add(name)
                continue
            if resource == "cpu":
                ready_cond = condition(pod, "Ready")
                start = status.get("startTime")
                if ready_cond is None or not start:
                    unready = True
                else:
                    started = parse_time(start)
                    transition = parse_time(ready_cond["lastTransitionTime"]) \
                        if ready_cond.get("lastTransitionTime") else 0.0
                    if started + self.cpu_initialization_period > now:
                        # still initialising: ignore the sample if unready, or if one full metric
                        # window has not passed since the last readiness transition
                        unready = ready_cond.get("status") == "False" or metric.timestamp < transition + metric.window
                    else:
                        # ignore it only if unready and never ready since start
                        unready = ready_cond.get("status") == "False" and \
                            started + self.delay_of_initial_readiness_status > transition
                if unready:
                    g.unready.add(name)
                    continue
            g.ready += 1
        return g


def calculate_pod_requests(pods: list[Obj], container: str, resource: str) -> dict[str, int]:
    """``calculatePodRequests``: per-pod requests in milli-units (app containers and sidecars)."""
    out: dict[str, int] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or [])
        containers += [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
        total = 0
        for c in containers:
            if container and c.get("name") != container:
                continue
            req = ((c.get("resources") or {}).get("requests") or {}).get(resource)
            if req is None:
                raise MetricsError(f"missing request for {resource} in container {c.get('name')} of Pod "
                                   f"{name_of(pod)}")
            try:
                total += milli(req)
            except QuantityError:
                raise MetricsError(f"missing request for {resource} in container {c.get('name')} of Pod "
                                   f"{name_of(pod)}") from None
        out[name_of(pod)] = total
    return out
