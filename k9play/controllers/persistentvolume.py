"""PersistentVolumeController: claims meet volumes — binding, provisioning, reclaim, protection.

Port of kube-controller-manager's ``persistentvolume-binder`` (``pkg/controller/volume/
persistentvolume/pv_controller.go``, v1.34): ``syncClaim`` (unbound: pre-bound, smallest
matching PV, the retroactive default class, ``WaitForFirstConsumer``, provisioning; bound:
``Lost`` and misbound claims) and ``syncVolume`` (``Available``, ``Bound``, ``Released`` and the
reclaim policy: Retain keeps the claimRef, Delete deletes, Recycle scrubs and frees). Unbound
claims are re-synced every 15 s (``--pvclaimbinder-sync-period``), which repeats their
``WaitForFirstConsumer``/``ExternalProvisioning`` events as on a real cluster.

Also here, because k9play runs them nowhere else:

* **admission** (``DefaultStorageClass`` and ``StorageObjectInUseProtection``): k9play's
  admission does not run them, so a claim's first sync gives it the default class when it
  names none and the ``kubernetes.io/pvc-protection`` finalizer; a volume's first sync gives
  it ``kubernetes.io/pv-protection``;
* the **pvc-protection** and **pv-protection** controllers: a deleted claim stays (Terminating)
  while a scheduled pod uses it; a deleted volume stays while it is Bound;
* the **external provisioners** (``persistentvolume_provisioner``): kind's
  ``rancher.io/local-path`` and a generic one for any other provisioner name but
  ``kubernetes.io/no-provisioner``;
* the cluster's default **StorageClass**: kind's ``standard`` is created on start when the
  cluster has none.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    annotations_of,
    copy_obj,
    format_time,
    is_deleting,
    name_of,
    namespace_of,
    split_key,
    uid_of,
)
from k9play.api.pods import is_terminal
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller
from k9play.controllers.persistentvolume_provisioner import (
    ANN_BETA_STORAGE_PROVISIONER,
    ANN_STORAGE_PROVISIONER,
    Provisioners,
    translate_in_tree_provisioner,
)
from k9play.controllers.persistentvolume_util import (
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    PV_PROTECTION,
    PVC_PROTECTION,
    bind_volume_to_claim,
    check_volume_satisfy_claim,
    claim_class,
    default_class,
    find_best_match_for_claim,
    has_class,
    is_volume_bound_to_claim,
    pod_claim_names,
    volume_mode_mismatch,
)

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

#: ``--pvclaimbinder-sync-period``
RESYNC_PERIOD = 15.0
#: a Recycle scrub (the recycler pod's ``rm -rf``) takes this long
RECYCLE_TIME = 5.0

#: kind's default class (``kind/pkg/cluster/internal/create/actions/installstorage``)
DEFAULT_STORAGE_CLASS: Obj = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
    "provisioner": "rancher.io/local-path",
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "WaitForFirstConsumer",
}

_RECYCLABLE_SOURCES = ("hostPath", "nfs")


class PersistentVolumeController(Controller):
    name = "persistentvolume"
    component = "persistentvolume-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        # a private random stream for the objects made on start (the default class, the
        # provisioners' identities), so they do not shift the names the cluster draws later
        self.rng = random.Random(repr(self.clock.rng.getstate()[1][:8]))
        self.provisioners = Provisioners(self)
        #: "ns/claim" -> {pod uid: pod}: the pods that reference a claim (the PodPVCIndex)
        self._claim_pods: dict[str, dict[str, Obj]] = {}
        #: uids of claims and volumes whose first sync (the admission stand-in) is done
        self._admitted: set[str] = set()

    # ------------------------------------------------------------------ wiring
    def start(self) -> None:
        self.watch("PersistentVolumeClaim", self._claim_keys)
        self.watch("PersistentVolume", self._volume_keys)
        self.watch("Pod", self._pod_keys)
        self._bootstrap_default_class()
        for pod in self.store.list("Pod"):
            for key in self._pod_keys(WatchEvent("ADDED", pod, None, 0)):
                self.queue.add(key)
        for pvc in self.store.list("PersistentVolumeClaim"):
            self.queue.add(f"pvc:{namespace_of(pvc)}/{name_of(pvc)}")
        for pv in self.store.list("PersistentVolume"):
            self.queue.add(f"pv:{name_of(pv)}")

    def _bootstrap_default_class(self) -> None:
        """kind installs StorageClass ``standard`` (rancher.io/local-path) as the default."""
        if self.store.list("StorageClass"):
            return
        shared, self.clock.rng = self.clock.rng, self.rng
        try:
            self.store.create(DEFAULT_STORAGE_CLASS)
        finally:
            self.clock.rng = shared

    def _claim_keys(self, ev: WatchEvent) -> Iterable[str]:
        pvc = ev.object
        ns, name = namespace_of(pvc), name_of(pvc)
        keys = [f"pvc:{ns}/{name}"]
        if ev.type == "DELETED":
            self._admitted.discard(uid_of(pvc))
            self.provisioners.forget(uid_of(pvc))
            volume = (pvc.get("spec") or {}).get("volumeName")
            if volume:
                keys.append(f"pv:{volume}")
            for pv in self.store.list("PersistentVolume"):
                ref = (pv.get("spec") or {}).get("claimRef") or {}
                if ref.get("name") == name and ref.get("namespace") == ns and name_of(pv) != volume:
                    keys.append(f"pv:{name_of(pv)}")
        elif self.provisioners.wants(pvc):
            keys.append(f"provision:{ns}/{name}")
        return keys

    def _volume_keys(self, ev: WatchEvent) -> Iterable[str]:
        pv = ev.object
        keys = [f"pv:{name_of(pv)}"]
        if ev.type == "DELETED":
            self._admitted.discard(uid_of(pv))
        ref = (pv.get("spec") or {}).get("claimRef")
        if ref and ref.get("name"):
            keys.append(f"pvc:{ref.get('namespace', '')}/{ref['name']}")
        if ev.type != "DELETED" and self.provisioners.wants_delete(pv):
            keys.append(f"deprovision:{name_of(pv)}")
        return keys

    def _pod_keys(self, ev: WatchEvent) -> Iterable[str]:
        """Keep the claim -> pods index; a deleting claim is re-checked when its pods change."""
        pod = ev.object
        uid = uid_of(pod)
        ns = namespace_of(pod)
        keys = []
        for claim_name in pod_claim_names(pod):
            claim_key = f"{ns}/{claim_name}"
            pods = self._claim_pods.setdefault(claim_key, {})
            if ev.type == "DELETED":
                pods.pop(uid, None)
                if not pods:
                    del self._claim_pods[claim_key]
            else:
                pods[uid] = pod
            pvc = self.store.try_get("PersistentVolumeClaim", claim_name, ns)
            if pvc is not None and is_deleting(pvc):
                keys.append(f"pvc:{claim_key}")
        return keys

    # --------------------------------------------------------------- dispatch
    def reconcile(self, key: str) -> float | None:
        kind, _, rest = key.partition(":")
        if kind == "pvc":
            ns, name = split_key(rest)
            pvc = self.store.try_get("PersistentVolumeClaim", name, ns)
            return self._sync_claim(pvc) if pvc is not None else None
        if kind == "pv":
            pv = self.store.try_get("PersistentVolume", rest)
            return self._sync_volume(pv) if pv is not None else None
        if kind in ("provision", "provisioned"):
            return self.provisioners.provision(rest, finish=kind == "provisioned")
        if kind in ("deprovision", "deprovisioned"):
            self.provisioners.delete(rest, finish=kind == "deprovisioned")
            return None
        if kind == "recycle":
            return self._recycle_volume(rest)
        return None

    # ----------------------------------------------------------------- claims
    def _sync_claim(self, claim: Obj) -> float | None:
        if not is_deleting(claim) and uid_of(claim) not in self._admitted:
            self._admitted.add(uid_of(claim))
            if self._admit_claim(claim):
                return None  # the update brings the claim back
        if is_deleting(claim) and PVC_PROTECTION in (claim["metadata"].get("finalizers") or []):
            if not self._claim_in_use(claim):
                new = copy_obj(claim)
                new["metadata"]["finalizers"] = [f for f in new["metadata"]["finalizers"] if f != PVC_PROTECTION]
                self.store.update(new)
                return None
        if ANN_BIND_COMPLETED not in annotations_of(claim):
            return self._sync_unbound_claim(claim)
        self._sync_bound_claim(claim)
        return None

    def _admit_claim(self, claim: Obj) -> bool:
        """DefaultStorageClass + StorageObjectInUseProtection admission, on the first sync."""
        new = copy_obj(claim)
        changed = False
        finalizers = new["metadata"].setdefault("finalizers", [])
        if PVC_PROTECTION not in finalizers:
            finalizers.append(PVC_PROTECTION)
            changed = True
        if not has_class(claim):
            sc = default_class(self.store)
            if sc is not None:
                new.setdefault("spec", {})["storageClassName"] = name_of(sc)
                changed = True
        if changed:
            self.store.update(new)
        return changed

    def _claim_in_use(self, claim: Obj) -> bool:
        """pvc-protection's ``podUsesPVC``: a scheduled pod (any phase) references the claim."""
        pods = self._claim_pods.get(f"{namespace_of(claim)}/{name_of(claim)}", {})
        return any(p.get("spec", {}).get("nodeName") for p in pods.values())

    def _sync_unbound_claim(self, claim: Obj) -> float | None:
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            delay = self._delay_binding(claim)
            volume = find_best_match_for_claim(claim, self.store.list("PersistentVolume"), delay)
            if volume is not None:
                self._bind(volume, claim)
                return None
            if self._assign_default_class(claim):
                return None
            if delay and ANN_SELECTED_NODE not in annotations_of(claim):
                self._emit_wait_for_first_consumer(claim)
            elif claim_class(claim):
                self._provision_claim(claim)
                return RESYNC_PERIOD
            else:
                self.event(claim, NORMAL, "FailedBinding",
                           "no persistent volumes available for this claim and no storage class is set")
            self._update_claim_status(claim, "Pending", None)
            return RESYNC_PERIOD
        volume = self.store.try_get("PersistentVolume", volume_name)
        if volume is None:  # the user asked for a PV that does not exist (yet)
            self._update_claim_status(claim, "Pending", None)
            return RESYNC_PERIOD
        if not (volume.get("spec") or {}).get("claimRef"):
            problem = check_volume_satisfy_claim(volume, claim)
            if problem:
                self.event(claim, WARNING, "VolumeMismatch", f'Cannot bind to requested volume "{volume_name}": '
                                                             f"{problem}")
                self._update_claim_status(claim, "Pending", None)
                return RESYNC_PERIOD
            self._bind(volume, claim)
            return None
        if is_volume_bound_to_claim(volume, claim):
            self._bind(volume, claim)
            return None
        self.event(claim, WARNING, "FailedBinding", f'volume "{volume_name}" already bound to a different claim.')
        if ANN_BOUND_BY_CONTROLLER not in annotations_of(claim):
            self._update_claim_status(claim, "Pending", None)
        return RESYNC_PERIOD

    def _sync_bound_claim(self, claim: Obj) -> None:
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            self._claim_lost(claim, "ClaimLost",
                             "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        volume = self.store.try_get("PersistentVolume", volume_name)
        if volume is None:
            self._claim_lost(claim, "ClaimLost",
                             "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref or ref.get("uid") == uid_of(claim):
            self._bind(volume, claim)
        else:
            self._claim_lost(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound "
                                                     "incorrectly")

    def _claim_lost(self, claim: Obj, reason: str, message: str) -> None:
        """``updateClaimStatusWithEvent``: the event only when the phase changes."""
        if (claim.get("status") or {}).get("phase") != "Lost":
            new = self._update_claim_status(claim, "Lost", None)
            self.event(new, WARNING, reason, message)

    def _delay_binding(self, claim: Obj) -> bool:
        cls = claim_class(claim)
        sc = self.store.try_get("StorageClass", cls) if cls else None
        return sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"

    def _assign_default_class(self, claim: Obj) -> bool:
        """Retroactive default StorageClass assignment (GA in 1.28) for claims that name none."""
        if has_class(claim):
            return False
        sc = default_class(self.store)
        if sc is None:
            return False
        new = copy_obj(claim)
        new.setdefault("spec", {})["storageClassName"] = name_of(sc)
        self.store.update(new)
        return True

    def _emit_wait_for_first_consumer(self, claim: Obj) -> None:
        pods = self._claim_pods.get(f"{namespace_of(claim)}/{name_of(claim)}", {}).values()
        waiting = sorted(name_of(p) for p in pods if not p.get("spec", {}).get("nodeName") and not is_terminal(p))
        if not waiting:
            self.event(claim, NORMAL, "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
        elif len(waiting) == 1:
            self.event(claim, NORMAL, "WaitForPodScheduled", f"waiting for pod {waiting[0]} to be scheduled")
        else:
            self.event(claim, NORMAL, "WaitForPodScheduled", f"waiting for pods {','.join(waiting)} to be scheduled")

    def _provision_claim(self, claim: Obj) -> None:
        """``provisionClaim``: hand the claim to its external provisioner (there are no in-tree ones)."""
        cls = claim_class(claim)
        sc = self.store.try_get("StorageClass", cls)
        if sc is None:
            self.event(claim, WARNING, "ProvisioningFailed", f'storageclass.storage.k8s.io "{cls}" not found')
            return
        provisioner = translate_in_tree_provisioner(sc.get("provisioner") or "")
        if provisioner.startswith("kubernetes.io/"):
            self.event(claim, WARNING, "ProvisioningFailed", f"no volume plugin matched name: {provisioner}")
            return
        ann = annotations_of(claim)
        if ann.get(ANN_STORAGE_PROVISIONER) != provisioner or ann.get(ANN_BETA_STORAGE_PROVISIONER) != provisioner:
            new = copy_obj(claim)
            anns = new["metadata"].setdefault("annotations", {})
            anns[ANN_BETA_STORAGE_PROVISIONER] = provisioner
            anns[ANN_STORAGE_PROVISIONER] = provisioner
            claim = self.store.update(new)
        self.event(claim, NORMAL, "ExternalProvisioning",
                   f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or "
                   "manually by the system administrator. If volume creation is delayed, please verify that the "
                   "provisioner is running and correctly registered.")

    # ---------------------------------------------------------------- binding
    def _bind(self, volume: Obj, claim: Obj) -> None:
        """``bind``: volume spec, volume phase, claim spec, claim status — in that order."""
        new_volume, dirty = bind_volume_to_claim(volume, claim)
        if dirty:
            volume = self.store.update(new_volume)
        volume = self._update_volume_phase(volume, "Bound")
        new_claim = copy_obj(claim)
        anns = new_claim["metadata"].setdefault("annotations", {})
        dirty = False
        if (claim.get("spec") or {}).get("volumeName") != name_of(volume):
            new_claim.setdefault("spec", {})["volumeName"] = name_of(volume)
            anns.setdefault(ANN_BOUND_BY_CONTROLLER, "yes")
            dirty = True
        if ANN_BIND_COMPLETED not in anns:
            anns[ANN_BIND_COMPLETED] = "yes"
            dirty = True
        if dirty:
            claim = self.store.update(new_claim)
        self._update_claim_status(claim, "Bound", volume)

    def _update_claim_status(self, claim: Obj, phase: str, volume: Obj | None) -> Obj:
        """``updateClaimStatus``: phase, plus access modes and capacity from the volume."""
        status = dict(claim.get("status") or {})
        old_phase = status.get("phase")
        if volume is None:
            status.pop("accessModes", None)
            status.pop("capacity", None)
        else:
            spec = volume.get("spec") or {}
            status["accessModes"] = list(spec.get("accessModes") or [])
            if old_phase != phase:
                status["capacity"] = dict(spec.get("capacity") or {})
        status["phase"] = phase
        ordered = {k: status[k] for k in ("accessModes", "capacity", "phase") if k in status}
        ordered.update({k: v for k, v in status.items() if k not in ordered})
        if ordered == (claim.get("status") or {}):
            return claim
        return self.store.update_status({**claim, "status": ordered})

    def _update_volume_phase(self, volume: Obj, phase: str, message: str = "") -> Obj:
        """``updateVolumePhase``; the apiserver stamps ``lastPhaseTransitionTime`` on a change."""
        status = volume.get("status") or {}
        if status.get("phase") == phase:
            return volume
        new_status = {k: v for k, v in status.items() if k not in ("phase", "message", "lastPhaseTransitionTime")}
        new_status["phase"] = phase
        if message:
            new_status["message"] = message
        new_status["lastPhaseTransitionTime"] = format_time(self.clock.now())
        return self.store.update_status({**volume, "status": new_status})

    def _update_volume_phase_with_event(self, volume: Obj, phase: str, type_: str, reason: str, message: str) -> Obj:
        if (volume.get("status") or {}).get("phase") == phase:
            return volume
        volume = self._update_volume_phase(volume, phase, message)
        self.event(volume, type_, reason, message)
        return volume

    def _unbind_volume(self, volume: Obj) -> None:
        """``unbindVolume``: drop a controller-made binding, or only its uid if the user pre-bound it."""
        new = copy_obj(volume)
        anns = new["metadata"].get("annotations") or {}
        if ANN_BOUND_BY_CONTROLLER in anns:
            new["spec"].pop("claimRef", None)
            del anns[ANN_BOUND_BY_CONTROLLER]
            if not anns:
                new["metadata"].pop("annotations", None)
        else:
            new["spec"]["claimRef"] = {k: v for k, v in new["spec"]["claimRef"].items() if k != "uid"}
        self._update_volume_phase(self.store.update(new), "Available")

    # ---------------------------------------------------------------- volumes
    def _sync_volume(self, volume: Obj) -> float | None:
        meta = volume["metadata"]
        if not is_deleting(volume) and uid_of(volume) not in self._admitted:
            self._admitted.add(uid_of(volume))
            if PV_PROTECTION not in (meta.get("finalizers") or []):  # StorageObjectInUseProtection admission
                new = copy_obj(volume)
                new["metadata"].setdefault("finalizers", []).append(PV_PROTECTION)
                self.store.update(new)
                return None
        phase = (volume.get("status") or {}).get("phase")
        if is_deleting(volume) and PV_PROTECTION in (meta.get("finalizers") or []) and phase != "Bound":
            new = copy_obj(volume)  # pv-protection: a volume that is not Bound may go
            new["metadata"]["finalizers"] = [f for f in new["metadata"]["finalizers"] if f != PV_PROTECTION]
            self.store.update(new)
            return None
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref or not ref.get("uid"):  # unused, or pre-bound to a claim that has not come yet
            self._update_volume_phase(volume, "Available")
            return None
        claim = self.store.try_get("PersistentVolumeClaim", ref.get("name", ""), ref.get("namespace"))
        if claim is not None and uid_of(claim) != ref.get("uid"):
            claim = None  # deleted, and another claim of the same name created since
        if claim is None:
            if phase not in ("Released", "Failed"):
                volume = self._update_volume_phase(volume, "Released")
            self._reclaim_volume(volume)
            return None
        claim_volume = (claim.get("spec") or {}).get("volumeName")
        if not claim_volume:
            if volume_mode_mismatch(claim, volume):
                self.event(volume, WARNING, "VolumeMismatch", "Cannot bind PersistentVolume to requested "
                           f'PersistentVolumeClaim "{name_of(claim)}" due to incompatible volumeMode.')
                self.event(claim, WARNING, "VolumeMismatch", f'Cannot bind PersistentVolume "{name_of(volume)}" '
                           "to requested PersistentVolumeClaim due to incompatible volumeMode.")
                return None
            self.queue.add(f"pvc:{namespace_of(claim)}/{name_of(claim)}")  # syncClaim finishes the binding
            return None
        if claim_volume == name_of(volume):
            self._update_volume_phase(volume, "Bound")
            return None
        # the claim is bound to another volume
        anns = annotations_of(volume)
        if ANN_DYNAMICALLY_PROVISIONED in anns and (volume.get("spec") or {}).get(
                "persistentVolumeReclaimPolicy") == "Delete":
            if phase not in ("Released", "Failed"):
                volume = self._update_volume_phase(volume, "Released")
            self._reclaim_volume(volume)
        else:
            self._unbind_volume(volume)
        return None

    def _reclaim_volume(self, volume: Obj) -> None:
        """``reclaimVolume``: carry out the reclaim policy of a released volume."""
        policy = (volume.get("spec") or {}).get("persistentVolumeReclaimPolicy") or "Retain"
        if policy == "Retain":
            return
        if policy == "Recycle":
            self.queue.add_after(f"recycle:{name_of(volume)}", RECYCLE_TIME)
            return
        if policy == "Delete":
            self._delete_volume(volume)
            return
        self._update_volume_phase_with_event(volume, "Failed", WARNING, "VolumeUnknownReclaimPolicy",
                                             "Volume has unrecognized PersistentVolumeReclaimPolicy")

    def _delete_volume(self, volume: Obj) -> None:
        """``deleteVolumeOperation`` with kube-controller-manager's plugins (hostPath and nfs only)."""
        if not self._is_volume_released(volume) or is_deleting(volume):
            return
        spec = volume.get("spec") or {}
        provisioned_by = annotations_of(volume).get(ANN_DYNAMICALLY_PROVISIONED, "")
        if (provisioned_by and not provisioned_by.startswith("kubernetes.io/")) or "csi" in spec:
            return  # an external deleter is requested: the provisioner deletes it
        error = ""
        if provisioned_by:
            error = f"no volume plugin matched name: {provisioned_by}"
        elif "hostPath" in spec:
            path = (spec["hostPath"] or {}).get("path", "")
            if not (path.startswith("/tmp/") and len(path) > len("/tmp/")):
                error = (f'failed to create deleter for volume "{name_of(volume)}": host_path deleter only '
                         f"supports /tmp/.+ but received provided {path}")
        elif "nfs" in spec:
            error = f'error getting deleter volume plugin for volume "{name_of(volume)}": no deletable volume ' \
                    "plugin matched"
        else:
            error = f'error getting deleter volume plugin for volume "{name_of(volume)}": no volume plugin matched'
        if error:
            self._update_volume_phase_with_event(volume, "Failed", WARNING, "VolumeFailedDelete", error)
            return
        try:
            self.store.delete("PersistentVolume", name_of(volume))
        except errors.ApiError:
            pass

    def _is_volume_released(self, volume: Obj) -> bool:
        """``isVolumeReleased``: its claim is gone, or bound to another volume."""
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref or not ref.get("uid"):
            return False
        claim = self.store.try_get("PersistentVolumeClaim", ref.get("name", ""), ref.get("namespace"))
        if claim is not None and uid_of(claim) == ref.get("uid"):
            bound_to = (claim.get("spec") or {}).get("volumeName")
            return bool(bound_to) and bound_to != name_of(volume)
        return True

    def _recycle_volume(self, name: str) -> None:
        """``recycleVolumeOperation``: the recycler pod scrubs hostPath and nfs volumes."""
        volume = self.store.try_get("PersistentVolume", name)
        if volume is None or not self._is_volume_released(volume):
            return None
        ref = volume["spec"]["claimRef"]
        users = sorted(f"{namespace_of(p)}/{name_of(p)}"
                       for p in self._claim_pods.get(f"{ref.get('namespace', '')}/{ref.get('name', '')}", {}).values()
                       if not is_terminal(p))
        if users and self.store.try_get("PersistentVolumeClaim", ref.get("name", ""), ref.get("namespace")) is None:
            self.event(volume, NORMAL, "VolumeFailedRecycle", f"Volume is used by pods: {','.join(users)}")
            return None
        if not any(src in volume["spec"] for src in _RECYCLABLE_SOURCES):
            self._update_volume_phase_with_event(volume, "Failed", WARNING, "VolumeFailedRecycle",
                                                 "No recycler plugin found for the volume!")
            return None
        self.event(volume, NORMAL, "VolumeRecycled", "Volume recycled")
        self._unbind_volume(volume)
        return None
