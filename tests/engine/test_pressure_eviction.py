"""Node-pressure eviction (``pkg/kubelet/eviction``): ranking, messages, admission.

``fault pressure NODE memory`` makes something outside the pods hold memory until
``memory.available`` is 90Mi, below the 100Mi hard threshold; the eviction manager looks every
10 s (at 10, 20, 30 … after the kubelet registered at t=0) and evicts one pod per round.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import uid_of
from k9play.kubectl.columns import pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster

T0 = 1767225600.0
WORKER = "k9play-worker"
LOW = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. "


def mem_pod(name: str, usage: str, request: str | None = None, limit: str | None = None,
            **spec: Any) -> dict[str, Any]:
    """A pod on the worker whose container uses ``usage`` of memory."""
    resources: dict[str, Any] = {}
    if request:
        resources["requests"] = {"cpu": "100m", "memory": request}
    if limit:
        resources["limits"] = {"cpu": "100m", "memory": limit}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "annotations": {"k9play.dev/memory": usage}},
            "spec": {"nodeName": WORKER, "containers": [{"name": "app", "image": "nginx:1.25",
                                                         "resources": resources}], **spec}}


def until(c, t: float) -> None:
    c.advance_sync(T0 + t - c.clock.now())


def evicted(c) -> list[str]:
    return [p["metadata"]["name"] for p in c.store.list("Pod", "default") if p["status"].get("reason") == "Evicted"]


def test_memory_pressure_evicts_besteffort_then_burstable_then_guaranteed():
    c = new_cluster()
    qos = {}
    for p in (mem_pod("guaranteed", "100Mi", "200Mi", "200Mi"), mem_pod("burstable", "150Mi", "100Mi"),
              mem_pod("besteffort", "200Mi")):
        apply_object(c.store, p)
        qos[p["metadata"]["name"]] = c.store.get("Pod", p["metadata"]["name"], "default")["status"]["qosClass"]
    assert qos == {"guaranteed": "Guaranteed", "burstable": "Burstable", "besteffort": "BestEffort"}
    until(c, 35)
    order = []
    for t in (35, 55, 75):  # pressure again after each victim is gone: one pod per round
        until(c, t)
        c.faults.pressure(WORKER, "memory")
        until(c, t + 4)
        assert evicted(c) == order, "nothing happens before the manager's next observation"
        until(c, t + 5)
        new = [n for n in evicted(c) if n not in order]
        assert len(new) == 1
        order += new
    assert order == ["besteffort", "burstable", "guaranteed"]

    be = c.store.get("Pod", "besteffort", "default")
    assert be["status"]["phase"] == "Failed"
    assert be["status"]["message"] == (
        LOW + "Container app was using 200Mi, request is 0, has larger consumption of memory. ")
    assert [(x["reason"], x["message"]) for x in be["status"]["conditions"] if x["type"] == "DisruptionTarget"] == [
        ("TerminationByKubelet", be["status"]["message"])]
    assert c.store.get("Pod", "burstable", "default")["status"]["message"] == (
        LOW + "Container app was using 150Mi, request is 100Mi, has larger consumption of memory. ")
    assert c.store.get("Pod", "guaranteed", "default")["status"]["message"] == LOW, "under its request"
    events = [(e["involvedObject"]["name"], e["type"]) for e in c.store.list("Event", "default")
              if e["reason"] == "Evicted"]
    assert events == [("besteffort", "Warning"), ("burstable", "Warning"), ("guaranteed", "Warning")]
    # the pods stay in the API (nobody deleted them); kubectl's STATUS follows the containers
    # once they have stopped (kubernetes/kubernetes#105467): nginx exits 0 on SIGTERM
    assert pod_status_reason(c.store.get("Pod", "guaranteed", "default")) == "Evicted", "still stopping"
    until(c, 90)
    assert [pod_status_reason(p) for p in c.store.list("Pod", "default")] == ["Completed"] * 3


def test_priority_ranks_before_usage_and_critical_pods_are_never_evicted():
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                           "metadata": {"name": "high"}, "value": 1000})
    apply_object(c.store, mem_pod("big-but-important", "500Mi", priorityClassName="high"))
    apply_object(c.store, mem_pod("small", "50Mi"))
    apply_object(c.store, mem_pod("under-request", "50Mi", "100Mi"))
    until(c, 35)
    c.faults.pressure(WORKER, "memory")
    until(c, 40)
    assert evicted(c) == ["small"], "both exceed their requests; the lower priority goes first"
    until(c, 45)
    c.faults.pressure(WORKER, "memory")
    until(c, 50)
    assert evicted(c) == ["big-but-important", "small"]
    until(c, 55)
    c.faults.pressure(WORKER, "memory")
    until(c, 60)
    assert sorted(evicted(c)) == ["big-but-important", "small", "under-request"]
    until(c, 65)
    c.faults.pressure(WORKER, "memory")
    until(c, 100)
    proxy = [p for p in c.store.pods_on_node(WORKER) if p["metadata"]["namespace"] == "kube-system"]
    assert [p["status"]["phase"] for p in proxy] == ["Running"], "kube-proxy is system-node-critical"


def test_under_memory_pressure_new_besteffort_pods_are_rejected_and_replicas_go_elsewhere():
    c = new_cluster()
    until(c, 30)
    c.faults.pressure(WORKER, "memory")
    until(c, 40)
    apply_object(c.store, mem_pod("late", "10Mi"))
    apply_object(c.store, mem_pod("late-burstable", "10Mi", "50Mi"))
    tolerant = mem_pod("late-tolerant", "10Mi", tolerations=[
        {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"}])
    apply_object(c.store, tolerant)
    c.advance_sync(1)  # admission, before the manager's next round at t=50
    late = c.store.get("Pod", "late", "default")
    assert (late["status"]["phase"], late["status"]["reason"], late["status"]["message"]) == (
        "Failed", "Evicted", "Pod was rejected: The node had condition: [MemoryPressure]. ")
    assert pod_status_reason(late) == "Evicted"
    for name in ("late-burstable", "late-tolerant"):
        admitted = c.store.get("Pod", name, "default")
        assert "reason" not in admitted["status"] and uid_of(admitted) in c.kubelets.kubelets[WORKER].workers
    # the scheduler keeps a Deployment's pods off the tainted node
    apply_object(c.store, deployment("web", replicas=2))
    c.advance_sync(30)
    assert {p["spec"]["nodeName"] for p in c.store.list("Pod", "default", "app=web")} == {"k9play-worker2"}
