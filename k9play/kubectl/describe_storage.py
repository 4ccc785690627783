"""``kubectl describe`` for PersistentVolumes, PersistentVolumeClaims and StorageClasses
(kubectl v1.34's ``describePersistentVolume``, ``describePersistentVolumeClaim``,
``printPersistentVolumeClaim``, ``describeStorageClass`` and the ``storageutil`` helpers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k9play.api.meta import Obj, annotations_of, labels_of, name_of, namespace_of, uid_of
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_batch import bool_ptr
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    MAX_ANNOTATION_LEN,
    PrefixWriter,
    describe_events,
    format_labels,
    go_bool,
    go_value,
    print_annotations_multiline,
    print_labels_multiline,
    quantity_string,
    rfc1123z,
    since,
)
from k9play.kubectl.describe_workloads import BETA_STORAGE_CLASS_ANNOTATION, claim_class

IS_DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BETA_IS_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def access_modes(modes: list[str] | None) -> str:
    """``storageutil.GetAccessModesAsString``: always in RWO,ROX,RWX,RWOP order."""
    present = set(modes or [])
    return ",".join(short for mode, short in _ACCESS_MODES if mode in present)


def volume_class(pv: Obj) -> str:
    """``storageutil.GetPersistentVolumeClass``: the beta annotation, then the field."""
    annotations = annotations_of(pv)
    if BETA_STORAGE_CLASS_ANNOTATION in annotations:
        return annotations[BETA_STORAGE_CLASS_ANNOTATION]
    return (pv.get("spec") or {}).get("storageClassName") or ""


def _finalizers(obj: Obj) -> str:
    return go_value(list((obj.get("metadata") or {}).get("finalizers") or []))


def _status_line(w: PrefixWriter, obj: Obj, now: float) -> None:
    deleted = (obj.get("metadata") or {}).get("deletionTimestamp")
    if deleted:
        w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(deleted, now)})\n")
    else:
        w.write(LEVEL_0, f"Status:\t{(obj.get('status') or {}).get('phase', '')}\n")


# --------------------------------------------------------------------- PV
def describe_persistent_volume(store: ObjectStore, pv: Obj, events: list[Obj], now: float) -> str:
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(pv)}\n")
    print_labels_multiline(w, "Labels", labels_of(pv))
    print_annotations_multiline(w, "Annotations", annotations_of(pv))
    w.write(LEVEL_0, f"Finalizers:\t{_finalizers(pv)}\n")
    w.write(LEVEL_0, f"StorageClass:\t{volume_class(pv)}\n")
    _status_line(w, pv, now)
    claim = spec.get("claimRef")
    w.write(LEVEL_0, f"Claim:\t{claim.get('namespace', '') + '/' + claim.get('name', '') if claim else ''}\n")
    w.write(LEVEL_0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(LEVEL_0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode") is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(LEVEL_0, f"Capacity:\t{quantity_string((spec.get('capacity') or {}).get('storage'))}\n")
    _node_affinity(w, spec.get("nodeAffinity"))
    w.write(LEVEL_0, f"Message:\t{status.get('message', '')}\n")
    w.write(LEVEL_0, "Source:\n")
    for key, printer in _PV_SOURCES:
        if spec.get(key) is not None:
            printer(w, spec[key])
            break
    else:
        w.write(LEVEL_1, "<unknown>\n")
    describe_events(w, events, now)
    return w.render()


def _node_affinity(w: PrefixWriter, affinity: Obj | None) -> None:
    """``printVolumeNodeAffinity``: each required term's expressions, operators in lower case."""
    w.write(LEVEL_0, "Node Affinity:\t")
    required = (affinity or {}).get("required")
    if required is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(LEVEL_1, "Required Terms:\t")
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        w.write(LEVEL_2, f"Term {i}:\t")
        exprs = term.get("matchExpressions") or []
        if not exprs:
            w.write_line("<none>")
            continue
        for j, req in enumerate(exprs):
            if j:
                w.write(LEVEL_2, "\t")
            text = f"{req.get('key', '')} {str(req.get('operator', '')).lower()}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(LEVEL_0, text + "\n")


def _lines(w: PrefixWriter, type_text: str, *fields: tuple[str, Any]) -> None:
    """A ``Type:`` line then ``Field:`` lines, as the volume source printers write them."""
    w.write(LEVEL_2, f"Type:\t{type_text}\n")
    for title, value in fields:
        w.write(LEVEL_2, f"{title}\t{value}\n")


def _secret_ref(ref: Obj | None) -> str:
    """``%v`` of a ``*SecretReference``."""
    if ref is None:
        return "nil"
    return f"&SecretReference{{Name:{ref.get('name', '')},Namespace:{ref.get('namespace', '')},}}"


def _b(src: Obj, key: str) -> str:
    return go_bool(src.get(key))


def _host_path(w: PrefixWriter, src: Obj) -> None:
    hp_type = src.get("type")
    _lines(w, "HostPath (bare host directory volume)", ("Path:", src.get("path", "")),
           ("HostPathType:", "<none>" if hp_type is None else hp_type))


def _gce_pd(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
           ("PDName:", src.get("pdName", "")), ("FSType:", src.get("fsType", "")),
           ("Partition:", int(src.get("partition") or 0)), ("ReadOnly:", _b(src, "readOnly")))


def _aws_ebs(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
           ("VolumeID:", src.get("volumeID", "")), ("FSType:", src.get("fsType", "")),
           ("Partition:", int(src.get("partition") or 0)), ("ReadOnly:", _b(src, "readOnly")))


def _nfs(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "NFS (an NFS mount that lasts the lifetime of a pod)", ("Server:", src.get("server", "")),
           ("Path:", src.get("path", "")), ("ReadOnly:", _b(src, "readOnly")))


def _iscsi(w: PrefixWriter, src: Obj) -> None:
    initiator = src.get("initiatorName")
    _lines(w, "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the "
              "pod)", ("TargetPortal:", src.get("targetPortal", "")), ("IQN:", src.get("iqn", "")),
           ("Lun:", int(src.get("lun") or 0)), ("ISCSIInterface", src.get("iscsiInterface", "")),
           ("FSType:", src.get("fsType", "")), ("ReadOnly:", _b(src, "readOnly")),
           ("Portals:", go_value(list(src.get("portals") or []))),
           ("DiscoveryCHAPAuth:", _b(src, "chapAuthDiscovery")), ("SessionCHAPAuth:", _b(src, "chapAuthSession")),
           ("SecretRef:", _secret_ref(src.get("secretRef"))),
           ("InitiatorName:", "<none>" if initiator is None else initiator))


def _glusterfs(w: PrefixWriter, src: Obj) -> None:
    ns = src.get("endpointsNamespace")
    _lines(w, "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
           ("EndpointsName:", src.get("endpoints", "")), ("EndpointsNamespace:", "<unset>" if ns is None else ns),
           ("Path:", src.get("path", "")), ("ReadOnly:", _b(src, "readOnly")))


def _rbd(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
           ("CephMonitors:", go_value(list(src.get("monitors") or []))), ("RBDImage:", src.get("image", "")),
           ("FSType:", src.get("fsType", "")), ("RBDPool:", src.get("pool", "")),
           ("RadosUser:", src.get("user", "")), ("Keyring:", src.get("keyring", "")),
           ("SecretRef:", _secret_ref(src.get("secretRef"))), ("ReadOnly:", _b(src, "readOnly")))


def _quobyte(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
           ("Registry:", src.get("registry", "")), ("Volume:", src.get("volume", "")),
           ("ReadOnly:", _b(src, "readOnly")))


def _vsphere(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "vSphereVolume (a Persistent Disk resource in vSphere)", ("VolumePath:", src.get("volumePath", "")),
           ("FSType:", src.get("fsType", "")), ("StoragePolicyName:", src.get("storagePolicyName", "")))


def _cinder(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "Cinder (a Persistent Disk resource in OpenStack)", ("VolumeID:", src.get("volumeID", "")),
           ("FSType:", src.get("fsType", "")), ("ReadOnly:", _b(src, "readOnly")),
           ("SecretRef:", _secret_ref(src.get("secretRef"))))


def _azure_disk(w: PrefixWriter, src: Obj) -> None:
    """The pointer fields are never nil on a served object: the apiserver defaults them."""
    _lines(w, "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
           ("DiskName:", src.get("diskName", "")), ("DiskURI:", src.get("diskURI", "")),
           ("Kind: ", src.get("kind") or "Shared"), ("FSType:", src.get("fsType") or "ext4"),
           ("CachingMode:", src.get("cachingMode") or "ReadWrite"), ("ReadOnly:", _b(src, "readOnly")))


def _photon(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "PhotonPersistentDisk (a Persistent Disk resource in photon platform)", ("PdID:", src.get("pdID", "")),
           ("FSType:", src.get("fsType", "")))


def _portworx(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "PortworxVolume (a Portworx Volume resource)", ("VolumeID:", src.get("volumeID", "")))


def _scale_io(w: PrefixWriter, src: Obj) -> None:
    ref = src.get("secretRef") or {}
    _lines(w, "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
           ("Gateway:", src.get("gateway", "")), ("System:", src.get("system", "")),
           ("Protection Domain:", src.get("protectionDomain", "")), ("Storage Pool:", src.get("storagePool", "")),
           ("Storage Mode:", src.get("storageMode", "")), ("VolumeName:", src.get("volumeName", "")),
           ("SecretName:", ref.get("name", "")), ("SecretNamespace:", ref.get("namespace", "")),
           ("FSType:", src.get("fsType", "")), ("ReadOnly:", _b(src, "readOnly")))


def _local(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "LocalVolume (a persistent volume backed by local storage on a node)", ("Path:", src.get("path", "")))


def _cephfs(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
           ("Monitors:", go_value(list(src.get("monitors") or []))), ("Path:", src.get("path", "")),
           ("User:", src.get("user", "")), ("SecretFile:", src.get("secretFile", "")),
           ("SecretRef:", _secret_ref(src.get("secretRef"))), ("ReadOnly:", _b(src, "readOnly")))


def _storage_os(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "StorageOS (a StorageOS Persistent Disk resource)", ("VolumeName:", src.get("volumeName", "")),
           ("VolumeNamespace:", src.get("volumeNamespace", "")), ("FSType:", src.get("fsType", "")),
           ("ReadOnly:", _b(src, "readOnly")))


def _fc(w: PrefixWriter, src: Obj) -> None:
    lun = src.get("lun")
    _lines(w, "FC (a Fibre Channel disk)", ("TargetWWNs:", ", ".join(src.get("targetWWNs") or [])),
           ("LUN:", "<none>" if lun is None else int(lun)), ("FSType:", src.get("fsType", "")),
           ("ReadOnly:", _b(src, "readOnly")))


def _azure_file(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
           ("SecretName:", src.get("secretName", "")), ("SecretNamespace:", src.get("secretNamespace") or ""),
           ("ShareName:", src.get("shareName", "")), ("ReadOnly:", _b(src, "readOnly")))


def _flex(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
           ("Driver:", src.get("driver", "")), ("FSType:", src.get("fsType", "")),
           ("SecretRef:", _secret_ref(src.get("secretRef"))), ("ReadOnly:", _b(src, "readOnly")),
           ("Options:", go_value(dict(src.get("options") or {}))))


def _flocker(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "Flocker (a Flocker volume mounted by the Flocker agent)", ("DatasetName:", src.get("datasetName", "")),
           ("DatasetUUID:", src.get("datasetUUID", "")))


def _csi(w: PrefixWriter, src: Obj) -> None:
    _lines(w, "CSI (a Container Storage Interface (CSI) volume source)", ("Driver:", src.get("driver", "")),
           ("FSType:", src.get("fsType", "")), ("VolumeHandle:", src.get("volumeHandle", "")),
           ("ReadOnly:", _b(src, "readOnly")))
    attrs = src.get("volumeAttributes") or {}
    w.write(LEVEL_2, "VolumeAttributes:\t")
    if not attrs:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attrs)):
        if i:
            w.write(LEVEL_2, "")
            w.write(LEVEL_2, "\t")
        line = f"{key}={attrs[key]}"
        raw = line.encode()
        if len(raw) > MAX_ANNOTATION_LEN:
            w.write(LEVEL_2, raw[:MAX_ANNOTATION_LEN].decode(errors="replace") + "...\n")
        else:
            w.write(LEVEL_2, line + "\n")


_PV_SOURCES: tuple[tuple[str, Callable[[PrefixWriter, Obj], None]], ...] = (
    ("hostPath", _host_path),
    ("gcePersistentDisk", _gce_pd),
    ("awsElasticBlockStore", _aws_ebs),
    ("nfs", _nfs),
    ("iscsi", _iscsi),
    ("glusterfs", _glusterfs),
    ("rbd", _rbd),
    ("quobyte", _quobyte),
    ("vsphereVolume", _vsphere),
    ("cinder", _cinder),
    ("azureDisk", _azure_disk),
    ("photonPersistentDisk", _photon),
    ("portworxVolume", _portworx),
    ("scaleIO", _scale_io),
    ("local", _local),
    ("cephfs", _cephfs),
    ("storageos", _storage_os),
    ("fc", _fc),
    ("azureFile", _azure_file),
    ("flexVolume", _flex),
    ("flocker", _flocker),
    ("csi", _csi),
)


# -------------------------------------------------------------------- PVC
def describe_persistent_volume_claim(store: ObjectStore, pvc: Obj, events: list[Obj], now: float) -> str:
    w = PrefixWriter()
    print_persistent_volume_claim(w, pvc, now)
    _used_by(w, pods_for_claim(store, pvc))
    conditions = (pvc.get("status") or {}).get("conditions") or []
    if conditions:
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} "
                             f"\t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} "
                             f"\t{c.get('message', '')}\n")
    describe_events(w, events, now)
    return w.render()


def print_persistent_volume_claim(w: PrefixWriter, pvc: Obj, now: float) -> None:
    """``printPersistentVolumeClaim`` for a full claim."""
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    w.write(LEVEL_0, f"Name:\t{name_of(pvc)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(pvc)}\n")
    w.write(LEVEL_0, f"StorageClass:\t{claim_class(pvc)}\n")
    _status_line(w, pvc, now)
    w.write(LEVEL_0, f"Volume:\t{spec.get('volumeName', '')}\n")
    print_labels_multiline(w, "Labels", labels_of(pvc))
    print_annotations_multiline(w, "Annotations", annotations_of(pvc))
    w.write(LEVEL_0, f"Finalizers:\t{_finalizers(pvc)}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = quantity_string((status.get("capacity") or {}).get("storage"))
    w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
    w.write(LEVEL_0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode") is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
    source = spec.get("dataSource")
    if source is not None:
        w.write(LEVEL_0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(LEVEL_1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(LEVEL_1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{source.get('name', '')}\n")


def pods_for_claim(store: ObjectStore, pvc: Obj) -> list[Obj]:
    """``getPodsForPVC``: pods with a volume from the claim (once per such volume), then the
    pods that own the claim (generic ephemeral volumes) not already listed."""
    pods = store.list("Pod", namespace_of(pvc))
    used = [pod for pod in pods for v in (pod.get("spec") or {}).get("volumes") or []
            if (v.get("persistentVolumeClaim") or {}).get("claimName") == name_of(pvc)]
    for ref in (pvc.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("kind") != "Pod":
            continue
        owner = next((p for p in pods if uid_of(p) == ref.get("uid")), None)
        if owner is not None and all(uid_of(p) != uid_of(owner) for p in used):
            used.append(owner)
    return used


def _used_by(w: PrefixWriter, pods: list[Obj]) -> None:
    """``printPodsMultiline``: pod names in name order."""
    w.write(LEVEL_0, "Used By:\t")
    if not pods:
        w.write_line("<none>")
        return
    for i, pod in enumerate(sorted(pods, key=name_of)):
        if i:
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{name_of(pod)}\n")


# ----------------------------------------------------------- storageclass
def describe_storage_class(store: ObjectStore, sc: Obj, events: list[Obj], now: float) -> str:
    annotations = annotations_of(sc)
    default = "Yes" if "true" in (annotations.get(IS_DEFAULT_CLASS_ANNOTATION),
                                  annotations.get(BETA_IS_DEFAULT_CLASS_ANNOTATION)) else "No"
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(sc)}\n")
    w.write(LEVEL_0, f"IsDefaultClass:\t{default}\n")
    w.write(LEVEL_0, f"Annotations:\t{format_labels(annotations)}\n")
    w.write(LEVEL_0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    w.write(LEVEL_0, f"AllowVolumeExpansion:\t{bool_ptr(sc.get('allowVolumeExpansion'))}\n")
    options = sc.get("mountOptions") or []
    if not options:
        w.write(LEVEL_0, "MountOptions:\t<none>\n")
    else:
        w.write(LEVEL_0, "MountOptions:\n")
        for option in options:
            w.write(LEVEL_1, f"{option}\n")
    if sc.get("reclaimPolicy") is not None:
        w.write(LEVEL_0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode") is not None:
        w.write(LEVEL_0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    if sc.get("allowedTopologies") is not None:
        _allowed_topologies(w, sc["allowedTopologies"])
    describe_events(w, events, now)
    return w.render()


def _allowed_topologies(w: PrefixWriter, terms: list[Obj]) -> None:
    """``printAllowedTopologies``: ``Term N:`` lines of ``key in [values]``."""
    w.write(LEVEL_0, "AllowedTopologies:\t")
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        w.write(LEVEL_1, f"Term {i}:\t")
        reqs = term.get("matchLabelExpressions") or []
        if not reqs:
            w.write_line("<none>")
            continue
        for j, req in enumerate(reqs):
            if j:
                w.write(LEVEL_1, "\t")
            text = f"{req.get('key', '')} in"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(LEVEL_0, text + "\n")
