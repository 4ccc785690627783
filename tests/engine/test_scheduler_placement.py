"""Where pods land and why they wait: node affinity, inter-pod (anti-)affinity, topology
spread, taints and preemption, with kube-scheduler v1.34's FailedScheduling messages
(``FitError.Error`` in ``pkg/scheduler/framework/types.go``; each reason string is the
plugin's own constant)."""

from __future__ import annotations

from typing import Any

from k9play.kubectl.columns import pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod

T0 = 1767225600.0
W1, W2, W3 = "k9play-worker", "k9play-worker2", "k9play-worker3"


def failed_scheduling(c, name: str | None = None) -> list[str]:
    return [e["message"] for e in c.store.list("Event", "default")
            if e["reason"] == "FailedScheduling" and name in (None, e["involvedObject"]["name"])]


def placed(c, selector: str | None = None) -> dict[str, str | None]:
    return {p["metadata"]["name"]: p["spec"].get("nodeName") for p in c.store.list("Pod", "default", selector)}


def label(c, node: str, **labels: str) -> None:
    c.store.patch("Node", node, None, {"metadata": {"labels": labels}})


def requests(cpu: str) -> list[dict[str, Any]]:
    return [{"name": "m", "image": "nginx", "resources": {"requests": {"cpu": cpu}}}]


def test_required_node_affinity_pending_until_a_node_is_labelled_then_running_on_it():
    c = new_cluster(workers=3)
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}]}}}
    apply_object(c.store, pod("db", affinity=affinity))
    c.advance_sync(30)
    p = c.store.get("Pod", "db", "default")
    assert p["spec"].get("nodeName") is None and pod_status_reason(p) == "Pending"
    assert failed_scheduling(c) == [
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."]
    label(c, W3, disktype="ssd")  # a NodeLabel event: NodeAffinity's hint moves the pod on at once
    c.advance_sync(1)
    assert c.store.get("Pod", "db", "default")["spec"]["nodeName"] == W3
    c.advance_sync(10)
    assert pod_status_reason(c.store.get("Pod", "db", "default")) == "Running"


def test_preferred_node_affinity_wins_while_the_node_fits():
    c = new_cluster(workers=3)
    label(c, W2, zone="fast")
    preferred = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["fast"]}]}}]}}
    for i in range(3):  # 1.5 CPUs each: two fit on the preferred node's 4
        apply_object(c.store, pod(f"p{i}", affinity=preferred, containers=requests("1500m")))
        c.advance_sync(1)
    where = placed(c)
    assert where["p0"] == where["p1"] == W2
    assert where["p2"] in (W1, W3), "preferred, not required: the third goes elsewhere"
    assert not failed_scheduling(c)


def test_pod_anti_affinity_spreads_replicas_across_nodes_and_the_extra_one_waits():
    c = new_cluster(workers=2)
    web = deployment("web", replicas=3, image="nginx:1.25")
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}
    web["spec"]["template"]["spec"]["affinity"] = {"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    apply_object(c.store, web)
    c.advance_sync(30)
    nodes = sorted(n or "" for n in placed(c, "app=web").values())
    assert nodes == ["", W1, W2], "one per node; the third has no node to go to"
    pending = next(n for n, node in placed(c, "app=web").items() if node is None)
    # anti-affinity is Unschedulable (not …Unresolvable): preemption looks, but the pods in the
    # way have the same priority
    assert failed_scheduling(c, pending) == [
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match pod anti-affinity "
        "rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
        "victims found for incoming pod."]
    apply_object(c.store, {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": W3, "labels": {"kubernetes.io/hostname": W3, "kubernetes.io/os": "linux"}}})
    c.advance_sync(30)
    assert sorted(placed(c, "app=web").values()) == [W1, W2, W3], "a new node: the pod moves on (NodeAdd)"


def test_topology_spread_across_zones():
    c = new_cluster(workers=3)
    label(c, W1, **{"topology.kubernetes.io/zone": "zone-a"})
    label(c, W2, **{"topology.kubernetes.io/zone": "zone-a"})
    label(c, W3, **{"topology.kubernetes.io/zone": "zone-b"})
    spread = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "web"}}}]
    web = deployment("web", replicas=4, image="nginx:1.25")
    web["spec"]["template"]["spec"]["topologySpreadConstraints"] = spread
    web["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "600m"}}
    apply_object(c.store, web)
    c.advance_sync(30)
    zones = {W1: "zone-a", W2: "zone-a", W3: "zone-b"}
    per_zone = [zones[n] for n in placed(c, "app=web").values()]
    assert sorted(per_zone) == ["zone-a", "zone-a", "zone-b", "zone-b"]
    # zone-b is full: a fifth pod makes zone-a 3 against zone-b's 2 (skew 1 is fine), a sixth
    # can neither go to zone-a (skew 2) nor fit in zone-b
    apply_object(c.store, pod("hog", nodeName=W3, containers=requests("2500m")))
    c.advance_sync(5)
    web["spec"]["replicas"] = 6
    apply_object(c.store, web)
    c.advance_sync(30)
    where = placed(c, "app=web")
    assert sorted(zones[n] for n in where.values() if n) == ["zone-a"] * 3 + ["zone-b"] * 2
    waiting = next(name for name, node in where.items() if node is None)
    assert failed_scheduling(c, waiting) == [
        "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s), 2 node(s) didn't match "
        "pod topology spread constraints. preemption: 0/4 nodes are available: 1 Preemption is not helpful for "
        "scheduling, 3 No preemption victims found for incoming pod."]  # skew and cpu are Unschedulable
    # a node without the zone label cannot take part at all
    apply_object(c.store, {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "unzoned", "labels": {"kubernetes.io/hostname": "unzoned", "kubernetes.io/os": "linux"}}})
    c.advance_sync(15)
    assert failed_scheduling(c, waiting)[-1].startswith(
        "0/5 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints "
        "(missing required label), 1 node(s) had untolerated taint(s), 2 node(s) didn't match pod topology spread "
        "constraints.")


def test_no_schedule_taint_keeps_pods_off_unless_they_tolerate_it():
    c = new_cluster(workers=2)
    for node in (W1, W2):
        c.store.patch("Node", node, None, {"spec": {"taints": [{"key": "dedicated", "value": "gpu",
                                                                 "effect": "NoSchedule"}]}})
    apply_object(c.store, pod("plain"))
    apply_object(c.store, pod("tolerant", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu",
                                                        "effect": "NoSchedule"}]))
    apply_object(c.store, pod("wrong-value", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "cpu",
                                                           "effect": "NoSchedule"}]))
    c.advance_sync(10)
    where = placed(c)
    assert where["tolerant"] in (W1, W2) and where["plain"] is None and where["wrong-value"] is None
    # the message names no taint (#135023, v1.34.2)
    assert failed_scheduling(c, "plain") == [
        "0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling."]
    assert pod_status_reason(c.store.get("Pod", "tolerant", "default")) == "Running"
    c.store.patch("Node", W2, None, {"spec": {"taints": None}})  # NodeTaint: both move on
    c.advance_sync(2)
    assert placed(c)["plain"] == W2 and placed(c)["wrong-value"] == W2


def test_a_high_priority_pod_preempts_a_low_priority_one_on_a_full_node():
    c = new_cluster(workers=1)
    apply_object(c.store, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                           "metadata": {"name": "low"}, "value": 10, "globalDefault": True})
    apply_object(c.store, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                           "metadata": {"name": "high"}, "value": 1000})
    victim = pod("low-pod", containers=requests("3"), terminationGracePeriodSeconds=20)
    victim["metadata"]["annotations"] = {"k9play.dev/ignore-sigterm": "true"}
    apply_object(c.store, victim)
    c.advance_sync(1)
    apply_object(c.store, pod("never", priorityClassName="high", preemptionPolicy="Never", containers=requests("3")))
    c.advance_sync(20)
    low = c.store.get("Pod", "low-pod", "default")
    assert (low["spec"]["priority"], low["spec"]["priorityClassName"]) == (10, "low"), "globalDefault"
    assert failed_scheduling(c, "never")[0] == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). "
        "preemption: not eligible due to preemptionPolicy=Never.")
    c.store.delete("Pod", "never", "default")

    apply_object(c.store, pod("high-pod", priorityClassName="high", containers=requests("3")))
    c.advance_sync(1)
    high = c.store.get("Pod", "high-pod", "default")
    assert high["spec"]["priority"] == 1000
    assert high["status"]["nominatedNodeName"] == W1 and high["spec"].get("nodeName") is None
    # preemption found victims: the FitError carries no PostFilter message
    assert failed_scheduling(c, "high-pod") == ["0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had "
                                                "untolerated taint(s)."]
    low = c.store.get("Pod", "low-pod", "default")
    assert low["metadata"]["deletionGracePeriodSeconds"] == 20 and pod_status_reason(low) == "Terminating"
    target = next(x for x in low["status"]["conditions"] if x["type"] == "DisruptionTarget")
    assert (target["reason"], target["message"]) == ("PreemptionByScheduler", "default-scheduler: preempting to "
                                                                              "accommodate a higher priority pod")
    assert [e["message"] for e in c.store.list("Event", "default") if e["reason"] == "Preempted"] == [
        f"Preempted by pod {high['metadata']['uid']} on node {W1}"]
    c.advance_sync(18)
    assert c.store.get("Pod", "high-pod", "default")["spec"].get("nodeName") is None, "the victim is still stopping"
    c.advance_sync(4)  # the grace period ran out: SIGKILL, the victim is gone, the preemptor binds
    assert c.store.try_get("Pod", "low-pod", "default") is None
    assert c.store.get("Pod", "high-pod", "default")["spec"]["nodeName"] == W1
