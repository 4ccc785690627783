"""DaemonSets on the manual clock, checked against the behaviour of the real controller
(``pkg/controller/daemon``) and the DaemonSet concept page."""

from __future__ import annotations

import re
from typing import Any

from k9play.api.pods import is_active, is_available, is_ready
from k9play.cluster import CONTROL_PLANE, node_manifest
from k9play.controllers import daemonset_util as du
from k9play.controllers import history
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster

WORKERS = ("k9play-worker", "k9play-worker2")
CONTROL_PLANE_TOLERATION = {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                            "effect": "NoSchedule"}


def daemonset(name: str = "fluentd", image: str = "nginx:1.25", *, namespace: str = "kube-system",
              tolerations: list[dict[str, Any]] | None = None, node_selector: dict[str, str] | None = None,
              strategy: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    pod_spec: dict[str, Any] = {"containers": [{"name": name, "image": image}]}
    if tolerations is not None:
        pod_spec["tolerations"] = tolerations
    if node_selector is not None:
        pod_spec["nodeSelector"] = node_selector
    body: dict[str, Any] = {
        "selector": {"matchLabels": {"name": name}},
        "template": {"metadata": {"labels": {"name": name}}, "spec": pod_spec},
        **spec,
    }
    if strategy is not None:
        body["updateStrategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": namespace},
            "spec": body}


def ds_pods(c, namespace: str = "kube-system", name: str = "fluentd") -> list[dict[str, Any]]:
    return [p for p in c.store.list("Pod", namespace, f"name={name}") if is_active(p)]


def pods_by_node(c, **kw: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in ds_pods(c, **kw):
        out.setdefault(p["spec"].get("nodeName") or "", []).append(p["metadata"]["name"])
    return out


def ds_events(c, namespace: str = "kube-system", name: str = "fluentd") -> list[tuple[str, str]]:
    evs = [e for e in c.store.list("Event", namespace)
           if e["involvedObject"]["kind"] == "DaemonSet" and e["involvedObject"]["name"] == name]
    evs.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [(e["reason"], e["message"]) for e in evs]


def status(c, name: str = "fluentd", namespace: str = "kube-system") -> dict[str, Any]:
    return c.store.get("DaemonSet", name, namespace)["status"]


# ------------------------------------------------------------------ placement
def test_one_pod_per_worker_none_on_the_tainted_control_plane():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    assert {n: len(p) for n, p in pods_by_node(c).items()} == {w: 1 for w in WORKERS}
    for pod in ds_pods(c):
        assert re.fullmatch(r"fluentd-[bcdfghjklmnpqrstvwxz2456789]{5}", pod["metadata"]["name"])
        assert pod["metadata"]["generateName"] == "fluentd-"
        assert pod["status"]["phase"] == "Running" and is_ready(pod)
        ref = pod["metadata"]["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["controller"], ref["blockOwnerDeletion"]) == (
            "DaemonSet", "fluentd", True, True)
    assert status(c) == {"observedGeneration": 1, "currentNumberScheduled": 2, "numberMisscheduled": 0,
                         "desiredNumberScheduled": 2, "numberReady": 2, "updatedNumberScheduled": 2,
                         "numberAvailable": 2}
    created = sorted(m for r, m in ds_events(c) if r == "SuccessfulCreate")
    assert created == sorted(f"Created pod: {p['metadata']['name']}" for p in ds_pods(c))


def test_tolerating_the_control_plane_taint_runs_there_too():
    c = new_cluster()
    apply_object(c.store, daemonset(tolerations=[CONTROL_PLANE_TOLERATION]))
    c.advance_sync(30)
    assert sorted(pods_by_node(c)) == sorted([CONTROL_PLANE, *WORKERS])
    assert status(c)["desiredNumberScheduled"] == 3
    assert status(c)["numberAvailable"] == 3


def test_pods_are_pinned_by_node_affinity_and_carry_the_daemon_tolerations():
    c = new_cluster()
    apply_object(c.store, daemonset(tolerations=[CONTROL_PLANE_TOLERATION]))
    c.advance_sync(30)
    for pod in ds_pods(c):
        node = pod["spec"]["nodeName"]
        assert pod["spec"]["affinity"] == {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}}
        assert pod["spec"]["tolerations"] == [
            CONTROL_PLANE_TOLERATION,
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
            {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
        ]
        # the scheduler, not the controller, bound it
        assert any(cond["type"] == "PodScheduled" and cond["status"] == "True" for cond in pod["status"]["conditions"])
    # the template itself is untouched
    tmpl = c.store.get("DaemonSet", "fluentd", "kube-system")["spec"]["template"]["spec"]
    assert tmpl["tolerations"] == [CONTROL_PLANE_TOLERATION]
    assert "affinity" not in tmpl


def test_adding_a_node_adds_a_pod_and_removing_it_drops_it_from_status():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    apply_object(c.store, node_manifest("k9play-worker3"))
    c.advance_sync(0)  # the pod is created at the same instant the node appears
    assert "k9play-worker3" in pods_by_node(c)
    c.advance_sync(30)
    assert status(c)["numberAvailable"] == 3 and status(c)["desiredNumberScheduled"] == 3
    c.store.delete("Node", "k9play-worker3")
    c.advance_sync(0)
    assert status(c)["desiredNumberScheduled"] == 2
    assert status(c)["currentNumberScheduled"] == 2


def test_node_labels_add_and_remove_pods_promptly():
    c = new_cluster()
    apply_object(c.store, daemonset(node_selector={"disk": "ssd"}))
    c.advance_sync(10)
    assert ds_pods(c) == []
    assert status(c)["desiredNumberScheduled"] == 0
    c.store.patch("Node", "k9play-worker2", None, {"metadata": {"labels": {"disk": "ssd"}}})
    c.advance_sync(0)
    assert list(pods_by_node(c)) == ["k9play-worker2"]
    c.advance_sync(20)
    assert status(c)["numberReady"] == 1
    c.store.patch("Node", "k9play-worker2", None, {"metadata": {"labels": {"disk": None}}})
    c.advance_sync(0)
    assert all(p["metadata"].get("deletionTimestamp") for p in c.store.list("Pod", "kube-system", "name=fluentd"))
    assert [r for r, _ in ds_events(c)] == ["SuccessfulCreate", "SuccessfulDelete"]
    c.advance_sync(40)
    assert c.store.list("Pod", "kube-system", "name=fluentd") == []
    assert status(c)["desiredNumberScheduled"] == 0 and status(c)["currentNumberScheduled"] == 0


def test_taints_no_schedule_keeps_running_pods_no_execute_evicts_them():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    c.store.patch("Node", "k9play-worker", None,
                  {"spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]}})
    c.advance_sync(5)
    assert sorted(pods_by_node(c)) == list(WORKERS)
    st = status(c)
    assert (st["desiredNumberScheduled"], st["numberMisscheduled"]) == (1, 1)
    c.store.patch("Node", "k9play-worker", None,
                  {"spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoExecute"}]}})
    c.advance_sync(40)
    assert sorted(pods_by_node(c)) == ["k9play-worker2"]
    assert status(c)["numberMisscheduled"] == 0


def test_a_deleted_pod_is_replaced_on_its_node():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    victim = pods_by_node(c)["k9play-worker"][0]
    c.store.delete("Pod", victim, "kube-system")
    c.advance_sync(40)
    on_worker = pods_by_node(c)["k9play-worker"]
    assert len(on_worker) == 1 and on_worker[0] != victim


def test_a_failed_pod_is_deleted_and_replaced():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    name = pods_by_node(c)["k9play-worker"][0]
    pod = c.store.get("Pod", name, "kube-system")
    c.store.update_status({**pod, "status": {**pod["status"], "phase": "Failed", "reason": "Evicted"}})
    c.advance_sync(0)
    assert ds_events(c)[-3:-1] == [
        ("FailedDaemonPod", f"Found failed daemon pod kube-system/{name} on node k9play-worker, will try to kill it"),
        ("SuccessfulDelete", f"Deleted pod: {name}"),
    ]
    c.advance_sync(30)
    replacement = pods_by_node(c)["k9play-worker"]
    assert len(replacement) == 1 and replacement[0] != name
    assert is_ready(c.store.get("Pod", replacement[0], "kube-system"))


# ----------------------------------------------------------------- revisions
def test_controller_revisions_name_hash_and_label_the_pods():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(20)
    revs = c.store.list("ControllerRevision", "kube-system", "name=fluentd")
    assert len(revs) == 1
    rev = revs[0]
    hash_ = rev["metadata"]["labels"]["controller-revision-hash"]
    assert rev["metadata"]["name"] == f"fluentd-{hash_}"
    assert re.fullmatch(r"[bcdfghjklmnpqrstvwxz2456789]{1,10}", hash_)
    assert rev["revision"] == 1
    assert rev["metadata"]["labels"]["name"] == "fluentd"
    assert rev["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
    assert rev["data"]["spec"]["template"]["$patch"] == "replace"
    assert rev["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    for pod in ds_pods(c):
        assert pod["metadata"]["labels"]["controller-revision-hash"] == hash_


def test_rollback_renumbers_the_old_revision():
    c = new_cluster()
    apply_object(c.store, daemonset())
    c.advance_sync(20)
    apply_object(c.store, daemonset(image="nginx:1.26"))
    c.advance_sync(60)
    apply_object(c.store, daemonset())
    c.advance_sync(60)
    revs = c.store.list("ControllerRevision", "kube-system", "name=fluentd")
    assert sorted(r["revision"] for r in revs) == [2, 3]
    current = max(revs, key=lambda r: r["revision"])
    assert current["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    images = {p["spec"]["containers"][0]["image"] for p in ds_pods(c)}
    assert images == {"nginx:1.25"}
    assert status(c)["updatedNumberScheduled"] == 2


# ------------------------------------------------------------------- updates
def test_rolling_update_replaces_one_node_at_a_time():
    c = new_cluster(workers=3)
    apply_object(c.store, daemonset())
    c.advance_sync(30)
    log: list[tuple[str, str, str]] = []

    def on_pod(ev):  # an informer-style handler: only records
        pod, old = ev.object, ev.old
        node = pod["spec"].get("nodeName") or du.target_node_name(pod) or ""
        if ev.type == "ADDED":
            log.append(("created", node, pod["spec"]["containers"][0]["image"]))
        elif ev.type == "MODIFIED" and pod["metadata"].get("deletionTimestamp") and \
                not old["metadata"].get("deletionTimestamp"):
            log.append(("deleting", node, pod["spec"]["containers"][0]["image"]))
        elif ev.type == "MODIFIED" and is_ready(pod) and not is_ready(old):
            log.append(("ready", node, pod["spec"]["containers"][0]["image"]))

    c.store.add_handler("Pod", on_pod)
    apply_object(c.store, daemonset(image="nginx:1.26"))
    worst = 3
    for _ in range(240):
        c.advance_sync(0.25)
        now = c.clock.now()
        available = sum(1 for p in ds_pods(c) if is_available(p, 0, now))
        worst = min(worst, available)
    assert worst == 2  # maxUnavailable 1: never more than one node without an available pod
    steps = [(kind, node) for kind, node, _ in log]
    nodes = [node for kind, node in steps if kind == "deleting"]
    assert sorted(nodes) == ["k9play-worker", "k9play-worker2", "k9play-worker3"]
    # each node is replaced (old pod deleted, new one created and ready) before the next one starts
    expected = []
    for node in nodes:
        expected += [("deleting", node), ("created", node), ("ready", node)]
    assert steps == expected
    assert all(image == "nginx:1.26" for kind, _, image in log if kind in ("created", "ready"))
    st = status(c)
    assert (st["updatedNumberScheduled"], st["numberAvailable"], st["observedGeneration"]) == (3, 3, 2)
    assert [r["revision"] for r in sorted(c.store.list("ControllerRevision", "kube-system", "name=fluentd"),
                                          key=lambda r: r["revision"])] == [1, 2]


def test_max_unavailable_two_replaces_two_nodes_at_once():
    c = new_cluster(workers=4)
    apply_object(c.store, daemonset(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}))
    c.advance_sync(30)
    apply_object(c.store, daemonset(image="nginx:1.26",
                                    strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}))
    c.advance_sync(0)
    deleting = [p for p in c.store.list("Pod", "kube-system", "name=fluentd") if p["metadata"].get("deletionTimestamp")]
    assert len(deleting) == 2
    c.advance_sync(90)
    assert {p["spec"]["containers"][0]["image"] for p in ds_pods(c)} == {"nginx:1.26"}


def test_max_surge_starts_the_new_pod_before_deleting_the_old():
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    c = new_cluster()
    apply_object(c.store, daemonset(strategy=strategy))
    c.advance_sync(30)
    apply_object(c.store, daemonset(image="nginx:1.26", strategy=strategy))
    c.advance_sync(0)
    by_node = pods_by_node(c)
    assert sorted(len(v) for v in by_node.values()) == [1, 2]  # one node surged to two pods
    for _ in range(120):
        c.advance_sync(0.5)
        now = c.clock.now()
        for node in WORKERS:  # maxUnavailable 0: every node keeps an available pod throughout
            assert any(is_available(p, 0, now) for p in ds_pods(c) if p["spec"].get("nodeName") == node)
    assert {p["spec"]["containers"][0]["image"] for p in ds_pods(c)} == {"nginx:1.26"}
    assert {n: len(p) for n, p in pods_by_node(c).items()} == {w: 1 for w in WORKERS}


def test_on_delete_waits_for_the_user():
    strategy = {"type": "OnDelete"}
    c = new_cluster()
    apply_object(c.store, daemonset(strategy=strategy))
    c.advance_sync(30)
    apply_object(c.store, daemonset(image="nginx:1.26", strategy=strategy))
    c.advance_sync(60)
    assert {p["spec"]["containers"][0]["image"] for p in ds_pods(c)} == {"nginx:1.25"}
    assert "updatedNumberScheduled" not in status(c)  # omitempty: none updated
    c.store.delete("Pod", pods_by_node(c)["k9play-worker"][0], "kube-system")
    c.advance_sync(60)
    images = {p["spec"]["nodeName"]: p["spec"]["containers"][0]["image"] for p in ds_pods(c)}
    assert images == {"k9play-worker": "nginx:1.26", "k9play-worker2": "nginx:1.25"}
    assert status(c)["updatedNumberScheduled"] == 1


def test_min_ready_seconds_counts_availability_later():
    c = new_cluster()
    apply_object(c.store, daemonset(minReadySeconds=20))
    c.advance_sync(10)
    st = status(c)
    assert st["numberReady"] == 2 and "numberAvailable" not in st and st["numberUnavailable"] == 2
    c.advance_sync(20)
    st = status(c)
    assert st["numberAvailable"] == 2 and "numberUnavailable" not in st


# ------------------------------------------------------------------- helpers
def test_node_should_run_follows_selector_affinity_and_taints():
    ds = daemonset(node_selector={"disk": "ssd"})
    node = node_manifest("n1")
    assert du.node_should_run(node, ds) == (False, False)
    node["metadata"]["labels"]["disk"] = "ssd"
    assert du.node_should_run(node, ds) == (True, True)
    node["spec"]["taints"] = [{"key": "x", "effect": "NoSchedule"}]
    assert du.node_should_run(node, ds) == (False, True)
    node["spec"]["taints"] = [{"key": "x", "effect": "NoExecute"}]
    assert du.node_should_run(node, ds) == (False, False)
    # the automatic tolerations cover the node-condition taints
    node["spec"]["taints"] = [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"},
                              {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
                              {"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule"}]
    assert du.node_should_run(node, ds) == (True, True)
    node["spec"]["taints"] = [{"key": "node.kubernetes.io/network-unavailable", "effect": "NoSchedule"}]
    assert du.node_should_run(node, ds) == (False, True)
    ds["spec"]["template"]["spec"]["hostNetwork"] = True
    assert du.node_should_run(node, ds) == (True, True)
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}}
    ds["spec"]["template"]["spec"]["affinity"] = affinity
    assert du.node_should_run(node, ds) == (False, False)


def test_replace_node_name_affinity_keeps_other_affinity():
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}
    assert du.replace_node_name_affinity(None, "n1") == {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}
    pod_aff = {"podAntiAffinity": {"x": 1}}
    assert du.replace_node_name_affinity(pod_aff, "n1")["podAntiAffinity"] == {"x": 1}
    user = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {}}]}}
    out = du.replace_node_name_affinity(user, "n1")
    assert out["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == {"nodeSelectorTerms": [term]}
    assert out["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] == [{"weight": 1, "preference": {}}]
    assert user["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0] != term
    assert du.target_node_name({"spec": {"affinity": out}}) == "n1"


def test_tolerations_are_updated_not_duplicated():
    spec = {"tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                             "tolerationSeconds": 300}]}
    du.add_or_update_daemon_pod_tolerations(spec)
    assert spec["tolerations"][0] == {"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                      "effect": "NoExecute"}
    assert len(spec["tolerations"]) == 6


def test_surge_and_unavailable_counts_round_up():
    ds = daemonset(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%", "maxSurge": "25%"}})
    assert du.unavailable_count(ds, 5) == 1
    assert du.surge_count(ds, 5) == 2
    assert du.allows_surge(ds)
    assert du.surge_count(daemonset(strategy={"type": "OnDelete"}), 5) == 0
    assert not du.allows_surge(daemonset(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}))


def test_history_names_and_ordering():
    assert history.controller_revision_name("x" * 300, "abc") == "x" * 223 + "-abc"
    a = {"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:01Z"}, "revision": 2}
    b = {"metadata": {"name": "b", "creationTimestamp": "2026-01-01T00:00:00Z"}, "revision": 2}
    c_ = {"metadata": {"name": "c", "creationTimestamp": "2026-01-01T00:00:00Z"}, "revision": 1}
    assert [r["metadata"]["name"] for r in history.sort_revisions([a, b, c_])] == ["c", "b", "a"]
    assert history.hash_controller_revision({"x": 1}, 0) != history.hash_controller_revision({"x": 1}, 1)
