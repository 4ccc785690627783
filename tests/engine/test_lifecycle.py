"""Pod lifecycle on a node, garbage collection and namespace deletion."""

from __future__ import annotations

from k9play.kubectl.columns import pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod


def test_pod_goes_pending_containercreating_running_with_kubelet_events():
    c = new_cluster()
    apply_object(c.store, pod("web", image="nginx:1.14.2"))
    c.clock.settle()
    seen = [pod_status_reason(c.store.get("Pod", "web", "default"))]
    for _ in range(20):
        c.advance_sync(0.5)
        status = pod_status_reason(c.store.get("Pod", "web", "default"))
        if status != seen[-1]:
            seen.append(status)
    assert seen == ["Pending", "ContainerCreating", "Running"]
    p = c.store.get("Pod", "web", "default")
    assert p["status"]["podIP"].startswith("10.244.") and p["status"]["hostIP"].startswith("172.18.0.")
    reasons = [e["reason"] for e in sorted(c.store.list("Event", "default"), key=lambda e: e["metadata"]["name"])
               if e["involvedObject"]["name"] == "web"]
    assert reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert {x["type"]: x["status"] for x in p["status"]["conditions"]} == {
        "PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True", "ContainersReady": "True",
        "PodScheduled": "True"}


def test_second_pod_on_node_finds_the_image_cached():
    c = new_cluster(workers=1)
    apply_object(c.store, pod("a", image="nginx:1.14.2"))
    c.advance_sync(10)
    apply_object(c.store, pod("b", image="nginx:1.14.2"))
    c.advance_sync(2)
    msgs = [e["message"] for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == "b" and e["reason"] == "Pulled"]
    assert msgs == ['Container image "nginx:1.14.2" already present on machine']
    assert c.store.get("Pod", "b", "default")["status"]["phase"] == "Running"


def test_deletion_honours_grace_period_for_images_ignoring_sigterm():
    c = new_cluster()
    apply_object(c.store, pod("sleepy", image="busybox:1.36", terminationGracePeriodSeconds=10,
                              containers=[{"name": "main", "image": "busybox:1.36", "command": ["sleep", "3600"]}]))
    apply_object(c.store, pod("web", image="nginx:1.25"))
    c.advance_sync(10)
    c.store.delete("Pod", "sleepy", "default")
    c.store.delete("Pod", "web", "default")
    c.advance_sync(1)
    assert c.store.try_get("Pod", "web", "default") is None  # nginx exits on SIGTERM
    sleepy = c.store.get("Pod", "sleepy", "default")
    assert pod_status_reason(sleepy) == "Terminating"
    c.advance_sync(9.5)
    assert c.store.try_get("Pod", "sleepy", "default") is None


def test_orphan_propagation_keeps_replicasets():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(20)
    c.store.delete("Deployment", "web", "default", propagation="Orphan")
    c.advance_sync(10)
    assert c.store.try_get("Deployment", "web", "default") is None
    rs = c.store.list("ReplicaSet", "default")
    assert len(rs) == 1 and "ownerReferences" not in rs[0]["metadata"]
    assert len(c.store.list("Pod", "default")) == 3


def test_foreground_propagation_waits_for_dependents():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(20)
    c.store.delete("Deployment", "web", "default", propagation="Foreground")
    c.clock.settle()
    assert c.store.get("Deployment", "web", "default")["metadata"]["deletionTimestamp"]
    c.advance_sync(40)
    assert c.store.try_get("Deployment", "web", "default") is None
    assert c.store.list("ReplicaSet", "default") == [] and c.store.list("Pod", "default") == []


def test_namespace_deletion_removes_everything_in_it():
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    apply_object(c.store, deployment(namespace="dev"))
    c.advance_sync(20)
    assert len(c.store.list("Pod", "dev")) == 3
    assert c.store.try_get("ServiceAccount", "default", "dev") is not None
    c.store.delete("Namespace", "dev")
    c.clock.settle()
    assert c.store.get("Namespace", "dev")["status"]["phase"] == "Terminating"
    c.advance_sync(60)
    assert c.store.try_get("Namespace", "dev") is None
    assert c.store.list("Pod", "dev") == [] and c.store.list("ConfigMap", "dev") == []


def test_namespace_deletion_takes_the_controllers_time():
    """kube-controller-manager empties a deleted namespace after 5 s and, while a pod with the
    default 30 s grace period may still run, looks again only after 30/2 + 1 = 16 s: a
    namespace with a running nginx pod lingers Terminating ~21 s, as on a real cluster."""
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    web = pod("web", image="nginx:1.27.0")
    web["metadata"]["namespace"] = "dev"
    apply_object(c.store, web)
    apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "dev"}})
    c.advance_sync(20)
    c.store.delete("Namespace", "dev")
    c.advance_sync(4.9)
    assert not c.store.get("Pod", "web", "dev")["metadata"].get("deletionTimestamp"), "not yet emptied"
    assert c.store.try_get("ConfigMap", "cfg", "dev") is not None
    c.advance_sync(0.2)
    assert c.store.get("Pod", "web", "dev")["metadata"].get("deletionTimestamp"), "emptied at 5 s"
    assert c.store.try_get("ConfigMap", "cfg", "dev") is None
    c.advance_sync(2)
    assert c.store.list("Pod", "dev") == []
    assert c.store.get("Namespace", "dev")["status"]["phase"] == "Terminating", "until the 16 s re-check"
    c.advance_sync(13.8)  # 20.9 s after the deletion
    assert c.store.try_get("Namespace", "dev") is not None
    c.advance_sync(0.2)
    assert c.store.try_get("Namespace", "dev") is None


def test_an_empty_namespace_goes_after_the_5s_grace():
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    c.advance_sync(2)
    c.store.delete("Namespace", "dev")
    c.advance_sync(4.9)
    assert c.store.get("Namespace", "dev")["status"]["phase"] == "Terminating"
    c.advance_sync(0.2)
    assert c.store.try_get("Namespace", "dev") is None


def test_runs_are_deterministic():
    def run() -> list[tuple[str, str]]:
        c = new_cluster()
        apply_object(c.store, deployment())
        c.advance_sync(30)
        return [(p["metadata"]["name"], p["spec"]["nodeName"]) for p in c.store.list("Pod")]

    assert run() == run()
