"""Service allocation as the apiserver does it, and MetalLB's address pool."""

from __future__ import annotations

from typing import Any

import pytest

from k9play.api import errors
from k9play.cluster import Cluster

Obj = dict[str, Any]


@pytest.fixture
def c() -> Cluster:
    return Cluster(workers=1).start()


def svc(name: str, stype: str = "NodePort", ports: list[Obj] | None = None, **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"type": stype, "selector": {"app": name}, "ports": ports or [{"port": 80}], **spec}}


def test_node_port_conflicts_name_the_right_port(c):
    c.store.create(svc("a", ports=[{"name": "http", "port": 80, "nodePort": 30080}]))
    with pytest.raises(errors.ApiError) as e:
        c.store.create(svc("b", ports=[{"name": "x", "port": 81, "nodePort": 30081},
                                       {"name": "y", "port": 82, "nodePort": 30080}]))
    assert str(e.value) == ('Service "b" is invalid: spec.ports[1].nodePort: Invalid value: 30080: '
                            "provided port is already allocated")
    with pytest.raises(errors.ApiError, match="provided port is not in the valid range"):
        c.store.create(svc("c", ports=[{"port": 80, "nodePort": 29999}]))


def test_automatic_node_ports_come_from_the_upper_band(c):
    ports = {c.store.create(svc(f"s{i}"))["spec"]["ports"][0]["nodePort"] for i in range(20)}
    assert len(ports) == 20 and all(30086 <= p <= 32767 for p in ports)


def test_type_changes_allocate_and_release_node_ports(c):
    c.store.create(svc("web", "ClusterIP"))
    changed = c.store.patch("Service", "web", "default", {"spec": {"type": "NodePort"}})
    port = changed["spec"]["ports"][0]["nodePort"]
    assert 30000 <= port <= 32767
    back = c.store.patch("Service", "web", "default", {"spec": {"type": "ClusterIP"}})
    assert "nodePort" not in back["spec"]["ports"][0], "dropTypeDependentFields"
    with pytest.raises(errors.ApiError, match=r"spec.ports\[0\].nodePort: Forbidden: may not be used when `type` is "
                                              "'ClusterIP'"):
        c.store.create(svc("bad", "ClusterIP", [{"port": 80, "nodePort": 30500}]))


def test_load_balancer_node_ports_and_health_check_port(c):
    none = c.store.create(svc("direct", "LoadBalancer", allocateLoadBalancerNodePorts=False))
    assert "nodePort" not in none["spec"]["ports"][0]
    local = c.store.create(svc("local", "LoadBalancer", externalTrafficPolicy="Local"))
    assert local["spec"]["healthCheckNodePort"] not in (None, local["spec"]["ports"][0]["nodePort"])


def test_session_affinity_default_timeout(c):
    s = c.store.create(svc("sticky", "ClusterIP", sessionAffinity="ClientIP"))
    assert s["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_load_balancer_pool_requested_address_and_exhaustion(c):
    c.store.create(svc("wants", "LoadBalancer", loadBalancerIP="172.18.255.210"))
    c.store.create(svc("outside", "LoadBalancer", loadBalancerIP="10.1.2.3"))
    c.store.create(svc("theirs", "LoadBalancer", loadBalancerClass="example.com/lb"))
    c.advance_sync(3)
    assert c.store.get("Service", "wants", "default")["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.210"
    assert c.store.get("Service", "theirs", "default")["status"]["loadBalancer"] == {}
    warnings = [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "AllocationFailed"]
    assert warnings == ['Failed to allocate IP for "default/outside": ["10.1.2.3"] is not allowed in config']
    for i in range(51):
        c.store.create(svc(f"lb{i}", "LoadBalancer"))
    c.advance_sync(3)
    assigned = [s for s in c.store.list("Service", "default") if (s["status"].get("loadBalancer") or {}).get("ingress")]
    assert len(assigned) == 51  # the pool holds 51 addresses
    assert any(e["message"].endswith(": no available IPs") for e in c.store.list("Event", "default"))
    (waiting,) = [s for s in c.store.list("Service", "default")
                  if s["spec"]["type"] == "LoadBalancer" and not s["status"]["loadBalancer"]
                  and "loadBalancerClass" not in s["spec"] and s["metadata"]["name"] != "outside"]
    c.store.delete("Service", "wants", "default")
    c.advance_sync(1)
    late = c.store.get("Service", waiting["metadata"]["name"], "default")
    assert late["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.210", "a freed address goes to a waiter"


def test_default_ingress_class_is_the_newest_default(c):
    def cls(name: str, default: bool = True) -> Obj:
        anns = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else {}
        return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": name, "annotations": anns}, "spec": {"controller": "example.com/" + name}}

    def ing(name: str, **spec: Any) -> Obj:
        return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name},
                "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}, **spec}}

    assert "ingressClassName" not in c.store.create(ing("none"))["spec"]
    c.store.create(cls("old"))
    c.store.create(cls("plain", default=False))
    c.advance_sync(5)
    c.store.create(cls("zeta"))
    c.store.create(cls("beta"))
    assert c.store.create(ing("a"))["spec"]["ingressClassName"] == "beta", "newest, then lowest name"
    assert c.store.create(ing("b", ingressClassName="plain"))["spec"]["ingressClassName"] == "plain"
