"""The scheduler's volume plugins: VolumeBinding and VolumeZone (kube-scheduler v1.34).

Ports of ``pkg/scheduler/framework/plugins/volumebinding`` (``volume_binding.go`` and the
``volumeBinder`` of ``binder.go``) and ``.../volumezone``:

* **PreFilter** reads the pod's claims: a missing claim (``persistentvolumeclaim "x" not
  found``), a Lost or terminating claim, or an unbound claim of an ``Immediate`` class
  (``pod has unbound immediate PersistentVolumeClaims``) rejects the pod on every node.
* **Filter** checks, per node, the node affinity of bound volumes, finds the smallest
  matching Available PV for each unbound ``WaitForFirstConsumer`` claim, and otherwise
  whether the claim's class can provision there.
* **Reserve + PreBind** write the decisions — ``spec.claimRef`` on the chosen PVs,
  ``volume.kubernetes.io/selected-node`` on claims to provision — then poll every second
  (the real ``bindTimeoutSeconds`` of 600 s) until the PV controller and the provisioner
  have bound every claim; only then is the pod bound. While it waits the pod is *assumed*
  on the node in the scheduler's cache, as kube-scheduler does.

The plugins are shared by :data:`~k9play.scheduler.plugins.DEFAULT_FILTERS`; each
:class:`~k9play.scheduler.scheduler.Scheduler` makes its own instance with
:meth:`VolumeBinding.for_scheduler`. Scheduling cycles run one at a time, so the per-cycle
state (kube-scheduler's ``CycleState``) is simply kept for the pod being scheduled.

This module must not import ``plugins`` or ``scheduler`` at import time: ``plugins`` imports
it to build ``DEFAULT_FILTERS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import Obj, annotations_of, copy_obj, labels_of, name_of, namespace_of, uid_of
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.api.scheduling import node_selector_matches
from k9play.api.selectors import SelectorError, selector_from_spec

if TYPE_CHECKING:
    from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
    from k9play.scheduler.plugins import Status
    from k9play.scheduler.scheduler import Scheduler

#: same value as ``plugins.UNRESOLVABLE`` (not imported: ``plugins`` imports this module)
UNRESOLVABLE = "UnschedulableAndUnresolvable"

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"

ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_REASON_NOT_ENOUGH_SPACE = "node(s) did not have enough free storage"
ERR_REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
ERR_REASON_ZONE_CONFLICT = "node(s) had no available volume zone"

#: VolumeBindingArgs.bindTimeoutSeconds default, and the PreBind poll period
BIND_TIMEOUT = 600.0
POLL_PERIOD = 1.0

#: the kinds whose add/update may make a pod rejected by these plugins schedulable (EventsToRegister)
VOLUME_EVENTS = ("PersistentVolumeClaim", "PersistentVolume", "StorageClass")
#: those as cluster events, plus a node added or relabelled (``plugins.base`` names the node events)
_EVENTS = frozenset({*(f"{k}/Any" for k in VOLUME_EVENTS), "Node/Add", "Node/UpdateNodeLabel"})

_TOPOLOGY_LABELS = (
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
)
_GA_LABEL = {
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
}


def _skip() -> Status:
    from k9play.scheduler.plugins.base import SKIP  # imported late: plugins imports this module

    return SKIP


def _status(code: str, reasons: list[str], plugin: str) -> Status:
    from k9play.scheduler.plugins import Status  # imported late: plugins imports this module

    return Status(code, reasons, plugin)


# --------------------------------------------------------------- storage helpers
def claim_class(pvc: Obj) -> str:
    """``storagehelpers.GetPersistentVolumeClaimClass``: the beta annotation wins."""
    ann = annotations_of(pvc)
    if ANN_BETA_STORAGE_CLASS in ann:
        return ann[ANN_BETA_STORAGE_CLASS]
    return (pvc.get("spec") or {}).get("storageClassName") or ""


def volume_class(pv: Obj) -> str:
    """``storagehelpers.GetPersistentVolumeClass``."""
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


def is_fully_bound(pvc: Obj) -> bool:
    """``isPVCFullyBound``: ``spec.volumeName`` set and the bind-completed annotation present."""
    return bool((pvc.get("spec") or {}).get("volumeName")) and ANN_BIND_COMPLETED in annotations_of(pvc)


def is_volume_bound_to_claim(pv: Obj, pvc: Obj) -> bool:
    """``IsVolumeBoundToClaim``: pre-bound or bound to this claim (uid checked when set)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    if ref.get("name") != name_of(pvc) or (ref.get("namespace") or "") != namespace_of(pvc):
        return False
    return not ref.get("uid") or ref.get("uid") == uid_of(pvc)


def volume_mode_mismatch(pvc: Obj, pv: Obj) -> bool:
    want = (pvc.get("spec") or {}).get("volumeMode") or "Filesystem"
    have = (pv.get("spec") or {}).get("volumeMode") or "Filesystem"
    return want != have


def access_modes_satisfied(pvc: Obj, pv: Obj) -> bool:
    """``CheckAccessModes``: the PV offers every mode the claim asks for."""
    have = set((pv.get("spec") or {}).get("accessModes") or [])
    return all(m in have for m in (pvc.get("spec") or {}).get("accessModes") or [])


def check_node_affinity(pv: Obj, node: Obj) -> bool:
    """``volume.CheckNodeAffinity`` (matched against the node's labels only, as there)."""
    required = (((pv.get("spec") or {}).get("nodeAffinity")) or {}).get("required")
    if required is None:
        return True
    return node_selector_matches(required, {"metadata": {"labels": labels_of(node)}})


def claim_ref(pvc: Obj) -> Obj:
    """``reference.GetReference`` of a claim, as stored in ``pv.spec.claimRef``."""
    return {
        "kind": "PersistentVolumeClaim",
        "namespace": namespace_of(pvc),
        "name": name_of(pvc),
        "uid": uid_of(pvc),
        "apiVersion": "v1",
        "resourceVersion": pvc.get("metadata", {}).get("resourceVersion", ""),
    }


def bind_volume_to_claim(pv: Obj, pvc: Obj) -> tuple[Obj, bool]:
    """``GetBindVolumeToClaim``: a copy of ``pv`` bound to ``pvc``, and whether it changed."""
    set_by_controller = not is_volume_bound_to_claim(pv, pvc)
    new = copy_obj(pv)
    dirty = False
    ref = (pv.get("spec") or {}).get("claimRef") or {}
    if (not ref or ref.get("name") != name_of(pvc) or (ref.get("namespace") or "") != namespace_of(pvc)
            or ref.get("uid") != uid_of(pvc)):
        new.setdefault("spec", {})["claimRef"] = claim_ref(pvc)
        dirty = True
    ann = new.setdefault("metadata", {}).setdefault("annotations", {})
    if set_by_controller and ANN_BOUND_BY_CONTROLLER not in ann:
        ann[ANN_BOUND_BY_CONTROLLER] = "yes"
        dirty = True
    if not ann:
        del new["metadata"]["annotations"]
    return new, dirty


def find_matching_volume(pvc: Obj, volumes: list[Obj], node: Obj | None, excluded: set[str],
                         delay_binding: bool) -> Obj | None:
    """``volume.FindMatchingVolume``: the pre-bound PV, else the smallest fitting Available one.

    ``node`` is set on the scheduler's path (PV node affinity and access modes are checked);
    ``delay_binding`` on the PV controller's path for WaitForFirstConsumer claims (only
    pre-bound PVs match there: the scheduler binds the rest)."""
    requested = requested_storage(pvc)
    requested_class = claim_class(pvc)
    selector = None
    spec_selector = (pvc.get("spec") or {}).get("selector")
    if spec_selector is not None:
        try:
            selector = selector_from_spec(spec_selector)
        except SelectorError:
            return None
    smallest: Obj | None = None
    smallest_qty = Fraction(0)
    for pv in volumes:
        if name_of(pv) in excluded:
            continue
        if volume_mode_mismatch(pvc, pv):
            continue
        if pv.get("metadata", {}).get("deletionTimestamp"):
            continue
        affinity_ok = node is None or check_node_affinity(pv, node)
        qty = volume_capacity(pv)
        if is_volume_bound_to_claim(pv, pvc):
            if qty < requested:
                continue
            return pv if affinity_ok else None
        if node is None and delay_binding:
            continue
        if (pv.get("status") or {}).get("phase") != "Available":
            continue
        if (pv.get("spec") or {}).get("claimRef"):
            continue
        if selector is not None and not selector.matches(labels_of(pv)):
            continue
        if volume_class(pv) != requested_class:
            continue
        if not affinity_ok:
            continue
        if node is not None and not access_modes_satisfied(pvc, pv):
            continue
        if qty >= requested and (smallest is None or smallest_qty > qty):
            smallest, smallest_qty = pv, qty
    return smallest


def pod_claim_names(pod: Obj) -> list[tuple[str, bool]]:
    """(claim name, is generic ephemeral) for every PVC-backed volume of ``pod``."""
    out = []
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        if "persistentVolumeClaim" in vol:
            out.append(((vol["persistentVolumeClaim"] or {}).get("claimName", ""), False))
        elif "ephemeral" in vol:
            out.append((f"{name_of(pod)}-{vol.get('name', '')}", True))
    return out


# ------------------------------------------------------------------ VolumeBinding
@dataclass
class _PodVolumes:
    """``PodVolumes``: what binding the pod on one node takes."""

    static_bindings: list[tuple[Obj, Obj]] = field(default_factory=list)  # (pv, pvc)
    dynamic_provisions: list[Obj] = field(default_factory=list)


@dataclass
class _Cycle:
    """The PreFilter state of the pod being scheduled."""

    pod: PodInfo
    skip: bool = False
    rejected: Status | None = None
    bound: list[Obj] = field(default_factory=list)
    delayed: list[Obj] = field(default_factory=list)
    pvs_by_class: dict[str, list[Obj]] = field(default_factory=dict)
    by_node: dict[str, _PodVolumes] = field(default_factory=dict)


class _BindingError(Exception):
    pass


class VolumeBinding:
    """Filter + Reserve/PreBind of PVC/PV binding and WaitForFirstConsumer provisioning."""

    name = "VolumeBinding"
    events = _EVENTS
    watch_kinds = VOLUME_EVENTS

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler
        self._cycle: _Cycle | None = None

    def for_scheduler(self, scheduler: Scheduler) -> VolumeBinding:
        return type(self)(scheduler)

    # ---------------------------------------------------------------- PreFilter
    def pre_filter(self, pod: PodInfo) -> Status | None:
        cycle = self._cycle = _Cycle(pod)
        if self.scheduler is None:
            cycle.skip = True
            return _skip()
        store = self.scheduler.store
        ns = namespace_of(pod.pod)
        claims = []
        for claim_name, ephemeral in pod_claim_names(pod.pod):
            pvc = store.try_get("PersistentVolumeClaim", claim_name, ns)
            message = ""
            if pvc is None:
                message = (f'waiting for ephemeral volume controller to create the persistentvolumeclaim '
                           f'"{claim_name}"' if ephemeral else f'persistentvolumeclaim "{claim_name}" not found')
            elif (pvc.get("status") or {}).get("phase") == "Lost":
                message = (f'persistentvolumeclaim "{claim_name}" bound to non-existent persistentvolume '
                           f'"{(pvc.get("spec") or {}).get("volumeName", "")}"')
            elif pvc["metadata"].get("deletionTimestamp"):
                message = f'persistentvolumeclaim "{claim_name}" is being deleted'
            elif ephemeral and not any(r.get("uid") == uid_of(pod.pod) and r.get("controller")
                                       for r in pvc["metadata"].get("ownerReferences") or []):
                message = (f"PVC {ns}/{claim_name} was not created for pod {ns}/{name_of(pod.pod)} "
                           "(pod is not owner)")
            if message:
                cycle.rejected = _status(UNRESOLVABLE, [message], self.name)
                return cycle.rejected
            claims.append(pvc)
        if not claims:
            cycle.skip = True
            return _skip()
        immediate = False
        for pvc in claims:
            if is_fully_bound(pvc):
                cycle.bound.append(pvc)
            elif self._delay_binding(pvc) and not (pvc.get("spec") or {}).get("volumeName"):
                cycle.delayed.append(pvc)
            else:
                immediate = True
        if immediate:
            cycle.rejected = _status(UNRESOLVABLE, ["pod has unbound immediate PersistentVolumeClaims"], self.name)
            return cycle.rejected
        for pvc in cycle.delayed:
            cls = claim_class(pvc)
            if cls not in cycle.pvs_by_class:
                cycle.pvs_by_class[cls] = [pv for pv in store.list("PersistentVolume") if volume_class(pv) == cls]
        return None

    def _delay_binding(self, pvc: Obj) -> bool:
        """``IsDelayBindingMode``."""
        cls = claim_class(pvc)
        if not cls or self.scheduler is None:
            return False
        sc = self.scheduler.store.try_get("StorageClass", cls)
        return sc is not None and sc.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER

    def _state(self, pod: PodInfo) -> _Cycle:
        cycle = self._cycle
        if cycle is None or cycle.pod is not pod:
            self.pre_filter(pod)
            cycle = self._cycle
            assert cycle is not None
        return cycle

    # ------------------------------------------------------------------- Filter
    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        cycle = self._state(pod)
        if cycle.skip:
            return None
        if cycle.rejected is not None:
            return cycle.rejected
        volumes, reasons = self._find_pod_volumes(cycle, node.node)
        if reasons:
            return _status(UNRESOLVABLE, reasons, self.name)
        cycle.by_node[node.name] = volumes
        return None

    def _find_pod_volumes(self, cycle: _Cycle, node: Obj) -> tuple[_PodVolumes, list[str]]:
        """``volumeBinder.FindPodVolumes``."""
        assert self.scheduler is not None
        store = self.scheduler.store
        volumes = _PodVolumes()
        bound_satisfied = unbound_satisfied = pvs_found = True
        for pvc in cycle.bound:  # checkBoundClaims
            pv = store.try_get("PersistentVolume", (pvc.get("spec") or {}).get("volumeName", ""))
            if pv is None:
                pvs_found = False
                break
            if not check_node_affinity(pv, node):
                bound_satisfied = False
                break
        if cycle.delayed:
            to_match, to_provision = [], []
            for pvc in cycle.delayed:
                selected = annotations_of(pvc).get(ANN_SELECTED_NODE)
                if selected is not None:
                    if selected != name_of(node):  # fast path: provisioning already started elsewhere
                        unbound_satisfied = False
                        return volumes, _reasons(bound_satisfied, unbound_satisfied, pvs_found)
                    to_provision.append(pvc)
                else:
                    to_match.append(pvc)
            if to_match:  # findMatchingVolumes, smallest request first
                chosen: set[str] = set()
                unbound_satisfied = True
                for pvc in sorted(to_match, key=requested_storage):
                    pv = find_matching_volume(pvc, cycle.pvs_by_class.get(claim_class(pvc), []), node, chosen,
                                              delay_binding=True)
                    if pv is None:
                        to_provision.append(pvc)
                        unbound_satisfied = False
                        continue
                    chosen.add(name_of(pv))
                    volumes.static_bindings.append((pv, pvc))
            if to_provision:  # checkVolumeProvisions
                unbound_satisfied = True
                for pvc in to_provision:
                    sc = store.try_get("StorageClass", claim_class(pvc))
                    provisioner = (sc or {}).get("provisioner") or ""
                    if sc is None or provisioner in ("", NOT_SUPPORTED_PROVISIONER) or \
                            not _matches_allowed_topologies(sc, node):
                        unbound_satisfied = False
                        volumes.dynamic_provisions = []
                        break
                    volumes.dynamic_provisions.append(pvc)
        return volumes, _reasons(bound_satisfied, unbound_satisfied, pvs_found)

    # ---------------------------------------------------------- Reserve, PreBind
    def reserve(self, pod: PodInfo, node_name: str) -> bool:
        """Reserve + PreBind. True when the binding must wait for volumes (it finishes in
        :meth:`Scheduler.finish_binding`); False when every claim is bound already."""
        cycle = self._state(pod)
        if cycle.skip or cycle.rejected is not None or self.scheduler is None:
            return False
        volumes = cycle.by_node.get(node_name)
        if volumes is None or self._all_bound(pod.pod):
            return False
        sched = self.scheduler
        uid = uid_of(pod.pod)
        static: list[tuple[str, str]] = []  # (pv name, claim key)
        provisions: list[str] = []  # claim keys
        try:  # bindAPIUpdate
            for pv, pvc in volumes.static_bindings:
                new, dirty = bind_volume_to_claim(pv, pvc)
                if dirty:
                    sched.store.update(new)
                static.append((name_of(pv), f"{namespace_of(pvc)}/{name_of(pvc)}"))
            for pvc in volumes.dynamic_provisions:
                new = copy_obj(pvc)
                new["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = node_name
                sched.store.update(new)
                provisions.append(f"{namespace_of(pvc)}/{name_of(pvc)}")
        except errors.ApiError as e:
            sched.clock.call_soon(sched.finish_binding, uid, f'running PreBind plugin "{self.name}": {e}')
            return True
        deadline = sched.clock.now() + BIND_TIMEOUT
        sched.clock.call_later(POLL_PERIOD, self._poll, uid, node_name, static, provisions, deadline)
        return True

    def _all_bound(self, pod: Obj) -> bool:
        """``arePodVolumesBound`` on the current claims."""
        assert self.scheduler is not None
        ns = namespace_of(pod)
        for claim_name, _ in pod_claim_names(pod):
            pvc = self.scheduler.store.try_get("PersistentVolumeClaim", claim_name, ns)
            if pvc is None or not is_fully_bound(pvc):
                return False
        return True

    def _poll(self, uid: str, node_name: str, static: list[tuple[str, str]], provisions: list[str],
              deadline: float) -> None:
        """One ``checkBindings`` poll of the PreBind wait."""
        sched = self.scheduler
        assert sched is not None
        prefix = f'running PreBind plugin "{self.name}": binding volumes: '
        pod = sched.store.get_by_uid(uid)
        if pod is None:
            sched.finish_binding(uid, prefix + "pod does not exist any more")
            return
        try:
            done = self._check_bindings(node_name, static, provisions)
        except _BindingError as e:
            sched.finish_binding(uid, prefix + str(e))
            return
        if done:
            sched.finish_binding(uid)
        elif sched.clock.now() >= deadline:
            sched.finish_binding(uid, prefix + "context deadline exceeded")
        else:
            sched.clock.call_later(POLL_PERIOD, self._poll, uid, node_name, static, provisions, deadline)

    def _check_bindings(self, node_name: str, static: list[tuple[str, str]], provisions: list[str]) -> bool:
        assert self.scheduler is not None
        store = self.scheduler.store
        node = store.try_get("Node", node_name)
        if node is None:
            raise _BindingError(f'failed to get node "{node_name}": node "{node_name}" not found')
        for pv_name, claim_key in static:
            pv = store.try_get("PersistentVolume", pv_name)
            if pv is None:
                raise _BindingError(f'failed to check binding: persistentvolume "{pv_name}" not found')
            ns, _, claim_name = claim_key.partition("/")
            pvc = store.try_get("PersistentVolumeClaim", claim_name, ns)
            if pvc is None:
                raise _BindingError(f'failed to check binding: persistentvolumeclaim "{claim_name}" not found')
            if not check_node_affinity(pv, node):
                raise _BindingError(f'pv "{pv_name}" node affinity doesn\'t match node "{node_name}": '
                                    "no matching NodeSelectorTerms")
            ref = (pv.get("spec") or {}).get("claimRef")
            if not ref or not ref.get("uid"):
                raise _BindingError(f'ClaimRef got reset for pv "{pv_name}"')
            if not is_fully_bound(pvc):
                return False
        for claim_key in provisions:
            ns, _, claim_name = claim_key.partition("/")
            pvc = store.try_get("PersistentVolumeClaim", claim_name, ns)
            if pvc is None:
                raise _BindingError(f'failed to check provisioning pvc: persistentvolumeclaim "{claim_name}" '
                                    "not found")
            if annotations_of(pvc).get(ANN_SELECTED_NODE) != node_name:
                raise _BindingError(f'provisioning failed for PVC "{claim_name}"')
            volume_name = (pvc.get("spec") or {}).get("volumeName")
            if volume_name:
                pv = store.try_get("PersistentVolume", volume_name)
                if pv is None:
                    return False
                if not check_node_affinity(pv, node):
                    raise _BindingError(f'pv "{volume_name}" node affinity doesn\'t match node "{node_name}": '
                                        "no matching NodeSelectorTerms")
            if not is_fully_bound(pvc):
                return False
        return True


def _reasons(bound_satisfied: bool, unbound_satisfied: bool, pvs_found: bool) -> list[str]:
    reasons = []
    if not bound_satisfied:
        reasons.append(ERR_REASON_NODE_CONFLICT)
    if not unbound_satisfied:
        reasons.append(ERR_REASON_BIND_CONFLICT)
    if not pvs_found:
        reasons.append(ERR_REASON_PV_NOT_EXIST)
    return reasons


def _matches_allowed_topologies(sc: Obj, node: Obj) -> bool:
    """``v1helper.MatchTopologySelectorTerms``: no terms match everything; terms are ORed."""
    terms = sc.get("allowedTopologies") or []
    if not terms:
        return True
    labels = labels_of(node)
    for term in terms:
        exprs = term.get("matchLabelExpressions") or []
        if all(e.get("key") in labels and labels[e.get("key")] in (e.get("values") or []) for e in exprs):
            return True
    return False


# ------------------------------------------------------------------- VolumeZone
class VolumeZone:
    """Zone/region labels of bound PVs must match the node's (``node(s) had no available volume zone``)."""

    name = "VolumeZone"
    events = _EVENTS
    watch_kinds = VOLUME_EVENTS

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler
        self._pod: PodInfo | None = None
        self._topologies: list[tuple[str, set[str]]] | Status = []

    def for_scheduler(self, scheduler: Scheduler) -> VolumeZone:
        return type(self)(scheduler)

    def pre_filter(self, pod: PodInfo) -> Status | None:
        self._pod = pod
        self._topologies = []
        if self.scheduler is None:
            return None
        store = self.scheduler.store
        ns = namespace_of(pod.pod)
        topologies: list[tuple[str, set[str]]] = []
        for vol in (pod.pod.get("spec") or {}).get("volumes") or []:
            if "persistentVolumeClaim" not in vol:
                continue
            claim_name = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            message = ""
            if not claim_name:
                message = "PersistentVolumeClaim had no name"
            elif (pvc := store.try_get("PersistentVolumeClaim", claim_name, ns)) is None:
                message = f'persistentvolumeclaim "{claim_name}" not found'
            elif not (pv_name := (pvc.get("spec") or {}).get("volumeName")):
                cls = claim_class(pvc)
                sc = store.try_get("StorageClass", cls) if cls else None
                if not cls:
                    message = "PersistentVolumeClaim had no pv name and storageClass name"
                elif sc is None:
                    message = f'storageclass.storage.k8s.io "{cls}" not found'
                elif sc.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER:
                    continue
                else:
                    message = "PersistentVolume had no name"
            elif (pv := store.try_get("PersistentVolume", pv_name)) is None:
                message = f'persistentvolume "{pv_name}" not found'
            else:
                for key in _TOPOLOGY_LABELS:
                    value = labels_of(pv).get(key)
                    if value is not None:
                        topologies.append((key, {z.strip() for z in value.split("__") if z.strip()}))
            if message:
                status = _status(UNRESOLVABLE, [message], self.name)
                self._topologies = status
                return status
        self._topologies = topologies
        return None if topologies else _skip()

    def filter(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        if self._pod is not pod:
            self.pre_filter(pod)
        topologies = self._topologies
        if not isinstance(topologies, list):
            return topologies
        if not topologies:
            return None
        labels = node.labels
        if not any(k in labels for k in _TOPOLOGY_LABELS):
            return None  # a single-zone cluster: nodes without topology labels fit
        for key, values in topologies:
            value = labels.get(key, labels.get(_GA_LABEL.get(key, key)))
            if value is None or value not in values:
                return _status(UNRESOLVABLE, [ERR_REASON_ZONE_CONFLICT], self.name)
        return None
