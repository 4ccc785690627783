"""DisruptionController: keeps every PodDisruptionBudget's status — how many of its pods are
healthy, how many must be, and so how many may be disrupted now.

Port of ``pkg/controller/disruption/disruption.go`` (v1.34):

* pods: those in the budget's namespace matching its selector (``{}`` selects all, nil none);
* ``minAvailable`` as a number: ``desiredHealthy`` is that number and ``expectedPods`` the
  pods found; as a percentage, or ``maxUnavailable`` in any form: ``expectedPods`` is the
  sum of ``replicas`` of the pods' controllers (ReplicationController, Deployment — for
  pods of its ReplicaSets —, ReplicaSet, StatefulSet), the percentage rounded up, and
  ``desiredHealthy = expected − maxUnavailable`` (at least 0); a pod without such a
  controller fails the sync (``failSafe``: 0 allowed, ``SyncFailed``);
* ``currentHealthy``: Ready pods not being deleted and not recently evicted (a pod the
  eviction subresource recorded in ``disruptedPods`` counts as gone for 2 minutes);
* ``disruptionsAllowed = currentHealthy − desiredHealthy`` (0 while ``expectedPods`` is 0),
  with the ``DisruptionAllowed`` condition (``SufficientPods``/``InsufficientPods``);
* a pod left with ``DisruptionTarget=True`` but not deleted gets it reset to False after
  2 minutes (``stalePodDisruptionTimeout``).
"""

from __future__ import annotations

from collections.abc import Iterable

from k9play.api import errors
from k9play.api.disruption import (
    DELETION_TIMEOUT,
    DISRUPTION_ALLOWED,
    SYNC_FAILED,
    disruption_allowed_condition,
    set_condition,
)
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import Obj, controller_ref, copy_obj, format_time, key_of, labels_of, name_of, parse_time
from k9play.api.pods import is_ready, is_terminal, scaled_value
from k9play.api.selectors import LabelSelector, SelectorError, selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller

STALE_POD_DISRUPTION_TIMEOUT = 120.0
_SCALED_KINDS = ("ReplicationController", "Deployment", "ReplicaSet", "StatefulSet")


class SyncError(Exception):
    """A budget whose expected pod count cannot be computed."""


class DisruptionController(Controller):
    name = "disruption"
    component = "controllermanager"

    def start(self) -> None:
        self.watch_self("PodDisruptionBudget")
        self.watch("Pod", self._pod_keys)
        for kind in _SCALED_KINDS:
            self.watch(kind, self._namespace_keys)
        self.enqueue_all("PodDisruptionBudget")

    # ---------------------------------------------------------------- keys
    def _pdb_keys(self, namespace: str, labels_list: Iterable[dict[str, str]]) -> list[str]:
        out = []
        for pdb in self.store.list("PodDisruptionBudget", namespace):
            sel = _selector(pdb)
            if sel is not None and any(sel.matches(labels) for labels in labels_list):
                out.append(key_of(pdb))
        return out

    def _pod_keys(self, ev: WatchEvent) -> Iterable[str]:
        pod = ev.object
        keys = self._pdb_keys(pod["metadata"].get("namespace", ""),
                              [labels_of(pod)] + ([labels_of(ev.old)] if ev.old is not None else []))
        if ev.type != "DELETED" and _stale_condition_wait(pod, self.clock.now()) is not None:
            keys.append(f"stale/{key_of(pod)}")
        return keys

    def _namespace_keys(self, ev: WatchEvent) -> Iterable[str]:
        ns = ev.object["metadata"].get("namespace", "")
        return [key_of(p) for p in self.store.list("PodDisruptionBudget", ns)]

    # ----------------------------------------------------------- reconcile
    def reconcile(self, key: str) -> float | None:
        if key.startswith("stale/"):
            return self._sync_stale(key[len("stale/"):])
        namespace, _, name = key.partition("/")
        pdb = self.store.try_get("PodDisruptionBudget", name, namespace)
        if pdb is None:
            return None
        try:
            return self._try_sync(pdb)
        except SyncError as e:
            self._fail_safe(pdb, str(e))
            return None

    def _try_sync(self, pdb: Obj) -> float | None:
        sel = _selector(pdb, empty_selects_all=True)
        ns = pdb["metadata"].get("namespace", "")
        pods = [p for p in self.store.list("Pod", ns) if sel is not None and sel.matches(labels_of(p))]
        if not pods:
            self.event(pdb, NORMAL, "NoPods", "No matching pods found")
        try:
            expected, desired, unmanaged = self._expected_count(pdb, pods)
        except SyncError as e:
            self.event(pdb, WARNING, "CalculateExpectedPodCountFailed",
                       f"Failed to calculate the number of expected pods: {e}")
            raise
        if unmanaged:
            self.event(pdb, WARNING, "UnmanagedPods",
                       f"Pods selected by this PodDisruptionBudget (selector: "
                       f"{go_label_selector((pdb.get('spec') or {}).get('selector'))}) were found to be "
                       "unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may "
                       'result in undefined behavior. To account for these pods please set ".spec.minAvailable" '
                       "field of the PDB to an integer value.")
        now = self.clock.now()
        disrupted, recheck = self._disrupted_pods(pdb, pods, now)
        healthy = sum(1 for p in pods if not p["metadata"].get("deletionTimestamp") and p["metadata"]["name"]
                      not in disrupted and is_ready(p))
        self._update_status(pdb, healthy, desired, expected, disrupted)
        return None if recheck is None else max(0.0, recheck - now)

    def _expected_count(self, pdb: Obj, pods: list[Obj]) -> tuple[int, int, list[str]]:
        """``getExpectedPodCount``: (expectedCount, desiredHealthy, unmanaged pods)."""
        spec = pdb.get("spec") or {}
        max_unavailable, min_available = spec.get("maxUnavailable"), spec.get("minAvailable")
        try:
            if max_unavailable is not None:
                expected, unmanaged = self._expected_scale(pods)
                return expected, max(0, expected - scaled_value(max_unavailable, expected, True)), unmanaged
            if min_available is not None:
                if isinstance(min_available, int):
                    return len(pods), min_available, []
                expected, unmanaged = self._expected_scale(pods)
                return expected, scaled_value(min_available, expected, True), unmanaged
        except ValueError as e:
            raise SyncError(str(e)) from e
        return 0, 0, []

    def _expected_scale(self, pods: list[Obj]) -> tuple[int, list[str]]:
        """``getExpectedScale``: the sum of ``replicas`` of the pods' controllers."""
        scales: dict[str, int] = {}
        unmanaged = []
        for pod in pods:
            ref = controller_ref(pod)
            if ref is None:
                unmanaged.append(name_of(pod))
                continue
            if ref.get("uid") in scales:
                continue
            found = self._controller_scale(ref, pod["metadata"].get("namespace", ""))
            if found is None:
                raise SyncError(f'found no controllers for pod "{name_of(pod)}"')
            scales[found[0]] = found[1]
        return sum(scales.values()), unmanaged

    def _controller_scale(self, ref: Obj, ns: str) -> tuple[str, int] | None:
        """The finders: RC, the Deployment of a ReplicaSet, a ReplicaSet, a StatefulSet."""
        kind, name, uid = ref.get("kind"), ref.get("name", ""), ref.get("uid")
        if kind in ("ReplicationController", "StatefulSet", "ReplicaSet"):
            obj = self.store.try_get(kind, name, ns)
            if obj is None or obj["metadata"].get("uid") != uid:
                return None
            if kind == "ReplicaSet":
                owner = controller_ref(obj)
                if owner is not None and owner.get("kind") == "Deployment":
                    dep = self.store.try_get("Deployment", owner.get("name", ""), ns)
                    if dep is None or dep["metadata"].get("uid") != owner.get("uid"):
                        return None
                    return dep["metadata"]["uid"], int((dep.get("spec") or {}).get("replicas", 1))
            return obj["metadata"]["uid"], int((obj.get("spec") or {}).get("replicas", 1))
        return None

    def _disrupted_pods(self, pdb: Obj, pods: list[Obj], now: float) -> tuple[dict[str, str], float | None]:
        """``buildDisruptedPodMap``: recent evictions still expected to be deleted."""
        recorded = (pdb.get("status") or {}).get("disruptedPods") or {}
        result: dict[str, str] = {}
        recheck: float | None = None
        if not recorded:
            return result, None
        for pod in pods:
            name = name_of(pod)
            if pod["metadata"].get("deletionTimestamp") or name not in recorded:
                continue
            expected_deletion = parse_time(recorded[name]) + DELETION_TIMEOUT
            if expected_deletion < now:
                ns = pdb["metadata"].get("namespace", "")
                # the upstream message names the namespace twice ("%s/%s", pdb.Namespace, pdb.Namespace)
                self.event(pod, WARNING, "NotDeleted", f"Pod was expected by PDB {ns}/{ns} to be deleted but it wasn't")
            else:
                recheck = expected_deletion if recheck is None else min(recheck, expected_deletion)
                result[name] = recorded[name]
        return result, recheck

    def _update_status(self, pdb: Obj, healthy: int, desired: int, expected: int, disrupted: dict[str, str]) -> None:
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        old = pdb.get("status") or {}
        generation = pdb["metadata"].get("generation", 0)
        conds_ok = any(c.get("type") == DISRUPTION_ALLOWED and c.get("status") == ("True" if allowed > 0 else "False")
                       and c.get("observedGeneration") == generation for c in old.get("conditions") or [])
        if (old.get("currentHealthy"), old.get("desiredHealthy"), old.get("expectedPods"),
                old.get("disruptionsAllowed"), old.get("disruptedPods") or {}, old.get("observedGeneration")) == \
                (healthy, desired, expected, allowed, disrupted, generation) and conds_ok:
            return
        status: Obj = {"observedGeneration": generation}
        if disrupted:
            status["disruptedPods"] = disrupted
        status.update(disruptionsAllowed=allowed, currentHealthy=healthy, desiredHealthy=desired,
                      expectedPods=expected, conditions=list(old.get("conditions") or []))
        disruption_allowed_condition(status, format_time(self.clock.now()))
        self._write(pdb, status)

    def _fail_safe(self, pdb: Obj, message: str) -> None:
        """``failSafe``: at least make sure nothing may be evicted."""
        status = copy_obj(pdb.get("status") or {})
        status["disruptionsAllowed"] = 0
        set_condition(status, {"type": DISRUPTION_ALLOWED, "status": "False", "reason": SYNC_FAILED,
                               "message": message, "observedGeneration": status.get("observedGeneration", 0)},
                      format_time(self.clock.now()))
        self._write(pdb, status)

    def _write(self, pdb: Obj, status: Obj) -> None:
        if status == pdb.get("status"):
            return
        self.store.update_status({**pdb, "status": status})

    # ------------------------------------------------- stale DisruptionTarget
    def _sync_stale(self, pod_key: str) -> float | None:
        namespace, _, name = pod_key.partition("/")
        pod = self.store.try_get("Pod", name, namespace)
        if pod is None:
            return None
        wait = _stale_condition_wait(pod, self.clock.now())
        if wait is None:
            return None
        if wait > 0:
            return wait
        new = copy_obj(pod)
        conds = new.setdefault("status", {}).get("conditions") or []
        for c in conds:
            if c.get("type") == "DisruptionTarget":
                c.update(status="False", lastTransitionTime=format_time(self.clock.now()))
                c.pop("reason", None)
                c.pop("message", None)
        try:
            self.store.update_status(new)
        except errors.ApiError:
            pass
        return None


def _selector(pdb: Obj, empty_selects_all: bool = False) -> LabelSelector | None:
    """The budget's selector; nil selects nothing. Matching pods to budgets
    (``GetPodPodDisruptionBudgets``) ignores an empty one too; only the status sync
    (``LabelSelectorAsSelector``) counts every pod of the namespace for ``{}``."""
    raw = (pdb.get("spec") or {}).get("selector")
    if raw is None:
        return None
    try:
        sel = selector_from_spec(raw)
    except SelectorError:
        return None
    return None if sel.empty and not empty_selects_all else sel


def go_label_selector(raw: Obj | None) -> str:
    """``fmt.Sprintf("%v", *metav1.LabelSelector)``: the generated ``String()``."""
    if raw is None:
        return "nil"
    exprs = "".join(f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
                    f"Values:[{' '.join(e.get('values') or [])}],}},"
                    for e in raw.get("matchExpressions") or [])
    labels = "".join(f"{k}: {v}," for k, v in sorted((raw.get("matchLabels") or {}).items()))
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")


def _stale_condition_wait(pod: Obj, now: float) -> float | None:
    """``nonTerminatingPodHasStaleDisruptionCondition``: seconds until the pod's
    ``DisruptionTarget`` counts as stale, or None when it has none that can be."""
    if pod["metadata"].get("deletionTimestamp") or is_terminal(pod):
        return None
    cond = next((c for c in (pod.get("status") or {}).get("conditions") or [] if c.get("type") == "DisruptionTarget"),
                None)
    if cond is None or cond.get("status") != "True" or cond.get("reason") == "TerminationByKubelet":
        return None
    since = cond.get("lastTransitionTime")
    return max(0.0, (parse_time(since) if since else now) + STALE_POD_DISRUPTION_TIMEOUT - now)
