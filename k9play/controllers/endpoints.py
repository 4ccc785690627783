"""EndpointsController: the legacy ``v1/Endpoints`` of every Service with a selector.

A port of ``pkg/controller/endpoint/endpoints_controller.go`` (Kubernetes v1.34): for each
selected pod with an IP, one address per Service port, resolved per pod (a named targetPort
is looked up in that pod's container ports; a pod without it is left out of that port);
ready pods go to ``addresses``, the others to ``notReadyAddresses`` (all to ``addresses`` with
``publishNotReadyAddresses``); terminating pods are left out unless ``publishNotReadyAddresses``.
``RepackSubsets`` groups addresses with the same ports. The Endpoints carry the Service's
labels (plus ``service.kubernetes.io/headless`` for headless Services), the
``endpoints.kubernetes.io/last-change-trigger-time`` annotation, and at most 1000 addresses
(``endpoints.kubernetes.io/over-capacity: truncated``). Services without a selector and
ExternalName Services are left alone; a deleted Service takes its Endpoints with it.

Objects are created from a private random stream so their uids leave the names the shared
stream gives everything else unchanged.
"""

from __future__ import annotations

import ipaddress
import math
from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import copy_obj, key_of, labels_of, name_of, namespace_of, split_key, uid_of
from k9play.api.pods import is_ready
from k9play.clock import derived_rng, drawing_from
from k9play.controllers import endpoints_util as eu
from k9play.controllers.base import Controller

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

MAX_CAPACITY = 1000
OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity"


class EndpointsController(Controller):
    name = "endpoint"
    component = "endpoint-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "endpoints")
        self.tracker = eu.TriggerTimeTracker()

    def start(self) -> None:
        self.watch_self("Service")
        self.watch("Pod", lambda ev: eu.services_for_pod_event(self.store, ev))
        self.watch("Endpoints", lambda ev: (key_of(ev.object),) if ev.type == "DELETED" else ())
        self.enqueue_all("Service")
        for ep in self.store.list("Endpoints"):  # checkLeftoverEndpoints
            self.queue.add(key_of(ep))

    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        svc = self.store.try_get("Service", name, ns)
        if svc is None:
            self.tracker.forget(key)
            if self.store.try_get("Endpoints", name, ns) is not None:
                try:
                    self.store.delete("Endpoints", name, ns)
                except errors.ApiError:
                    pass
            return None
        if not eu.selects(svc):
            return None
        pods = eu.service_pods(self.store, svc)
        trigger = self.tracker.compute(svc, pods)
        subsets = repack(list(_subsets(svc, pods)))
        current = self.store.try_get("Endpoints", name, ns)
        svc_labels = dict(labels_of(svc))
        if current is not None:
            compare = {k: v for k, v in labels_of(current).items() if k != eu.HEADLESS_LABEL}
            over = (current["metadata"].get("annotations") or {}).get(OVER_CAPACITY_ANNOTATION)
            if (current.get("subsets") or []) == subsets and compare == svc_labels \
                    and (over is not None) == (_count(subsets) > MAX_CAPACITY):
                return None
        new: Obj = copy_obj(current) if current is not None else {
            "apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns}}
        md = new["metadata"]
        annotations = dict(md.get("annotations") or {})
        if trigger:
            annotations[eu.TRIGGER_TIME_ANNOTATION] = trigger
        else:
            annotations.pop(eu.TRIGGER_TIME_ANNOTATION, None)
        if _count(subsets) > MAX_CAPACITY:
            subsets = truncate(subsets)
            annotations[OVER_CAPACITY_ANNOTATION] = "truncated"
        else:
            annotations.pop(OVER_CAPACITY_ANNOTATION, None)
        labels = dict(svc_labels)
        if eu.is_headless(svc):
            labels[eu.HEADLESS_LABEL] = ""
        _set(md, "labels", labels)
        _set(md, "annotations", annotations)
        _set(new, "subsets", subsets)
        try:
            if current is None:
                with drawing_from(self.clock, self.rng):
                    self.store.create(new)
            else:
                self.store.update(new)
        except errors.ApiError as e:
            if e.code == 403:
                return None  # the namespace is terminating: creates keep failing, drop the key
            raise
        return None


def _set(obj: Obj, key: str, value: Any) -> None:
    """omitempty: an empty map or list is left out of the object."""
    if value:
        obj[key] = value
    else:
        obj.pop(key, None)


def _address(svc: Obj, pod: Obj) -> Obj:
    addr: Obj = {"ip": eu.pod_ip(pod)}
    if eu.should_set_hostname(pod, svc):
        addr["hostname"] = pod["spec"]["hostname"]
    addr["nodeName"] = (pod.get("spec") or {}).get("nodeName", "")
    addr["targetRef"] = {"kind": "Pod", "name": name_of(pod), "namespace": namespace_of(pod), "uid": uid_of(pod)}
    return addr


def _subsets(svc: Obj, pods: list[Obj]) -> list[tuple[Obj, bool, Obj | None]]:
    """(address, ready, port) for every pod and Service port (``addEndpointSubset``)."""
    spec = svc.get("spec") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    out: list[tuple[Obj, bool, Obj | None]] = []
    for pod in pods:
        if not eu.should_be_in_endpoints(pod, tolerate):
            continue
        addr = _address(svc, pod)
        ready = tolerate or is_ready(pod)
        ports = spec.get("ports") or []
        if not ports:
            if spec.get("clusterIP") == "None":
                out.append((addr, ready, None))
            continue
        for sp in ports:
            number = eu.find_port(pod, sp)
            if number is None:
                continue
            port: Obj = {"port": number, "protocol": sp.get("protocol", "TCP")}
            if sp.get("name"):
                port["name"] = sp["name"]
            if sp.get("appProtocol"):
                port["appProtocol"] = sp["appProtocol"]
            out.append((addr, ready, port))
    return out


def repack(entries: list[tuple[Obj, bool, Obj | None]]) -> list[Obj]:
    """``RepackSubsets``: one subset per distinct set of ports its addresses share; addresses
    sorted by IP then uid. (The real order of subsets follows a hash; here, by ports.)"""
    by_port: dict[tuple[Any, ...], dict[str, tuple[Obj, bool]]] = {}
    ports: dict[tuple[Any, ...], Obj | None] = {}
    for addr, ready, port in entries:
        pk = _port_key(port)
        ports[pk] = port
        by_port.setdefault(pk, {})[_addr_key(addr)] = (addr, ready)
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    members: dict[tuple[Any, ...], dict[str, tuple[Obj, bool]]] = {}
    for pk, addrs in by_port.items():
        sig = tuple(sorted((k, r) for k, (_, r) in addrs.items()))
        groups.setdefault(sig, []).append(pk)
        members[sig] = addrs
    out = []
    for sig, pks in groups.items():
        addrs = sorted(members[sig].values(), key=lambda ar: _sort_key(ar[0]))
        subset: Obj = {}
        ready = [copy_obj(a) for a, r in addrs if r]
        not_ready = [copy_obj(a) for a, r in addrs if not r]
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        real = sorted((ports[pk] for pk in pks if ports[pk] is not None), key=_port_sort)
        if real:
            subset["ports"] = [copy_obj(p) for p in real]
        out.append(subset)
    out.sort(key=lambda s: ([_port_sort(p) for p in s.get("ports") or []],
                            [_sort_key(a) for a in (s.get("addresses") or []) + (s.get("notReadyAddresses") or [])]))
    return out


def _port_key(port: Obj | None) -> tuple[Any, ...]:
    if port is None:
        return ("", -1, "", "")
    return (port.get("name", ""), port["port"], port.get("protocol", "TCP"), port.get("appProtocol", ""))


def _port_sort(port: Obj) -> tuple[Any, ...]:
    return (port.get("name", ""), port.get("port", 0), port.get("protocol", ""))


def _addr_key(addr: Obj) -> str:
    return f"{addr.get('ip')}|{(addr.get('targetRef') or {}).get('uid', '')}|{addr.get('hostname', '')}"


def _sort_key(addr: Obj) -> tuple[Any, ...]:
    try:
        ip: Any = int(ipaddress.ip_address(addr.get("ip", "")))
    except ValueError:
        ip = 0
    return (ip, (addr.get("targetRef") or {}).get("uid", ""))


def _count(subsets: list[Obj]) -> int:
    return sum(len(s.get("addresses") or []) + len(s.get("notReadyAddresses") or []) for s in subsets)


def truncate(subsets: list[Obj]) -> list[Obj]:
    """``truncateEndpoints``: keep 1000 addresses, ready ones first, each subset its share."""
    total_ready = sum(len(s.get("addresses") or []) for s in subsets)
    total_not_ready = sum(len(s.get("notReadyAddresses") or []) for s in subsets)
    truncate_ready = total_ready > MAX_CAPACITY
    limit = MAX_CAPACITY if truncate_ready else MAX_CAPACITY - total_ready
    total = total_ready if truncate_ready else total_not_ready
    can_add = limit
    out = []
    for s in subsets:
        s = dict(s)
        field = "addresses" if truncate_ready else "notReadyAddresses"
        have = s.get(field) or []
        take = min(math.ceil(len(have) / total * limit) if total else 0, can_add)
        if truncate_ready:
            s.pop("notReadyAddresses", None)
        if have:
            s[field] = have[:take]
            can_add -= len(s[field])
            if not s[field]:
                del s[field]
        out.append(s)
    return out
