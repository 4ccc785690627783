"""Defaulting as the apiserver does it (``pkg/apis/*/v1/defaults.go``, Kubernetes v1.34).

Each function mutates an object in place and is idempotent, so re-applying an unchanged
manifest produces an identical object and no new resourceVersion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]


def image_tag(image: str) -> str:
    """The tag of an image reference (``latest`` when none and no digest)."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "" if "@" in image else "latest"


def default_container(c: Obj) -> None:
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = "Always" if image_tag(c.get("image", "") or "") == "latest" else "IfNotPresent"
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = c.get(key)
        if isinstance(probe, dict):
            default_probe(probe)
    for env in c.get("env") or []:
        ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env, dict) else None
        if isinstance(ref, dict):
            ref.setdefault("apiVersion", "v1")
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in lifecycle.values():
            if isinstance(hook, dict) and isinstance(hook.get("httpGet"), dict):
                _default_http_get(hook["httpGet"])


def default_probe(probe: Obj) -> None:
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    if isinstance(probe.get("httpGet"), dict):
        _default_http_get(probe["httpGet"])


def _default_http_get(action: Obj) -> None:
    if not action.get("path"):
        action["path"] = "/"
    action.setdefault("scheme", "HTTP")


def default_volume(v: Obj) -> None:
    sources = [k for k in v if k != "name"]
    if not sources:
        v["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict):
            src.setdefault("defaultMode", 420)
    hp = v.get("hostPath")
    if isinstance(hp, dict):
        hp.setdefault("type", "")
    projected = v.get("projected")
    if isinstance(projected, dict):
        for s in projected.get("sources") or []:
            tok = s.get("serviceAccountToken") if isinstance(s, dict) else None
            if isinstance(tok, dict):
                tok.setdefault("expirationSeconds", 3600)


def default_pod_spec(spec: Obj) -> None:
    """``SetDefaults_PodSpec`` plus the per-container/volume defaults: for pods and templates."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    spec.setdefault("securityContext", {})
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                default_container(c)
                if spec.get("hostNetwork"):
                    for p in c.get("ports") or []:
                        p.setdefault("hostPort", p.get("containerPort"))
    for v in spec.get("volumes") or []:
        if isinstance(v, dict):
            default_volume(v)


def default_pod(pod: Obj) -> None:
    """``SetDefaults_Pod``: requests default to limits; service links on."""
    spec = pod.setdefault("spec", {})
    default_pod_spec(spec)
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            res = c.get("resources") or {}
            limits = res.get("limits")
            if limits:
                requests = res.setdefault("requests", {})
                for r, q in limits.items():
                    requests.setdefault(r, q)
    spec.setdefault("enableServiceLinks", True)


def _default_template(obj: Obj) -> None:
    tmpl = obj.get("spec", {}).get("template")
    if isinstance(tmpl, dict):
        tmpl.setdefault("metadata", {})
        default_pod_spec(tmpl.setdefault("spec", {}))


def default_deployment(d: Obj) -> None:
    spec = d.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        ru = strategy.setdefault("rollingUpdate", {})
        ru.setdefault("maxUnavailable", "25%")
        ru.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _default_template(d)


def default_replicaset(rs: Obj) -> None:
    rs.setdefault("spec", {}).setdefault("replicas", 1)
    _default_template(rs)


def default_replication_controller(rc: Obj) -> None:
    spec = rc.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    labels = (spec.get("template") or {}).get("metadata", {}).get("labels")
    if labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        md = rc.setdefault("metadata", {})
        if not md.get("labels"):
            md["labels"] = dict(labels)
    _default_template(rc)


def default_daemonset(ds: Obj) -> None:
    spec = ds.setdefault("spec", {})
    us = spec.setdefault("updateStrategy", {})
    us.setdefault("type", "RollingUpdate")
    if us["type"] == "RollingUpdate":
        ru = us.setdefault("rollingUpdate", {})
        ru.setdefault("maxUnavailable", 1)
        ru.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    _default_template(ds)


def default_statefulset(sts: Obj) -> None:
    spec = sts.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    us = spec.setdefault("updateStrategy", {})
    us.setdefault("type", "RollingUpdate")
    if us["type"] == "RollingUpdate":
        us.setdefault("rollingUpdate", {}).setdefault("partition", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    policy.setdefault("whenDeleted", "Retain")
    policy.setdefault("whenScaled", "Retain")
    for pvc in spec.get("volumeClaimTemplates") or []:
        if isinstance(pvc, dict):
            pvc.setdefault("apiVersion", "v1")
            pvc.setdefault("kind", "PersistentVolumeClaim")
            pvc.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
    _default_template(sts)


def default_job(job: Obj) -> None:
    spec = job.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    if spec.get("podFailurePolicy") is None:
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    md = job.setdefault("metadata", {})
    tlabels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if tlabels and not md.get("labels"):
        md["labels"] = dict(tlabels)
    _default_template(job)


def default_cronjob(cj: Obj) -> None:
    spec = cj.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    jt = spec.get("jobTemplate")
    if isinstance(jt, dict):
        # SetDefaults_CronJob defaults only the CronJob; the job template gets pod-spec defaults
        tmpl = (jt.get("spec") or {}).get("template")
        if isinstance(tmpl, dict):
            tmpl.setdefault("metadata", {})
            default_pod_spec(tmpl.setdefault("spec", {}))


def default_service(svc: Obj) -> None:
    spec = svc.setdefault("spec", {})
    spec.setdefault("sessionAffinity", "None")
    spec.setdefault("type", "ClusterIP")
    for p in spec.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
            if p.get("targetPort") in (None, 0, ""):
                p["targetPort"] = p.get("port")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if spec.get("sessionAffinity") == "ClientIP":
        # DefaultClientIPServiceAffinitySeconds: three hours
        cfg = spec.get("sessionAffinityConfig") or {}
        if not isinstance((cfg.get("clientIP") or {}).get("timeoutSeconds"), int):
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}


def default_namespace(ns: Obj) -> None:
    md = ns.setdefault("metadata", {})
    if md.get("name"):
        md.setdefault("labels", {})["kubernetes.io/metadata.name"] = md["name"]


def default_node(node: Obj) -> None:
    status = node.get("status")
    if isinstance(status, dict) and status.get("capacity") and not status.get("allocatable"):
        status["allocatable"] = dict(status["capacity"])


def default_secret(secret: Obj) -> None:
    if not secret.get("type"):
        secret["type"] = "Opaque"


def default_pvc(pvc: Obj) -> None:
    pvc.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")


def default_pv(pv: Obj) -> None:
    spec = pv.setdefault("spec", {})
    spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
    spec.setdefault("volumeMode", "Filesystem")
    if isinstance(spec.get("hostPath"), dict):
        spec["hostPath"].setdefault("type", "")


def default_hpa(hpa: Obj) -> None:
    """autoscaling/v2: no metrics means 80 % CPU; a partial ``behavior`` is completed."""
    spec = hpa.setdefault("spec", {})
    spec.setdefault("minReplicas", 1)
    if hpa.get("apiVersion") != "autoscaling/v2":
        return
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        up = behavior.setdefault("scaleUp", {})
        up.setdefault("stabilizationWindowSeconds", 0)
        up.setdefault("selectPolicy", "Max")
        up.setdefault("policies", [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                   {"type": "Percent", "value": 100, "periodSeconds": 15}])
        down = behavior.setdefault("scaleDown", {})
        down.setdefault("selectPolicy", "Max")
        down.setdefault("policies", [{"type": "Percent", "value": 100, "periodSeconds": 15}])


def default_storage_class(sc: Obj) -> None:
    sc.setdefault("reclaimPolicy", "Delete")
    sc.setdefault("volumeBindingMode", "Immediate")


def default_priority_class(pc: Obj) -> None:
    pc.setdefault("preemptionPolicy", "PreemptLowerPriority")


def default_network_policy(np: Obj) -> None:
    spec = np.setdefault("spec", {})
    if not spec.get("policyTypes"):
        types = ["Ingress"]
        if spec.get("egress"):
            types.append("Egress")
        spec["policyTypes"] = types
    for rules in (spec.get("ingress") or [], spec.get("egress") or []):
        for rule in rules:
            for p in rule.get("ports") or []:
                if isinstance(p, dict):
                    p.setdefault("protocol", "TCP")


def default_endpoint_slice(eps: Obj) -> None:
    for p in eps.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")


DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "Pod": default_pod,
    "Deployment": default_deployment,
    "ReplicaSet": default_replicaset,
    "ReplicationController": default_replication_controller,
    "DaemonSet": default_daemonset,
    "StatefulSet": default_statefulset,
    "Job": default_job,
    "CronJob": default_cronjob,
    "Service": default_service,
    "Namespace": default_namespace,
    "Node": default_node,
    "Secret": default_secret,
    "PersistentVolumeClaim": default_pvc,
    "PersistentVolume": default_pv,
    "HorizontalPodAutoscaler": default_hpa,
    "StorageClass": default_storage_class,
    "PriorityClass": default_priority_class,
    "NetworkPolicy": default_network_policy,
    "EndpointSlice": default_endpoint_slice,
}


def apply_defaults(kind: str, obj: Obj) -> None:
    fn = DEFAULTERS.get(kind)
    if fn is not None:
        fn(obj)
