"""``kubectl describe`` output, compared line for line with kubectl v1.34's layout.

Expected texts are written out literally; only what the simulator decides (generated
names, IPs, container and image IDs, node info) is read back from the objects. Events
about the described objects are recorded here at chosen virtual times so their ages
are known exactly.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from k9play.api.events import EventRecorder, events_for
from k9play.api.meta import parse_time
from k9play.cluster import Cluster
from k9play.kubectl.describe import describe
from k9play.kubectl.describe_core import camelcase_split, format_endpoint_slices, smart_label
from k9play.kubectl.describe_util import go_float, quantity_string, tabwrite
from k9play.manifests.applier import apply_object

Obj = dict[str, Any]
WORKER = "k9play-worker"
PROJECTED = "Projected (a volume that contains injected data from multiple sources)"
TOLERATIONS = ("Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
               "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n")


def rfc(ts: str) -> str:
    """RFC 1123 with numeric zone, computed independently of the code under test."""
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(parse_time(ts)))


def nginx_deployment(name: str = "nginx", replicas: int = 3, image: str = "nginx:1.27") -> Obj:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": "nginx", "image": image, "ports": [{"containerPort": 80}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                }]},
            },
        },
    }


def bare_pod(name: str, **spec: Any) -> Obj:
    body: Obj = {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": body}


def clear_events(c: Cluster, obj: Obj) -> None:
    for ev in events_for(c.store, obj):
        c.store.delete("Event", ev["metadata"]["name"], ev["metadata"]["namespace"])


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster().start()
    apply_object(c.store, nginx_deployment())
    c.advance_sync(60)
    return c


def section(text: str, start: str) -> str:
    """From the line starting with ``start`` to the end."""
    idx = text.index("\n" + start) + 1 if not text.startswith(start) else 0
    return text[idx:]


# ------------------------------------------------------------------ tabwriter
def test_tabwrite_aligns_each_block_and_leaves_last_cells_unpadded():
    text = "Name:\tfoo\nLabels:\ta=b\n\tc=d\nContainers:\n  Type\tStatus\n  Ready \tTrue \n"
    assert tabwrite(text) == (
        "Name:    foo\n"
        "Labels:  a=b\n"
        "         c=d\n"
        "Containers:\n"
        "  Type    Status\n"
        "  Ready   True \n"
    )


def test_tabwrite_inner_columns_form_their_own_blocks():
    text = "Port:\thttps\t443/TCP\nTargetPort:\t6443/TCP\n--\nA\t\tB\tC\nAAAA\t\tBB\tC\n"
    assert tabwrite(text) == (
        "Port:        https  443/TCP\n"
        "TargetPort:  6443/TCP\n"
        "--\n"
        "A       B   C\n"
        "AAAA    BB  C\n"
    )


@pytest.mark.parametrize(("raw", "canonical"), [
    ("100m", "100m"), ("0.5", "500m"), ("1000m", "1"), ("1500m", "1500m"), ("8Gi", "8Gi"),
    ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"), ("110", "110"), ("2000k", "2M"),
    ("1e3", "1e3"), ("12e2", "1200"), ("0", "0"), (4, "4"), ("0.1", "100m"),
])
def test_quantities_print_in_canonical_form(raw, canonical):
    assert quantity_string(raw) == canonical


@pytest.mark.parametrize(("field", "label"), [
    ("apiVersion", "API Version"), ("uid", "UID"), ("creationTimestamp", "Creation Timestamp"),
    ("holderIdentity", "Holder Identity"), ("desiredCPUs", "Desired CP Us"), ("ca.crt", "ca.crt"),
    ("leaseDurationSeconds", "Lease Duration Seconds"), ("foo-bar", "Foo - Bar"),
])
def test_smart_label_matches_kubectl_1_34(field, label):
    assert smart_label(field) == label


def test_camelcase_split_moves_the_last_capital_to_the_next_word():
    assert camelcase_split("PDFLoader") == ["PDF", "Loader"]
    assert camelcase_split("podCIDRs") == ["pod", "CID", "Rs"]


@pytest.mark.parametrize(("value", "text"), [
    (0.5, "0.5"), (100.0, "100"), (123456.0, "123456"), (1e6, "1e+06"), (1e-5, "1e-05"), (2.25, "2.25"),
])
def test_go_float_formatting(value, text):
    assert go_float(value) == text


# ------------------------------------------------------------------------ pod
def test_pod_describe(cluster):
    c = cluster
    pod = c.store.list("Pod", "default")[0]
    name, status = pod["metadata"]["name"], pod["status"]
    cs = status["containerStatuses"][0]
    rs = pod["metadata"]["ownerReferences"][0]["name"]
    volume = pod["spec"]["volumes"][0]["name"]
    clear_events(c, pod)
    kubelet = EventRecorder(c.store, "kubelet", pod["spec"]["nodeName"])
    kubelet.record(pod, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503")
    c.advance_sync(20)
    kubelet.record(pod, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503")
    EventRecorder(c.store, "custom-controller").record(pod, "Normal", "Tested", "  checked by a test \n")
    c.advance_sync(10)

    text = describe(c.store, c.store.get("Pod", name, "default"), c.clock.now())

    assert text == (
        f"Name:             {name}\n"
        "Namespace:        default\n"
        "Priority:         0\n"
        "Service Account:  default\n"
        f"Node:             {pod['spec']['nodeName']}/{status['hostIP']}\n"
        "Start Time:       Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:           app=nginx\n"
        f"                  pod-template-hash={pod['metadata']['labels']['pod-template-hash']}\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        f"IP:               {status['podIP']}\n"
        "IPs:\n"
        f"  IP:           {status['podIP']}\n"
        f"Controlled By:  ReplicaSet/{rs}\n"
        "Containers:\n"
        "  nginx:\n"
        f"    Container ID:   {cs['containerID']}\n"
        "    Image:          nginx:1.27\n"
        f"    Image ID:       {cs['imageID']}\n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Running\n"
        f"      Started:      {rfc(cs['state']['running']['startedAt'])}\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:        100m\n"
        "      memory:     128Mi\n"
        "    Environment:  <none>\n"
        "    Mounts:\n"
        f"      /var/run/secrets/kubernetes.io/serviceaccount from {volume} (ro)\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       True \n"
        "  ContainersReady             True \n"
        "  PodScheduled                True \n"
        "Volumes:\n"
        f"  {volume}:\n"
        f"    Type:                    {PROJECTED}\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        "    Optional:                false\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   Burstable\n"
        "Node-Selectors:              <none>\n"
        + TOLERATIONS +
        "Events:\n"
        "  Type     Reason     Age                From               Message\n"
        "  ----     ------     ----               ----               -------\n"
        "  Warning  Unhealthy  10s (x2 over 30s)  kubelet            "
        "Readiness probe failed: HTTP probe failed with statuscode: 503\n"
        "  Normal   Tested     10s                custom-controller  checked by a test\n"
    )


def test_event_age_uses_human_duration_and_first_seen_for_the_span():
    c = Cluster().start()
    cm = apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "probe"}}).obj
    rec = EventRecorder(c.store, "prober")
    for _ in range(3):
        rec.record(cm, "Warning", "Flapping", "went away")
        c.advance_sync(150)
    c.advance_sync(30)  # last seen 180s ago, first seen 480s ago
    text = describe(c.store, c.store.get("ConfigMap", "probe", "default"), c.clock.now())
    assert section(text, "Events:") == (
        "Events:\n"
        "  Type     Reason    Age              From    Message\n"
        "  ----     ------    ----             ----    -------\n"
        "  Warning  Flapping  3m (x3 over 8m)  prober  went away\n"
    )


def test_pending_pod_without_node_or_statuses():
    c = Cluster().start()
    apply_object(c.store, bare_pod("stuck", nodeSelector={"disk": "ssd"}, containers=[{
        "name": "app", "image": "nginx:1.27", "command": ["nginx", "-g", "daemon off;"],
        "env": [{"name": "MODE", "value": "a\nb"},
                {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
    }]))
    c.advance_sync(5)
    pod = c.store.get("Pod", "stuck", "default")
    text = describe(c.store, pod, c.clock.now())
    volume = pod["spec"]["volumes"][0]["name"]
    head = text[:text.index("Events:")]
    assert head == (
        "Name:             stuck\n"
        "Namespace:        default\n"
        "Priority:         0\n"
        "Service Account:  default\n"
        "Node:             <none>\n"
        "Labels:           <none>\n"
        "Annotations:      <none>\n"
        "Status:           Pending\n"
        "IP:               \n"
        "IPs:              <none>\n"
        "Containers:\n"
        "  app:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      nginx\n"
        "      -g\n"
        "      daemon off;\n"
        "    Limits:\n"
        "      cpu:     1\n"
        "      memory:  1Gi\n"
        "    Requests:\n"
        "      cpu:      1\n"
        "      memory:   1Gi\n"
        "    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3\n"
        "    Environment:\n"
        "      MODE:  a\n"
        "             b\n"
        "      POD:   stuck (v1:metadata.name)\n"
        "      NODE:   (v1:spec.nodeName)\n"
        "      CPU:   1 (limits.cpu)\n"
        "      PW:    <set to the key 'password' in secret 'db'>  Optional: false\n"
        "    Mounts:\n"
        f"      /var/run/secrets/kubernetes.io/serviceaccount from {volume} (ro)\n"
        "Conditions:\n"
        "  Type           Status\n"
        "  PodScheduled   False \n"
        "Volumes:\n"
        f"  {volume}:\n"
        f"    Type:                    {PROJECTED}\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        "    Optional:                false\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   Guaranteed\n"
        "Node-Selectors:              disk=ssd\n"
        + TOLERATIONS
    )
    assert "  Warning  FailedScheduling  " in text


def test_init_containers_terminated_state_and_volume_types():
    c = Cluster().start()
    apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": "v"}})
    apply_object(c.store, bare_pod(
        "rich",
        initContainers=[{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "true"]}],
        containers=[{"name": "app", "image": "nginx:1.27",
                     "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"}],
                     "envFrom": [{"configMapRef": {"name": "cfg"}}, {"prefix": "S_", "secretRef": {"name": "sec"}}],
                     "volumeMounts": [{"name": "scratch", "mountPath": "/tmp"},
                                      {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True, "subPath": "k"}]}],
        volumes=[{"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}}, {"name": "cfg", "configMap": {"name": "cfg"}},
                 {"name": "logs", "hostPath": {"path": "/var/log", "type": "Directory"}},
                 {"name": "sec", "secret": {"secretName": "sec", "optional": True}}],
    ))
    c.advance_sync(60)
    pod = c.store.get("Pod", "rich", "default")
    init = pod["status"]["initContainerStatuses"][0]
    term = init["state"]["terminated"]
    text = describe(c.store, pod, c.clock.now())
    init_block = text[text.index("Init Containers:\n"):text.index("Containers:\n  app:")]
    assert init_block == (
        "Init Containers:\n"
        "  init:\n"
        f"    Container ID:  {init['containerID']}\n"
        "    Image:         busybox:1.36\n"
        f"    Image ID:      {init['imageID']}\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Command:\n"
        "      sh\n"
        "      -c\n"
        "      true\n"
        "    State:          Terminated\n"
        "      Reason:       Completed\n"
        "      Exit Code:    0\n"
        f"      Started:      {rfc(term['startedAt'])}\n"
        f"      Finished:     {rfc(term['finishedAt'])}\n"
        "    Ready:          False\n"
        "    Restart Count:  0\n"
        "    Environment:    <none>\n"
        "    Mounts:\n"
        f"      /var/run/secrets/kubernetes.io/serviceaccount from {pod['spec']['volumes'][-1]['name']} (ro)\n"
    )
    assert "    Ports:          80/TCP (http), 443/TCP (https)\n" in text
    assert "    Host Ports:     0/TCP (http), 0/TCP (https)\n" in text
    assert ("    Environment Variables from:\n"
            "      cfg         ConfigMap                Optional: false\n"
            "      sec         Secret with prefix 'S_'  Optional: false\n"
            "    Environment:  <none>\n") in text
    assert ("    Mounts:\n"
            "      /etc/cfg from cfg (ro,path=\"k\")\n"
            "      /tmp from scratch (rw)\n") in text
    volumes = text[text.index("Volumes:\n"):text.index("  kube-api-access")]
    assert volumes == (
        "Volumes:\n"
        "  scratch:\n"
        "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n"
        "    Medium:     \n"
        "    SizeLimit:  1Gi\n"
        "  cfg:\n"
        "    Type:      ConfigMap (a volume populated by a ConfigMap)\n"
        "    Name:      cfg\n"
        "    Optional:  false\n"
        "  logs:\n"
        "    Type:          HostPath (bare host directory volume)\n"
        "    Path:          /var/log\n"
        "    HostPathType:  Directory\n"
        "  sec:\n"
        "    Type:        Secret (a volume populated by a Secret)\n"
        "    SecretName:  sec\n"
        "    Optional:    true\n"
    )
    assert "QoS Class:                   BestEffort\n" in text


def test_terminating_pod_status_lines(cluster):
    c = cluster
    pod = c.store.list("Pod", "default")[0]
    c.store.delete("Pod", pod["metadata"]["name"], "default")
    text = describe(c.store, c.store.get("Pod", pod["metadata"]["name"], "default"), c.clock.now())
    # kubectl measures "lasts" from the deletion deadline, still in the future: <invalid>
    assert "Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n" in text


# ----------------------------------------------------------------- workloads
def test_deployment_describe(cluster):
    c = cluster
    rs = c.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    text = describe(c.store, c.store.get("Deployment", "nginx", "default"), c.clock.now())
    assert text == (
        "Name:                   nginx\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:                 app=nginx\n"
        "Annotations:            deployment.kubernetes.io/revision: 1\n"
        "Selector:               app=nginx\n"
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       80/TCP\n"
        "    Host Port:  0/TCP\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:         100m\n"
        "      memory:      128Mi\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      True    MinimumReplicasAvailable\n"
        "  Progressing    True    NewReplicaSetAvailable\n"
        "OldReplicaSets:  <none>\n"
        f"NewReplicaSet:   {rs} (3/3 replicas created)\n"
        "Events:\n"
        "  Type    Reason             Age   From                   Message\n"
        "  ----    ------             ----  ----                   -------\n"
        f"  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set {rs} from 0 to 3\n"
    )


def test_deployment_after_rollout_lists_old_replica_sets():
    c = Cluster().start()
    apply_object(c.store, nginx_deployment("web", replicas=2, image="nginx:1.26"))
    c.advance_sync(30)
    old = c.store.list("ReplicaSet", "default")[0]["metadata"]["name"]
    apply_object(c.store, nginx_deployment("web", replicas=2, image="nginx:1.27"))
    c.advance_sync(60)
    new = next(r["metadata"]["name"] for r in c.store.list("ReplicaSet", "default") if r["metadata"]["name"] != old)
    text = describe(c.store, c.store.get("Deployment", "web", "default"), c.clock.now())
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in text
    assert f"OldReplicaSets:  {old} (0/0 replicas created)\nNewReplicaSet:   {new} (2/2 replicas created)\n" in text


def test_replica_set_describe(cluster):
    c = cluster
    rs = c.store.list("ReplicaSet", "default")[0]
    name, rs_hash = rs["metadata"]["name"], rs["metadata"]["labels"]["pod-template-hash"]
    messages = [e["message"] for e in events_for(c.store, rs)]
    text = describe(c.store, rs, c.clock.now())
    assert text == (
        f"Name:           {name}\n"
        "Namespace:      default\n"
        f"Selector:       app=nginx,pod-template-hash={rs_hash}\n"
        "Labels:         app=nginx\n"
        f"                pod-template-hash={rs_hash}\n"
        "Annotations:    deployment.kubernetes.io/desired-replicas: 3\n"
        "                deployment.kubernetes.io/max-replicas: 4\n"
        "                deployment.kubernetes.io/revision: 1\n"
        "Controlled By:  Deployment/nginx\n"
        "Replicas:       3 current / 3 desired\n"
        "Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        f"           pod-template-hash={rs_hash}\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       80/TCP\n"
        "    Host Port:  0/TCP\n"
        "    Limits:\n"
        "      memory:  256Mi\n"
        "    Requests:\n"
        "      cpu:         100m\n"
        "      memory:      128Mi\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age   From                   Message\n"
        "  ----    ------            ----  ----                   -------\n"
        + "".join(f"  Normal  SuccessfulCreate  60s   replicaset-controller  {m}\n" for m in messages)
    )
    assert len(messages) == 3 and all(m.startswith(f"Created pod: {name}-") for m in messages)


# ---------------------------------------------------------------------- node
def test_node_describe_with_pods_and_allocated_resources():
    c = Cluster().start()
    apply_object(c.store, bare_pod("a", nodeName=WORKER, containers=[{
        "name": "app", "image": "nginx:1.27",
        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}}}]))
    apply_object(c.store, bare_pod("b", nodeName=WORKER, containers=[{
        "name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}}]))
    c.advance_sync(90)
    node = c.store.get("Node", WORKER)
    info, ip = node["status"]["nodeInfo"], node["status"]["addresses"][0]["address"]
    text = describe(c.store, node, c.clock.now())
    hb = rfc(node["status"]["conditions"][0]["lastHeartbeatTime"])
    head = text[:text.index("Events:")]
    proxy = next(p["metadata"]["name"] for p in c.store.pods_on_node(WORKER) if p["metadata"]["namespace"] ==
                 "kube-system")
    assert head == (
        f"Name:               {WORKER}\n"
        "Roles:              <none>\n"
        "Labels:             beta.kubernetes.io/arch=amd64\n"
        "                    beta.kubernetes.io/os=linux\n"
        "                    kubernetes.io/arch=amd64\n"
        f"                    kubernetes.io/hostname={WORKER}\n"
        "                    kubernetes.io/os=linux\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Wed, 31 Dec 2025 23:59:30 +0000\n"  # the cluster booted 30 s before t=0
        "Taints:             <none>\n"
        "Unschedulable:      false\n"
        "Lease:\n"  # the kubelet renews its Lease every 10 s; node leases have no acquireTime
        f"  HolderIdentity:  {WORKER}\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Thu, 01 Jan 2026 00:01:30 +0000\n"
        "Conditions:\n"
        "  Type             Status  LastHeartbeatTime                 LastTransitionTime"
        "                Reason                       Message\n"
        "  ----             ------  -----------------                 ------------------"
        "                ------                       -------\n"
        f"  MemoryPressure   False   {hb}   Wed, 31 Dec 2025 23:59:30 +0000   KubeletHasSufficientMemory"
        "   kubelet has sufficient memory available\n"
        f"  DiskPressure     False   {hb}   Wed, 31 Dec 2025 23:59:30 +0000   KubeletHasNoDiskPressure  "
        "   kubelet has no disk pressure\n"
        f"  PIDPressure      False   {hb}   Wed, 31 Dec 2025 23:59:30 +0000   KubeletHasSufficientPID   "
        "   kubelet has sufficient PID available\n"
        f"  Ready            True    {hb}   Wed, 31 Dec 2025 23:59:30 +0000   KubeletReady              "
        "   kubelet is posting ready status\n"
        "Addresses:\n"
        f"  InternalIP:  {ip}\n"
        f"  Hostname:    {WORKER}\n"
        "Capacity:\n"
        "  cpu:                4\n"
        "  ephemeral-storage:  100Gi\n"
        "  hugepages-1Gi:      0\n"
        "  hugepages-2Mi:      0\n"
        "  memory:             8Gi\n"
        "  pods:               110\n"
        "Allocatable:\n"
        "  cpu:                4\n"
        "  ephemeral-storage:  100Gi\n"
        "  hugepages-1Gi:      0\n"
        "  hugepages-2Mi:      0\n"
        "  memory:             8Gi\n"
        "  pods:               110\n"
        "System Info:\n"
        f"  Machine ID:                 {info['machineID']}\n"
        f"  System UUID:                {info['systemUUID']}\n"
        f"  Boot ID:                    {info['bootID']}\n"
        f"  Kernel Version:             {info['kernelVersion']}\n"
        f"  OS Image:                   {info['osImage']}\n"
        f"  Operating System:           {info['operatingSystem']}\n"
        f"  Architecture:               {info['architecture']}\n"
        f"  Container Runtime Version:  {info['containerRuntimeVersion']}\n"
        f"  Kubelet Version:            {info['kubeletVersion']}\n"
        f"PodCIDR:                      {node['spec']['podCIDR']}\n"
        f"PodCIDRs:                     {node['spec']['podCIDR']}\n"
        f"ProviderID:                   kind://docker/k9play/{WORKER}\n"
        "Non-terminated Pods:          (3 in total)\n"  # with kube-proxy, the DaemonSet every node runs
        "  Namespace                   Name                CPU Requests  CPU Limits  Memory Requests  Memory Limits"
        "  Age\n"
        "  ---------                   ----                ------------  ----------  ---------------  -------------"
        "  ---\n"
        "  default                     a                   250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)   "
        "  90s\n"
        "  default                     b                   1500m (37%)   0 (0%)      1Gi (12%)        0 (0%)       "
        "  90s\n"
        f"  kube-system                 {proxy}    0 (0%)        0 (0%)      0 (0%)           0 (0%)       "
        "  2m\n"
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests      Limits\n"
        "  --------           --------      ------\n"
        "  cpu                1750m (43%)   500m (12%)\n"
        "  memory             1088Mi (13%)  128Mi (1%)\n"
        "  ephemeral-storage  0 (0%)        0 (0%)\n"
        "  hugepages-1Gi      0 (0%)        0 (0%)\n"
        "  hugepages-2Mi      0 (0%)        0 (0%)\n"
    )
    events = section(text, "Events:")
    assert events.startswith("Events:\n  Type    Reason ")
    assert f"  Normal  NodeReady                2m    kubelet  Node {WORKER} status is now: NodeReady\n" in events


def test_control_plane_node_roles_and_taints(cluster):
    text = describe(cluster.store, cluster.store.get("Node", "k9play-control-plane"), cluster.clock.now())
    assert "Roles:              control-plane\n" in text
    assert "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n" in text
    assert "                    node-role.kubernetes.io/control-plane=\n" in text
    # the control plane's own pods (mirror pods of the static pods), CoreDNS and kube-proxy
    assert "Non-terminated Pods:          (7 in total)\n" in text
    assert "  kube-system                 etcd-k9play-control-plane                       100m (2%)     0 (0%)  " \
        in text


# --------------------------------------------------------- namespace, service
def test_namespace_describe_without_quotas(cluster):
    text = describe(cluster.store, cluster.store.get("Namespace", "default"), cluster.clock.now())
    assert text == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )


def test_namespace_describe_with_quota_and_limit_range():
    c = Cluster().start()
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "ResourceQuota",
                           "metadata": {"name": "compute", "namespace": "team"},
                           "spec": {"hard": {"pods": "10", "requests.cpu": "2"}}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "team"},
                           "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
                                                "defaultRequest": {"cpu": "100m"}, "max": {"cpu": "2"}}]}})
    c.advance_sync(1)  # the resourcequota controller has written status.hard and status.used
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"},
                    "spec": {"containers": [{"name": "app", "image": "nginx",
                                             "resources": {"requests": {"cpu": "0.5"}}}]}})
    c.advance_sync(1)
    text = describe(c.store, c.store.get("Namespace", "team"), c.clock.now())
    assert text == (
        "Name:         team\n"
        "Labels:       kubernetes.io/metadata.name=team\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "Resource Quotas\n"
        "  Name:         compute\n"
        "  Resource      Used  Hard\n"
        "  --------      ---   ---\n"
        "  pods          1     10\n"
        "  requests.cpu  500m  2\n"
        "\n"
        "Resource Limits\n"
        " Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
        " ----       --------  ---  ---  ---------------  -------------  -----------------------\n"
        " Container  cpu       -    2    100m             500m           -\n"
        " Container  memory    -    -    256Mi            256Mi          -\n"
    )


def test_service_describe(cluster):
    text = describe(cluster.store, cluster.store.get("Service", "kubernetes", "default"), cluster.clock.now())
    assert text == (
        "Name:                     kubernetes\n"
        "Namespace:                default\n"
        "Labels:                   component=apiserver\n"
        "                          provider=kubernetes\n"
        "Annotations:              <none>\n"
        "Selector:                 <none>\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.0.1\n"
        "IPs:                      10.96.0.1\n"
        "Port:                     https  443/TCP\n"
        "TargetPort:               6443/TCP\n"
        "Endpoints:                172.18.0.2:6443\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_node_port_service_with_endpoint_slice(cluster):
    c = cluster
    svc = apply_object(c.store, {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "nginx"},
                 "ports": [{"port": 80, "targetPort": "http", "nodePort": 30080}]}}).obj
    ready = [{"addresses": [f"10.244.1.{i}"], "conditions": {"ready": True}} for i in range(1, 6)]
    c.store.create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"name": "web-abc", "namespace": "default",
                                 "labels": {"kubernetes.io/service-name": "web"}},
                    "addressType": "IPv4", "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
                    "endpoints": [*ready, {"addresses": ["10.244.2.9"], "conditions": {"ready": False}}]})
    text = describe(c.store, c.store.get("Service", "web", "default"), c.clock.now())
    spec = svc["spec"]
    assert text == (
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=nginx\n"
        "Type:                     NodePort\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        f"IP:                       {spec['clusterIP']}\n"
        f"IPs:                      {spec['clusterIP']}\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               http/TCP\n"
        "NodePort:                 <unset>  30080/TCP\n"
        "Endpoints:                10.244.1.1:8080,10.244.1.2:8080,10.244.1.3:8080 + 2 more...\n"
        "Session Affinity:         None\n"
        f"External Traffic Policy:  {spec['externalTrafficPolicy']}\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_endpoint_slices_without_ports_list_addresses_only():
    slices = [{"endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"], "conditions": {"ready": False}}]}]
    assert format_endpoint_slices(slices, "") == "10.0.0.1"
    assert format_endpoint_slices([], "") == "<none>"


# ------------------------------------------------- config, secrets, generic
def test_config_map_describe(cluster):
    text = describe(cluster.store, cluster.store.get("ConfigMap", "kube-root-ca.crt", "default"),
                    cluster.clock.now())
    data = cluster.store.get("ConfigMap", "kube-root-ca.crt", "default")["data"]["ca.crt"]
    assert text == (
        "Name:         kube-root-ca.crt\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  kubernetes.io/description:\n"
        "                Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
        "endpoints such as the internal service IP or kubern...\n"
        "\n"
        "Data\n"
        "====\n"
        "ca.crt:\n"
        "----\n"
        f"{data}\n"
        "\n"
        "\n"
        "BinaryData\n"
        "====\n"
        "\n"
        "Events:  <none>\n"
    )


def test_secret_and_service_account_describe(cluster):
    c = cluster
    apply_object(c.store, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "labels": {"a": "b"}},
                           "type": "Opaque", "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}})
    apply_object(c.store, {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "builder"},
                           "imagePullSecrets": [{"name": "db"}, {"name": "gone"}]})
    now = c.clock.now()
    assert describe(c.store, c.store.get("Secret", "db", "default"), now) == (
        "Name:         db\n"
        "Namespace:    default\n"
        "Labels:       a=b\n"
        "Annotations:  <none>\n"
        "\n"
        "Type:  Opaque\n"
        "\n"
        "Data\n"
        "====\n"
        "password:  7 bytes\n"
        "user:      5 bytes\n"
    )
    assert describe(c.store, c.store.get("ServiceAccount", "builder", "default"), now) == (
        "Name:                builder\n"
        "Namespace:           default\n"
        "Labels:              <none>\n"
        "Annotations:         <none>\n"
        "Image pull secrets:  db\n"
        "                     gone (not found)\n"
        "Mountable secrets:   <none>\n"
        "Tokens:              <none>\n"
        "Events:              <none>\n"
    )


def test_generic_describer_for_kinds_without_a_describer():
    c = Cluster().start()
    lease = c.store.create({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "leader", "namespace": "kube-system", "labels": {"app": "ctl"},
                     "annotations": {"note": "hello"}},
        "spec": {"holderIdentity": "ctl-1", "leaseDurationSeconds": 15, "leaseTransitions": 2,
                 "strategy": None, "preferredHolder": "ctl-2"},  # null: decoded away, as Go does
    })
    c.advance_sync(30)
    EventRecorder(c.store, "leader-election").record(lease, "Normal", "LeaderElection", "ctl-1 became leader")
    c.advance_sync(15)
    text = describe(c.store, c.store.get("Lease", "leader", "kube-system"), c.clock.now())
    md = lease["metadata"]
    assert text == (
        "Name:         leader\n"
        "Namespace:    kube-system\n"
        "Labels:       app=ctl\n"
        "Annotations:  note: hello\n"
        "API Version:  coordination.k8s.io/v1\n"
        "Kind:         Lease\n"
        "Metadata:\n"
        "  Creation Timestamp:  2026-01-01T00:00:00Z\n"
        f"  Resource Version:    {md['resourceVersion']}\n"
        f"  UID:                 {md['uid']}\n"
        "Spec:\n"
        "  Holder Identity:         ctl-1\n"
        "  Lease Duration Seconds:  15\n"
        "  Lease Transitions:       2\n"
        "  Preferred Holder:        ctl-2\n"
        "Events:\n"
        "  Type    Reason          Age   From             Message\n"
        "  ----    ------          ----  ----             -------\n"
        "  Normal  LeaderElection  15s   leader-election  ctl-1 became leader\n"
    )


def test_long_and_multiline_annotations_are_folded(cluster):
    c = cluster
    long_value = "x" * 150
    cm = apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "notes", "annotations": {"a/short": "yes", "b/long": long_value, "c/multi": "one\ntwo\n"}}}).obj
    text = describe(c.store, cm, c.clock.now())
    assert text.startswith(
        "Name:         notes\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  a/short: yes\n"
        "              b/long:\n"
        f"                {'x' * 138}...\n"
        "              c/multi:\n"
        "                one\n"
        "                two\n"
        "\n"
        "Data\n"
    )
    assert "last-applied-configuration" not in text


def test_terminal_escapes_are_neutralised(cluster):
    c = cluster
    cm = apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "evil", "labels": {"k": "v"}}, "data": {"x": "\x1b[31mred\r"}}).obj
    text = describe(c.store, cm, c.clock.now())
    assert "^[[31mred\\r\n" in text and "\x1b" not in text
