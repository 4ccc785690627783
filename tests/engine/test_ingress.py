"""Ingress through the simulated ingress-nginx: installation, status, routing, TLS."""

from __future__ import annotations

from typing import Any

import pytest

from k9play.api.meta import name_of
from k9play.cluster import Cluster
from k9play.kubelet.netclient import HttpRequest, HttpResponse
from k9play.manifests.applier import apply_object
from tests.helpers import deployment

Obj = dict[str, Any]
LB = "http://172.18.255.200"


def netexec(name: str, replicas: int = 2) -> list[Obj]:
    d = deployment(name, replicas, image="registry.k8s.io/e2e-test-images/agnhost:2.53")
    d["spec"]["template"]["spec"]["containers"][0].update(args=["netexec", "--http-port=8080"],
                                                          ports=[{"containerPort": 8080}])
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
           "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 8080, "targetPort": 8080}]}}
    return [d, svc]


def path(p: str, svc: str, kind: str = "Prefix", port: Any = 8080) -> Obj:
    ref = {"number": port} if isinstance(port, int) else {"name": port}
    return {"path": p, "pathType": kind, "backend": {"service": {"name": svc, "port": ref}}}


def ingress(name: str, rules: list[Obj], **spec: Any) -> Obj:
    annotations = spec.pop("annotations", None)
    md: Obj = {"name": name}
    if annotations:
        md["annotations"] = annotations
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": md, "spec": {"rules": rules, **spec}}


def get(c: Cluster, uri: str, host: str, **kw: Any) -> HttpResponse:
    return c.network.request(HttpRequest(LB + uri, headers={"Host": host}, **kw))


@pytest.fixture(scope="module")
def c() -> Cluster:
    cluster = Cluster(workers=2).start()
    for obj in netexec("web") + netexec("api"):
        apply_object(cluster.store, obj)
    cluster.advance_sync(20)
    assert cluster.store.list("Pod", "ingress-nginx") == [], "no controller before the first Ingress"
    apply_object(cluster.store, ingress("demo", [
        {"host": "foo.example", "http": {"paths": [path("/", "web"), path("/api", "api")]}},
        {"host": "bar.example", "http": {"paths": [path("/hostname", "api", "Exact"),
                                                   path("/v", "web", "ImplementationSpecific")]}},
    ]))
    cluster.advance_sync(90)
    return cluster


def test_the_addon_is_installed_with_the_first_ingress(c):
    (pod,) = c.store.list("Pod", "ingress-nginx")
    assert name_of(pod).startswith("ingress-nginx-controller-")
    ic = c.store.get("IngressClass", "nginx")
    assert ic["spec"]["controller"] == "k8s.io/ingress-nginx"
    assert ic["metadata"]["annotations"]["ingressclass.kubernetes.io/is-default-class"] == "true"
    svc = c.store.get("Service", "ingress-nginx-controller", "ingress-nginx")
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.200"


def test_status_address_and_sync_event(c):
    ing = c.store.get("Ingress", "demo", "default")
    assert ing["status"]["loadBalancer"] == {"ingress": [{"ip": "172.18.255.200"}]}
    events = [(e["reason"], e["message"], e["source"]["component"]) for e in c.store.list("Event", "default")
              if e["involvedObject"]["name"] == "demo"]
    assert events == [("Sync", "Scheduled for sync", "nginx-ingress-controller")]


def test_two_hosts_and_two_paths_route_to_their_services(c):
    web = {name_of(p) for p in c.store.list("Pod", "default", "app=web")}
    api = {name_of(p) for p in c.store.list("Pod", "default", "app=api")}
    assert {get(c, "/hostname", "foo.example").body for _ in range(4)} == web, "round robin over both pods"
    r = get(c, "/api/hostname", "foo.example")
    assert r.status == 404 and r.body == "404 page not found\n", "the path is passed on as is: netexec answers"
    assert any("path /api (Prefix) → service default/api:8080" in t for t in r.trace)
    assert get(c, "/hostname", "bar.example").body in api
    assert get(c, "/hostname/x", "bar.example").status == 404, "Exact does not match below the path"
    assert get(c, "/version", "bar.example").status == 404, "ImplementationSpecific: nginx's string prefix"
    assert "default/web" in get(c, "/version", "bar.example").trace[-2]


def test_unknown_hosts_and_paths_get_the_default_backend_404(c):
    r = get(c, "/", "nobody.example")
    assert r.status == 404 and "<title>404 Not Found</title>" in r.body and "<center>nginx</center>" in r.body


def test_prefix_matches_whole_path_elements(c):
    apply_object(c.store, ingress("elements", [
        {"host": "el.example", "http": {"paths": [path("/foo", "api")]}}]))
    c.advance_sync(1)
    assert get(c, "/foo/hostname", "el.example").status == 404  # routed to api, which has no /foo/hostname
    assert any("service default/api" in t for t in get(c, "/foo/hostname", "el.example").trace)
    assert get(c, "/foobar", "el.example").trace[-1].endswith("the default backend answers 404")


def test_rewrite_target_and_default_backend(c):
    apply_object(c.store, ingress("rewrite", [
        {"host": "rw.example", "http": {"paths": [path("/app(/|$)(.*)", "web", "ImplementationSpecific")]}}],
        annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/$2",
                     "nginx.ingress.kubernetes.io/use-regex": "true"}))
    c.advance_sync(1)
    assert get(c, "/app/echo?msg=hi", "rw.example").body == "hi"


def test_no_ready_endpoints_is_503(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "void"},
                           "spec": {"selector": {"app": "void"}, "ports": [{"port": 80}]}})
    apply_object(c.store, ingress("void", [{"host": "void.example", "http": {"paths": [path("/", "void", port=80)]}}]))
    c.advance_sync(1)
    r = get(c, "/", "void.example")
    assert r.status == 503 and "503 Service Temporarily Unavailable" in r.body


def test_tls_redirect_and_certificates(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "secure-tls"},
                           "type": "kubernetes.io/tls", "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5"}})
    apply_object(c.store, ingress("secure", [{"host": "secure.example", "http": {"paths": [path("/", "web")]}}],
                                  tls=[{"hosts": ["secure.example"], "secretName": "secure-tls"}]))
    c.advance_sync(1)
    r = get(c, "/hostname", "secure.example")
    assert (r.status, r.headers["Location"]) == (308, "https://secure.example/hostname")
    https = c.network.request(HttpRequest("https://172.18.255.200/hostname", headers={"Host": "secure.example"}))
    assert https.error == "tls", "a self-signed certificate without -k"
    ok = c.network.request(HttpRequest("https://172.18.255.200/hostname", headers={"Host": "secure.example"},
                                       insecure=True))
    assert ok.status == 200 and "Secret default/secure-tls" in ok.tls_subject
    fake = c.network.request(HttpRequest("https://172.18.255.200/", headers={"Host": "foo.example"}, insecure=True))
    assert "Fake Certificate" in fake.tls_subject


def test_ingresses_of_other_classes_are_ignored(c):
    apply_object(c.store, {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                           "metadata": {"name": "other"}, "spec": {"controller": "example.com/other"}})
    apply_object(c.store, ingress("elsewhere", [{"host": "else.example", "http": {"paths": [path("/", "web")]}}],
                                  ingressClassName="other"))
    c.advance_sync(61)
    assert get(c, "/hostname", "else.example").status == 404
    assert not c.store.get("Ingress", "elsewhere", "default").get("status", {}).get("loadBalancer")


def test_default_ingress_class_admission(c):
    created = c.store.create(ingress("later", [{"host": "later.example", "http": {"paths": [path("/", "web")]}}]))
    assert created["spec"]["ingressClassName"] == "nginx"
    c.store.delete("Ingress", "later", "default")
