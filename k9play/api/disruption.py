"""PodDisruptionBudget facts shared by the Eviction subresource, the disruption controller
and the scheduler's preemption.

* :func:`pdbs_for_pod` is the eviction handler's ``getPodDisruptionBudgets``: budgets in the
  pod's namespace whose selector is non-empty and matches the pod's labels (a nil or empty
  selector matches nothing, ``pkg/registry/core/pod/storage/eviction.go``);
* :func:`disruption_allowed_condition` is ``UpdateDisruptionAllowedCondition``
  (``k8s.io/component-helpers/apps/poddisruptionbudget``): ``DisruptionAllowed`` True with
  reason ``SufficientPods`` while ``disruptionsAllowed > 0``, else False ``InsufficientPods``.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import labels_of, namespace_of
from k9play.api.selectors import LabelSelector, SelectorError, selector_from_spec

Obj = dict[str, Any]

DISRUPTION_ALLOWED = "DisruptionAllowed"
SUFFICIENT_PODS = "SufficientPods"
INSUFFICIENT_PODS = "InsufficientPods"
SYNC_FAILED = "SyncFailed"
#: pods recorded in ``status.disruptedPods`` count as gone for this long (``DeletionTimeout``)
DELETION_TIMEOUT = 120.0


def pdb_selector(pdb: Obj) -> LabelSelector | None:
    """The budget's selector; None when it is invalid, nil or empty (it selects nothing)."""
    try:
        sel = selector_from_spec((pdb.get("spec") or {}).get("selector"))
    except SelectorError:
        return None
    return None if sel.empty or sel.nothing else sel


def pdbs_for_pod(pdbs: list[Obj], pod: Obj) -> list[Obj]:
    """The budgets among ``pdbs`` that cover ``pod``."""
    labels = labels_of(pod)
    if not labels:
        return []
    ns = namespace_of(pod)
    out = []
    for pdb in pdbs:
        if namespace_of(pdb) != ns:
            continue
        sel = pdb_selector(pdb)
        if sel is not None and sel.matches(labels):
            out.append(pdb)
    return out


def disruption_allowed_condition(status: Obj, now: str) -> None:
    """Set the ``DisruptionAllowed`` condition of a PDB ``status`` from its counters
    (``meta.SetStatusCondition``: the transition time moves only when the status flips)."""
    allowed = int(status.get("disruptionsAllowed", 0) or 0) > 0
    want = {"type": DISRUPTION_ALLOWED, "status": "True" if allowed else "False",
            "reason": SUFFICIENT_PODS if allowed else INSUFFICIENT_PODS, "message": "",
            "observedGeneration": status.get("observedGeneration", 0)}
    set_condition(status, want, now)


def set_condition(status: Obj, want: Obj, now: str) -> None:
    """``meta.SetStatusCondition`` on ``status["conditions"]``."""
    conds = list(status.get("conditions") or [])
    for i, c in enumerate(conds):
        if c.get("type") == want["type"]:
            since = c.get("lastTransitionTime") if c.get("status") == want["status"] else now
            conds[i] = {**want, "lastTransitionTime": since or now}
            break
    else:
        conds.append({**want, "lastTransitionTime": now})
    status["conditions"] = conds
