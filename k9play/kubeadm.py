"""What ``kubeadm init`` (as kind runs it) leaves in ``kube-system``, Kubernetes v1.34.

* the control-plane **static pods** — etcd, kube-apiserver, kube-controller-manager,
  kube-scheduler — as the kubelet's *mirror pods*: bound to the control-plane node, owned by
  the Node, ``kubernetes.io/config.*`` annotations, host network, ``system-node-critical``;
* the **kube-proxy** DaemonSet (``system-node-critical``, tolerates everything) with its
  ServiceAccount, ConfigMap and the ``kubeadm:node-proxier`` ClusterRoleBinding;
* **CoreDNS**: the ``coredns`` Deployment (2 replicas, ``system-cluster-critical``, preferred
  anti-affinity per host), its ServiceAccount, ConfigMap (the Corefile) and
  ``system:coredns`` ClusterRole and binding, and the ``kube-dns`` Service at ``10.96.0.10``.

Images and versions are kubeadm v1.34's (``cmd/kubeadm/app/constants``): etcd ``3.6.4-0``,
CoreDNS ``v1.12.1``, the control-plane components at the cluster's version
(:data:`k9play.KUBERNETES_VERSION`). Trimmed: the
kubeconfig/certificate flags and volumes that only matter on a real machine.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from k9play import KUBERNETES_VERSION

Obj = dict[str, Any]

REGISTRY = "registry.k8s.io"
ETCD_IMAGE = f"{REGISTRY}/etcd:3.6.4-0"
COREDNS_IMAGE = f"{REGISTRY}/coredns/coredns:v1.12.1"
DNS_SERVICE_IP = "10.96.0.10"
#: the images kind's node image comes with (``kubeadm config images list``, less pause)
IMAGES = (f"{REGISTRY}/kube-apiserver:{KUBERNETES_VERSION}", f"{REGISTRY}/kube-controller-manager:{KUBERNETES_VERSION}",
          f"{REGISTRY}/kube-scheduler:{KUBERNETES_VERSION}", f"{REGISTRY}/kube-proxy:{KUBERNETES_VERSION}",
          COREDNS_IMAGE, ETCD_IMAGE)
SYSTEM_NODE_CRITICAL = "system-node-critical"
SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical"

COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""


def _probe(path: str, port: str | int, host: str, scheme: str, *, threshold: int, period: int = 10,
           delay: int = 10) -> Obj:
    probe: Obj = {"failureThreshold": threshold, "httpGet": {"host": host, "path": path, "port": port,
                                                            "scheme": scheme},
                  "periodSeconds": period, "timeoutSeconds": 15}
    if delay:
        probe["initialDelaySeconds"] = delay
    return probe


def _static_pod(component: str, image: str, command: list[str], cpu: str, probe_port: int, host: str,
                scheme: str, node: Obj, now: str, memory: str | None = None, annotations: Obj | None = None,
                readiness: str | None = "/readyz", liveness: str = "/livez") -> Obj:
    node_name = node["metadata"]["name"]
    requests = {"cpu": cpu, **({"memory": memory} if memory else {})}
    container: Obj = {
        "name": component, "image": image, "imagePullPolicy": "IfNotPresent", "command": command,
        "livenessProbe": _probe(liveness, "probe-port", host, scheme, threshold=8),
        "ports": [{"containerPort": probe_port, "name": "probe-port", "protocol": "TCP"}],
        "resources": {"requests": requests},
        "startupProbe": _probe(liveness if component != "etcd" else "/readyz", "probe-port", host, scheme,
                               threshold=24),
    }
    if readiness:
        container["readinessProbe"] = _probe(readiness, "probe-port", host, scheme, threshold=3, period=1, delay=0)
    spec: Obj = {"containers": [container], "hostNetwork": True, "nodeName": node_name,
                 "priorityClassName": SYSTEM_NODE_CRITICAL, "securityContext": {"seccompProfile": {
                     "type": "RuntimeDefault"}}, "tolerations": [{"effect": "NoExecute", "operator": "Exists"}]}
    config_hash = hashlib.md5(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": f"{component}-{node_name}", "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {**(annotations or {}), "kubernetes.io/config.hash": config_hash,
                            "kubernetes.io/config.mirror": config_hash, "kubernetes.io/config.seen": now,
                            "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "controller": True, "kind": "Node", "name": node_name,
                                 "uid": node["metadata"]["uid"]}],
        },
        "spec": spec,
    }


def static_pods(node: Obj, node_ip: str, now: str) -> list[Obj]:
    """The control plane's mirror pods (kubeadm's ``/etc/kubernetes/manifests``)."""
    v = KUBERNETES_VERSION
    return [
        _static_pod("etcd", ETCD_IMAGE, [
            "etcd", f"--advertise-client-urls=https://{node_ip}:2379", "--data-dir=/var/lib/etcd",
            f"--initial-advertise-peer-urls=https://{node_ip}:2380",
            f"--listen-client-urls=https://127.0.0.1:2379,https://{node_ip}:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381", f"--name={node['metadata']['name']}"],
            "100m", 2381, "127.0.0.1", "HTTP", node, now, memory="100Mi",
            annotations={"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{node_ip}:2379"}),
        _static_pod("kube-apiserver", f"{REGISTRY}/kube-apiserver:{v}", [
            "kube-apiserver", f"--advertise-address={node_ip}", "--authorization-mode=Node,RBAC",
            "--etcd-servers=https://127.0.0.1:2379", "--secure-port=6443", "--service-cluster-ip-range=10.96.0.0/12"],
            "250m", 6443, node_ip, "HTTPS", node, now,
            annotations={"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{node_ip}:6443"}),
        _static_pod("kube-controller-manager", f"{REGISTRY}/kube-controller-manager:{v}", [
            "kube-controller-manager", "--allocate-node-cidrs=true", "--bind-address=127.0.0.1",
            "--cluster-cidr=10.244.0.0/16", "--controllers=*,bootstrapsigner,tokencleaner", "--leader-elect=true",
            "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"],
            "200m", 10257, "127.0.0.1", "HTTPS", node, now, readiness=None, liveness="/healthz"),
        _static_pod("kube-scheduler", f"{REGISTRY}/kube-scheduler:{v}", [
            "kube-scheduler", "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true"],
            "100m", 10259, "127.0.0.1", "HTTPS", node, now),
    ]


def _service_account(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "kube-system"}}


def _cluster_role_binding(name: str, role: str, account: str) -> Obj:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": "kube-system"}]}


def kube_proxy() -> list[Obj]:
    labels = {"k8s-app": "kube-proxy"}
    config = ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: "
              "10.244.0.0/16\nmode: iptables\n")
    return [
        _service_account("kube-proxy"),
        _cluster_role_binding("kubeadm:node-proxier", "system:node-proxier", "kube-proxy"),
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"app": "kube-proxy"}},
         "data": {"config.conf": config}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": dict(labels)},
         "spec": {"selector": {"matchLabels": dict(labels)}, "template": {
             "metadata": {"labels": dict(labels)},
             "spec": {
                 "containers": [{
                     "name": "kube-proxy", "image": f"{REGISTRY}/kube-proxy:{KUBERNETES_VERSION}",
                     "imagePullPolicy": "IfNotPresent",
                     "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                                 "--hostname-override=$(NODE_NAME)"],
                     "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                              "fieldPath": "spec.nodeName"}}}],
                     "securityContext": {"privileged": True},
                     "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                                      {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}]}],
                 "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
                 "priorityClassName": SYSTEM_NODE_CRITICAL, "serviceAccountName": "kube-proxy",
                 "tolerations": [{"operator": "Exists"}],
                 "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                             {"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}]}},
             "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}}},
    ]


def coredns() -> list[Obj]:
    labels = {"k8s-app": "kube-dns"}
    return [
        _service_account("coredns"),
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "system:coredns"},
         "rules": [{"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"],
                    "verbs": ["list", "watch"]},
                   {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["list", "watch"]}]},
        _cluster_role_binding("system:coredns", "system:coredns", "coredns"),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": "kube-system"},
         "data": {"Corefile": COREFILE}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": "kube-system", "labels": dict(labels)},
         "spec": {"replicas": 2, "selector": {"matchLabels": dict(labels)},
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                  "template": {"metadata": {"labels": dict(labels)}, "spec": {
                      "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                          {"weight": 100, "podAffinityTerm": {
                              "labelSelector": {"matchExpressions": [
                                  {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                              "topologyKey": "kubernetes.io/hostname"}}]}},
                      "containers": [{
                          "name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent",
                          "args": ["-conf", "/etc/coredns/Corefile"],
                          "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/health", "port": 8080,
                                                                                "scheme": "HTTP"},
                                            "initialDelaySeconds": 60, "successThreshold": 1, "timeoutSeconds": 5},
                          "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                    {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                    {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                                    {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                                    {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"}],
                          "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}},
                          "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m",
                                                                                   "memory": "70Mi"}},
                          "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                              "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}},
                          "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume",
                                            "readOnly": True}]}],
                      "dnsPolicy": "Default", "nodeSelector": {"kubernetes.io/os": "linux"},
                      "priorityClassName": SYSTEM_CLUSTER_CRITICAL, "serviceAccountName": "coredns",
                      "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                      {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
                      "volumes": [{"name": "config-volume", "configMap": {
                          "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {**labels, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": DNS_SERVICE_IP, "selector": dict(labels),
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}},
    ]
