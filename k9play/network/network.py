"""The simulated data plane: one HTTP exchange from a client to whatever answers.

A request goes the way a packet would: the client's resolver (:mod:`.dns`), then by address —
a Service ClusterIP, external IP or load-balancer address, or a node's ``NodePort`` — through
kube-proxy (:mod:`.proxy`) to an endpoint; a pod IP to the container listening on the port,
whose behaviour model answers (``k9play.kubelet.behaviour``). The ingress-nginx controller's
pod routes on through the Ingress rules (:mod:`.ingress`) to a backend's endpoints, round
robin as ingress-nginx balances by default. What goes wrong goes wrong as on a kind cluster:

* a Service without endpoints is REJECTed: *connection refused*, at once;
* a pod that does not listen on the port answers with a reset: *connection refused*;
* an address nobody owns or that cannot be routed from where the client is (a ClusterIP or
  pod IP from outside the cluster, the pod IP of a node that is down, a load-balancer
  address no speaker announces, a Local traffic policy without a local endpoint) drops the
  SYN: the client waits for its connect timeout (the kernel gives up after 127 s);
* a name the cluster DNS does not know is NXDOMAIN — there is no internet to ask.

Clients outside the cluster are the machine running kind, ``172.18.0.1`` on its docker
network: they reach node IPs and load-balancer addresses, never cluster names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from k9play.api.meta import name_of, namespace_of
from k9play.api.pods import is_ready
from k9play.api.quantity import QuantityError, milli
from k9play.api.selectors import selector_from_spec
from k9play.clock import derived_rng
from k9play.kubelet import behaviour as bh
from k9play.kubelet.netclient import DnsAnswer, HttpRequest, HttpResponse
from k9play.network import ingress as ingress_routing
from k9play.network.dns import DNS_TIMEOUT, ClusterDns
from k9play.network.proxy import Endpoint, Frontend, KubeProxy, ProxyMode
from k9play.network.traffic import Traffic

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.kubelet.kubelet import KubeletManager
    from k9play.kubelet.metrics import Metrics
    from k9play.kubelet.runtime import ContainerProcess

Obj = dict[str, Any]

#: the machine kind runs on, as seen from the cluster's docker network
EXTERNAL_CLIENT_IP = "172.18.0.1"
#: Linux gives up on an unanswered SYN after 6 retries: 1+2+4+8+16+32+64 s
SYN_TIMEOUT = 127.0
#: ingress-nginx ``proxy-connect-timeout``
INGRESS_CONNECT_TIMEOUT = 5.0
INGRESS_IMAGE = "registry.k8s.io/ingress-nginx/controller"
APISERVER_PORT = 6443
APISERVER_FORBIDDEN = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
                       '  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"{path}\\"",\n'
                       '  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}')


@dataclass(frozen=True)
class Client:
    """Where a request comes from: a pod (its IP and node) or the machine outside."""

    ip: str = EXTERNAL_CLIENT_IP
    node: str | None = None
    pod: Obj | None = None

    @property
    def inside(self) -> bool:
        return self.pod is not None


@dataclass
class _Hop:
    """Where a connection ended up: a listening container, or a failure."""

    proc: ContainerProcess | None = None
    pod: Obj | None = None
    port: int = 0
    client_ip: str = ""
    error: str = ""
    apiserver: bool = False


class Network:
    """DNS, kube-proxy, ingress-nginx and the pods' listeners, over one cluster."""

    def __init__(self, store: ObjectStore, kubelets: KubeletManager, metrics: Metrics, *,
                 proxy_mode: ProxyMode = "iptables",
                 announcer: Callable[[Obj], str | None] = lambda svc: None) -> None:
        self.store = store
        self.clock = store.clock
        self.kubelets = kubelets
        self.metrics = metrics
        self.dns = ClusterDns(store)
        self.rng = derived_rng(self.clock, "network")
        self.proxy = KubeProxy(store, self.clock, self.rng, proxy_mode)
        self.traffic = Traffic(store, metrics, self._spread)
        self._announcer = announcer
        self._ingress_rr: dict[str, int] = {}
        self._by_ip: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------- the kubelet's view
    def resolver(self, namespace: str, pod: str) -> Callable[[str], DnsAnswer]:
        def resolve(name: str) -> DnsAnswer:
            obj = self.store.try_get("Pod", pod, namespace) or {"metadata": {"namespace": namespace}}
            return self.dns.lookup(name, obj)
        return resolve

    def resolv_conf(self, namespace: str, pod: str) -> str:
        """The pod's ``/etc/resolv.conf``, as its resolver reads it."""
        from k9play.kubelet.etc_files import resolv_conf

        obj = self.store.try_get("Pod", pod, namespace) or {"metadata": {"namespace": namespace}}
        return resolv_conf(*self.dns.resolv_conf(obj))

    def client(self, namespace: str, pod: str) -> Callable[[HttpRequest], HttpResponse]:
        return lambda req: self.request(req, self.pod_client(namespace, pod))

    def pod_client(self, namespace: str, pod: str) -> Client:
        obj = self.store.try_get("Pod", pod, namespace) or {"metadata": {"namespace": namespace, "name": pod}}
        status, spec = obj.get("status") or {}, obj.get("spec") or {}
        return Client(status.get("podIP", ""), spec.get("nodeName"), obj)

    # ------------------------------------------------------------ request
    def request(self, req: HttpRequest, client: Client | None = None) -> HttpResponse:
        """One HTTP exchange, as ``curl``/``wget`` would make it from ``client``."""
        client = client or Client()
        url = req.url if "://" in req.url else f"http://{req.url}"
        parts = urlsplit(url)
        https = parts.scheme == "https"
        try:
            port = parts.port or (443 if https else 80)
        except ValueError:
            return HttpResponse(error="url", host=parts.hostname or "")
        host = parts.hostname or ""
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        res = HttpResponse(host=host, port=port)
        if parts.scheme not in ("http", "https") or not host:
            res.error = "url"
            return res
        ip = self._resolve(host, port, req, client, res)
        if ip is None:
            return res
        res.ip = ip
        res.trace.append(f"  Trying {ip}:{port}...")
        limit = min(t for t in (req.connect_timeout, req.max_time, SYN_TIMEOUT) if t is not None)
        hop = self._connect(ip, port, client, res)
        if hop.error:
            res.error = hop.error
            if hop.error == "timeout":
                res.elapsed += limit
            return res
        res.trace.append(f"Connected to {host} ({ip}) port {port}")
        headers = {"Host": host if port in (80, 443) else f"{host}:{port}", **req.headers}
        if hop.apiserver:
            self._apiserver(res, https, req.insecure, uri)
        elif hop.proc is not None and hop.proc.profile.repo == INGRESS_IMAGE and hop.port in (80, 443):
            self._through_ingress(res, hop, https, req, headers, uri)
        elif https:
            res.error = "tls"
            res.trace.append("k9play: the server does not speak TLS on this port")
        else:
            self._serve(res, hop, uri, headers)
        return res

    # -------------------------------------------------------------- names
    def _resolve(self, host: str, port: int, req: HttpRequest, client: Client, res: HttpResponse) -> str | None:
        if _is_ip(host):
            return host
        if (host, port) in req.resolve:
            return req.resolve[(host, port)]
        if host == "localhost":
            return "127.0.0.1"
        if client.pod is None:
            res.error = "resolve"
            res.trace.append(f"Could not resolve host: {host} (outside the cluster, cluster names do not resolve)")
            return None
        ans = self.dns.lookup(host, client.pod)
        if ans.error == "TIMEOUT":
            res.elapsed += DNS_TIMEOUT
        if ans.error or not ans.addresses:
            res.error = "resolve"
            return None
        ip = ans.addresses[0] if len(ans.addresses) == 1 else ans.addresses[self.rng.randrange(len(ans.addresses))]
        res.trace.append(f"Host {host}:{port} was resolved.")
        res.trace.append(f"k9play: DNS {ans.server}: {host} is {ans.fqdn}"
                         + (f" (CNAME {ans.cname})" if ans.cname else "") + f" → {', '.join(ans.addresses)}")
        return ip

    # -------------------------------------------------------- connections
    def _connect(self, ip: str, port: int, client: Client, res: HttpResponse) -> _Hop:
        """Follow a SYN to ``ip:port`` from ``client`` to a listening container."""
        nodes = {k.node_ip: name for name, k in self.kubelets.kubelets.items()}
        inside = client.inside
        if ip in ("127.0.0.1", client.ip) and client.pod is not None:
            return self._at_pod(client.pod, port, client.ip, res)
        if ip.startswith("127."):
            return _Hop(error="refused")  # the host's own loopback: nothing of the cluster listens there
        if ip in nodes:
            node = nodes[ip]
            if self.kubelets.kubelets[node].down:
                return _Hop(error="timeout")
            fe = self.proxy.frontend(ip, port, nodes)
            if fe is None:
                if port == APISERVER_PORT and self._is_control_plane(node):
                    return _Hop(apiserver=True)
                return _Hop(error="refused")
            return self._through_proxy(fe, client, node, res, nodes)
        svc = self.proxy.is_service_ip(ip)
        if svc is not None:
            fe = self.proxy.frontend(ip, port, {})
            if fe is not None and fe.via == "LoadBalancer":
                node = self._announcer(svc)
                if node is None:
                    res.trace.append(f"k9play: nobody announces {ip} (no ready endpoint): the SYN goes unanswered")
                    return _Hop(error="timeout")
                return self._through_proxy(fe, client, node, res, nodes)
            if not inside and (fe is None or fe.via == "ClusterIP"):
                res.trace.append(f"k9play: {ip} is a ClusterIP: not routable from outside the cluster")
                return _Hop(error="timeout")
            if fe is None:
                return _Hop(error="refused" if self.proxy.mode == "ipvs" else "timeout")
            return self._through_proxy(fe, client, client.node, res, nodes)
        if not inside:
            return _Hop(error="timeout")
        return self._to_pod_ip(ip, port, client.ip, res)

    def _through_proxy(self, fe: Frontend, client: Client, node: str | None, res: HttpResponse,
                       nodes: dict[str, str]) -> _Hop:
        chosen = self.proxy.pick(fe, client.ip, node)
        what = (f"k9play: {fe.via} of Service {namespace_of(fe.service)}/{name_of(fe.service)} port "
                f"{fe.port.get('name') or fe.port.get('port')}")
        if chosen == "reject":
            res.trace.append(f"{what}: no endpoints, kube-proxy rejects the connection")
            return _Hop(error="refused")
        if chosen == "drop":
            res.trace.append(f"{what}: no local endpoint on {node}, kube-proxy drops the packet")
            return _Hop(error="timeout")
        assert isinstance(chosen, Endpoint)
        pod = f", pod {chosen.pod[0]}/{chosen.pod[1]}" if chosen.pod else ""
        res.trace.append(f"{what}: kube-proxy ({self.proxy.mode}) chose {chosen.ip}:{chosen.port}{pod}")
        local = (fe.service.get("spec") or {}).get("externalTrafficPolicy") == "Local"
        seen_as = client.ip
        if fe.external and not local and node is not None:
            seen_as = next((ip for ip, n in nodes.items() if n == node), client.ip)  # SNAT to the node
        if chosen.ip in nodes:
            if chosen.port == APISERVER_PORT and self._is_control_plane(nodes[chosen.ip]):
                return _Hop(apiserver=True)
            return _Hop(error="refused")
        return self._to_pod_ip(chosen.ip, chosen.port, seen_as, res)

    def _to_pod_ip(self, ip: str, port: int, client_ip: str, res: HttpResponse) -> _Hop:
        pod = self._pod_by_ip(ip)
        if pod is None:
            res.trace.append(f"k9play: no pod has the address {ip}")
            return _Hop(error="timeout")
        return self._at_pod(pod, port, client_ip, res)

    def _at_pod(self, pod: Obj, port: int, client_ip: str, res: HttpResponse) -> _Hop:
        worker = self.kubelets.worker(pod)
        if worker is None or worker.kubelet.down or not worker.sandbox_ready:
            return _Hop(error="timeout")
        for run in worker.all_runs():
            proc = run.process
            if proc is not None and not proc.exited and proc.tcp_open(port):
                return _Hop(proc, pod, port, client_ip)
        res.trace.append(f"k9play: nothing in pod {namespace_of(pod)}/{name_of(pod)} listens on port {port}")
        return _Hop(error="refused")

    def _pod_by_ip(self, ip: str) -> Obj | None:
        hit = self._by_ip.get(ip)
        pod = self.store.try_get("Pod", hit[1], hit[0]) if hit else None
        if pod is not None and (pod.get("status") or {}).get("podIP") == ip:
            return pod
        self._by_ip = {}
        for p in self.store.list("Pod"):
            pip = (p.get("status") or {}).get("podIP")
            if pip and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                self._by_ip[pip] = (namespace_of(p), name_of(p))
        hit = self._by_ip.get(ip)
        return self.store.try_get("Pod", hit[1], hit[0]) if hit else None

    def _is_control_plane(self, node: str) -> bool:
        obj = self.store.try_get("Node", node)
        return obj is not None and "node-role.kubernetes.io/control-plane" in (obj["metadata"].get("labels") or {})

    # ------------------------------------------------------------ answers
    def _serve(self, res: HttpResponse, hop: _Hop, uri: str, headers: dict[str, str]) -> None:
        assert hop.proc is not None and hop.pod is not None
        reply = hop.proc.http_get(hop.port, uri, hop.client_ip, tuple(headers.items()))
        server = hop.proc.server
        cost = server.request_cpu if server is not None else 0.0
        res.elapsed += cost * self._throttle(hop.pod)
        self.traffic.record((namespace_of(hop.pod), name_of(hop.pod)), cost)
        if reply is None:
            res.error = "empty"
            return
        res.status, res.body = reply.status, reply.body
        res.headers.update(dict(reply.headers))
        res.headers.setdefault("Content-Length", str(len(reply.body.encode())))
        res.trace.append(f"k9play: answered by pod {namespace_of(hop.pod)}/{name_of(hop.pod)} "
                         f"({(hop.pod.get('status') or {}).get('podIP')}:{hop.port})")

    def _throttle(self, pod: Obj) -> float:
        """How much slower than its CPU cost a request is served: its CPU limit throttles a pod
        whose traffic asks for more (the CFS quota)."""
        containers = (pod.get("spec") or {}).get("containers") or []
        limit = ((containers[0].get("resources") or {}).get("limits") or {}).get("cpu") if containers else None
        if limit is None:
            return 1.0
        try:
            cap = milli(limit)
        except (QuantityError, TypeError):
            return 1.0
        load = self.metrics.load_of(("Pod", namespace_of(pod), name_of(pod)))
        return max(1.0, load / cap) if cap else 1.0

    def _apiserver(self, res: HttpResponse, https: bool, insecure: bool, uri: str) -> None:
        if not https:
            res.status, res.body = 400, "Client sent an HTTP request to an HTTPS server.\n"
            return
        if not insecure:
            res.error = "tls"
            res.trace.append("k9play: the apiserver's certificate is signed by the cluster CA, which curl does not "
                             "trust (use -k or --cacert)")
            return
        res.status = 403
        res.body = APISERVER_FORBIDDEN.replace("{path}", uri.split("?", 1)[0])
        res.headers["Content-Type"] = "application/json"

    def _through_ingress(self, res: HttpResponse, hop: _Hop, https: bool, req: HttpRequest,
                         headers: dict[str, str], uri: str) -> None:
        assert hop.pod is not None
        self.traffic.record((namespace_of(hop.pod), name_of(hop.pod)), 0.0005)
        host = headers.get("Host", res.host)
        r = ingress_routing.route(self.store, host, uri, https)
        where = f"k9play: ingress-nginx ({namespace_of(hop.pod)}/{name_of(hop.pod)}): host {host.split(':')[0]}"
        if https:
            secret = self.store.try_get("Secret", *reversed(r.tls_secret.split("/", 1))) if r.tls_secret else None
            valid = secret is not None and secret.get("type") == "kubernetes.io/tls" and \
                {"tls.crt", "tls.key"} <= set((secret.get("data") or {}) | (secret.get("stringData") or {}))
            cert = f"the certificate of Secret {r.tls_secret}" if valid else \
                "its default certificate, CN=Kubernetes Ingress Controller Fake Certificate"
            res.trace.append(f"k9play: ingress-nginx presents {cert}")
            res.tls_subject = cert
            if not req.insecure:
                res.error = "tls"
                return
        if r.redirect:
            res.status, res.body = 308, bh.nginx_error_page(308, "Permanent Redirect")
            res.headers["Location"] = r.redirect
            res.trace.append(f"{where}: TLS is configured for it, redirecting to {r.redirect}")
            return
        if not r.service:
            res.status, res.body = 404, bh.nginx_error_page(404, "Not Found")
            res.trace.append(f"{where}, path {uri}: no rule matches, the default backend answers 404")
            return
        ing = r.ingress or {}
        rule = f"ingress {namespace_of(ing)}/{name_of(ing)}" + (f", path {r.path} ({r.path_type})" if r.path else
                                                                  " (default backend)")
        svc = self.store.try_get("Service", r.service, r.namespace)
        port = _service_port(svc, r.port) if svc is not None else None
        if svc is None or port is None:
            self._unavailable(res, f"{where}: {rule} → service {r.namespace}/{r.service}:{r.port} does not exist")
            return
        ready = [e for e in self.proxy.endpoints(svc, port) if e.ready]
        if not ready:
            self._unavailable(res, f"{where}: {rule} → service {r.namespace}/{r.service}:{r.port} has no ready "
                                   "endpoints")
            return
        key = f"{r.namespace}/{r.service}/{r.port}"
        i = self._ingress_rr.get(key, -1) + 1
        self._ingress_rr[key] = i
        ep = sorted(ready, key=lambda e: (e.ip, e.port))[i % len(ready)]
        res.trace.append(f"{where}: {rule} → service {r.namespace}/{r.service}:{r.port} → endpoint {ep.ip}:{ep.port} "
                         "(round robin)")
        nodes = {k.node_ip: n for n, k in self.kubelets.kubelets.items()}
        upstream = self._to_pod_ip(ep.ip, ep.port, (hop.pod.get("status") or {}).get("podIP", ""), res) \
            if ep.ip not in nodes else _Hop(error="refused")
        if upstream.error == "refused":
            res.status, res.body = 502, bh.nginx_error_page(502, "Bad Gateway")
            return
        if upstream.error:
            res.elapsed += INGRESS_CONNECT_TIMEOUT
            res.status, res.body = 504, bh.nginx_error_page(504, "Gateway Time-out")
            return
        self._serve(res, upstream, r.uri, {**headers, "X-Forwarded-For": res.ip, "X-Forwarded-Host": host})

    def _unavailable(self, res: HttpResponse, why: str) -> None:
        res.status, res.body = 503, bh.nginx_error_page(503, "Service Temporarily Unavailable")
        res.trace.append(why)

    # ------------------------------------------------------- synthetic load
    def _spread(self, target: Obj, requests: float) -> list[tuple[tuple[str, str], float, float]]:
        """How kube-proxy spreads ``requests`` over a Service's ready endpoints (equally, on
        average, in either mode) — or a Deployment's ready pods as a Service would — with each
        pod's CPU cost per request."""
        if target["kind"] == "Deployment":
            try:
                sel = selector_from_spec((target.get("spec") or {}).get("selector"))
            except ValueError:
                return []
            ready = [p for p in self.store.list("Pod", namespace_of(target), sel) if is_ready(p)]
        else:
            ports = (target.get("spec") or {}).get("ports") or []
            eps = [e for e in self.proxy.endpoints(target, ports[0]) if e.ready and e.pod] if ports else []
            found = (self.store.try_get("Pod", e.pod[1], e.pod[0]) for e in eps if e.pod is not None)
            ready = [p for p in found if p is not None]
        out = []
        for pod in ready:
            worker = self.kubelets.worker(pod)
            procs = [r.process for r in worker.all_runs()] if worker is not None else []
            server = next((p.server for p in procs if p is not None and not p.exited and p.listening), None)
            if server is not None:
                out.append(((namespace_of(pod), name_of(pod)), requests / len(ready), server.request_cpu))
        return out

    def requests_served(self, pod: Obj) -> int:
        """How many requests ``pod`` has answered (for the TUI)."""
        return self.traffic.requests(namespace_of(pod), name_of(pod))


def _service_port(svc: Obj, port: int | str) -> Obj | None:
    for p in (svc.get("spec") or {}).get("ports") or []:
        if (isinstance(port, int) and p.get("port") == port) or (isinstance(port, str) and p.get("name") == port):
            return p
    return None


def _is_ip(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)

