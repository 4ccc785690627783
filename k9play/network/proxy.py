"""kube-proxy: which endpoint a connection to a Service address goes to.

What kube-proxy programs from Services and EndpointSlices (``pkg/proxy``, Kubernetes v1.34):

* **frontends**: ``clusterIP:port`` (and ``externalIPs``), ``nodeIP:nodePort`` on every node,
  the LoadBalancer's ``status.loadBalancer.ingress`` address on its port;
* **usable endpoints** (``CategorizeEndpoints``): the ready ones; if there are none, the
  serving-and-terminating ones. ``externalTrafficPolicy: Local`` (NodePort/LoadBalancer traffic)
  and ``internalTrafficPolicy: Local`` (ClusterIP traffic) keep only endpoints on the node the
  packet arrived at — none left means the packet is dropped;
* **no endpoints at all**: a REJECT rule, so clients see "connection refused" at once;
* **choice**: ``iptables`` mode jumps to each endpoint chain with equal probability
  (``-m statistic --mode random``), ``ipvs`` mode uses the ``rr`` scheduler (round robin);
  ``sessionAffinity: ClientIP`` pins a client to its last endpoint until
  ``sessionAffinityConfig.clientIP.timeoutSeconds`` (10800 s) pass without traffic
  (iptables ``-m recent``).

Randomness comes from a private stream derived from the clock's seed, so traffic never
changes the names the cluster generates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from k9play.api.meta import labels_of, name_of, namespace_of, uid_of
from k9play.controllers.loadbalancer import assigned_ip

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.clock import VirtualClock

Obj = dict[str, Any]
ProxyMode = Literal["iptables", "ipvs"]
PROXY_MODES: tuple[ProxyMode, ...] = ("iptables", "ipvs")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
DEFAULT_AFFINITY_SECONDS = 10800


@dataclass(frozen=True)
class Endpoint:
    ip: str
    port: int
    node: str
    pod: tuple[str, str] | None  # (namespace, name)
    ready: bool
    serving: bool
    terminating: bool


@dataclass(frozen=True)
class Frontend:
    """A Service port as kube-proxy reached it, and how (``ClusterIP``, ``NodePort`` …)."""

    service: Obj
    port: Obj
    via: str

    @property
    def external(self) -> bool:
        return self.via in ("NodePort", "LoadBalancer", "ExternalIP")


class KubeProxy:
    """The rules every node's kube-proxy holds (they are the same on every node)."""

    def __init__(self, store: ObjectStore, clock: VirtualClock, rng: random.Random, mode: ProxyMode = "iptables"):
        if mode not in PROXY_MODES:
            raise ValueError(f"unknown proxy mode {mode!r}: use iptables or ipvs")
        self.store = store
        self.clock = clock
        self.rng = rng
        self.mode: ProxyMode = mode
        self._rr: dict[tuple[str, str], int] = {}
        self._affinity: dict[tuple[str, str, str], tuple[Endpoint, float]] = {}

    # ----------------------------------------------------------- frontends
    def frontend(self, ip: str, port: int, node_ips: dict[str, str]) -> Frontend | None:
        """The Service port behind ``ip:port``, if kube-proxy has a rule for it."""
        node_port = ip in node_ips
        for svc in self.store.list("Service"):
            spec = svc.get("spec") or {}
            if spec.get("type") == "ExternalName":
                continue
            for p in spec.get("ports") or []:
                if p.get("protocol", "TCP") != "TCP":
                    continue
                if node_port:
                    if p.get("nodePort") == port:
                        return Frontend(svc, p, "NodePort")
                    continue
                if p.get("port") != port:
                    continue
                if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]) and ip != "None":
                    return Frontend(svc, p, "ClusterIP")
                if ip in (spec.get("externalIPs") or []):
                    return Frontend(svc, p, "ExternalIP")
                if spec.get("type") == "LoadBalancer" and assigned_ip(svc) == ip:
                    return Frontend(svc, p, "LoadBalancer")
        return None

    def is_service_ip(self, ip: str) -> Obj | None:
        """The Service whose ClusterIP, external IP or load-balancer address ``ip`` is."""
        for svc in self.store.list("Service"):
            spec = svc.get("spec") or {}
            if ip in (spec.get("clusterIPs") or []) or ip in (spec.get("externalIPs") or []) \
                    or (spec.get("type") == "LoadBalancer" and assigned_ip(svc) == ip):
                return svc
        return None

    # ----------------------------------------------------------- endpoints
    def endpoints(self, svc: Obj, port: Obj) -> list[Endpoint]:
        """Every endpoint of the Service port, from its EndpointSlices."""
        out: list[Endpoint] = []
        want = port.get("name", "") or ""
        slices = [s for s in self.store.list("EndpointSlice", namespace_of(svc))
                  if labels_of(s).get(SERVICE_NAME_LABEL) == name_of(svc)]
        for s in slices:
            number = next((p.get("port") for p in s.get("ports") or [] if (p.get("name") or "") == want), None)
            if number is None:
                continue
            for ep in s.get("endpoints") or []:
                cond = ep.get("conditions") or {}
                ready = cond.get("ready") is not False
                serving = cond.get("serving", ready) is not False
                ref = ep.get("targetRef") or {}
                pod = (ref.get("namespace", ""), ref.get("name", "")) if ref.get("kind") == "Pod" else None
                for ip in ep.get("addresses") or []:
                    out.append(Endpoint(ip, int(number), ep.get("nodeName", ""), pod, ready, serving,
                                        bool(cond.get("terminating"))))
        return out

    def usable(self, fe: Frontend, node: str | None) -> tuple[list[Endpoint], bool]:
        """(``CategorizeEndpoints``) the endpoints this node may send to, and whether the
        Service has any usable endpoint anywhere."""
        spec = fe.service.get("spec") or {}
        all_eps = self.endpoints(fe.service, fe.port)
        ready = [e for e in all_eps if e.ready]
        usable = ready or [e for e in all_eps if e.serving and e.terminating]
        local = spec.get("externalTrafficPolicy") == "Local" if fe.external else \
            spec.get("internalTrafficPolicy") == "Local"
        if local and node is not None:
            mine = [e for e in all_eps if e.node == node and e.ready] or \
                [e for e in all_eps if e.node == node and e.serving and e.terminating]
            return mine, bool(usable)
        return usable, bool(usable)

    # -------------------------------------------------------------- choice
    def pick(self, fe: Frontend, client_ip: str, node: str | None) -> Endpoint | Literal["reject", "drop"]:
        """The endpoint this connection goes to; ``reject`` (no endpoints: REJECT rule) or
        ``drop`` (a Local traffic policy and no endpoint on this node)."""
        candidates, any_usable = self.usable(fe, node)
        if not any_usable:
            return "reject"
        if not candidates:
            return "drop"
        key = (uid_of(fe.service), fe.port.get("name", "") or str(fe.port.get("port")))
        spec = fe.service.get("spec") or {}
        now = self.clock.now()
        if spec.get("sessionAffinity") == "ClientIP":
            timeout = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get(
                "timeoutSeconds", DEFAULT_AFFINITY_SECONDS)
            pinned = self._affinity.get((*key, client_ip))
            if pinned is not None and now - pinned[1] <= timeout and pinned[0] in candidates:
                self._affinity[(*key, client_ip)] = (pinned[0], now)
                return pinned[0]
        ordered = sorted(candidates, key=lambda e: (e.ip, e.port))
        if self.mode == "ipvs":
            i = self._rr.get(key, -1) + 1
            self._rr[key] = i
            chosen = ordered[i % len(ordered)]
        else:
            chosen = ordered[self.rng.randrange(len(ordered))]
        if spec.get("sessionAffinity") == "ClientIP":
            self._affinity[(*key, client_ip)] = (chosen, now)
        return chosen
