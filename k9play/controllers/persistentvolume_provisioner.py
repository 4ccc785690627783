"""Simulated external provisioners: kind's ``rancher.io/local-path`` and a generic one.

Every external provisioner embeds ``sig-storage-lib-external-provisioner``; this is its
behaviour: it takes the claims the PV controller annotated with its name
(``volume.kubernetes.io/storage-provisioner``) — for a ``WaitForFirstConsumer`` class only
once the scheduler has set ``volume.kubernetes.io/selected-node`` — announces
``Provisioning``, creates PV ``pvc-<claim uid>`` pre-bound to the claim (the PV controller
then completes the binding), and reports ``ProvisioningSucceeded`` or ``ProvisioningFailed``
(retried with exponential back-off). A released volume with the Delete policy that it
provisioned, it deletes.

* ``rancher.io/local-path`` (rancher/local-path-provisioner, as kind ships it): a hostPath
  directory ``/var/local-path-provisioner/pvc-<uid>_<namespace>_<claim>`` on the selected
  node, with node affinity to that node; ReadWriteOnce/ReadWriteOncePod and Filesystem only.
  Creating and deleting the directory takes a helper pod a couple of seconds.
* ``k8s.io/minikube-hostpath``: a hostPath under ``/tmp/hostpath-provisioner``.
* any other name (but ``kubernetes.io/…`` in-tree names, which no external provisioner
  serves, and ``kubernetes.io/no-provisioner``): a CSI volume of a driver of that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING, EventRecorder
from k9play.api.meta import (
    NAME_ALPHABET,
    Obj,
    annotations_of,
    is_deleting,
    labels_of,
    name_of,
    namespace_of,
    new_uid,
    split_key,
    uid_of,
)
from k9play.controllers.persistentvolume_util import (
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    PV_PROTECTION,
    claim_class,
    claim_ref,
)

if TYPE_CHECKING:
    from k9play.controllers.persistentvolume import PersistentVolumeController

ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
LOCAL_PATH = "rancher.io/local-path"
MINIKUBE_HOSTPATH = "k8s.io/minikube-hostpath"
LOCAL_PATH_DIR = "/var/local-path-provisioner"

#: seconds to create / delete a volume (local-path runs a helper pod for each)
PROVISION_TIME = {LOCAL_PATH: 2.0}
DELETE_TIME = {LOCAL_PATH: 2.0}
DEFAULT_TIME = 1.0
#: the library's failure back-off: 15 s doubling to 1000 s
RETRY_BASE = 15.0
RETRY_MAX = 1000.0

#: in-tree provisioners migrated to CSI drivers (``csi-translation-lib``)
MIGRATED_IN_TREE = {
    "kubernetes.io/aws-ebs": "ebs.csi.aws.com",
    "kubernetes.io/gce-pd": "pd.csi.storage.gke.io",
    "kubernetes.io/azure-disk": "disk.csi.azure.com",
    "kubernetes.io/azure-file": "file.csi.azure.com",
    "kubernetes.io/cinder": "cinder.csi.openstack.org",
    "kubernetes.io/vsphere-volume": "csi.vsphere.vmware.com",
    "kubernetes.io/portworx-volume": "pxd.portworx.com",
}


def translate_in_tree_provisioner(name: str) -> str:
    return MIGRATED_IN_TREE.get(name, name)


def is_simulated_provisioner(name: str) -> bool:
    """An external provisioner of this name runs in the simulated cluster."""
    return bool(name) and not name.startswith("kubernetes.io/")


def claim_provisioner(pvc: Obj) -> str:
    ann = annotations_of(pvc)
    return ann.get(ANN_STORAGE_PROVISIONER) or ann.get(ANN_BETA_STORAGE_PROVISIONER) or ""


class Provisioners:
    """The external provisioners of the simulated cluster, driven by the PV controller's queue."""

    def __init__(self, ctrl: PersistentVolumeController) -> None:
        self.ctrl = ctrl
        self.store = ctrl.store
        self.clock = ctrl.clock
        self._recorders: dict[str, EventRecorder] = {}
        self._in_flight: set[str] = set()  # "claim/<ns>/<name>" and "pv/<name>" being worked on
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}

    def recorder(self, provisioner: str) -> EventRecorder:
        """Events come from ``<provisioner>_<pod>_<uuid>``, the library's identity."""
        rec = self._recorders.get(provisioner)
        if rec is None:
            rng = self.ctrl.rng
            if provisioner == LOCAL_PATH:
                suffix = "".join(rng.choice(NAME_ALPHABET) for _ in range(5))
                host = f"local-path-provisioner-7dc846544d-{suffix}"
            elif provisioner == MINIKUBE_HOSTPATH:
                host = "minikube"
            else:
                host = "csi-provisioner-0"
            rec = self._recorders[provisioner] = EventRecorder(self.store, f"{provisioner}_{host}_{new_uid(rng)}")
        return rec

    # ------------------------------------------------------------------ claims
    def wants(self, pvc: Obj) -> bool:
        """Cheap check from the watch: an unbound claim handed to a simulated provisioner."""
        return (not (pvc.get("spec") or {}).get("volumeName") and not is_deleting(pvc)
                and is_simulated_provisioner(claim_provisioner(pvc)))

    def provision(self, key: str, *, finish: bool) -> float | None:
        """``provisionClaimOperation``: start (announce, validate), then after a while finish."""
        ns, name = split_key(key)
        flight = f"claim/{key}"
        if finish:
            self._in_flight.discard(flight)
        pvc = self.store.try_get("PersistentVolumeClaim", name, ns)
        if pvc is None or not self.wants(pvc) or (flight in self._in_flight and not finish):
            return None
        uid = uid_of(pvc)
        provisioner = claim_provisioner(pvc)
        sc = self.store.try_get("StorageClass", claim_class(pvc))
        if sc is None or translate_in_tree_provisioner(sc.get("provisioner") or "") != provisioner:
            return None
        selected = annotations_of(pvc).get(ANN_SELECTED_NODE, "")
        if sc.get("volumeBindingMode") == "WaitForFirstConsumer" and not selected:
            return None  # not scheduled yet
        pv_name = f"pvc-{uid}"
        if self.store.try_get("PersistentVolume", pv_name) is not None:
            return None  # provisioned already; the PV controller binds it
        rec = self.recorder(provisioner)
        if not finish:
            now = self.clock.now()
            if now < self._retry_at.get(uid, 0.0):
                return self._retry_at[uid] - now
            rec.record(pvc, NORMAL, "Provisioning",
                       f'External provisioner is provisioning volume for claim "{ns}/{name}"')
            problem = self._check(provisioner, pvc, sc, selected)
            if problem:
                rec.record(pvc, WARNING, "ProvisioningFailed", problem)
                n = self._failures.get(uid, 0)
                self._failures[uid] = n + 1
                delay = min(RETRY_MAX, RETRY_BASE * 2**n)
                self._retry_at[uid] = now + delay
                return delay
            self._in_flight.add(flight)
            self.ctrl.queue.add_after(f"provisioned:{key}", PROVISION_TIME.get(provisioner, DEFAULT_TIME))
            return None
        try:
            self.store.create(self._volume(provisioner, pvc, sc, selected))
        except errors.ApiError as e:
            if e.reason != "AlreadyExists":
                raise
        self._failures.pop(uid, None)
        self._retry_at.pop(uid, None)
        rec.record(pvc, NORMAL, "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}")
        return None

    def _check(self, provisioner: str, pvc: Obj, sc: Obj, selected: str) -> str:
        spec = pvc.get("spec") or {}
        if selected and self.store.try_get("Node", selected) is None:
            return f'failed to get target node: nodes "{selected}" not found'
        if provisioner != LOCAL_PATH:
            return ""
        if spec.get("volumeMode") == "Block":
            return f"{provisioner} does not support block volume provisioning"
        prefix = f'failed to provision volume with StorageClass "{name_of(sc)}": '
        if spec.get("selector") is not None:
            return prefix + "claim.Spec.Selector is not supported"
        if any(m not in ("ReadWriteOnce", "ReadWriteOncePod") for m in spec.get("accessModes") or []):
            return prefix + "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes"
        if not selected:
            return prefix + "configuration error, no node was specified"
        return ""

    def _volume(self, provisioner: str, pvc: Obj, sc: Obj, selected: str) -> Obj:
        spec = pvc.get("spec") or {}
        ns, name, pv_name = namespace_of(pvc), name_of(pvc), f"pvc-{uid_of(pvc)}"
        annotations: dict[str, str] = {}
        pv_spec: Obj = {
            "accessModes": list(spec.get("accessModes") or []),
            "capacity": {"storage": ((spec.get("resources") or {}).get("requests") or {}).get("storage", "0")},
            "claimRef": claim_ref(pvc),
        }
        if provisioner == LOCAL_PATH:
            node = self.store.try_get("Node", selected) or {}
            hostname = labels_of(node).get("kubernetes.io/hostname", selected)
            annotations["local.path.provisioner/selected-node"] = selected
            pv_spec["hostPath"] = {"path": f"{LOCAL_PATH_DIR}/{pv_name}_{ns}_{name}", "type": "DirectoryOrCreate"}
            pv_spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [hostname]}]}]}}
        elif provisioner == MINIKUBE_HOSTPATH:
            annotations["hostPathProvisionerIdentity"] = "minikube"
            pv_spec["hostPath"] = {"path": f"/tmp/hostpath-provisioner/{ns}/{name}", "type": ""}
        else:
            annotations["volume.kubernetes.io/provisioner-deletion-secret-name"] = ""
            annotations["volume.kubernetes.io/provisioner-deletion-secret-namespace"] = ""
            pv_spec["csi"] = {"driver": provisioner, "volumeHandle": new_uid(self.ctrl.rng)}
        annotations[ANN_DYNAMICALLY_PROVISIONED] = provisioner
        if sc.get("mountOptions"):
            pv_spec["mountOptions"] = list(sc["mountOptions"])
        pv_spec["persistentVolumeReclaimPolicy"] = sc.get("reclaimPolicy") or "Delete"
        pv_spec["storageClassName"] = claim_class(pvc)
        pv_spec["volumeMode"] = spec.get("volumeMode") or "Filesystem"
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": pv_name, "annotations": annotations, "finalizers": [PV_PROTECTION]},
            "spec": pv_spec,
        }

    def forget(self, claim_uid: str) -> None:
        """The claim is gone: drop its failure back-off."""
        self._failures.pop(claim_uid, None)
        self._retry_at.pop(claim_uid, None)

    # ----------------------------------------------------------------- volumes
    def wants_delete(self, pv: Obj) -> bool:
        """``shouldDelete``: a Released volume with the Delete policy that a simulated provisioner made."""
        spec = pv.get("spec") or {}
        return ((pv.get("status") or {}).get("phase") == "Released"
                and spec.get("persistentVolumeReclaimPolicy") == "Delete" and not is_deleting(pv)
                and is_simulated_provisioner(annotations_of(pv).get(ANN_DYNAMICALLY_PROVISIONED, "")))

    def delete(self, name: str, *, finish: bool) -> None:
        flight = f"pv/{name}"
        if finish:
            self._in_flight.discard(flight)
        pv = self.store.try_get("PersistentVolume", name)
        if pv is None or not self.wants_delete(pv) or (flight in self._in_flight and not finish):
            return
        provisioner = annotations_of(pv)[ANN_DYNAMICALLY_PROVISIONED]
        if not finish:
            self._in_flight.add(flight)
            self.ctrl.queue.add_after(f"deprovisioned:{name}", DELETE_TIME.get(provisioner, DEFAULT_TIME))
            return
        try:
            self.store.delete("PersistentVolume", name)
        except errors.ApiError as e:
            if e.reason != "NotFound":
                raise
