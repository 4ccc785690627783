"""The simulated network: cluster DNS, kube-proxy and the ways a connection fails."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from k9play.api.meta import name_of
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.kubelet.netclient import HttpRequest, HttpResponse
from k9play.manifests.applier import apply_object
from k9play.network import Client
from k9play.network.network import SYN_TIMEOUT
from tests.helpers import deployment

Obj = dict[str, Any]


def serve_hostname(name: str = "web", replicas: int = 3, **spec: Any) -> Obj:
    d = deployment(name, replicas, image="registry.k8s.io/e2e-test-images/agnhost:2.53", **spec)
    c = d["spec"]["template"]["spec"]["containers"][0]
    c["args"] = ["serve-hostname"]
    c["ports"] = [{"containerPort": 9376}]
    c["readinessProbe"] = {"tcpSocket": {"port": 9376}, "periodSeconds": 5}
    return d


def service(name: str = "web", port: int = 80, target: int | str = 9376, **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": port, "targetPort": target}], **spec}}


def client_pod(name: str = "client", namespace: str = "default", **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}], **spec}}


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(workers=2).start()
    apply_object(cluster.store, serve_hostname())
    apply_object(cluster.store, service())
    apply_object(cluster.store, client_pod())
    cluster.advance_sync(30)
    return cluster


def get(c: Cluster, url: str, client: str | None = "client", **kw: Any) -> HttpResponse:
    who = c.network.pod_client("default", client) if client else Client()
    return c.network.request(HttpRequest(url, **kw), who)


def pods(c: Cluster, app: str = "web") -> list[Obj]:
    return sorted(c.store.list("Pod", "default", "app=" + app), key=name_of)


# ---------------------------------------------------------------------- DNS
def lookup(c: Cluster, name: str, pod: str = "client", ns: str = "default") -> Any:
    return c.network.resolver(ns, pod)(name)


def test_service_names_resolve_with_the_pods_search_path(c):
    ip = c.store.get("Service", "web", "default")["spec"]["clusterIP"]
    for name in ("web", "web.default", "web.default.svc", "web.default.svc.cluster.local",
                 "web.default.svc.cluster.local."):
        ans = lookup(c, name)
        assert (ans.error, ans.addresses, ans.fqdn) == ("", (ip,), "web.default.svc.cluster.local"), name
    assert lookup(c, "nope").error == "NXDOMAIN"
    assert lookup(c, "kubernetes.default").addresses == ("10.96.0.1",)
    assert lookup(c, "example.com").error == "NXDOMAIN", "no internet in the simulated cluster"


def test_search_path_follows_the_pods_namespace_and_dns_policy(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    apply_object(c.store, client_pod("elsewhere", "other"))
    apply_object(c.store, client_pod("hostish", dnsPolicy="Default"))
    c.advance_sync(15)
    assert lookup(c, "web", "elsewhere", "other").error == "NXDOMAIN"
    assert lookup(c, "web.default", "elsewhere", "other").addresses
    ans = lookup(c, "web", "hostish")
    assert ans.error == "NXDOMAIN" and ans.server == "172.18.0.1", "the node's resolver knows no cluster names"


def test_headless_service_answers_with_ready_pod_ips_and_pod_records(c):
    apply_object(c.store, service("web-headless", clusterIP="None", selector={"app": "web"}))
    c.advance_sync(2)
    ips = sorted(p["status"]["podIP"] for p in pods(c))
    assert sorted(lookup(c, "web-headless").addresses) == ips
    dashed = ips[0].replace(".", "-")
    assert lookup(c, f"{dashed}.default.pod.cluster.local").addresses == (ips[0],)
    assert lookup(c, f"{dashed}.web-headless.default.svc.cluster.local").addresses == (ips[0],)


def test_external_name_is_a_cname(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                           "spec": {"type": "ExternalName", "externalName": "my.database.example.com"}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "alias"},
                           "spec": {"type": "ExternalName", "externalName": "web.default.svc.cluster.local"}})
    c.advance_sync(1)
    ans = lookup(c, "db")
    assert (ans.fqdn, ans.cname, ans.addresses) == ("db.default.svc.cluster.local", "my.database.example.com", ())
    alias = lookup(c, "alias")
    assert alias.cname == "web.default.svc.cluster.local"
    assert alias.addresses == (c.store.get("Service", "web", "default")["spec"]["clusterIP"],)
    assert get(c, "http://alias").body.startswith("web-"), "an in-cluster CNAME target is reachable"
    assert get(c, "http://db").error == "resolve"


def test_statefulset_pods_have_stable_dns_names(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx"}, "spec": {
        "clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"name": "web", "port": 80}]}})
    apply_object(c.store, {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web-sts"}, "spec": {
        "serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
        "template": {"metadata": {"labels": {"app": "nginx"}},
                     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                              "ports": [{"containerPort": 80, "name": "web"}]}]}}}})
    c.advance_sync(60)
    web0 = c.store.get("Pod", "web-sts-0", "default")
    ans = lookup(c, "web-sts-0.nginx.default.svc.cluster.local")
    assert ans.addresses == (web0["status"]["podIP"],)
    assert lookup(c, "web-sts-1.nginx").addresses == (c.store.get("Pod", "web-sts-1", "default")["status"]["podIP"],)
    r = get(c, "http://web-sts-0.nginx/")
    assert r.status == 200 and "<title>Welcome to nginx!</title>" in r.body


def test_dns_times_out_when_cluster_dns_has_no_ready_endpoint(c):
    assert lookup(c, "web").error == "", "kubeadm's CoreDNS answers"
    Kubectl(c).run(["scale", "deploy/coredns", "-n", "kube-system", "--replicas=0"])
    c.advance_sync(60)
    assert lookup(c, "web").error == "TIMEOUT"
    r = get(c, "http://web")
    assert r.error == "resolve" and r.elapsed == 10.0


# ------------------------------------------------------------------- proxy
def test_requests_are_balanced_over_ready_pods_only(c):
    served = Counter(get(c, "http://web").body for _ in range(60))
    assert set(served) == {name_of(p) for p in pods(c)}
    sick = pods(c)[0]
    c.faults.probe(name_of(sick), "default", "readiness", True)
    # a failing readiness probe takes the pod out of the Service
    c.advance_sync(60)
    served = Counter(get(c, "http://web").body for _ in range(60))
    assert name_of(sick) not in served and len(served) == 2
    assert c.network.traffic.requests("default", name_of(pods(c)[1])) > 0


def test_ipvs_round_robin_and_session_affinity():
    c = Cluster(workers=2, proxy_mode="ipvs").start()
    apply_object(c.store, serve_hostname())
    apply_object(c.store, service())
    apply_object(c.store, service("sticky", selector={"app": "web"}, sessionAffinity="ClientIP"))
    apply_object(c.store, client_pod())
    c.advance_sync(30)
    order = [get(c, "http://web").body for _ in range(6)]
    assert order[:3] == order[3:] and len(set(order)) == 3, "rr visits each endpoint in turn"
    assert len({get(c, "http://sticky").body for _ in range(10)}) == 1
    svc = c.store.get("Service", "sticky", "default")
    assert svc["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_no_endpoints_is_refused_and_a_missing_listener_too(c):
    apply_object(c.store, service("empty", selector={"app": "nothing"}))
    apply_object(c.store, service("wrong-port", target=8080, selector={"app": "web"}))
    c.advance_sync(1)
    r = get(c, "http://empty")
    assert (r.error, r.elapsed) == ("refused", 0.0)
    assert get(c, "http://wrong-port").error == "refused"


def test_unroutable_addresses_time_out(c):
    svc_ip = c.store.get("Service", "web", "default")["spec"]["clusterIP"]
    r = get(c, f"http://{svc_ip}/", client=None)
    assert (r.error, r.elapsed) == ("timeout", SYN_TIMEOUT), "ClusterIPs are not routable from outside"
    r = get(c, "http://10.244.9.9/", connect_timeout=5)
    assert (r.error, r.elapsed) == ("timeout", 5)
    victim = pods(c)[0]
    c.faults.node_down(victim["spec"]["nodeName"])
    assert get(c, f"http://{victim['status']['podIP']}:9376/").error == "timeout"


def test_node_port_and_load_balancer_from_outside(c):
    c.store.patch("Service", "web", "default", {"spec": {"type": "LoadBalancer"}})
    svc = c.store.get("Service", "web", "default")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    assert 30000 <= node_port <= 32767
    assert "ingress" not in svc["status"]["loadBalancer"], "<pending> until MetalLB assigns an address"
    for node_ip in ("172.18.0.2", "172.18.0.3", "172.18.0.4"):
        assert get(c, f"http://{node_ip}:{node_port}/", client=None).body.startswith("web-")
    c.advance_sync(3)
    svc = c.store.get("Service", "web", "default")
    assert svc["status"]["loadBalancer"] == {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}
    assert get(c, "http://172.18.255.200/", client=None).body.startswith("web-")
    events = {(e["reason"], e["message"]) for e in c.store.list("Event", "default")
              if e["involvedObject"]["name"] == "web"}
    assert ("IPAllocated", 'Assigned IP ["172.18.255.200"]') in events
    assert any(r == "nodeAssigned" and m.endswith('with protocol "layer2"') for r, m in events)


def test_load_balancer_without_endpoints_is_not_announced(c):
    apply_object(c.store, service("idle", selector={"app": "none"}, type="LoadBalancer"))
    c.advance_sync(3)
    ip = c.store.get("Service", "idle", "default")["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert get(c, f"http://{ip}/", client=None, connect_timeout=3).error == "timeout"


def test_external_traffic_policy_local_drops_on_nodes_without_endpoints(c):
    apply_object(c.store, serve_hostname("solo", 1))
    apply_object(c.store, service("solo", type="NodePort", externalTrafficPolicy="Local"))
    c.advance_sync(30)
    (pod,) = pods(c, "solo")
    port = c.store.get("Service", "solo", "default")["spec"]["ports"][0]["nodePort"]
    node_ips = {"k9play-worker": "172.18.0.3", "k9play-worker2": "172.18.0.4"}
    here = node_ips[pod["spec"]["nodeName"]]
    there = next(ip for n, ip in node_ips.items() if n != pod["spec"]["nodeName"])
    assert get(c, f"http://{here}:{port}/", client=None).body == name_of(pod)
    assert get(c, f"http://{there}:{port}/", client=None, connect_timeout=2).error == "timeout"


def test_the_apiserver_answers_anonymous_requests_with_403(c):
    r = get(c, "https://kubernetes.default.svc/api", insecure=True)
    assert r.status == 403 and '"reason": "Forbidden"' in r.body and "cannot get path \\\"/api\\\"" in r.body
    assert get(c, "https://kubernetes.default.svc/").error == "tls"


def test_netexec_endpoints(c):
    d = deployment("echo", 1, image="registry.k8s.io/e2e-test-images/agnhost:2.53")
    d["spec"]["template"]["spec"]["containers"][0]["args"] = ["netexec", "--http-port=8080"]
    apply_object(c.store, d)
    apply_object(c.store, service("echo", target=8080))
    c.advance_sync(30)
    (pod,) = pods(c, "echo")
    assert get(c, "http://echo/hostname").body == name_of(pod)
    assert get(c, "http://echo/echo?msg=hello").body == "hello"
    client_ip = c.store.get("Pod", "client", "default")["status"]["podIP"]
    assert get(c, "http://echo/clientip").body.startswith(client_ip + ":")
    assert get(c, "http://echo/shell?cmd=echo%20hi").body == '{"output":"hi\\n"}\n'
    assert get(c, "http://echo/").body.startswith("NOW: 2026-01-01 ")
