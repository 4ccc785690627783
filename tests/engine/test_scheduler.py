"""Scheduling: placement rules and kube-scheduler's FailedScheduling messages."""

from __future__ import annotations

from k9play.manifests.applier import apply_object
from k9play.scheduler.plugins import Status
from k9play.scheduler.scheduler import fit_error_message, num_feasible_nodes_to_find
from tests.helpers import new_cluster, pod


def failed_scheduling(cluster, name):
    return [e["message"] for e in cluster.store.list("Event", "default")
            if e["reason"] == "FailedScheduling" and e["involvedObject"]["name"] == name]


def test_pods_avoid_the_tainted_control_plane():
    c = new_cluster()
    for i in range(6):
        apply_object(c.store, pod(f"p{i}"))
    c.advance_sync(1)
    nodes = {p["spec"]["nodeName"] for p in c.store.list("Pod", "default")}
    assert nodes == {"k9play-worker", "k9play-worker2"}


def test_insufficient_cpu_message_matches_kube_scheduler():
    c = new_cluster()
    big = pod("big", containers=[{"name": "main", "image": "nginx", "resources": {"requests": {"cpu": "5"}}}])
    apply_object(c.store, big)
    c.advance_sync(1)
    p = c.store.get("Pod", "big", "default")
    # 5 CPUs exceed the 4 allocatable: UnschedulableAndUnresolvable since v1.34 (#131345), so
    # preemption does not even try those nodes
    expected = ("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
                "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    assert failed_scheduling(c, "big") == [expected]
    cond = next(x for x in p["status"]["conditions"] if x["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", expected)
    assert p["status"]["phase"] == "Pending"


def test_no_victims_when_the_pods_in_the_way_are_not_of_lower_priority():
    c = new_cluster()
    for name in ("hog1", "hog2"):
        apply_object(c.store, pod(name, containers=[{"name": "m", "image": "nginx",
                                                     "resources": {"requests": {"cpu": "3"}}}]))
    c.advance_sync(1)
    apply_object(c.store, pod("late", containers=[{"name": "m", "image": "nginx",
                                                   "resources": {"requests": {"cpu": "2"}}}]))
    c.advance_sync(1)
    assert failed_scheduling(c, "late") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."]


def test_node_selector_waits_for_a_matching_label_then_schedules():
    c = new_cluster()
    apply_object(c.store, pod("ssd", nodeSelector={"disktype": "ssd"}))
    c.advance_sync(5)
    assert c.store.get("Pod", "ssd", "default")["spec"].get("nodeName") is None
    assert failed_scheduling(c, "ssd")[0].startswith(
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node "
        "affinity/selector.")
    node = c.store.get("Node", "k9play-worker2")
    c.store.update({**node, "metadata": {**node["metadata"], "labels": {**node["metadata"]["labels"],
                                                                          "disktype": "ssd"}}})
    c.advance_sync(15)
    p = c.store.get("Pod", "ssd", "default")
    assert p["spec"]["nodeName"] == "k9play-worker2"
    assert p["status"]["phase"] == "Running"


def test_toleration_allows_the_control_plane_and_node_name_pins():
    c = new_cluster(workers=0)
    apply_object(c.store, pod("tolerant", tolerations=[{"key": "node-role.kubernetes.io/control-plane",
                                                         "operator": "Exists", "effect": "NoSchedule"}]))
    apply_object(c.store, pod("intolerant"))
    c.advance_sync(1)
    assert c.store.get("Pod", "tolerant", "default")["spec"]["nodeName"] == "k9play-control-plane"
    assert c.store.get("Pod", "intolerant", "default")["spec"].get("nodeName") is None


def test_required_node_affinity_with_operators():
    c = new_cluster(workers=3)
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn",
                               "values": ["k9play-worker", "k9play-worker2"]}]}]}}}
    apply_object(c.store, pod("aff", affinity=affinity))
    c.advance_sync(1)
    assert c.store.get("Pod", "aff", "default")["spec"]["nodeName"] == "k9play-worker3"


def test_unschedulable_pod_retries_when_capacity_frees_up():
    c = new_cluster(workers=1)
    hog = pod("hog", containers=[{"name": "m", "image": "nginx", "resources": {"requests": {"cpu": "3"}}}])
    apply_object(c.store, hog)
    waiting = pod("waiting", containers=[{"name": "m", "image": "nginx", "resources": {"requests": {"cpu": "2"}}}])
    apply_object(c.store, waiting)
    c.advance_sync(10)
    assert c.store.get("Pod", "waiting", "default")["spec"].get("nodeName") is None
    c.store.delete("Pod", "hog", "default")
    c.advance_sync(60)
    assert c.store.get("Pod", "waiting", "default")["spec"]["nodeName"] == "k9play-worker"


def test_fit_error_sorts_reasons_as_strings():
    statuses = {"a": Status("Unschedulable", ["Insufficient cpu"]),
                "b": Status("Unschedulable", ["Insufficient cpu", "Insufficient memory"]),
                "c": Status("UnschedulableAndUnresolvable", ["node(s) had untolerated taint(s)"])}
    assert fit_error_message(12, statuses) == ("0/12 nodes are available: 1 Insufficient memory, "
                                               "1 node(s) had untolerated taint(s), 2 Insufficient cpu.")


def test_percentage_of_nodes_to_score():
    assert num_feasible_nodes_to_find(50) == 50
    assert num_feasible_nodes_to_find(100) == 100
    assert num_feasible_nodes_to_find(1000) == 420
    assert num_feasible_nodes_to_find(5000) == 500
    assert num_feasible_nodes_to_find(6000) == 300


def test_node_from_a_manifest_joins_and_takes_pods():
    from k9play.cluster import node_manifest

    c = new_cluster(workers=0)
    big = node_manifest("gpu-1", capacity={"cpu": "16", "memory": "64Gi", "pods": "110"})
    big["metadata"]["labels"]["accelerator"] = "gpu"
    del big["status"]
    big["status"] = {"capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"}}
    apply_object(c.store, big)
    apply_object(c.store, pod("needs-gpu", nodeSelector={"accelerator": "gpu"}))
    c.advance_sync(10)
    node = c.store.get("Node", "gpu-1")
    ready = next(x for x in node["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "True" and node["status"]["allocatable"]["cpu"] == "16"
    p = c.store.get("Pod", "needs-gpu", "default")
    assert p["spec"]["nodeName"] == "gpu-1" and p["status"]["phase"] == "Running"


def test_scoring_each_resource_state_once_picks_what_scoring_every_node_picks(monkeypatch):
    """The keyed shortcut of ``_select_host`` (only resource scores active) must agree with
    the general path node for node, tie-break included."""
    from k9play.scheduler.nodeinfo import PodInfo
    from k9play.scheduler.plugins.resources import BalancedAllocation, LeastAllocated

    def requesting(name: str, cpu: str, memory: str, **spec) -> dict:
        return pod(name, containers=[{"name": "m", "image": "nginx",
                                      "resources": {"requests": {"cpu": cpu, "memory": memory}}}], **spec)

    c = new_cluster(workers=6)
    for i, cpu in enumerate(("500m", "1", "500m", "2", "1", "250m")):
        node = "k9play-worker" + (str(i + 1) if i else "")
        apply_object(c.store, requesting(f"load{i}", cpu, f"{(i % 3 + 1) * 512}Mi", nodeName=node))
    c.advance_sync(1)
    sched = c.scheduler
    feasible = [n for n in sched._node_list if n.name != "k9play-control-plane"]
    picks = set()
    for i, (cpu, memory) in enumerate((("100m", "128Mi"), ("1", "1Gi"), ("300m", "2Gi"), ("0", "0"))):
        apply_object(c.store, requesting(f"new{i}", cpu, memory))
        info = PodInfo(c.store.get("Pod", f"new{i}", "default"))
        state = c.clock.rng.getstate()
        keyed = sched._select_host(info, feasible)
        c.clock.rng.setstate(state)
        for plugin in (LeastAllocated, BalancedAllocation):
            monkeypatch.setattr(plugin, "keyed", False)
        general = sched._select_host(info, feasible)
        monkeypatch.undo()
        assert keyed is general
        picks.add(keyed.name)
    assert len(picks) > 1, "the cases rank the nodes differently"
