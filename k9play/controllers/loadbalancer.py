"""LoadBalancerController: EXTERNAL-IPs for ``type: LoadBalancer`` Services, as MetalLB gives
them on a kind cluster (``kind`` + MetalLB in layer-2 mode with the usual pool
``172.18.255.200-172.18.255.250`` on the docker network).

* The MetalLB **controller** assigns the lowest free address of the pool (or the one asked
  for with ``spec.loadBalancerIP`` / the ``metallb.universe.tf/loadBalancerIPs`` annotation)
  a moment after the Service appears — ``<pending>`` until then — writes it to
  ``status.loadBalancer.ingress`` (``ipMode: VIP``, as the apiserver defaults it) and records
  ``IPAllocated  Assigned IP ["172.18.255.200"]``; an empty pool is
  ``AllocationFailed  Failed to allocate IP for "ns/name": no available IPs``. Services with a
  ``spec.loadBalancerClass`` belong to another implementation and are left alone.
* The MetalLB **speaker** announces the address from one node once the Service has a ready
  endpoint (with ``externalTrafficPolicy: Local``, a node that runs one) and records
  ``nodeAssigned  announcing from node "k9play-worker" with protocol "layer2"``. Until then
  nothing answers ARP for the address, so traffic to it times out; :meth:`announcing_node`
  is what the simulated network asks.

MetalLB's own pods are not simulated (they would live in ``metallb-system``). Sources:
metallb.universe.tf (concepts/layer2, usage), MetalLB's event texts as seen in
``kubectl describe svc``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.events import EventRecorder
from k9play.api.meta import copy_obj, key_of, labels_of, name_of, namespace_of, split_key
from k9play.clock import derived_rng, drawing_from
from k9play.controllers.base import Controller
from k9play.controllers.endpoints_util import SERVICE_NAME_LABEL

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

POOL_START = ipaddress.ip_address("172.18.255.200")
POOL_END = ipaddress.ip_address("172.18.255.250")
#: how long MetalLB's controller takes to notice a new Service and assign it an address
ALLOCATION_DELAY = 2.0
IPS_ANNOTATION = "metallb.universe.tf/loadBalancerIPs"
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


def in_pool(ip: str) -> bool:
    try:
        return POOL_START <= ipaddress.ip_address(ip) <= POOL_END
    except ValueError:
        return False


def assigned_ip(svc: Obj) -> str | None:
    for entry in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        if entry.get("ip"):
            return str(entry["ip"])
    return None


class LoadBalancerController(Controller):
    name = "loadbalancer"
    component = "metallb-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "metallb")
        self.speaker = EventRecorder(store, "metallb-speaker")
        self._seen: dict[str, float] = {}
        self._announced: dict[str, str] = {}

    def start(self) -> None:
        self.watch("Service", self._service_keys)
        self.watch("EndpointSlice", self._slice_keys)
        self.watch("Node", lambda ev: [key_of(s) for s in self._lb_services()])
        for svc in self._lb_services():
            self.queue.add(key_of(svc))

    def _service_keys(self, ev: WatchEvent) -> list[str]:
        """The Service itself; and when it gives an address back, the Services still waiting."""
        keys = [key_of(ev.object)]
        freed = ev.old if ev.type == "MODIFIED" else ev.object if ev.type == "DELETED" else None
        if freed is not None and assigned_ip(freed) and (ev.type == "DELETED" or not assigned_ip(ev.object)):
            keys += [key_of(s) for s in self._lb_services() if not assigned_ip(s)]
        return keys

    def _slice_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        svc = labels_of(ev.object).get(SERVICE_NAME_LABEL)
        return (f"{namespace_of(ev.object)}/{svc}",) if svc else ()

    def _lb_services(self) -> list[Obj]:
        return [s for s in self.store.list("Service") if (s.get("spec") or {}).get("type") == "LoadBalancer"]

    # ------------------------------------------------------------ reconcile
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        svc = self.store.try_get("Service", name, ns)
        spec = (svc or {}).get("spec") or {}
        ours = svc is not None and spec.get("type") == "LoadBalancer" and spec.get("loadBalancerClass") is None
        if not ours:
            self._seen.pop(key, None)
            self._announced.pop(key, None)
            ip = assigned_ip(svc) if svc is not None else None
            if svc is not None and ip and in_pool(ip) and spec.get("loadBalancerClass") is None:
                self._write_status(svc, {})  # no longer a LoadBalancer: MetalLB withdraws the address
            return None
        assert svc is not None
        ip = assigned_ip(svc)
        if ip is None:
            first = self._seen.setdefault(key, self.clock.now())
            wait = first + ALLOCATION_DELAY - self.clock.now()
            if wait > 0:
                return wait
            ip = self._allocate(svc)
            if ip is None:
                return None
        self._announce(svc, ip)
        return None

    def _allocate(self, svc: Obj) -> str | None:
        used = {assigned_ip(s) for s in self._lb_services() if key_of(s) != key_of(svc)}
        wanted = _requested(svc)
        who = f'"{namespace_of(svc)}/{name_of(svc)}"'
        if wanted:
            if not in_pool(wanted):
                self._event(svc, "Warning", "AllocationFailed",
                            f'Failed to allocate IP for {who}: ["{wanted}"] is not allowed in config')
                return None
            if wanted in used:
                self._event(svc, "Warning", "AllocationFailed", f"Failed to allocate IP for {who}: "
                            f"can't change sharing key for {who}, address also in use by {self._user(wanted)}")
                return None
            ip = wanted
        else:
            free = (str(ipaddress.ip_address(int(POOL_START) + i)) for i in range(int(POOL_END) - int(POOL_START) + 1))
            ip = next((a for a in free if a not in used), "")
            if not ip:
                self._event(svc, "Warning", "AllocationFailed", f"Failed to allocate IP for {who}: no available IPs")
                return None
        if not self._write_status(svc, {"ingress": [{"ip": ip, "ipMode": "VIP"}]}):
            return None
        self._event(svc, "Normal", "IPAllocated", f'Assigned IP ["{ip}"]')
        return ip

    def _user(self, ip: str) -> str:
        for s in self._lb_services():
            if assigned_ip(s) == ip:
                return f"{namespace_of(s)}/{name_of(s)}"
        return ""

    def _write_status(self, svc: Obj, lb: Obj) -> bool:
        new = copy_obj(svc)
        new.setdefault("status", {})["loadBalancer"] = lb
        try:
            self.store.update_status(new)
        except errors.ApiError:
            return False
        return True

    # ------------------------------------------------------------- speaker
    def _announce(self, svc: Obj, ip: str) -> None:
        node = self.announcing_node(svc, ip)
        key = key_of(svc)
        if node is None:
            self._announced.pop(key, None)
            return
        if self._announced.get(key) != node:
            self._announced[key] = node
            with drawing_from(self.clock, self.rng):
                self.speaker.record(svc, "Normal", "nodeAssigned",
                                    f'announcing from node "{node}" with protocol "layer2"')

    def announcing_node(self, svc: Obj, ip: str | None = None) -> str | None:
        """The node whose speaker answers ARP for the Service's address, or ``None``."""
        ip = ip or assigned_ip(svc)
        if not ip:
            return None
        ready = _ready_endpoint_nodes(self.store, svc)
        if not ready:
            return None
        nodes = sorted(name_of(n) for n in self.store.list("Node")
                       if EXCLUDE_LABEL not in labels_of(n) and _node_ready(n))
        if (svc.get("spec") or {}).get("externalTrafficPolicy") == "Local":
            nodes = [n for n in nodes if n in ready]
        if not nodes:
            return None
        digest = hashlib.sha256(f"{namespace_of(svc)}/{name_of(svc)}/{ip}".encode()).digest()
        return nodes[int.from_bytes(digest[:4], "big") % len(nodes)]

    def _event(self, svc: Obj, type_: str, reason: str, message: str) -> None:
        with drawing_from(self.clock, self.rng):
            self.event(svc, type_, reason, message)


def _requested(svc: Obj) -> str | None:
    anns = svc["metadata"].get("annotations") or {}
    if anns.get(IPS_ANNOTATION):
        return str(anns[IPS_ANNOTATION]).split(",")[0].strip()
    return (svc.get("spec") or {}).get("loadBalancerIP") or None


def _ready_endpoint_nodes(store: ObjectStore, svc: Obj) -> set[str]:
    nodes: set[str] = set()
    for s in store.list("EndpointSlice", namespace_of(svc)):
        if labels_of(s).get(SERVICE_NAME_LABEL) != name_of(svc):
            continue
        for ep in s.get("endpoints") or []:
            if (ep.get("conditions") or {}).get("ready") is not False:
                nodes.add(ep.get("nodeName") or "")
    return nodes


def _node_ready(node: Obj) -> bool:
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False
