"""Storage on the manual clock: PV/PVC binding, kind's local-path provisioning, reclaim,
protection finalizers and the scheduler's volume plugins, checked against kube-controller-
manager's persistentvolume-binder and kube-scheduler's VolumeBinding (v1.34)."""

from __future__ import annotations

from typing import Any

from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object
from k9play.scheduler.scheduler import fit_error_message
from tests.helpers import new_cluster, pod

NS = "default"
LOCAL_PATH_SOURCE = "rancher.io/local-path_local-path-provisioner-7dc846544d-"


def pvc(name: str = "data", storage: str = "1Gi", modes: tuple[str, ...] = ("ReadWriteOnce",),
        cls: str | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": storage}}, **spec}
    if cls is not None:
        body["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": body}


def pv(name: str, storage: str = "5Gi", modes: tuple[str, ...] = ("ReadWriteOnce",), cls: str = "manual",
       policy: str = "Retain", path: str | None = None, labels: dict[str, str] | None = None,
       **spec: Any) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name}
    if labels:
        md["labels"] = labels
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": md,
            "spec": {"capacity": {"storage": storage}, "accessModes": list(modes), "storageClassName": cls,
                     "persistentVolumeReclaimPolicy": policy, "hostPath": {"path": path or f"/mnt/{name}"},
                     **spec}}


def user(name: str, claim: str, **spec: Any) -> dict[str, Any]:
    return pod(name, volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim}}], **spec)


def storage_class(name: str, provisioner: str, mode: str = "Immediate", **fields: Any) -> dict[str, Any]:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": provisioner, "reclaimPolicy": "Delete", "volumeBindingMode": mode, **fields}


def get(c, kind: str, name: str, ns: str | None = NS) -> dict[str, Any]:
    return c.store.get(kind, name, ns)


def phase(c, kind: str, name: str) -> str:
    return get(c, kind, name, NS if kind == "PersistentVolumeClaim" else None)["status"]["phase"]


def events(c, name: str, kind: str | None = None, ns: str = NS) -> list[tuple[str, str, str]]:
    out = [(e["type"], e["reason"], e["message"]) for e in
           sorted(c.store.list("Event", ns), key=lambda e: (e["firstTimestamp"], e["metadata"]["resourceVersion"]))
           if e["involvedObject"]["name"] == name and (kind is None or e["involvedObject"]["kind"] == kind)]
    return out


def failed_scheduling(c, name: str) -> list[str]:
    return [m for _, r, m in events(c, name, "Pod") if r == "FailedScheduling"]


def kubectl(c, *args: str) -> str:
    r = Kubectl(c).run(list(args))
    assert r.code == 0, r.err
    return r.out


# ----------------------------------------------------------------------- bootstrap
def test_kind_default_storage_class_is_created_on_start():
    c = new_cluster()
    sc = get(c, "StorageClass", "standard", None)
    assert sc["provisioner"] == "rancher.io/local-path"
    assert sc["volumeBindingMode"] == "WaitForFirstConsumer" and sc["reclaimPolicy"] == "Delete"
    assert sc["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert kubectl(c, "get", "sc") == (
        "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      "
        "ALLOWVOLUMEEXPANSION   AGE\n"
        "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   "
        "false                  30s\n")  # created when the cluster booted


def test_default_class_and_protection_finalizer_are_given_on_first_sync():
    c = new_cluster()
    apply_object(c.store, pvc("auto"))
    apply_object(c.store, pvc("none", cls=""))
    c.advance_sync(0)
    auto, none = get(c, "PersistentVolumeClaim", "auto"), get(c, "PersistentVolumeClaim", "none")
    assert auto["spec"]["storageClassName"] == "standard"
    assert none["spec"]["storageClassName"] == ""  # "" asks for no class: it is kept
    assert auto["metadata"]["finalizers"] == none["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert auto["status"] == none["status"] == {"phase": "Pending"}


# ---------------------------------------------------------------- static binding
def test_claim_stays_pending_until_a_matching_volume_appears_then_binds_to_the_best_match():
    c = new_cluster()
    apply_object(c.store, pvc("claim", "3Gi", cls=""))
    c.advance_sync(1)
    assert phase(c, "PersistentVolumeClaim", "claim") == "Pending"
    assert events(c, "claim") == [
        ("Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set")]
    apply_object(c.store, pv("small", "1Gi", cls=""))  # too small
    apply_object(c.store, pv("rwx", "4Gi", ("ReadWriteMany",), cls=""))  # wrong access modes
    apply_object(c.store, pv("other", "4Gi", cls="fast"))  # another class
    c.advance_sync(1)
    assert phase(c, "PersistentVolumeClaim", "claim") == "Pending"
    assert {name: phase(c, "PersistentVolume", name) for name in ("small", "rwx", "other")} == {
        "small": "Available", "rwx": "Available", "other": "Available"}
    # the volumes offering exactly the requested modes are searched first, smallest first
    apply_object(c.store, pv("big", "10Gi", cls=""))
    apply_object(c.store, pv("fits", "5Gi", cls=""))
    apply_object(c.store, pv("more-modes", "4Gi", ("ReadWriteOnce", "ReadOnlyMany"), cls=""))
    c.advance_sync(15)  # the next periodic sync of the pending claim
    claim = get(c, "PersistentVolumeClaim", "claim")
    assert claim["spec"]["volumeName"] == "fits"
    assert claim["status"] == {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "5Gi"}, "phase": "Bound"}
    assert claim["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    assert claim["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] == "yes"
    volume = get(c, "PersistentVolume", "fits", None)
    assert volume["status"]["phase"] == "Bound"
    assert volume["spec"]["claimRef"]["uid"] == claim["metadata"]["uid"]
    assert volume["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] == "yes"
    assert volume["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert phase(c, "PersistentVolume", "big") == phase(c, "PersistentVolume", "more-modes") == "Available"
    out = kubectl(c, "get", "pvc")
    assert out == (
        "NAME    STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n"
        "claim   Bound    fits     5Gi        RWO            <unset>        <unset>                 17s\n")
    assert kubectl(c, "get", "pv", "fits", "more-modes") == (
        "NAME         CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM           STORAGECLASS   "
        "VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
        "fits         5Gi        RWO            Retain           Bound       default/claim   <unset>        "
        "<unset>                          15s\n"
        "more-modes   4Gi        RWO,ROX        Retain           Available                   <unset>        "
        "<unset>                          15s\n")


def test_a_class_without_a_storage_class_object_reports_it_and_binds_by_class_name():
    c = new_cluster()
    apply_object(c.store, pvc("task-pv-claim", "3Gi", cls="manual"))
    c.advance_sync(1)
    assert events(c, "task-pv-claim") == [
        ("Warning", "ProvisioningFailed", 'storageclass.storage.k8s.io "manual" not found')]
    apply_object(c.store, pv("task-pv-volume", "10Gi", cls="manual", labels={"type": "local"}))
    c.advance_sync(15)
    assert get(c, "PersistentVolumeClaim", "task-pv-claim")["spec"]["volumeName"] == "task-pv-volume"
    assert phase(c, "PersistentVolume", "task-pv-volume") == "Bound"


def test_selector_and_volume_mode_must_match():
    c = new_cluster()
    apply_object(c.store, pv("block", "5Gi", volumeMode="Block"))
    apply_object(c.store, pv("ssd", "5Gi", labels={"disk": "ssd"}))
    apply_object(c.store, pv("hdd", "2Gi", labels={"disk": "hdd"}))
    apply_object(c.store, pvc("want-ssd", "1Gi", cls="manual", selector={"matchLabels": {"disk": "ssd"}}))
    apply_object(c.store, pvc("want-block", "1Gi", cls="manual", volumeMode="Block"))
    c.advance_sync(1)
    assert get(c, "PersistentVolumeClaim", "want-ssd")["spec"]["volumeName"] == "ssd"
    assert get(c, "PersistentVolumeClaim", "want-block")["spec"]["volumeName"] == "block"
    assert phase(c, "PersistentVolume", "hdd") == "Available"


def test_pre_bound_claim_ref_and_volume_name():
    c = new_cluster()
    apply_object(c.store, pv("reserved", "5Gi", claimRef={"namespace": NS, "name": "owner"}))
    apply_object(c.store, pvc("intruder", "1Gi", cls="manual"))
    apply_object(c.store, pvc("asks", "1Gi", cls="manual", volumeName="later"))
    c.advance_sync(1)
    assert phase(c, "PersistentVolume", "reserved") == "Available"  # reserved, but no claim yet
    assert phase(c, "PersistentVolumeClaim", "intruder") == "Pending"
    apply_object(c.store, pvc("owner", "1Gi", cls="manual"))
    c.advance_sync(1)
    assert get(c, "PersistentVolumeClaim", "owner")["spec"]["volumeName"] == "reserved"
    volume = get(c, "PersistentVolume", "reserved", None)
    assert "pv.kubernetes.io/bound-by-controller" not in volume["metadata"]["annotations"]  # the user bound it
    assert phase(c, "PersistentVolumeClaim", "asks") == "Pending"
    apply_object(c.store, pv("later", "512Mi"))
    c.advance_sync(15)
    assert events(c, "asks")[-1] == ("Warning", "VolumeMismatch",
                                     'Cannot bind to requested volume "later": requested PV is too small')
    assert phase(c, "PersistentVolumeClaim", "asks") == "Pending"


# ------------------------------------------------------------------------ reclaim
def test_deleting_the_claim_releases_a_retained_volume_and_keeps_its_claim_ref():
    c = new_cluster()
    apply_object(c.store, pv("keep", "5Gi", policy="Retain"))
    apply_object(c.store, pvc("claim", "1Gi", cls="manual"))
    c.advance_sync(1)
    uid = get(c, "PersistentVolumeClaim", "claim")["metadata"]["uid"]
    assert phase(c, "PersistentVolume", "keep") == "Bound"
    c.store.delete("PersistentVolumeClaim", "claim", NS)
    c.advance_sync(1)
    assert c.store.try_get("PersistentVolumeClaim", "claim", NS) is None  # unused: pvc-protection lets it go
    volume = get(c, "PersistentVolume", "keep", None)
    assert volume["status"]["phase"] == "Released"
    assert volume["spec"]["claimRef"]["name"] == "claim" and volume["spec"]["claimRef"]["uid"] == uid
    assert "RECLAIM POLICY   STATUS     CLAIM" in kubectl(c, "get", "pv")
    assert "Retain           Released   default/claim" in kubectl(c, "get", "pv")
    # a new claim of the same name does not get the released volume back
    apply_object(c.store, pvc("claim", "1Gi", cls="manual"))
    c.advance_sync(16)
    assert phase(c, "PersistentVolumeClaim", "claim") == "Pending"
    assert phase(c, "PersistentVolume", "keep") == "Released"


def test_recycle_makes_the_volume_available_again():
    c = new_cluster()
    apply_object(c.store, pv("scratch", "5Gi", policy="Recycle"))
    apply_object(c.store, pvc("claim", "1Gi", cls="manual"))
    c.advance_sync(1)
    c.store.delete("PersistentVolumeClaim", "claim", NS)
    c.advance_sync(1)
    assert phase(c, "PersistentVolume", "scratch") == "Released"
    c.advance_sync(5)
    volume = get(c, "PersistentVolume", "scratch", None)
    assert volume["status"]["phase"] == "Available"
    assert "claimRef" not in volume["spec"]
    assert events(c, "scratch", "PersistentVolume") == [("Normal", "VolumeRecycled", "Volume recycled")]


def test_delete_policy_on_a_static_host_path_volume_fails_outside_tmp():
    c = new_cluster()
    apply_object(c.store, pv("data", "5Gi", policy="Delete", path="/data"))
    apply_object(c.store, pv("tmp", "5Gi", policy="Delete", path="/tmp/data", cls="other"))
    apply_object(c.store, pvc("a", "1Gi", cls="manual"))
    apply_object(c.store, pvc("b", "1Gi", cls="other"))
    c.advance_sync(1)
    c.store.delete("PersistentVolumeClaim", "a", NS)
    c.store.delete("PersistentVolumeClaim", "b", NS)
    c.advance_sync(1)
    message = ('failed to create deleter for volume "data": host_path deleter only supports /tmp/.+ but received '
               "provided /data")
    volume = get(c, "PersistentVolume", "data", None)
    assert volume["status"]["phase"] == "Failed" and volume["status"]["message"] == message
    assert events(c, "data", "PersistentVolume") == [("Warning", "VolumeFailedDelete", message)]
    assert c.store.try_get("PersistentVolume", "tmp") is None


def test_deleting_a_bound_volume_waits_for_its_claim():
    c = new_cluster()
    apply_object(c.store, pv("vol", "5Gi"))
    apply_object(c.store, pvc("claim", "1Gi", cls="manual"))
    c.advance_sync(1)
    c.store.delete("PersistentVolume", "vol")
    c.advance_sync(5)
    volume = get(c, "PersistentVolume", "vol", None)
    assert volume["metadata"]["deletionTimestamp"] and volume["status"]["phase"] == "Bound"
    c.store.delete("PersistentVolumeClaim", "claim", NS)
    c.advance_sync(1)
    assert c.store.try_get("PersistentVolume", "vol") is None


# ------------------------------------------------------------ dynamic provisioning
def test_wait_for_first_consumer_then_local_path_provisions_on_the_pods_node():
    c = new_cluster()
    apply_object(c.store, pvc("data"))
    c.advance_sync(30)
    claim = get(c, "PersistentVolumeClaim", "data")
    assert claim["status"] == {"phase": "Pending"} and "volumeName" not in claim["spec"]
    assert events(c, "data") == [("Normal", "WaitForFirstConsumer",
                                  "waiting for first consumer to be created before binding")]
    waiting = next(e for e in c.store.list("Event", NS) if e["involvedObject"]["name"] == "data")
    assert waiting["count"] == 3  # the periodic sync repeats it: at 0 s, 15 s and 30 s
    apply_object(c.store, user("app", "data"))
    c.advance_sync(1)
    app = get(c, "Pod", "app")
    assert "nodeName" not in app["spec"]  # the binding waits for the volume
    claim = get(c, "PersistentVolumeClaim", "data")
    node = claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
    assert claim["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"
    assert claim["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"
    c.advance_sync(5)
    app = get(c, "Pod", "app")
    assert app["spec"]["nodeName"] == node
    claim = get(c, "PersistentVolumeClaim", "data")
    uid = claim["metadata"]["uid"]
    assert claim["spec"]["volumeName"] == f"pvc-{uid}"
    assert claim["status"] == {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "phase": "Bound"}
    volume = get(c, "PersistentVolume", f"pvc-{uid}", None)
    assert volume["metadata"]["annotations"] == {"local.path.provisioner/selected-node": node,
                                                 "pv.kubernetes.io/provisioned-by": "rancher.io/local-path"}
    assert volume["spec"]["hostPath"] == {"path": f"/var/local-path-provisioner/pvc-{uid}_default_data",
                                          "type": "DirectoryOrCreate"}
    assert volume["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"] == [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["storageClassName"] == "standard"
    assert volume["status"]["phase"] == "Bound"
    reasons = [r for _, r, _ in events(c, "data")]
    assert reasons == ["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    by_reason = {e["reason"]: e for e in c.store.list("Event", NS) if e["involvedObject"]["name"] == "data"}
    assert by_reason["ProvisioningSucceeded"]["message"] == f"Successfully provisioned volume pvc-{uid}"
    assert by_reason["ProvisioningSucceeded"]["source"]["component"].startswith(LOCAL_PATH_SOURCE)
    assert by_reason["ExternalProvisioning"]["message"] == (
        "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually "
        "by the system administrator. If volume creation is delayed, please verify that the provisioner is running "
        "and correctly registered.")
    assert [r for _, r, _ in events(c, "app")][:1] == ["Scheduled"]
    assert failed_scheduling(c, "app") == []
    c.advance_sync(60)
    assert get(c, "Pod", "app")["status"]["phase"] == "Running"
    out = kubectl(c, "get", "pvc", "data")
    assert out.splitlines()[1].split() == ["data", "Bound", f"pvc-{uid}", "1Gi", "RWO", "standard", "<unset>", "96s"]


def test_statefulset_style_claim_binds_when_its_pod_schedules_and_the_volume_follows_the_pod():
    c = new_cluster()
    claim = pvc("www-web-0")
    claim["metadata"]["labels"] = {"app": "nginx"}
    apply_object(c.store, claim)
    c.advance_sync(1)
    assert phase(c, "PersistentVolumeClaim", "www-web-0") == "Pending"
    web0 = user("web-0", "www-web-0")
    web0["spec"]["volumes"][0]["name"] = "www"
    web0["metadata"]["labels"] = {"app": "nginx"}
    apply_object(c.store, web0)
    c.advance_sync(10)
    node = get(c, "Pod", "web-0")["spec"]["nodeName"]
    assert phase(c, "PersistentVolumeClaim", "www-web-0") == "Bound"
    # the pod is recreated (as its StatefulSet would): it must go back to the node of its volume
    c.store.delete("Pod", "web-0", NS, grace_period=0)
    c.advance_sync(1)
    apply_object(c.store, web0)
    c.advance_sync(2)
    assert get(c, "Pod", "web-0")["spec"]["nodeName"] == node
    assert phase(c, "PersistentVolumeClaim", "www-web-0") == "Bound"


def test_reclaim_delete_removes_a_provisioned_volume():
    c = new_cluster()
    apply_object(c.store, pvc("data"))
    apply_object(c.store, user("app", "data"))
    c.advance_sync(10)
    name = get(c, "PersistentVolumeClaim", "data")["spec"]["volumeName"]
    c.store.delete("Pod", "app", NS, grace_period=0)
    c.store.delete("PersistentVolumeClaim", "data", NS)
    c.advance_sync(0)
    assert phase(c, "PersistentVolume", name) == "Released"
    c.advance_sync(3)  # the local-path helper pod removes the directory, then the PV object goes
    assert c.store.try_get("PersistentVolume", name) is None


def test_immediate_class_provisions_without_a_pod_and_generic_provisioners_make_csi_volumes():
    c = new_cluster()
    apply_object(c.store, storage_class("fast", "ebs.csi.aws.com"))
    apply_object(c.store, pvc("data", "8Gi", cls="fast"))
    c.advance_sync(2)
    claim = get(c, "PersistentVolumeClaim", "data")
    assert claim["status"]["phase"] == "Bound"
    volume = get(c, "PersistentVolume", claim["spec"]["volumeName"], None)
    assert volume["spec"]["csi"]["driver"] == "ebs.csi.aws.com"
    assert "nodeAffinity" not in volume["spec"]
    assert volume["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "ebs.csi.aws.com"


def test_local_path_refuses_read_write_many_and_the_pod_waits():
    c = new_cluster()
    apply_object(c.store, pvc("shared", modes=("ReadWriteMany",)))
    apply_object(c.store, user("app", "shared"))
    c.advance_sync(5)
    assert phase(c, "PersistentVolumeClaim", "shared") == "Pending"
    assert "nodeName" not in get(c, "Pod", "app")["spec"]
    assert ("Warning", "ProvisioningFailed",
            'failed to provision volume with StorageClass "standard": NodePath only supports ReadWriteOnce and '
            "ReadWriteOncePod (1.22+) access modes") in events(c, "shared")
    assert failed_scheduling(c, "app") == []  # the scheduler waits in PreBind (600 s)
    c.advance_sync(600)
    assert failed_scheduling(c, "app")[0] == (
        'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded')
    cond = next(x for x in get(c, "Pod", "app")["status"]["conditions"] if x["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"]) == ("False", "SchedulerError")


def test_no_provisioner_never_provisions():
    c = new_cluster()
    apply_object(c.store, storage_class("local-storage", "kubernetes.io/no-provisioner", "WaitForFirstConsumer"))
    apply_object(c.store, storage_class("manual-immediate", "kubernetes.io/no-provisioner"))
    apply_object(c.store, pvc("late", cls="local-storage"))
    apply_object(c.store, pvc("now", cls="manual-immediate"))
    apply_object(c.store, user("app", "late"))
    c.advance_sync(20)
    assert events(c, "now")[0] == ("Warning", "ProvisioningFailed",
                                   "no volume plugin matched name: kubernetes.io/no-provisioner")
    assert ("Normal", "WaitForPodScheduled", "waiting for pod app to be scheduled") in events(c, "late")
    assert failed_scheduling(c, "app")[0] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't find available persistent "
        "volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    assert c.store.list("PersistentVolume") == []
    # a local volume on worker2 makes the pod schedulable there
    apply_object(c.store, pv("local-1", "10Gi", cls="local-storage", nodeAffinity={"required": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["k9play-worker2"]}]}]}}))
    c.advance_sync(15)
    assert get(c, "Pod", "app")["spec"]["nodeName"] == "k9play-worker2"
    assert get(c, "PersistentVolumeClaim", "late")["spec"]["volumeName"] == "local-1"


# ------------------------------------------------------------------ scheduling
def test_pod_with_a_missing_claim_is_pending_then_runs_when_the_claim_is_created():
    c = new_cluster()
    apply_object(c.store, user("app", "missing"))
    c.advance_sync(5)
    expected = ('0/3 nodes are available: persistentvolumeclaim "missing" not found. preemption: 0/3 nodes are '
                "available: 3 Preemption is not helpful for scheduling.")
    assert failed_scheduling(c, "app") == [expected]
    app = get(c, "Pod", "app")
    cond = next(x for x in app["status"]["conditions"] if x["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", expected)
    apply_object(c.store, pvc("missing"))
    c.advance_sync(10)
    assert get(c, "Pod", "app")["spec"]["nodeName"]
    assert phase(c, "PersistentVolumeClaim", "missing") == "Bound"
    c.advance_sync(60)
    assert get(c, "Pod", "app")["status"]["phase"] == "Running"


def test_unbound_immediate_claim_blocks_the_pod_until_it_binds():
    c = new_cluster()
    apply_object(c.store, pvc("claim", cls="manual"))
    apply_object(c.store, user("app", "claim"))
    c.advance_sync(2)
    assert failed_scheduling(c, "app") == [
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling."]
    apply_object(c.store, pv("vol", "1Gi"))
    c.advance_sync(15)
    assert get(c, "Pod", "app")["spec"]["nodeName"]


def test_volume_node_affinity_conflict():
    c = new_cluster()
    affinity = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["k9play-control-plane"]}]}]}}
    apply_object(c.store, pv("cp-disk", "1Gi", nodeAffinity=affinity))
    apply_object(c.store, pvc("claim", cls="manual"))
    c.advance_sync(1)
    apply_object(c.store, user("app", "claim"))
    c.advance_sync(1)
    assert failed_scheduling(c, "app") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) had volume node affinity conflict. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    tolerant = user("tolerant", "claim", tolerations=[{"key": "node-role.kubernetes.io/control-plane",
                                                       "operator": "Exists", "effect": "NoSchedule"}])
    apply_object(c.store, tolerant)
    c.advance_sync(1)
    assert get(c, "Pod", "tolerant")["spec"]["nodeName"] == "k9play-control-plane"


def test_pre_filter_message_format():
    assert fit_error_message(3, {}, "preemption: x", pre_filter='persistentvolumeclaim "x" not found') == (
        '0/3 nodes are available: persistentvolumeclaim "x" not found. preemption: x')


# ------------------------------------------------------------------ protection
def test_pvc_protection_keeps_a_claim_in_use_until_its_pod_is_gone():
    c = new_cluster()
    apply_object(c.store, pvc("data"))
    apply_object(c.store, user("app", "data"))
    c.advance_sync(60)
    assert get(c, "Pod", "app")["status"]["phase"] == "Running"
    name = get(c, "PersistentVolumeClaim", "data")["spec"]["volumeName"]
    c.store.delete("PersistentVolumeClaim", "data", NS)
    c.advance_sync(10)
    claim = get(c, "PersistentVolumeClaim", "data")
    assert claim["metadata"]["deletionTimestamp"] and claim["metadata"]["finalizers"] == [
        "kubernetes.io/pvc-protection"]
    assert claim["status"]["phase"] == "Bound" and phase(c, "PersistentVolume", name) == "Bound"
    # a new pod cannot use a claim that is being deleted
    apply_object(c.store, user("late", "data"))
    c.advance_sync(1)
    assert failed_scheduling(c, "late")[0].startswith(
        '0/3 nodes are available: persistentvolumeclaim "data" is being deleted.')
    c.store.delete("Pod", "late", NS)
    c.store.delete("Pod", "app", NS)
    assert get(c, "Pod", "app")["metadata"]["deletionTimestamp"]
    while c.store.try_get("Pod", "app", NS) is not None:  # terminating: the claim stays
        assert get(c, "PersistentVolumeClaim", "data")["metadata"]["deletionTimestamp"]
        c.advance_sync(0.5)
    c.advance_sync(0)
    assert c.store.try_get("PersistentVolumeClaim", "data", NS) is None  # the pod gone, the claim follows
    assert phase(c, "PersistentVolume", name) == "Released"
    c.advance_sync(5)
    assert c.store.try_get("PersistentVolume", name) is None


def test_volume_zone_labels_must_match_the_nodes_zone():
    c = new_cluster()
    for node, zone in (("k9play-worker", "zone-a"), ("k9play-worker2", "zone-b"), ("k9play-control-plane", "zone-a")):
        c.store.patch("Node", node, None, {"metadata": {"labels": {"topology.kubernetes.io/zone": zone}}})
    apply_object(c.store, pv("in-b", "1Gi", labels={"topology.kubernetes.io/zone": "zone-b"}))
    apply_object(c.store, pv("in-c", "1Gi", cls="far", labels={"topology.kubernetes.io/zone": "zone-c"}))
    apply_object(c.store, pvc("b", cls="manual"))
    apply_object(c.store, pvc("c", cls="far"))
    c.advance_sync(1)
    apply_object(c.store, user("in-b", "b"))
    apply_object(c.store, user("in-c", "c"))
    c.advance_sync(1)
    assert get(c, "Pod", "in-b")["spec"]["nodeName"] == "k9play-worker2"
    assert failed_scheduling(c, "in-c") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) had no available volume zone. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
