"""The scheduler's per-node diagnosis of unschedulable pods: the data behind FailedScheduling."""

from __future__ import annotations

from typing import Any

from k9play.api.meta import uid_of
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.scheduler.scheduler import Diagnosis
from tests.helpers import new_cluster, pod

CP, W1, W2 = "k9play-control-plane", "k9play-worker", "k9play-worker2"
TAINT = "node(s) had untolerated taint(s)"


def big(name: str = "big", cpu: str = "5", memory: str | None = None, **spec: Any) -> dict[str, Any]:
    requests = {"cpu": cpu} | ({"memory": memory} if memory else {})
    return pod(name, containers=[{"name": "main", "image": "nginx", "resources": {"requests": requests}}], **spec)


def diagnosis(c: Cluster, name: str) -> Diagnosis | None:
    return c.scheduler.diagnosis(uid_of(c.store.get("Pod", name, "default")))


def last_failed_scheduling(c: Cluster, name: str) -> str:
    return [e["message"] for e in c.store.list("Event", "default")
            if e["reason"] == "FailedScheduling" and e["involvedObject"]["name"] == name][-1]


def test_insufficient_cpu_and_the_control_plane_taint_node_by_node() -> None:
    c = new_cluster()
    apply_object(c.store, big())
    c.advance_sync(1)
    d = diagnosis(c, "big")
    assert d is not None
    assert d.message == last_failed_scheduling(c, "big")
    assert d.message.startswith("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.")
    assert d.node_reasons == {CP: [TAINT], W1: ["Insufficient cpu"], W2: ["Insufficient cpu"]}
    assert d.node_plugins == {CP: "TaintToleration", W1: "NodeResourcesFit", W2: "NodeResourcesFit"}
    assert d.time == c.clock.now() - 1


def test_every_resource_a_node_lacks_is_listed() -> None:
    c = new_cluster()
    apply_object(c.store, big(cpu="5", memory="20Gi"))
    c.advance_sync(1)
    d = diagnosis(c, "big")
    assert d is not None
    assert d.node_reasons[W1] == d.node_reasons[W2] == ["Insufficient cpu", "Insufficient memory"]
    assert d.node_reasons[CP] == [TAINT]  # the first filter that fails is the one reported


def test_node_selector_then_scheduled_clears_the_diagnosis() -> None:
    c = new_cluster()
    apply_object(c.store, pod("ssd", nodeSelector={"disktype": "ssd"}))
    c.advance_sync(1)
    d = diagnosis(c, "ssd")
    assert d is not None
    affinity = "node(s) didn't match Pod's node affinity/selector"
    assert d.node_reasons == {CP: [TAINT], W1: [affinity], W2: [affinity]}
    assert d.node_plugins[W1] == "NodeAffinity"
    node = c.store.get("Node", W2)
    c.store.update({**node, "metadata": {**node["metadata"], "labels": {**node["metadata"]["labels"],
                                                                          "disktype": "ssd"}}})
    c.advance_sync(15)
    assert c.store.get("Pod", "ssd", "default")["spec"]["nodeName"] == W2
    assert diagnosis(c, "ssd") is None


def test_retries_refresh_the_diagnosis_and_deletion_forgets_it() -> None:
    c = new_cluster()
    apply_object(c.store, big())
    c.advance_sync(1)
    first = diagnosis(c, "big")
    c.store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "small"},
                    "status": {"capacity": {"cpu": "1", "memory": "1Gi", "pods": "110"}}})
    c.advance_sync(5)  # a node event moves the pod back to the active queue
    second = diagnosis(c, "big")
    assert first is not None and second is not None and second.time > first.time
    assert second.node_reasons["small"] == ["Insufficient cpu"]
    assert second.message.startswith("0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu.")
    uid = uid_of(c.store.get("Pod", "big", "default"))
    c.store.delete("Pod", "big", "default")
    c.advance_sync(1)
    assert c.scheduler.diagnosis(uid) is None


def test_pre_filter_rejection_applies_to_every_node() -> None:
    c = new_cluster()
    apply_object(c.store, pod("app", volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "missing"}}]))
    c.advance_sync(2)
    d = diagnosis(c, "app")
    assert d is not None
    assert d.node_reasons == {n: ['persistentvolumeclaim "missing" not found'] for n in (CP, W1, W2)}
    assert set(d.node_plugins.values()) == {"VolumeBinding"}


def test_a_pod_waiting_in_pre_bind_has_an_assumed_node_and_no_diagnosis() -> None:
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "shared"},
                           "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}}}})
    apply_object(c.store, pod("app", volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "shared"}}]))
    c.advance_sync(5)  # local-path cannot provision RWX: the binding waits (up to 600 s)
    uid = uid_of(c.store.get("Pod", "app", "default"))
    assert c.scheduler.assumed_node(uid) in (W1, W2)
    assert c.scheduler.diagnosis(uid) is None
    assert "nodeName" not in c.store.get("Pod", "app", "default")["spec"]


def test_bound_pods_have_no_diagnosis() -> None:
    c = new_cluster()
    apply_object(c.store, pod("fine"))
    c.advance_sync(1)
    uid = uid_of(c.store.get("Pod", "fine", "default"))
    assert c.scheduler.diagnosis(uid) is None and c.scheduler.assumed_node(uid) is None
    assert c.scheduler.diagnoses == {}
