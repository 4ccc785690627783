"""Storage helpers of the PV controller: annotations, classes, matching a claim to a volume.

Ports of ``k8s.io/component-helpers/storage/volume`` (``FindMatchingVolume``,
``GetBindVolumeToClaim``, ``IsVolumeBoundToClaim``, ``CheckAccessModes`` …), the PV
controller's access-mode index (``findBestMatchForClaim``) and ``util.GetDefaultClass``.
The scheduler keeps its own copy of the matching rules (``k9play/scheduler/volumes.py``):
the layering contract keeps controllers and the scheduler from importing each other.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from k9play.api.meta import Obj, annotations_of, copy_obj, labels_of, name_of, namespace_of, parse_time, uid_of
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.api.selectors import SelectorError, selector_from_spec

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
ANN_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"


def claim_class(pvc: Obj) -> str:
    """``GetPersistentVolumeClaimClass``: the beta annotation wins over ``spec.storageClassName``."""
    ann = annotations_of(pvc)
    if ANN_BETA_STORAGE_CLASS in ann:
        return ann[ANN_BETA_STORAGE_CLASS]
    return (pvc.get("spec") or {}).get("storageClassName") or ""


def has_class(pvc: Obj) -> bool:
    """``PersistentVolumeClaimHasClass``: a class is named, even ``""`` (which means none)."""
    return ANN_BETA_STORAGE_CLASS in annotations_of(pvc) or (pvc.get("spec") or {}).get("storageClassName") is not None


def volume_class(pv: Obj) -> str:
    ann = annotations_of(pv)
    if ANN_BETA_STORAGE_CLASS in ann:
        return ann[ANN_BETA_STORAGE_CLASS]
    return (pv.get("spec") or {}).get("storageClassName") or ""


def _quantity(value: Any) -> Fraction:
    try:
        return parse_quantity(value) if value is not None else Fraction(0)
    except (QuantityError, TypeError):
        return Fraction(0)


def requested_storage(pvc: Obj) -> Fraction:
    return _quantity((((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage"))


def volume_capacity(pv: Obj) -> Fraction:
    return _quantity(((pv.get("spec") or {}).get("capacity") or {}).get("storage"))


def is_volume_bound_to_claim(pv: Obj, pvc: Obj) -> bool:
    """Pre-bound or bound to this claim: name and namespace match, and the uid when it is set."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    if ref.get("name") != name_of(pvc) or (ref.get("namespace") or "") != namespace_of(pvc):
        return False
    return not ref.get("uid") or ref.get("uid") == uid_of(pvc)


def volume_mode_mismatch(pvc: Obj, pv: Obj) -> bool:
    """``CheckVolumeModeMismatches`` (an unset mode is Filesystem)."""
    want = (pvc.get("spec") or {}).get("volumeMode") or "Filesystem"
    have = (pv.get("spec") or {}).get("volumeMode") or "Filesystem"
    return want != have


def access_modes_satisfied(pvc: Obj, pv: Obj) -> bool:
    """``CheckAccessModes``: the volume offers every mode the claim asks for."""
    have = set((pv.get("spec") or {}).get("accessModes") or [])
    return all(m in have for m in (pvc.get("spec") or {}).get("accessModes") or [])


def claim_ref(pvc: Obj) -> Obj:
    """``reference.GetReference`` of a claim, as ``pv.spec.claimRef`` holds it."""
    return {
        "kind": "PersistentVolumeClaim",
        "namespace": namespace_of(pvc),
        "name": name_of(pvc),
        "uid": uid_of(pvc),
        "apiVersion": "v1",
        "resourceVersion": pvc.get("metadata", {}).get("resourceVersion", ""),
    }


def bind_volume_to_claim(pv: Obj, pvc: Obj) -> tuple[Obj, bool]:
    """``GetBindVolumeToClaim``: a copy of ``pv`` bound to ``pvc``, and whether anything changed."""
    set_by_controller = not is_volume_bound_to_claim(pv, pvc)
    new = copy_obj(pv)
    dirty = False
    ref = (pv.get("spec") or {}).get("claimRef") or {}
    if (not ref or ref.get("name") != name_of(pvc) or (ref.get("namespace") or "") != namespace_of(pvc)
            or ref.get("uid") != uid_of(pvc)):
        new.setdefault("spec", {})["claimRef"] = claim_ref(pvc)
        dirty = True
    if set_by_controller and ANN_BOUND_BY_CONTROLLER not in annotations_of(new):
        new.setdefault("metadata", {}).setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
        dirty = True
    return new, dirty


def find_matching_volume(pvc: Obj, volumes: list[Obj], delay_binding: bool) -> Obj | None:
    """``FindMatchingVolume`` on the PV controller's path (no node): the volume pre-bound to the
    claim, else the smallest Available one that fits — unless the claim waits for its first
    consumer, whose unbound volumes the scheduler picks."""
    requested = requested_storage(pvc)
    requested_class = claim_class(pvc)
    selector = None
    if (pvc.get("spec") or {}).get("selector") is not None:
        try:
            selector = selector_from_spec(pvc["spec"]["selector"])
        except SelectorError:
            return None
    smallest: Obj | None = None
    smallest_qty = Fraction(0)
    for pv in volumes:
        if volume_mode_mismatch(pvc, pv) or pv.get("metadata", {}).get("deletionTimestamp"):
            continue
        qty = volume_capacity(pv)
        if is_volume_bound_to_claim(pv, pvc):
            if qty < requested:
                continue
            return pv
        if delay_binding:
            continue
        if (pv.get("status") or {}).get("phase") != "Available" or (pv.get("spec") or {}).get("claimRef"):
            continue
        if selector is not None and not selector.matches(labels_of(pv)):
            continue
        if volume_class(pv) != requested_class:
            continue
        if qty >= requested and (smallest is None or smallest_qty > qty):
            smallest, smallest_qty = pv, qty
    return smallest


def find_best_match_for_claim(pvc: Obj, volumes: list[Obj], delay_binding: bool) -> Obj | None:
    """``persistentVolumeOrderedIndex.findBestMatchForClaim``: volumes grouped by their access
    modes; the groups that offer every requested mode are searched, fewest modes first."""
    wanted = set((pvc.get("spec") or {}).get("accessModes") or [])
    groups: dict[frozenset[str], list[Obj]] = {}
    for pv in volumes:
        groups.setdefault(frozenset((pv.get("spec") or {}).get("accessModes") or []), []).append(pv)
    for modes in sorted((m for m in groups if wanted <= m), key=lambda m: (len(m), sorted(m))):
        found = find_matching_volume(pvc, groups[modes], delay_binding)
        if found is not None:
            return found
    return None


def check_volume_satisfy_claim(pv: Obj, pvc: Obj) -> str:
    """``checkVolumeSatisfyClaim``: why a volume the claim asked for by name cannot be bound."""
    if pv.get("metadata", {}).get("deletionTimestamp"):
        return f'the volume is marked for deletion "{name_of(pv)}"'
    if volume_capacity(pv) < requested_storage(pvc):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(pvc):
        return "storageClassName does not match"
    if volume_mode_mismatch(pvc, pv):
        return "incompatible volumeMode"
    if not access_modes_satisfied(pvc, pv):
        return "incompatible accessMode"
    return ""


def default_class(store: ObjectStore) -> Obj | None:
    """``GetDefaultClass``: of the classes marked default, the newest (then by name)."""
    marked = [sc for sc in store.list("StorageClass")
              if annotations_of(sc).get(ANN_DEFAULT_CLASS) == "true"
              or annotations_of(sc).get(ANN_BETA_DEFAULT_CLASS) == "true"]
    if not marked:
        return None
    marked.sort(key=lambda sc: (-parse_time(sc["metadata"]["creationTimestamp"]), name_of(sc)))
    return marked[0]


def pod_claim_names(pod: Obj) -> list[str]:
    """The claims a pod's volumes use (a generic ephemeral volume's claim is ``<pod>-<volume>``)."""
    out = []
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        if "persistentVolumeClaim" in vol:
            out.append((vol["persistentVolumeClaim"] or {}).get("claimName", ""))
        elif "ephemeral" in vol:
            out.append(f"{name_of(pod)}-{vol.get('name', '')}")
    return out
