"""Helpers the Endpoints and EndpointSlice controllers share.

Ports of ``staging/src/k8s.io/endpointslice/util/controller_utils.go`` (which Services a pod
change concerns, ``ShouldPodBeInEndpoints``, ``ShouldSetHostname``), ``FindPort`` from
``endpointslice/utils.go`` and ``util/trigger_time_tracker.go`` (the
``endpoints.kubernetes.io/last-change-trigger-time`` annotation), Kubernetes v1.34.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from k9play.api.meta import format_time, key_of, labels_of, name_of, namespace_of, parse_time
from k9play.api.pods import condition, is_ready, is_terminal
from k9play.api.selectors import selector_from_labels

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time"
HEADLESS_LABEL = "service.kubernetes.io/headless"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
ZONE_LABEL = "topology.kubernetes.io/zone"


def selects(svc: Obj) -> bool:
    """A Service the endpoint controllers manage: it has a selector and is not ExternalName."""
    spec = svc.get("spec") or {}
    return spec.get("selector") is not None and spec.get("type") != "ExternalName"


def is_headless(svc: Obj) -> bool:
    """``!helper.IsServiceIPSet``: no ClusterIP, or ``None``."""
    return (svc.get("spec") or {}).get("clusterIP") in (None, "", "None")


def service_pods(store: ObjectStore, svc: Obj) -> list[Obj]:
    """The pods in the Service's namespace its selector matches (a nil selector matches none)."""
    selector = (svc.get("spec") or {}).get("selector")
    if selector is None:
        return []
    return store.list("Pod", namespace_of(svc), selector_from_labels(selector))


def should_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints``: not terminal, has an IP, and not terminating unless asked."""
    if is_terminal(pod):
        return False
    status = pod.get("status") or {}
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def should_set_hostname(pod: Obj, svc: Obj) -> bool:
    """``ShouldSetHostname``: the pod names a hostname and this Service as its subdomain."""
    spec = pod.get("spec") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == name_of(svc) \
        and namespace_of(svc) == namespace_of(pod)


def find_port(pod: Obj, svc_port: Obj) -> int | None:
    """``FindPort``: a numeric targetPort as is; a named one looked up among the containers'
    (and restartable init containers') ports with the same protocol; ``None`` if absent."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    proto = svc_port.get("protocol", "TCP")
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or []) + [
        c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for c in containers:
        for p in c.get("ports") or []:
            if p.get("name") == target and p.get("protocol", "TCP") == proto:
                return int(p["containerPort"])
    return None


def pod_ip(pod: Obj) -> str:
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    return ips[0] if ips else status.get("podIP", "")


def _endpoint_facts(pod: Obj) -> tuple[Any, ...]:
    """What of a pod ends up in its endpoints (``podEndpointsChanged``)."""
    spec = pod.get("spec") or {}
    return (pod["metadata"].get("deletionTimestamp"), is_ready(pod), pod_ip(pod), is_terminal(pod),
            spec.get("nodeName"))


def services_for_pod_event(store: ObjectStore, ev: WatchEvent) -> Iterable[str]:
    """``GetPodUpdateProjectionKey`` + ``GetServicesToUpdate``: the Service keys a pod event
    concerns — the Services selecting its new labels, and its old ones when they changed."""
    new, old = ev.object, ev.old
    if ev.type in ("ADDED", "DELETED") or old is None:
        return _matching(store, namespace_of(new), labels_of(new))
    labels_changed = labels_of(new) != labels_of(old) or \
        ((new.get("spec") or {}).get("hostname"), (new.get("spec") or {}).get("subdomain")) != \
        ((old.get("spec") or {}).get("hostname"), (old.get("spec") or {}).get("subdomain"))
    pod_changed = _endpoint_facts(new) != _endpoint_facts(old)
    if not labels_changed and not pod_changed:
        return ()
    current = set(_matching(store, namespace_of(new), labels_of(new)))
    if not labels_changed:
        return sorted(current)
    previous = set(_matching(store, namespace_of(new), labels_of(old)))
    return sorted(current | previous if pod_changed else current ^ previous)


def _matching(store: ObjectStore, namespace: str, labels: dict[str, str]) -> list[str]:
    out = []
    for svc in store.list("Service", namespace):
        selector = (svc.get("spec") or {}).get("selector")
        if selector is not None and selector_from_labels(selector).matches(labels):
            out.append(key_of(svc))
    return out


class TriggerTimeTracker:
    """``TriggerTimeTracker``: the earliest change (a pod's Ready transition, the Service's
    creation) not yet reflected in the Service's endpoints; the creation time on first sync."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[float, dict[str, float]]] = {}

    def compute(self, svc: Obj, pods: list[Obj]) -> str | None:
        key = key_of(svc)
        known = key in self._states
        last_svc, last_pods = self._states.get(key, (0.0, {}))
        changed: float | None = None
        times: dict[str, float] = {}
        for pod in pods:
            ready = condition(pod, "Ready")
            stamp = ready.get("lastTransitionTime") if ready else None
            if not stamp:
                continue
            t = parse_time(stamp)
            times[name_of(pod)] = t
            if t > last_pods.get(name_of(pod), 0.0):
                changed = t if changed is None else min(changed, t)
        created = parse_time(svc["metadata"]["creationTimestamp"])
        if created > last_svc:
            changed = created if changed is None else min(changed, created)
        self._states[key] = (created, times)
        if not known:
            return format_time(created)
        return format_time(changed) if changed is not None else None

    def forget(self, key: str) -> None:
        self._states.pop(key, None)
