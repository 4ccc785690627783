"""Node heartbeats, the node lifecycle controller and taint-based eviction.

Timings follow kube-controller-manager v1.34 defaults (pkg/controller/nodelifecycle,
pkg/controller/tainteviction): the kubelet renews its Lease every 10 s; the controller looks
every 5 s and notes a renewal at the pass that sees it; 50 s later (strictly after) the node is
Unknown; the NoExecute taint follows one pass later; pods are deleted 300 s after that.
In these tests the kubelets renew at 0, 10, 20 … and the passes run at 0, 5, 10 … so a node
that goes down at t=100 (just after its renewal) is Unknown at 155, tainted NoExecute at 160,
and its pods are deleted at 460.
"""

from __future__ import annotations

from k9play.api.meta import parse_time
from k9play.kubectl.columns import node_status, pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod

T0 = 1767225600.0
WORKER, WORKER2, CONTROL_PLANE = "k9play-worker", "k9play-worker2", "k9play-control-plane"


def at(c) -> float:
    return c.clock.now() - T0


def until(c, t: float) -> None:
    c.advance_sync(T0 + t - c.clock.now())


def conditions(node: dict) -> dict[str, tuple[str, str, str]]:
    return {x["type"]: (x["status"], x.get("reason", ""), x.get("message", "")) for x in node["status"]["conditions"]}


def taints(c, node: str = WORKER) -> list[tuple[str, str, float]]:
    spec = c.store.get("Node", node).get("spec") or {}
    return [(t["key"], t["effect"], parse_time(t["timeAdded"]) - T0) for t in spec.get("taints") or []
            if "timeAdded" in t]


def events(c, reason: str, namespace: str = "default") -> list[dict]:
    return [e for e in c.store.list("Event", namespace) if e["reason"] == reason]


def pods_on(c, node: str) -> list[dict]:
    return [p for p in c.store.list("Pod", "default") if p["spec"].get("nodeName") == node]


def ready(p: dict) -> str:
    return next(x["status"] for x in p["status"]["conditions"] if x["type"] == "Ready")


def test_kubelet_renews_its_lease_every_10s_and_reports_status_every_5_minutes():
    c = new_cluster()
    until(c, 95)
    lease = c.store.get("Lease", WORKER, "kube-node-lease")
    assert lease["spec"] == {"holderIdentity": WORKER, "leaseDurationSeconds": 40,
                             "renewTime": "2026-01-01T00:01:30.000000Z"}
    node = c.store.get("Node", WORKER)
    assert lease["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": WORKER, "uid": node["metadata"]["uid"]}]
    # the node registered when the cluster booted, BOOT_SECONDS (30 s) before the user's t=0
    until(c, 269)
    assert {x["lastHeartbeatTime"] for x in c.store.get("Node", WORKER)["status"]["conditions"]} == {
        "2025-12-31T23:59:30Z"}
    until(c, 270)  # nodeStatusReportFrequency: an unchanged status is still posted every 5 minutes
    assert {x["lastHeartbeatTime"] for x in c.store.get("Node", WORKER)["status"]["conditions"]} == {
        "2026-01-01T00:04:30Z"}


def test_node_down_unknown_after_grace_then_pods_evicted_and_replaced():
    c = new_cluster()
    apply_object(c.store, deployment(replicas=3))
    until(c, 100)
    doomed = {p["metadata"]["name"] for p in pods_on(c, WORKER)}
    assert doomed and len(pods_on(c, WORKER2)) == 3 - len(doomed)
    c.faults.node_down(WORKER)

    until(c, 150)  # 50 s after the last renewal: not yet *after* the grace period
    assert node_status(c.store.get("Node", WORKER)) == "Ready"
    until(c, 155)
    node = c.store.get("Node", WORKER)
    assert node_status(node) == "NotReady"
    unknown = ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert conditions(node) == {t: unknown for t in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")}
    assert {x["lastTransitionTime"] for x in node["status"]["conditions"]} == {"2026-01-01T00:02:35Z"}
    assert taints(c) == [("node.kubernetes.io/unreachable", "NoSchedule", 155)]
    assert [(e["message"], e["source"]["component"]) for e in events(c, "NodeNotReady")
            if e["involvedObject"]["kind"] == "Node"] == [(f"Node {WORKER} status is now: NodeNotReady",
                                                           "node-controller")]
    for p in pods_on(c, WORKER):  # MarkPodsNotReady: Ready=False, the containers still say ready
        assert ready(p) == "False" and pod_status_reason(p) == "Running"
    not_ready = [e for e in events(c, "NodeNotReady") if e["involvedObject"]["kind"] == "Pod"]
    assert {e["involvedObject"]["name"] for e in not_ready} == doomed
    assert {(e["type"], e["message"]) for e in not_ready} == {("Warning", "Node is not ready")}
    c.advance_sync(0.5)
    assert c.store.get("Deployment", "web", "default")["status"]["availableReplicas"] == 3 - len(doomed)

    until(c, 160)  # one pass later: the NoExecute taint (the taint-eviction controller starts counting)
    assert taints(c) == [("node.kubernetes.io/unreachable", "NoSchedule", 155),
                         ("node.kubernetes.io/unreachable", "NoExecute", 160)]
    until(c, 459)
    assert not events(c, "TaintManagerEviction")
    until(c, 460)  # admission's 300 s toleration of node.kubernetes.io/unreachable:NoExecute ran out
    evictions = events(c, "TaintManagerEviction")
    assert {e["message"] for e in evictions} == {f"Marking for deletion Pod default/{n}" for n in doomed}
    assert {e["source"]["component"] for e in evictions} == {"taint-eviction-controller"}
    for name in doomed:
        p = c.store.get("Pod", name, "default")
        assert pod_status_reason(p) == "Terminating"  # no kubelet to confirm: stays Terminating
        target = next(x for x in p["status"]["conditions"] if x["type"] == "DisruptionTarget")
        assert (target["status"], target["reason"], target["message"]) == (
            "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")

    until(c, 520)
    live = [p for p in c.store.list("Pod", "default") if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 3 and all(p["spec"]["nodeName"] == WORKER2 and ready(p) == "True" for p in live)
    assert {p["metadata"]["name"] for p in c.store.list("Pod", "default") if p["metadata"].get(
        "deletionTimestamp")} == doomed

    c.faults.node_up(WORKER)
    c.advance_sync(0)
    assert node_status(c.store.get("Node", WORKER)) == "Ready"
    assert taints(c) == [("node.kubernetes.io/unreachable", "NoExecute", 160)]  # NoSchedule goes at once
    assert not any(c.store.try_get("Pod", n, "default") for n in doomed)  # the kubelet finished them
    until(c, 525)  # the next pass removes the NoExecute taint
    assert taints(c) == []
    assert [e["message"] for e in events(c, "Rebooted")] == [
        f"Node {WORKER} has been rebooted, boot id: 00000001-0001-4000-8000-k9play"]


def test_toleration_seconds_decide_when_pods_go_and_node_up_cancels_the_rest():
    c = new_cluster()
    tolerate = {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}
    apply_object(c.store, pod("brief", nodeName=WORKER, tolerations=[{**tolerate, "tolerationSeconds": 30}]))
    apply_object(c.store, pod("default-300", nodeName=WORKER))
    apply_object(c.store, pod("forever", nodeName=WORKER, tolerations=[tolerate]))
    until(c, 100)
    c.faults.node_down(WORKER)
    until(c, 189)
    assert not c.store.get("Pod", "brief", "default")["metadata"].get("deletionTimestamp")
    until(c, 190)  # tainted at 160, tolerated for 30 s
    assert c.store.get("Pod", "brief", "default")["metadata"]["deletionTimestamp"] == "2026-01-01T00:03:40Z"
    assert not c.store.get("Pod", "default-300", "default")["metadata"].get("deletionTimestamp")
    until(c, 200)
    c.faults.node_up(WORKER)
    until(c, 206)
    assert c.store.try_get("Pod", "brief", "default") is None
    assert [e["message"] for e in events(c, "TaintManagerEviction")] == [
        "Marking for deletion Pod default/brief", "Cancelling deletion of Pod default/default-300"]
    until(c, 600)
    for name in ("default-300", "forever"):  # a new sandbox: what ran before counts as a restart
        p = c.store.get("Pod", name, "default")
        status = p["status"]["containerStatuses"][0]
        assert (ready(p), status["restartCount"]) == ("True", 1)
        assert (status["lastState"]["terminated"]["exitCode"], status["lastState"]["terminated"]["reason"]) == (
            255, "Unknown")
    assert len([e for e in events(c, "SandboxChanged")]) == 2


def test_node_eviction_rate_taints_one_node_every_10_seconds():
    c = new_cluster()
    until(c, 100)
    c.faults.node_down(WORKER)
    c.faults.node_down(WORKER2)
    until(c, 200)
    assert taints(c, WORKER)[-1] == ("node.kubernetes.io/unreachable", "NoExecute", 160)
    assert taints(c, WORKER2)[-1] == ("node.kubernetes.io/unreachable", "NoExecute", 170)


def test_every_node_down_is_full_disruption_and_nothing_is_evicted():
    c = new_cluster()
    apply_object(c.store, pod("stay", nodeName=WORKER))
    until(c, 100)
    for node in (CONTROL_PLANE, WORKER, WORKER2):
        c.faults.node_down(node)
    until(c, 800)
    assert all(node_status(n) == "NotReady" for n in c.store.list("Node"))
    assert all(effect == "NoSchedule" for node in (WORKER, WORKER2) for _, effect, _ in taints(c, node))
    assert not c.store.get("Pod", "stay", "default")["metadata"].get("deletionTimestamp")


def test_pressure_conditions_taint_the_node_and_keep_new_pods_off():
    c = new_cluster()
    until(c, 30)
    c.faults.pressure(WORKER, "memory")
    until(c, 40)  # the kubelet's next status update
    node = c.store.get("Node", WORKER)
    assert conditions(node)["MemoryPressure"] == (
        "True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
    assert taints(c) == [("node.kubernetes.io/memory-pressure", "NoSchedule", 40)]
    assert [e["message"] for e in events(c, "NodeHasInsufficientMemory")] == [
        f"Node {WORKER} status is now: NodeHasInsufficientMemory"]
    apply_object(c.store, pod("pinned", nodeSelector={"kubernetes.io/hostname": WORKER}))
    c.advance_sync(1)
    failed = events(c, "FailedScheduling")
    assert [e["message"] for e in failed] == [
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated "
        "taint(s). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    c.faults.pressure(WORKER, "off")
    until(c, 339)  # evictionPressureTransitionPeriod: 5 minutes after pressure was last seen (t=40)
    assert conditions(c.store.get("Node", WORKER))["MemoryPressure"][0] == "True"
    until(c, 340)
    assert conditions(c.store.get("Node", WORKER))["MemoryPressure"] == (
        "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
    assert taints(c) == []
    until(c, 360)
    assert c.store.get("Pod", "pinned", "default")["spec"]["nodeName"] == WORKER

    c.faults.pressure(WORKER2, "disk")
    until(c, 370)
    assert conditions(c.store.get("Node", WORKER2))["DiskPressure"] == (
        "True", "KubeletHasDiskPressure", "kubelet has disk pressure")
    assert taints(c, WORKER2) == [("node.kubernetes.io/disk-pressure", "NoSchedule", 370)]


def test_cordoned_node_gets_the_unschedulable_taint():
    c = new_cluster()
    c.store.patch("Node", WORKER, None, {"spec": {"unschedulable": True}})
    c.advance_sync(0)
    assert taints(c) == [("node.kubernetes.io/unschedulable", "NoSchedule", 0)]
    assert node_status(c.store.get("Node", WORKER)) == "Ready,SchedulingDisabled"
    c.faults.node_down(WORKER)
    until(c, 60)
    assert node_status(c.store.get("Node", WORKER)) == "NotReady,SchedulingDisabled"


def test_a_noexecute_taint_on_a_live_node_evicts_intolerant_pods_at_once():
    c = new_cluster()
    apply_object(c.store, pod("plain", nodeName=WORKER))
    c.advance_sync(30)
    c.store.patch("Node", WORKER, None, {"spec": {"taints": [{"key": "dedicated", "value": "db",
                                                              "effect": "NoExecute"}]}})
    c.advance_sync(0)
    p = c.store.get("Pod", "plain", "default")
    assert p["metadata"]["deletionGracePeriodSeconds"] == 30 and pod_status_reason(p) == "Terminating"
    # the kubelet, stopping the containers, keeps the condition it does not own
    assert [x["reason"] for x in p["status"]["conditions"] if x["type"] == "DisruptionTarget"] == [
        "DeletionByTaintManager"]
    assert [e["message"] for e in events(c, "TaintManagerEviction")] == ["Marking for deletion Pod default/plain"]
    c.advance_sync(5)
    assert c.store.try_get("Pod", "plain", "default") is None


def test_a_noexecute_taint_added_by_hand_evicts_after_toleration_seconds():
    c = new_cluster()
    taint = {"key": "maintenance", "value": "soon", "effect": "NoExecute"}
    tolerate = {"key": "maintenance", "operator": "Equal", "value": "soon", "effect": "NoExecute"}
    apply_object(c.store, pod("intolerant", nodeName=WORKER))
    apply_object(c.store, pod("minute", nodeName=WORKER, tolerations=[{**tolerate, "tolerationSeconds": 60}]))
    apply_object(c.store, pod("forever", nodeName=WORKER, tolerations=[tolerate]))
    until(c, 30)
    c.store.patch("Node", WORKER, None, {"spec": {"taints": [taint]}})
    c.advance_sync(0)
    assert c.store.get("Pod", "intolerant", "default")["metadata"]["deletionTimestamp"] == "2026-01-01T00:01:00Z"
    until(c, 89)
    assert not c.store.get("Pod", "minute", "default")["metadata"].get("deletionTimestamp")
    until(c, 90)  # tainted at 30, tolerated for 60 s
    assert pod_status_reason(c.store.get("Pod", "minute", "default")) == "Terminating"
    assert [e["message"] for e in events(c, "TaintManagerEviction")] == [
        "Marking for deletion Pod default/intolerant", "Marking for deletion Pod default/minute"]
    until(c, 600)
    assert c.store.try_get("Pod", "minute", "default") is None
    assert pod_status_reason(c.store.get("Pod", "forever", "default")) == "Running"
