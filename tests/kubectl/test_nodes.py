"""kubectl cordon, uncordon, drain, taint and label on nodes, and kubectl top, from ``k9play sim``."""

from __future__ import annotations

import io

import pytest

from k9play.api.quantity import whole
from k9play.api.store import WatchEvent
from k9play.cli import SimShell
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster

T0 = 1767225600.0
WORKER = "k9play-worker"


def run(shell: SimShell, line: str) -> tuple[str, str, bool]:
    for stream in (shell.out, shell.err):
        stream.seek(0)
        stream.truncate()
    shell.failed = False
    shell.run(line)
    return shell.out.getvalue(), shell.err.getvalue(), shell.failed


@pytest.fixture
def shell() -> SimShell:
    return SimShell(new_cluster(workers=3), io.StringIO(), io.StringIO())


def test_cordon_and_uncordon(shell):
    assert run(shell, f"kubectl cordon {WORKER}") == (f"node/{WORKER} cordoned\n", "", False)
    assert run(shell, f"kubectl cordon node/{WORKER}")[0] == f"node/{WORKER} already cordoned\n"
    out, _, _ = run(shell, "kubectl get nodes")
    assert f"{WORKER}          Ready,SchedulingDisabled   <none>" in out
    dry = run(shell, f"kubectl uncordon {WORKER} --dry-run=client")
    assert dry[0] == f"node/{WORKER} uncordoned (client dry run)\n"
    assert shell.cluster.store.get("Node", WORKER)["spec"]["unschedulable"] is True
    assert run(shell, f"kubectl uncordon {WORKER}")[0] == f"node/{WORKER} uncordoned\n"
    assert "unschedulable" not in shell.cluster.store.get("Node", WORKER)["spec"]
    out, err, failed = run(shell, "kubectl cordon nowhere")
    assert failed and err == 'Error from server (NotFound): nodes "nowhere" not found\n'


def test_taint_add_overwrite_and_remove(shell):
    store = shell.cluster.store

    def taints() -> list[dict]:
        return [t for t in store.get("Node", WORKER)["spec"].get("taints") or []
                if not t["key"].startswith("node.kubernetes.io/")]

    assert run(shell, f"kubectl taint nodes {WORKER} dedicated=gpu:NoSchedule")[0] == f"node/{WORKER} tainted\n"
    assert taints() == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    _out, err, failed = run(shell, f"kubectl taint nodes {WORKER} dedicated=cpu:NoSchedule")
    assert failed and err == (f"error: node {WORKER} already has dedicated taint(s) with same effect(s) and "
                              "--overwrite is false\n")
    assert run(shell, f"kubectl taint nodes {WORKER} dedicated=cpu:NoSchedule --overwrite")[0] == \
        f"node/{WORKER} modified\n"
    assert run(shell, f"kubectl taint node {WORKER} maintenance:NoExecute")[0] == f"node/{WORKER} tainted\n"
    assert [t["key"] for t in taints()] == ["maintenance", "dedicated"]
    assert run(shell, f"kubectl taint nodes {WORKER} dedicated-")[0] == f"node/{WORKER} untainted\n"
    assert run(shell, f"kubectl taint nodes {WORKER} maintenance:NoExecute-")[0] == f"node/{WORKER} untainted\n"
    assert taints() == []
    _, err, failed = run(shell, f"kubectl taint nodes {WORKER} dedicated-")
    assert failed and err == 'error: taint "dedicated" not found\n'
    _, err, failed = run(shell, f"kubectl taint nodes {WORKER} dedicated=x:Sometimes")
    assert failed and err == "error: invalid taint effect: Sometimes, unsupported taint effect\n"


def test_label_nodes(shell):
    assert run(shell, f"kubectl label nodes {WORKER} disktype=ssd")[0] == f"node/{WORKER} labeled\n"
    out, err, failed = run(shell, f"kubectl label node {WORKER} disktype=hdd")
    assert failed and err == "error: 'disktype' already has a value (ssd), and --overwrite is false\n"
    assert run(shell, f"kubectl label node {WORKER} disktype=hdd --overwrite")[0] == f"node/{WORKER} labeled\n"
    assert shell.cluster.store.get("Node", WORKER)["metadata"]["labels"]["disktype"] == "hdd"
    assert run(shell, f"kubectl label node {WORKER} disktype-")[0] == f"node/{WORKER} unlabeled\n"
    assert "disktype" not in shell.cluster.store.get("Node", WORKER)["metadata"]["labels"]
    out, _, _ = run(shell, "kubectl get nodes -L disktype -l kubernetes.io/hostname=k9play-worker2")
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "DISKTYPE"]


def test_drain_with_a_pdb_of_min_available_2_over_3_replicas_evicts_one_pod_at_a_time(shell):
    c = shell.cluster
    store = c.store
    run(shell, f"kubectl label node {WORKER} pool=a")
    web = deployment("web", replicas=3, image="nginx:1.25")
    web["spec"]["template"]["spec"]["nodeSelector"] = {"pool": "a"}
    apply_object(store, web)
    apply_object(store, {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web-pdb"},
                         "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}})
    run(shell, "advance 30s")
    originals = {p["metadata"]["name"] for p in store.list("Pod", "default")}
    assert {p["spec"]["nodeName"] for p in store.list("Pod", "default")} == {WORKER} and len(originals) == 3
    out, _, _ = run(shell, "kubectl get pdb")
    assert out.splitlines()[1].split() == ["web-pdb", "2", "N/A", "1", "30s"]
    for node in ("k9play-worker2", "k9play-worker3"):
        run(shell, f"kubectl label node {node} pool=a")

    evicted_at: dict[str, float] = {}  # deletionTimestamp set by the eviction, per original pod
    ready_elsewhere: list[float] = []

    def watch(ev: WatchEvent) -> None:
        p, name, now = ev.object, ev.object["metadata"]["name"], c.clock.now() - T0
        if name in originals and p["metadata"].get("deletionTimestamp") and name not in evicted_at:
            evicted_at[name] = now
        ready = any(x["type"] == "Ready" and x["status"] == "True" for x in p["status"].get("conditions") or [])
        if name not in originals and ready and ev.type != "DELETED" and len(ready_elsewhere) < len(evicted_at):
            ready_elsewhere.append(now)

    store.add_handler("Pod", watch)
    out, err, failed = run(shell, f"kubectl drain {WORKER} --ignore-daemonsets")
    assert not failed
    lines = out.splitlines()
    assert lines[0] == f"node/{WORKER} cordoned" and lines[-1] == f"node/{WORKER} drained"
    assert sorted(line.split("/")[1].split()[0] for line in lines if line.endswith(" evicted")) == sorted(originals)
    proxy = next(p for p in store.pods_on_node(WORKER) if p["metadata"]["namespace"] == "kube-system")
    err_lines = err.splitlines()
    assert err_lines[0] == f"Warning: ignoring DaemonSet-managed Pods: kube-system/{proxy['metadata']['name']}"
    refused = err_lines[1:]
    assert refused and all(
        line.startswith('error when evicting pods/"web-') and line.endswith(
            '" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption '
            "budget.") for line in refused)
    # one at a time: each eviction waits until the previous pod's replacement is Ready
    times = sorted(evicted_at.values())
    assert len(times) == 3 and times[0] == 30
    assert ready_elsewhere[0] < times[1] and ready_elsewhere[1] < times[2]
    assert all((t - times[0]) % 5 == 0 for t in times), "kubectl retries every 5 s"
    running = [p for p in store.list("Pod", "default") if not p["metadata"].get("deletionTimestamp")]
    assert len(running) == 3 and all(p["spec"]["nodeName"] != WORKER for p in running)


def test_drain_gives_up_after_its_timeout(shell):
    store = shell.cluster.store
    apply_object(store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "only", "labels": {"app": "x"}},
                         "spec": {"nodeName": WORKER, "containers": [{"name": "a", "image": "nginx"}]}})
    apply_object(store, {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x"},
                         "spec": {"maxUnavailable": 0, "selector": {"matchLabels": {"app": "x"}}}})
    run(shell, "advance 20s")
    out, err, failed = run(shell, f"kubectl drain {WORKER} --ignore-daemonsets --force --timeout=12s")
    assert failed
    assert out.splitlines() == [f"node/{WORKER} cordoned"] + ["evicting pod default/only"] * 3
    assert err.splitlines()[-4:] == [
        f'error: unable to drain node "{WORKER}" due to error: error when evicting pods/"only" -n "default": global '
        "timeout reached: 12s, continuing command...",
        "There are pending nodes to be drained:",
        f" {WORKER}",
        'error when evicting pods/"only" -n "default": global timeout reached: 12s',
    ]
    assert store.get("Pod", "only", "default")["metadata"].get("deletionTimestamp") is None


def test_top_nodes_and_pods(shell):
    c = shell.cluster
    apply_object(c.store, deployment("web", replicas=2, image="nginx:1.25"))
    run(shell, "advance 200s")
    out, _, failed = run(shell, "kubectl top nodes")
    assert not failed
    header, *rows = out.splitlines()
    assert header.split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [r.split()[0] for r in rows] == ["k9play-control-plane", WORKER, "k9play-worker2", "k9play-worker3"]
    usage = {m["metadata"]["name"]: m["usage"] for m in c.metrics.list_node_metrics()}
    memory = whole(usage["k9play-control-plane"]["memory"])
    allocatable = whole(c.store.get("Node", "k9play-control-plane")["status"]["allocatable"]["memory"])
    assert rows[0].split()[3:] == [f"{memory // 2**20}Mi", f"{memory * 100 // allocatable}%"]
    out, _, _ = run(shell, "kubectl top pods")
    names = sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))
    assert [line.split()[0] for line in out.splitlines()[1:]] == names
    out, _, _ = run(shell, "kubectl top pods -n kube-system --sort-by=memory")
    assert out.splitlines()[1].split()[:3] == ["kube-apiserver-k9play-control-plane", "1m", "260Mi"]
    out, err, failed = run(shell, "kubectl top pods -n empty-ns")
    assert (out, err) == ("", "No resources found in empty-ns namespace.\n")
    out, err, failed = run(shell, "kubectl top nodes --sort-by=disk")
    assert failed and err == "error: --sort-by accepts only cpu or memory\n"
