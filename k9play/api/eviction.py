"""The ``pods/eviction`` subresource: a DELETE that asks the pod's PodDisruptionBudget first.

Port of ``EvictionREST.Create`` (``pkg/registry/core/pod/storage/eviction.go``, v1.34):

* a pod that is Pending, Succeeded, Failed or already terminating has disrupted nothing more
  by going: it is deleted without looking at budgets;
* a pod covered by more than one budget cannot be evicted (500);
* an unready pod is deleted without spending the budget while the budget is met
  (``unhealthyPodEvictionPolicy`` ``IfHealthyBudget``, the default) or always (``AlwaysAllow``);
* otherwise the budget must allow a disruption: a budget its controller has not observed yet
  (``observedGeneration`` behind) or with ``disruptionsAllowed`` 0 answers 429
  TooManyRequests "Cannot evict pod as it would violate the pod's disruption budget."; if
  it allows one, ``disruptionsAllowed`` is decremented and the pod recorded in
  ``status.disruptedPods`` (so the controller does not count it healthy meanwhile);
* the pod then gets ``DisruptionTarget`` (``EvictionByEvictionAPI``, "Eviction API: evicting")
  and is deleted with the eviction's grace period (its own when none is given).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.disruption import disruption_allowed_condition, pdbs_for_pod
from k9play.api.meta import Obj, copy_obj, format_time, uid_of
from k9play.api.pods import is_ready

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

#: ``MaxDisruptedPodSize``
MAX_DISRUPTED_PODS = 2000
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"


def too_many_requests(cause: str) -> errors.ApiError:
    return errors.ApiError(VIOLATION, 429, "TooManyRequests",
                           [errors.Cause("", cause, DISRUPTION_BUDGET_CAUSE)])


def _can_ignore_pdb(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed", "Pending") or \
        bool(pod["metadata"].get("deletionTimestamp"))


def evict(store: ObjectStore, name: str, namespace: str, grace_period: int | None = None,
          dry_run: bool = False) -> None:
    """POST ``pods/<name>/eviction``; raises the apiserver's ``ApiError`` when refused."""
    pod = store.get("Pod", name, namespace)
    if not _can_ignore_pdb(pod):
        matching = pdbs_for_pod(store.list("PodDisruptionBudget", namespace), pod)
        if len(matching) > 1:
            raise errors.ApiError("This pod has more than one PodDisruptionBudget, which the eviction "
                                  "subresource does not support.", 500, "InternalError")
        if matching and not _unhealthy_may_go(pod, matching[0]):
            _check_and_decrement(store, matching[0], name, dry_run)
    if dry_run:
        return
    _add_condition(store, pod)
    store.delete("Pod", name, namespace, grace_period=grace_period, uid=uid_of(pod))


def _unhealthy_may_go(pod: Obj, pdb: Obj) -> bool:
    """An unready pod does not count towards the budget: it may go without spending it."""
    if is_ready(pod):
        return False
    if (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
        return True
    status = pdb.get("status") or {}
    desired = int(status.get("desiredHealthy", 0) or 0)
    return int(status.get("currentHealthy", 0) or 0) >= desired > 0


def _check_and_decrement(store: ObjectStore, pdb: Obj, pod_name: str, dry_run: bool) -> None:
    """``checkAndDecrement``."""
    status = pdb.get("status") or {}
    pdb_name = pdb["metadata"]["name"]
    if int(status.get("observedGeneration", 0) or 0) < int(pdb["metadata"].get("generation", 0) or 0):
        raise too_many_requests(f"The disruption budget {pdb_name} is still being processed by the server.")
    allowed = int(status.get("disruptionsAllowed", 0) or 0)
    if allowed < 0:
        raise errors.forbidden(f'poddisruptionbudget.policy "{pdb_name}" is forbidden: pdb disruptions allowed '
                               "is negative")
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_PODS:
        raise errors.forbidden(f'poddisruptionbudget.policy "{pdb_name}" is forbidden: DisruptedPods map too big - '
                               "too many evictions not confirmed by PDB controller")
    if allowed == 0:
        raise too_many_requests(f"The disruption budget {pdb_name} needs {status.get('desiredHealthy', 0)} healthy "
                                f"pods and has {status.get('currentHealthy', 0)} currently")
    if dry_run:
        return
    new = copy_obj(pdb)
    st = new.setdefault("status", {})
    st["disruptionsAllowed"] = allowed - 1
    now = format_time(store.clock.now())
    if allowed - 1 == 0:
        disruption_allowed_condition(st, now)
    st["disruptedPods"] = {**(st.get("disruptedPods") or {}), pod_name: now}
    store.update_status(new)


def _add_condition(store: ObjectStore, pod: Obj) -> None:
    """``addConditionAndDeletePod``'s condition: ``DisruptionTarget`` True, ``EvictionByEvictionAPI``."""
    new = copy_obj(pod)
    status = new.setdefault("status", {})
    conds = list(status.get("conditions") or [])
    want = {"type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
            "message": "Eviction API: evicting"}
    old = next((c for c in conds if c.get("type") == "DisruptionTarget"), None)
    if old is not None and all(old.get(k) == v for k, v in want.items()):
        return
    since = old.get("lastTransitionTime") if old is not None and old.get("status") == "True" else None
    cond = {**want, "lastProbeTime": None, "lastTransitionTime": since or format_time(store.clock.now())}
    status["conditions"] = [c for c in conds if c.get("type") != "DisruptionTarget"] + [cond]
    store.update_status(new)
