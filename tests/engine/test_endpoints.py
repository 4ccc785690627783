"""Endpoints and EndpointSlices maintained from the pods a Service selects."""

from __future__ import annotations

from typing import Any

import pytest

from k9play.api.meta import labels_of, name_of
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object
from tests.helpers import deployment

Obj = dict[str, Any]


@pytest.fixture
def c() -> Cluster:
    return Cluster(workers=2).start()


def service(name: str = "web", selector: dict[str, str] | None = None, **spec: Any) -> Obj:
    body: Obj = {"selector": selector if selector is not None else {"app": name},
                 "ports": [{"port": 80, "targetPort": 80}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": {"tier": "front"}},
            "spec": body}


def slices(c: Cluster, svc: str = "web", ns: str = "default") -> list[Obj]:
    return [s for s in c.store.list("EndpointSlice", ns) if labels_of(s).get("kubernetes.io/service-name") == svc]


def ready_ips(ep: Obj) -> list[str]:
    return [a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or []]


def not_ready_ips(ep: Obj) -> list[str]:
    return [a["ip"] for s in ep.get("subsets") or [] for a in s.get("notReadyAddresses") or []]


def test_ready_and_not_ready_pods_and_the_slice_conditions(c):
    d = deployment("web", 3)
    d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 1}
    apply_object(c.store, d)
    apply_object(c.store, service())
    c.advance_sync(20)
    ep = c.store.get("Endpoints", "web", "default")
    assert ready_ips(ep) == [] and len(not_ready_ips(ep)) == 3
    assert ep["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]
    assert labels_of(ep) == {"tier": "front"}
    assert ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"]
    (s,) = slices(c)
    assert {e["conditions"]["ready"] for e in s["endpoints"]} == {False}
    assert {e["conditions"]["serving"] for e in s["endpoints"]} == {False}

    for p in c.store.list("Pod", "default"):
        c.kubelets.worker(p).find("app").process.fs.write("/tmp/ready", "")
    c.advance_sync(5)
    ep = c.store.get("Endpoints", "web", "default")
    assert len(ready_ips(ep)) == 3 and not_ready_ips(ep) == []
    (s,) = slices(c)
    assert all(e["conditions"] == {"ready": True, "serving": True, "terminating": False} for e in s["endpoints"])
    ref = s["endpoints"][0]["targetRef"]
    assert ref["kind"] == "Pod" and ref["name"].startswith("web-") and s["endpoints"][0]["nodeName"]


def test_slice_name_labels_owner_and_placeholder(c):
    apply_object(c.store, service())
    c.advance_sync(1)
    (s,) = slices(c)
    assert name_of(s).startswith("web-") and len(name_of(s)) == len("web-") + 5
    assert labels_of(s) == {"tier": "front", "kubernetes.io/service-name": "web",
                            "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    svc = c.store.get("Service", "web", "default")
    assert s["metadata"]["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]
    assert "endpoints" not in s and "ports" not in s  # the placeholder of a Service without pods
    placeholder = name_of(s)
    apply_object(c.store, deployment("web", 2))
    c.advance_sync(20)
    (s,) = slices(c)
    assert name_of(s) == placeholder, "the placeholder is reused, not replaced"
    assert len(s["endpoints"]) == 2 and s["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]


def test_terminating_pods_leave_endpoints_but_stay_in_slices_as_terminating(c):
    apply_object(c.store, deployment("web", 1))
    apply_object(c.store, service())
    c.advance_sync(20)
    (pod,) = c.store.list("Pod", "default")
    c.store.delete("Pod", name_of(pod), "default")
    c.advance_sync(0.05)
    ep = c.store.get("Endpoints", "web", "default")
    assert pod["status"]["podIP"] not in ready_ips(ep) + not_ready_ips(ep)
    gone = [e for s in slices(c) for e in s.get("endpoints") or [] if e["addresses"] == [pod["status"]["podIP"]]]
    # serving mirrors the pod's Ready condition, which the simulated kubelet drops on deletion
    assert gone and gone[0]["conditions"]["ready"] is False and gone[0]["conditions"]["terminating"] is True


def test_publish_not_ready_addresses(c):
    d = deployment("db", 1, image="busybox:1.36")
    d["spec"]["template"]["spec"]["containers"][0].update(
        command=["sleep", "3600"], readinessProbe={"exec": {"command": ["false"]}, "periodSeconds": 1})
    apply_object(c.store, d)
    apply_object(c.store, service("db", clusterIP="None", publishNotReadyAddresses=True))
    c.advance_sync(20)
    ep = c.store.get("Endpoints", "db", "default")
    assert len(ready_ips(ep)) == 1
    assert labels_of(ep)["service.kubernetes.io/headless"] == ""
    (s,) = slices(c, "db")
    assert s["endpoints"][0]["conditions"] == {"ready": True, "serving": False, "terminating": False}


def test_named_target_ports_resolve_per_pod_and_multi_port(c):
    for name, number in (("old", 8080), ("new", 9090)):
        apply_object(c.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "api"}},
                               "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [
                                   {"name": "http", "containerPort": number}, {"name": "metrics",
                                                                               "containerPort": 9100}]}]}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"}, "spec": {
        "selector": {"app": "api"}, "ports": [{"name": "web", "port": 80, "targetPort": "http"},
                                              {"name": "metrics", "port": 9100, "targetPort": "metrics"}]}})
    c.advance_sync(20)
    ep = c.store.get("Endpoints", "api", "default")
    by_port = {(p["name"], p["port"]) for s in ep["subsets"] for p in s["ports"]}
    assert by_port == {("web", 8080), ("web", 9090), ("metrics", 9100)}
    assert len(ep["subsets"]) == 3  # RepackSubsets: one subset per distinct set of addresses
    ports = sorted(tuple(sorted((p["name"], p["port"]) for p in s["ports"])) for s in slices(c, "api"))
    assert ports == [(("metrics", 9100), ("web", 8080)), (("metrics", 9100), ("web", 9090))]


def test_headless_without_ports_and_hostnames(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p0", "labels": {"app": "h"}},
                           "spec": {"hostname": "db-0", "subdomain": "h",
                                    "containers": [{"name": "c", "image": "nginx:1.27"}]}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "h"},
                           "spec": {"clusterIP": "None", "selector": {"app": "h"}}})
    c.advance_sync(20)
    ep = c.store.get("Endpoints", "h", "default")
    assert ep["subsets"][0]["addresses"][0]["hostname"] == "db-0" and "ports" not in ep["subsets"][0]
    assert slices(c, "h")[0]["endpoints"][0]["hostname"] == "db-0"


def test_services_without_selector_or_external_name_are_left_alone(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "manual"},
                           "spec": {"ports": [{"port": 80}]}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
                           "spec": {"type": "ExternalName", "externalName": "db.example.com",
                                    "selector": {"app": "ext"}}})
    c.advance_sync(2)
    assert c.store.try_get("Endpoints", "manual", "default") is None and not slices(c, "manual")
    assert c.store.try_get("Endpoints", "ext", "default") is None and not slices(c, "ext")


def test_deleting_the_service_removes_endpoints_and_slices(c):
    apply_object(c.store, deployment("web", 1))
    apply_object(c.store, service())
    c.advance_sync(20)
    assert slices(c) and c.store.try_get("Endpoints", "web", "default")
    c.store.delete("Service", "web", "default")
    c.advance_sync(2)
    assert not slices(c) and c.store.try_get("Endpoints", "web", "default") is None


def test_kubernetes_service_points_at_the_apiserver(c):
    ep = c.store.get("Endpoints", "kubernetes", "default")
    assert ep["subsets"] == [{"addresses": [{"ip": "172.18.0.2"}],
                              "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]
    s = c.store.get("EndpointSlice", "kubernetes", "default")
    assert s["endpoints"] == [{"addresses": ["172.18.0.2"], "conditions": {"ready": True}}]
    c.store.delete("EndpointSlice", "kubernetes", "default")
    c.advance_sync(0)
    assert c.store.try_get("EndpointSlice", "kubernetes", "default") is not None, "recreated"


def test_slices_hold_at_most_100_endpoints(c):
    apply_object(c.store, deployment("many", 103, image="registry.k8s.io/pause:3.10"))
    apply_object(c.store, service("many"))
    c.advance_sync(60)
    sizes = sorted(len(s.get("endpoints") or []) for s in slices(c, "many"))
    assert sizes == [3, 100]
    table = Kubectl(c).run_line("kubectl get endpointslices -l kubernetes.io/service-name=many").out
    assert " + 97 more...   " in table and "80      " in table


def test_endpoint_objects_do_not_draw_from_the_shared_random_stream(c):
    """Endpoints and slices get their uids from a private stream: the names the cluster
    generates afterwards are the same as without them."""
    apply_object(c.store, deployment("web", 2))
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                           "spec": {"ports": [{"port": 80}]}})
    c.advance_sync(30)
    state = c.clock.rng.getstate()
    c.store.patch("Service", "web", "default", {"spec": {"selector": {"app": "web"}}})
    c.advance_sync(5)
    assert slices(c) and c.store.try_get("Endpoints", "web", "default") is not None
    assert c.clock.rng.getstate() == state


def test_hand_written_endpoints_are_mirrored_into_slices(c):
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "legacy"},
                           "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 9376}]}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "Endpoints",
                           "metadata": {"name": "legacy", "labels": {"a": "b"}},
                           "subsets": [{"addresses": [{"ip": "192.0.2.42"}],
                                        "notReadyAddresses": [{"ip": "192.0.2.43"}],
                                        "ports": [{"name": "http", "port": 9376}]}]})
    c.advance_sync(1)
    (s,) = slices(c, "legacy")
    assert name_of(s).startswith("legacy-")
    assert labels_of(s) == {"a": "b", "kubernetes.io/service-name": "legacy",
                            "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io"}
    assert s["endpoints"] == [{"addresses": ["192.0.2.42"], "conditions": {"ready": True}},
                              {"addresses": ["192.0.2.43"], "conditions": {"ready": False}}]
    assert s["ports"] == [{"name": "http", "port": 9376, "protocol": "TCP"}]
    assert s["metadata"]["ownerReferences"][0]["kind"] == "Endpoints"
    c.store.patch("Service", "legacy", "default", {"spec": {"selector": {"app": "legacy"}}})
    c.advance_sync(1)
    assert all(labels_of(x)["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
               for x in slices(c, "legacy")), "a selector hands the Service to the EndpointSlice controller"
