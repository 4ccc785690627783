"""Every filter's FailedScheduling reason in a whole message, as kube-scheduler v1.34.2 writes
it: the histogram sorted as strings, then DefaultPreemption's verdict per node —
"Preemption is not helpful" where the filter said UnschedulableAndUnresolvable (cordoned,
taints, node affinity, pod affinity, a request beyond allocatable or a resource the node
lacks), "No preemption victims" where removing pods could help but none has lower priority
(free resources, host ports, anti-affinity, topology skew)."""

from __future__ import annotations

from typing import Any

from k9play.cluster import node_manifest
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster, pod

W1, W2 = "k9play-worker", "k9play-worker2"


def failed(c, name: str) -> list[str]:
    return [e["message"] for e in c.store.list("Event", "default")
            if e["reason"] == "FailedScheduling" and e["involvedObject"]["name"] == name]


def with_labels(obj: dict[str, Any], **labels: str) -> dict[str, Any]:
    obj["metadata"]["labels"] = labels
    return obj


def container(**fields: Any) -> list[dict[str, Any]]:
    return [{"name": "m", "image": "nginx", **fields}]


def test_cordoned_node_requests_beyond_allocatable_and_a_missing_extended_resource():
    c = new_cluster()
    c.store.patch("Node", W1, None, {"spec": {"unschedulable": True}})
    c.advance_sync(1)
    apply_object(c.store, pod("huge", containers=container(resources={"requests": {"memory": "9Gi"}})))
    apply_object(c.store, pod("gpu", containers=container(resources={"limits": {"nvidia.com/gpu": "1"}})))
    apply_object(c.store, pod("disk", containers=container(resources={"requests": {"ephemeral-storage": "200Gi"}})))
    c.advance_sync(2)
    assert failed(c, "huge") == [
        "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 1 node(s) were "
        "unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    assert failed(c, "disk") == [
        "0/3 nodes are available: 1 Insufficient ephemeral-storage, 1 node(s) had untolerated taint(s), 1 node(s) "
        "were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    assert failed(c, "gpu") == [
        "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint(s), 1 node(s) were "
        "unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]


def test_host_ports_and_inter_pod_affinity():
    c = new_cluster()
    c.store.patch("Node", W1, None, {"spec": {"unschedulable": True}})
    c.advance_sync(1)
    port = {"ports": [{"containerPort": 80, "hostPort": 8080}]}
    apply_object(c.store, pod("port1", containers=container(**port)))
    wants_cache = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    apply_object(c.store, pod("affine", affinity=wants_cache))
    avoids_x = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    apply_object(c.store, with_labels(pod("lonely", affinity=avoids_x), app="lonely"))
    c.advance_sync(2)
    apply_object(c.store, pod("port2", containers=container(**port)))
    apply_object(c.store, with_labels(pod("x"), app="x"))
    c.advance_sync(2)
    assert failed(c, "port2") == [
        "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) had "
        "untolerated taint(s), 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption "
        "victims found for incoming pod, 2 Preemption is not helpful for scheduling."]
    assert failed(c, "affine") == [
        "0/3 nodes are available: 1 node(s) didn't match pod affinity rules, 1 node(s) had untolerated taint(s), "
        "1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
        "scheduling."]
    assert failed(c, "x") == [
        "0/3 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, 1 node(s) had "
        "untolerated taint(s), 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption "
        "victims found for incoming pod, 2 Preemption is not helpful for scheduling."]


def test_too_many_pods_and_a_daemonset_pod_pinned_by_node_affinity():
    c = new_cluster(workers=1)
    small = node_manifest("small", capacity={"cpu": "4", "memory": "8Gi", "pods": "2"})
    small["status"] = {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "2"}}
    apply_object(c.store, small)
    c.advance_sync(5)  # kube-proxy takes one of its two pod slots
    apply_object(c.store, pod("first", nodeSelector={"kubernetes.io/hostname": "small"}))
    c.advance_sync(1)
    apply_object(c.store, pod("second", nodeSelector={"kubernetes.io/hostname": "small"}))
    c.advance_sync(1)
    assert failed(c, "second") == [
        "0/3 nodes are available: 1 Too many pods, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) "
        "had untolerated taint(s). preemption: 0/3 nodes are available: 1 No preemption victims found for incoming "
        "pod, 2 Preemption is not helpful for scheduling."]
    # DaemonSet pods name their node in matchFields: the NodeAffinity PreFilter narrows the
    # cycle to it, and every other node is "didn't satisfy plugin(s) [NodeAffinity]"
    apply_object(c.store, {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
                           "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {
                               "metadata": {"labels": {"app": "agent"}},
                               "spec": {"containers": container()}}}})
    c.advance_sync(5)
    stuck = [p for p in c.store.list("Pod", "default", "app=agent") if not p["spec"].get("nodeName")]
    assert len(stuck) == 1
    assert failed(c, stuck[0]["metadata"]["name"])[0] == (
        "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: "
        "0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for "
        "scheduling.")
