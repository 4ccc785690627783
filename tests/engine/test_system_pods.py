"""kube-system as kubeadm (through kind) leaves it: static control-plane pods, kube-proxy, CoreDNS."""

from __future__ import annotations

import io

from k9play import cluster as cluster_module
from k9play import kubeadm
from k9play.cli import SimShell
from k9play.kubectl.columns import pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster

CP = "k9play-control-plane"
STATIC = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


def test_kube_system_holds_the_control_plane_kube_proxy_and_coredns():
    c = new_cluster()
    c.advance_sync(60)
    pods = {p["metadata"]["name"]: p for p in c.store.list("Pod", "kube-system")}
    static = sorted(n for n in pods if n.endswith(f"-{CP}"))
    assert static == [f"{name}-{CP}" for name in STATIC]
    proxies = [p for n, p in pods.items() if n.startswith("kube-proxy-")]
    dns = [p for n, p in pods.items() if n.startswith("coredns-")]
    assert len(pods) == 4 + 3 + 2
    assert sorted(p["spec"]["nodeName"] for p in proxies) == [CP, "k9play-worker", "k9play-worker2"]
    assert [p["spec"]["nodeName"] for p in dns] == [CP, CP], "the control plane is up before the workers join"
    assert all(pod_status_reason(p) == "Running" for p in pods.values())
    deploy = c.store.get("Deployment", "coredns", "kube-system")
    assert (deploy["spec"]["replicas"], deploy["status"]["availableReplicas"]) == (2, 2)
    assert c.store.get("Service", "kube-dns", "kube-system")["spec"]["clusterIP"] == "10.96.0.10"
    assert {pc["metadata"]["name"]: pc["value"] for pc in c.store.list("PriorityClass")} == {
        "system-cluster-critical": 2000000000, "system-node-critical": 2000001000}
    assert {p["spec"]["priority"] for p in dns} == {2000000000}
    assert {p["spec"]["priority"] for p in proxies} | {pods[n]["spec"]["priority"] for n in static} == {2000001000}


def test_static_pods_are_mirror_pods_owned_by_the_node_on_the_host_network():
    c = new_cluster()
    c.advance_sync(30)
    node = c.store.get("Node", CP)
    etcd = c.store.get("Pod", f"etcd-{CP}", "kube-system")
    md = etcd["metadata"]
    assert md["annotations"]["kubernetes.io/config.source"] == "file"
    assert md["annotations"]["kubernetes.io/config.mirror"] == md["annotations"]["kubernetes.io/config.hash"]
    assert md["ownerReferences"] == [{"apiVersion": "v1", "controller": True, "kind": "Node", "name": CP,
                                      "uid": node["metadata"]["uid"]}]
    assert md["labels"] == {"component": "etcd", "tier": "control-plane"}
    assert "serviceAccountName" not in etcd["spec"], "ServiceAccount admission leaves mirror pods alone"
    assert not any(v["name"].startswith("kube-api-access-") for v in etcd["spec"].get("volumes") or [])
    node_ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
    assert etcd["status"]["podIP"] == node_ip, "hostNetwork: the node's address"
    dns = c.store.list("Pod", "kube-system", "k8s-app=kube-dns")[0]
    assert dns["status"]["podIP"].startswith("10.244.0."), "CoreDNS has a pod address"


def test_a_node_that_joins_gets_kube_proxy():
    c = new_cluster()
    c.advance_sync(10)
    apply_object(c.store, {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "extra", "labels": {"kubernetes.io/hostname": "extra", "kubernetes.io/os": "linux"}}})
    c.advance_sync(30)
    assert [p["spec"]["nodeName"] for p in c.store.list("Pod", "kube-system", "k8s-app=kube-proxy")
            if p["spec"]["nodeName"] == "extra"] == ["extra"]


def test_the_system_objects_leave_the_names_a_seed_gives_user_objects_unchanged(monkeypatch):
    def user_names() -> list[str]:
        c = new_cluster()
        apply_object(c.store, deployment("web", replicas=3))
        c.advance_sync(30)
        # names only: where the pods land may differ, as the scheduler's round-robin start
        # (nextStartNodeIndex) moved on while it placed CoreDNS
        return sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))

    with_system = user_names()
    monkeypatch.setattr(cluster_module, "SYSTEM_PRIORITY_CLASSES", ())
    for builder in ("kube_proxy", "coredns", "static_pods"):
        monkeypatch.setattr(kubeadm, builder, lambda *args: [])
    without = user_names()
    assert with_system == without and len(without) == 3


def test_kubeadm_grants_coredns_and_kube_proxy_their_roles():
    shell = SimShell(new_cluster(), io.StringIO(), io.StringIO())
    sa = "--as=system:serviceaccount:kube-system:"
    for line in (f"kubectl auth can-i watch endpointslices.discovery.k8s.io {sa}coredns",
                 f"kubectl auth can-i list services -A {sa}kube-proxy",
                 f"kubectl auth can-i get secrets -n kube-system {sa}coredns"):
        shell.run(line)
    assert shell.out.getvalue().splitlines() == ["yes", "yes", "no"]
