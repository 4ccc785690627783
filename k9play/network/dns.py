"""Cluster DNS as CoreDNS's ``kubernetes`` plugin answers it, and the pod-side resolver.

Records (the Kubernetes DNS specification, github.com/kubernetes/dns docs/specification.md;
CoreDNS plugin/kubernetes; kubeadm/kind's Corefile with ``pods insecure``):

* ``<svc>.<ns>.svc.cluster.local`` — A: the ClusterIP; a headless Service: one A record per
  ready endpoint; an ExternalName Service: a CNAME to ``spec.externalName``;
* ``<hostname>.<svc>.<ns>.svc.cluster.local`` — A: the endpoint of a headless Service whose
  pod sets ``hostname``/``subdomain`` (StatefulSet pods: ``web-0.nginx.default.svc…``);
  endpoints without a hostname answer as ``<a-b-c-d>.<svc>.<ns>.svc.cluster.local``;
* ``<a-b-c-d>.<ns>.pod.cluster.local`` — A: ``a.b.c.d`` (insecure pod records);
* anything else is NXDOMAIN: the simulated cluster has no upstream resolver, no internet.

The pod's ``/etc/resolv.conf`` follows its ``dnsPolicy``: ``ClusterFirst`` searches
``<ns>.svc.cluster.local svc.cluster.local cluster.local`` with ``ndots:5`` (plus
``dnsConfig``), ``Default`` uses the node's resolver, which knows no cluster names. When a
``kube-dns`` Service exists in ``kube-system`` (the CoreDNS Deployment), lookups need one of
its endpoints to be ready, or they time out; without one, DNS is simply always there.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from k9play.api.meta import labels_of, name_of
from k9play.kubelet.netclient import CLUSTER_DNS, DnsAnswer

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

CLUSTER_DOMAIN = "cluster.local"
NDOTS = 5
#: what a pod with ``dnsPolicy: Default`` asks: the node's resolver (docker's, on kind)
NODE_RESOLVER = "172.18.0.1"
#: a lookup nobody answers: musl's 5 s timeout, two attempts
DNS_TIMEOUT = 10.0
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class ClusterDns:
    """CoreDNS over the store, plus each pod's resolver configuration."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    # ---------------------------------------------------------- the server
    def server_ip(self) -> str:
        svc = self.store.try_get("Service", "kube-dns", "kube-system")
        ip = (svc.get("spec") or {}).get("clusterIP") if svc is not None else None
        return ip or CLUSTER_DNS

    def server_up(self) -> bool:
        """No kube-dns Service: the DNS is implicit and always answers. With one (CoreDNS
        running as pods), only when one of its endpoints is ready."""
        svc = self.store.try_get("Service", "kube-dns", "kube-system")
        if svc is None:
            return True
        for s in self.store.list("EndpointSlice", "kube-system"):
            if labels_of(s).get(SERVICE_NAME_LABEL) != "kube-dns":
                continue
            if any((ep.get("conditions") or {}).get("ready") for ep in s.get("endpoints") or []):
                return True
        return False

    def answer(self, fqdn: str) -> DnsAnswer:
        """The authoritative answer for one fully qualified name."""
        name = fqdn.rstrip(".").lower()
        zone = f".{CLUSTER_DOMAIN}"
        if not name.endswith(zone):
            return DnsAnswer(fqdn, error="NXDOMAIN")
        labels = name[: -len(zone)].split(".")
        if len(labels) == 3 and labels[2] == "pod":
            ip = labels[0].replace("-", ".")
            try:
                ipaddress.IPv4Address(ip)
            except ValueError:
                return DnsAnswer(fqdn, error="NXDOMAIN")
            return DnsAnswer(fqdn, name, (ip,))
        if len(labels) not in (3, 4) or labels[-1] != "svc":
            return DnsAnswer(fqdn, error="NXDOMAIN")
        svc = self.store.try_get("Service", labels[-3], labels[-2])
        if svc is None:
            return DnsAnswer(fqdn, error="NXDOMAIN")
        spec = svc.get("spec") or {}
        if len(labels) == 4:
            return self._endpoint_record(fqdn, name, svc, labels[0])
        if spec.get("type") == "ExternalName":
            target = str(spec.get("externalName", "")).rstrip(".")
            follow = self.answer(target) if target.endswith(zone) else DnsAnswer(target, error="NXDOMAIN")
            return DnsAnswer(fqdn, name, follow.addresses, cname=target)
        if spec.get("clusterIP") not in (None, "", "None"):
            return DnsAnswer(fqdn, name, (str(spec["clusterIP"]),))
        ips = tuple(sorted({ip for ip, _ in self.ready_endpoints(svc)}, key=_ip_key))
        return DnsAnswer(fqdn, name, ips) if ips else DnsAnswer(fqdn, error="NXDOMAIN")

    def _endpoint_record(self, fqdn: str, name: str, svc: Obj, host: str) -> DnsAnswer:
        if (svc.get("spec") or {}).get("clusterIP") not in (None, "", "None"):
            return DnsAnswer(fqdn, error="NXDOMAIN")
        for ip, hostname in self.ready_endpoints(svc):
            if host == (hostname or ip.replace(".", "-")):
                return DnsAnswer(fqdn, name, (ip,))
        return DnsAnswer(fqdn, error="NXDOMAIN")

    def ready_endpoints(self, svc: Obj) -> list[tuple[str, str]]:
        """(ip, hostname) of the Service's ready endpoints, from its EndpointSlices."""
        out = []
        for s in self.store.list("EndpointSlice", svc["metadata"]["namespace"]):
            if labels_of(s).get(SERVICE_NAME_LABEL) != name_of(svc):
                continue
            for ep in s.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                for ip in ep.get("addresses") or []:
                    out.append((ip, ep.get("hostname", "")))
        return out

    # -------------------------------------------------------- the resolver
    def resolv_conf(self, pod: Obj) -> tuple[list[str], list[str], int]:
        """(nameservers, search domains, ndots) of the pod's ``/etc/resolv.conf``."""
        spec = pod.get("spec") or {}
        ns = pod["metadata"].get("namespace", "default")
        policy = spec.get("dnsPolicy", "ClusterFirst")
        if policy == "ClusterFirst" and spec.get("hostNetwork"):
            policy = "Default"
        cfg = spec.get("dnsConfig") or {}
        servers: list[str] = []
        searches: list[str] = []
        if policy in ("ClusterFirst", "ClusterFirstWithHostNet"):
            servers = [self.server_ip()]
            searches = [f"{ns}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]
        elif policy == "Default":
            servers = [NODE_RESOLVER]
        servers += [s for s in cfg.get("nameservers") or [] if s not in servers]
        searches += [s for s in cfg.get("searches") or [] if s not in searches]
        ndots = NDOTS if policy != "Default" else 1
        for opt in cfg.get("options") or []:
            if opt.get("name") == "ndots" and str(opt.get("value", "")).isdigit():
                ndots = int(opt["value"])
        return servers, searches, ndots

    def lookup(self, name: str, pod: Obj) -> DnsAnswer:
        """Resolve ``name`` as the pod's resolver would: search list, ndots, its nameserver."""
        servers, searches, ndots = self.resolv_conf(pod)
        cluster = self.server_ip()
        server = servers[0] if servers else cluster
        if server != cluster:
            return DnsAnswer(name, error="NXDOMAIN", server=server)  # no upstream world to ask
        if not self.server_up():
            return DnsAnswer(name, error="TIMEOUT", server=server)
        if name.endswith("."):
            candidates = [name]
        else:
            expanded = [f"{name}.{s}" for s in searches]
            candidates = [name, *expanded] if name.count(".") >= ndots else [*expanded, name]
        for fqdn in candidates:
            ans = self.answer(fqdn)
            if not ans.error:
                return DnsAnswer(name, ans.fqdn, ans.addresses, ans.cname, server=server)
        return DnsAnswer(name, error="NXDOMAIN", server=server)


def _ip_key(ip: str) -> int:
    try:
        return int(ipaddress.ip_address(ip))
    except ValueError:
        return 0
