"""StatefulSetController: pods with stable names, stable storage and ordered rollout.

Port of ``pkg/controller/statefulset`` (Kubernetes v1.34; the alpha ``MaxUnavailableStatefulSet``
gate is off, so rolling updates replace one pod at a time):

* claim pods named ``<set>-<ordinal>`` (adopt matching orphans, release strays) and adopt
  orphaned ControllerRevisions;
* revisions: the set's template is recorded as ControllerRevision ``<set>-<hash>``; an
  unchanged template reuses the latest revision, an earlier one is renumbered (rollback);
  ``status.currentRevision``/``updateRevision`` name them and pods carry
  ``controller-revision-hash``;
* ``OrderedReady`` creates ordinals upwards, each only once every lower ordinal is Running,
  Ready (and available for ``minReadySeconds``), and deletes condemned pods downwards, one at
  a time, waiting for each to be fully gone; ``Parallel`` does both all at once;
* before a pod, the claims of its ``volumeClaimTemplates`` (``<template>-<set>-<ordinal>``)
  are created; ``persistentVolumeClaimRetentionPolicy`` is carried by owner references the
  garbage collector acts on (Retain: none; Delete on set deletion: the set; Delete on scale
  down: the condemned pod);
* ``RollingUpdate`` deletes the highest-ordinal pod not at the update revision (ordinals ≥
  ``partition`` only) and waits for its replacement to be healthy; ``OnDelete`` waits for
  the user to delete pods;
* status: replicas, ready, available, current and updated counts, the two revisions,
  collisionCount and observedGeneration; old revisions beyond ``revisionHistoryLimit`` that
  no pod uses are deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from k9play.api import errors
from k9play.api import pods as podutil
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    key_of,
    labels_of,
    name_of,
    owner_reference,
    split_key,
    uid_of,
)
from k9play.api.selectors import LabelSelector, SelectorError, selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers import history
from k9play.controllers import statefulset_util as su
from k9play.controllers.base import Controller

#: ``MaxBatchSize``: the largest slow-start batch in Parallel mode
MAX_BATCH_SIZE = 500


class StatefulSetController(Controller):
    name = "statefulset"
    component = "statefulset-controller"

    def start(self) -> None:
        self.watch_self("StatefulSet")
        self.watch("Pod", self._pod_keys)
        self.enqueue_all("StatefulSet")

    # ------------------------------------------------------------ informers
    def _pod_keys(self, ev: WatchEvent) -> Iterable[str]:
        pod, old = ev.object, ev.old
        keys = history.owner_keys(pod, "StatefulSet")
        if old is not None and controller_ref(old) != controller_ref(pod):
            keys += history.owner_keys(old, "StatefulSet")
        if keys:
            if old is not None and not podutil.is_ready(old) and podutil.is_ready(pod):
                sts = self._resolve(pod)
                min_ready = int(((sts or {}).get("spec") or {}).get("minReadySeconds", 0) or 0)
                if min_ready > 0:
                    # "Add a second to avoid milliseconds skew in AddAfter."
                    self.queue.add_after(keys[0], min_ready + 1)
            return keys
        if ev.type == "DELETED":
            return []
        if old is None or labels_of(old) != labels_of(pod) or controller_ref(old) is not None:
            out = []
            for sts in self.store.list("StatefulSet", pod["metadata"].get("namespace")):
                sel = (sts.get("spec") or {}).get("selector")
                try:
                    if sel and selector_from_spec(sel).matches(labels_of(pod)):
                        out.append(key_of(sts))
                except SelectorError:
                    continue
            return out
        return []

    def _resolve(self, pod: Obj) -> Obj | None:
        ref = controller_ref(pod)
        if ref is None:
            return None
        sts = self.store.try_get("StatefulSet", ref["name"], pod["metadata"].get("namespace"))
        if sts is None or uid_of(sts) != ref.get("uid"):
            return None
        return sts

    # ------------------------------------------------------------ main loop
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        stored = self.store.try_get("StatefulSet", name, ns)
        if stored is None:
            return None
        sts = copy_obj(stored)
        try:
            selector = selector_from_spec(sts["spec"].get("selector"))
        except SelectorError:
            return None  # a non-transient error: don't retry
        self._adopt_orphan_revisions(sts, selector)
        pods = self._pods_for_set(sts, selector)
        status = self._update_stateful_set(sts, pods)
        min_ready = int(sts["spec"].get("minReadySeconds", 0) or 0)
        if status is not None and min_ready > 0 and status["availableReplicas"] != su.replicas_of(sts):
            return float(min_ready)
        return None

    def _owner(self, sts: Obj) -> Obj:
        return owner_reference(sts)

    def _adopt_orphan_revisions(self, sts: Obj, selector: LabelSelector) -> None:
        revisions = history.list_controller_revisions(self.store, sts, selector)
        if any(controller_ref(r) is None for r in revisions):
            for cr in revisions:
                if controller_ref(cr) is None and history.adopt(self.store, sts, cr) is None:
                    raise errors.ApiError(f"could not adopt ControllerRevision {name_of(cr)}")

    def _pods_for_set(self, sts: Obj, selector: LabelSelector) -> list[Obj]:
        """``getPodsForStatefulSet``: claim pods that match the selector and are named for the set."""
        candidates = history.claim_candidates(self.store, sts, "Pod", selector)
        return history.claim_objects(self.store, sts, candidates,
                                     lambda p: selector.matches(labels_of(p)) and su.is_member_of(sts, p))

    # ----------------------------------------------------------- revisions
    def _list_revisions(self, sts: Obj) -> list[Obj]:
        selector = selector_from_spec(sts["spec"].get("selector"))
        return history.sort_revisions(history.list_controller_revisions(self.store, sts, selector))

    def _new_revision(self, sts: Obj, revision: int, collision_count: int) -> Obj:
        """``newRevision``: the template patch, template labels and the set's annotations."""
        labels = ((sts["spec"].get("template") or {}).get("metadata") or {}).get("labels")
        cr = history.new_controller_revision(sts, labels, history.template_patch(sts), revision, collision_count)
        if sts["metadata"].get("annotations"):
            cr["metadata"]["annotations"] = dict(sts["metadata"]["annotations"])
        return cr

    def _get_revisions(self, sts: Obj, revisions: list[Obj]) -> tuple[Obj, Obj, int]:
        """``getStatefulSetRevisions`` → (current, update, collisionCount)."""
        collision = int((sts.get("status") or {}).get("collisionCount", 0) or 0)
        update = self._new_revision(sts, history.next_revision(revisions), collision)
        equal = history.find_equal_revisions(revisions, update)
        if equal and history.equal_revision(revisions[-1], equal[-1]):
            update = revisions[-1]
        elif equal:
            update = history.update_controller_revision(self.store, equal[-1], history.revision_of(update))
        else:
            update, collision = history.create_controller_revision(self.store, sts, update, collision)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if name_of(r) == current_name), None) or update
        return current, update, collision

    def _truncate_history(self, sts: Obj, pods: list[Obj], revisions: list[Obj], current: Obj | None,
                          update: Obj | None) -> None:
        live = {name_of(r) for r in (current, update) if r is not None}
        live |= {su.pod_revision(p) for p in pods}
        old = [r for r in revisions if name_of(r) not in live]
        limit = int(sts["spec"].get("revisionHistoryLimit", 10))
        if limit < 0 or len(old) <= limit:
            return
        for cr in old[:len(old) - limit]:
            try:
                self.store.delete("ControllerRevision", name_of(cr), sts["metadata"]["namespace"])
            except errors.ApiError as e:
                if e.reason != "NotFound":
                    raise

    # --------------------------------------------------------------- update
    def _update_stateful_set(self, sts: Obj, pods: list[Obj]) -> dict[str, Any] | None:
        """``UpdateStatefulSet``: revisions, one step of pod management, status, history."""
        revisions = self._list_revisions(sts)
        current = update = None
        try:
            current, update, collision = self._get_revisions(sts, revisions)
            status, err = self._sync_pods(sts, current, update, collision, pods)
            self._write_status(sts, status)
            if err is not None:
                raise err
            return status
        finally:
            self._truncate_history(sts, pods, revisions, current, update)

    def _write_status(self, sts: Obj, status: dict[str, Any]) -> None:
        """``updateStatefulSetStatus``: complete a finished rolling update, write if changed."""
        su.complete_rolling_update(sts, status)
        if not su.inconsistent_status(sts, status):
            return
        fresh = self.store.try_get("StatefulSet", name_of(sts), sts["metadata"]["namespace"])
        if fresh is None or uid_of(fresh) != uid_of(sts):
            return
        self.store.update_status({**fresh, "status": su.serialize_status(status)})

    def _sync_pods(self, sts: Obj, current_rev: Obj, update_rev: Obj, collision: int,
                   pods: list[Obj]) -> tuple[dict[str, Any], Exception | None]:
        """``updateStatefulSet``: create, fix, delete and roll pods toward the set's spec."""
        current_set = history.apply_revision(sts, current_rev)
        update_set = history.apply_revision(sts, update_rev)
        min_ready = int(sts["spec"].get("minReadySeconds", 0) or 0)
        now = self.clock.now()
        cur_name, upd_name = name_of(current_rev), name_of(update_rev)
        status = su.new_status()
        status.update(observedGeneration=sts["metadata"].get("generation", 1), currentRevision=cur_name,
                      updateRevision=upd_name, collisionCount=collision)
        su.count_replicas(status, min_ready, now, cur_name, upd_name, pods)

        start = su.start_ordinal(sts)
        replicas: list[Obj | None] = [None] * su.replicas_of(sts)
        condemned: list[Obj] = []
        for pod in pods:
            if su.in_ordinal_range(pod, sts):
                replicas[su.ordinal_of(pod) - start] = pod
            elif su.ordinal_of(pod) >= 0:
                condemned.append(pod)
        owner = self._owner(sts)
        for i in range(len(replicas)):
            if replicas[i] is None:
                replicas[i] = su.new_versioned_pod(current_set, update_set, cur_name, upd_name, start + i, owner)
        full: list[Obj] = [p for p in replicas if p is not None]
        condemned.sort(key=su.ordinal_of, reverse=True)

        first_unhealthy: Obj | None = None
        for pod in [*full, *reversed(condemned)]:
            if not su.is_healthy(pod):
                first_unhealthy = pod
                break

        def done(err: Exception | None = None) -> tuple[dict[str, Any], Exception | None]:
            su.count_replicas(status, min_ready, now, cur_name, upd_name, full, condemned)
            return status, err

        if sts["metadata"].get("deletionTimestamp"):
            return status, None
        monotonic = not su.allows_burst(sts)

        exit_, err = self._run_for_all(
            full, lambda i: self._process_replica(sts, update_set, monotonic, full, i, min_ready, now), monotonic)
        if exit_ or err:
            return done(err)

        def fix_claim(i: int) -> bool:
            if not self._claims_match_retention_policy(update_set, condemned[i]):
                self._update_claims_for_retention_policy(update_set, condemned[i])
            return False

        exit_, err = self._run_for_all(condemned, fix_claim, monotonic)
        if exit_ or err:
            return done(err)
        exit_, err = self._run_for_all(
            condemned, lambda i: self._process_condemned(sts, first_unhealthy, monotonic, condemned, i, min_ready, now),
            monotonic)
        if exit_ or err:
            return done(err)
        done()

        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "OnDelete":
            return status, None
        update_min = int((strategy.get("rollingUpdate") or {}).get("partition", 0) or 0) \
            if strategy.get("rollingUpdate") is not None else 0
        # terminate the highest ordinal not at the update revision, waiting for unhealthy pods
        for target in range(len(full) - 1, update_min - 1, -1):
            pod = full[target]
            if su.pod_revision(pod) != upd_name and not su.is_terminating(pod):
                try:
                    self._delete_pod(sts, pod)
                except errors.ApiError as e:
                    if e.reason != "NotFound":
                        return status, e
                status["currentReplicas"] -= 1
                return status, None
            if not su.is_healthy(pod):
                return status, None
        return status, None

    def _run_for_all(self, pods: list[Obj], fn: Callable[[int], bool],
                     monotonic: bool) -> tuple[bool, Exception | None]:
        """``runForAll``: in order, stopping at the first blocker (monotonic), or in slow-start
        batches of 1, 2, 4 … stopping after a batch with errors (burst)."""
        if monotonic:
            for i in range(len(pods)):
                try:
                    if fn(i):
                        return True, None
                except errors.ApiError as e:
                    return True, e
            return False, None
        remaining, j, batch = len(pods), 0, min(len(pods), 1)
        while batch > 0:
            errs: list[Exception] = []
            for _ in range(batch):
                try:
                    fn(j)
                except errors.ApiError as e:
                    errs.append(e)
                j += 1
            if errs:
                return True, errs[0] if len(errs) == 1 else errors.ApiError("[" + ", ".join(map(str, errs)) + "]")
            remaining -= batch
            batch = min(2 * batch, remaining, MAX_BATCH_SIZE)
        return False, None

    def _process_replica(self, sts: Obj, update_set: Obj, monotonic: bool, replicas: list[Obj], i: int,
                         min_ready: int, now: float) -> bool:
        """``processReplica``: True to stop processing further replicas this sync."""
        pod = replicas[i]
        if su.is_failed(pod) or su.is_succeeded(pod):
            if not su.is_terminating(pod):
                self._delete_pod(sts, pod)
            # the replacement is created on a later sync, once this pod is gone from the store
            return True
        if not su.is_created(pod):
            if self._claim_is_stale(sts, pod):
                return True
            self._create_pod(sts, pod)
            if monotonic:
                return True
        if su.is_pending(pod):
            self._create_missing_claims(sts, pod)
        if su.is_terminating(pod) and monotonic:
            return True
        if not su.is_running_and_ready(pod) and monotonic:
            return True
        if not su.is_running_and_available(pod, min_ready, now) and monotonic:
            return True
        try:
            retention_match = self._claims_match_retention_policy(update_set, pod)
        except errors.ApiError:
            retention_match = True
        if su.identity_matches(sts, pod) and su.storage_matches(sts, pod) and retention_match:
            return False
        self._update_pod(update_set, copy_obj(pod))
        return False

    def _process_condemned(self, sts: Obj, first_unhealthy: Obj | None, monotonic: bool, condemned: list[Obj],
                           i: int, min_ready: int, now: float) -> bool:
        """``processCondemned``: delete the pod (monotonic: only when all else is healthy)."""
        pod = condemned[i]
        if su.is_terminating(pod):
            return monotonic
        if not su.is_running_and_ready(pod) and monotonic and pod is not first_unhealthy:
            return True
        if not su.is_running_and_available(pod, min_ready, now) and monotonic and pod is not first_unhealthy:
            return True
        self._delete_pod(sts, pod)
        return True

    # ------------------------------------------------------- pod control
    def _record_pod_event(self, verb: str, sts: Obj, pod: Obj, err: Exception | None) -> None:
        """``recordPodEvent``: ``create Pod web-0 in StatefulSet web successful``."""
        if err is None:
            self.event(sts, NORMAL, f"Successful{verb.title()}",
                       f"{verb.lower()} Pod {name_of(pod)} in StatefulSet {name_of(sts)} successful")
        else:
            self.event(sts, WARNING, f"Failed{verb.title()}",
                       f"{verb.lower()} Pod {name_of(pod)} in StatefulSet {name_of(sts)} failed error: {err}")

    def _record_claim_event(self, verb: str, sts: Obj, pod: Obj, claim: Obj, err: Exception | None) -> None:
        """``recordClaimEvent``: ``create Claim www-web-0 Pod web-0 in StatefulSet web success``."""
        if err is None:
            message = f"{verb.lower()} Claim {name_of(claim)} Pod {name_of(pod)} in StatefulSet {name_of(sts)} success"
            self.event(sts, NORMAL, f"Successful{verb.title()}", message)
        else:
            self.event(sts, WARNING, f"Failed{verb.title()}",
                       f"{verb.lower()} Claim {name_of(claim)} for Pod {name_of(pod)} in StatefulSet {name_of(sts)} "
                       f"failed error: {err}")

    def _create_pod(self, sts: Obj, pod: Obj) -> None:
        """``CreateStatefulPod``: the pod's claims first, then the pod, then claim owner refs."""
        try:
            self._create_claims(sts, pod)
        except errors.ApiError as e:
            self._record_pod_event("create", sts, pod, e)
            raise
        err: errors.ApiError | None = None
        try:
            self.store.create(pod)
        except errors.ApiError as e:
            if e.reason == "AlreadyExists":
                raise
            err = e
        try:
            self._update_claims_for_retention_policy(sts, pod)
        except errors.ApiError as e:
            self._record_pod_event("update", sts, pod, e)
            raise
        self._record_pod_event("create", sts, pod, err)
        if err is not None:
            raise err

    def _update_pod(self, sts: Obj, pod: Obj) -> None:
        """``UpdateStatefulPod``: restore identity, storage and claim ownership."""
        attempted = False
        err: errors.ApiError | None = None
        for _ in range(5):  # retry.RetryOnConflict
            consistent = True
            if not su.identity_matches(sts, pod):
                su.update_identity(sts, pod)
                consistent = False
            if not su.storage_matches(sts, pod):
                su.update_storage(sts, pod)
                consistent = False
                try:
                    self._create_claims(sts, pod)
                except errors.ApiError as e:
                    self._record_pod_event("update", sts, pod, e)
                    raise
            try:
                if not self._claims_match_retention_policy(sts, pod):
                    self._update_claims_for_retention_policy(sts, pod)
                    consistent = False
            except errors.ApiError as e:
                self._record_pod_event("update", sts, pod, e)
                raise
            if consistent:
                return
            attempted = True
            try:
                self.store.update(pod)
                err = None
                break
            except errors.ApiError as e:
                err = e
                fresh = self.store.try_get("Pod", name_of(pod), sts["metadata"]["namespace"])
                if fresh is not None:
                    pod = copy_obj(fresh)
                if e.reason != "Conflict":
                    break
        if attempted:
            self._record_pod_event("update", sts, pod, err)
        if err is not None:
            raise err

    def _delete_pod(self, sts: Obj, pod: Obj) -> None:
        """``DeleteStatefulPod``: ``delete Pod web-1 in StatefulSet web successful``."""
        try:
            self.store.delete("Pod", name_of(pod), sts["metadata"]["namespace"])
        except errors.ApiError as e:
            self._record_pod_event("delete", sts, pod, e)
            raise
        self._record_pod_event("delete", sts, pod, None)

    # ----------------------------------------------------------------- claims
    def _create_claims(self, sts: Obj, pod: Obj) -> None:
        """``createPersistentVolumeClaims``: create each missing claim of ``pod``."""
        errs: list[str] = []
        for claim in su.persistent_volume_claims(sts, pod).values():
            existing = self.store.try_get("PersistentVolumeClaim", name_of(claim), claim["metadata"]["namespace"])
            if existing is None:
                try:
                    self.store.create(claim)
                except errors.ApiError as e:
                    errs.append(f"failed to create PVC {name_of(claim)}: {e}")
                    if e.reason != "AlreadyExists":
                        self._record_claim_event("create", sts, pod, claim, e)
                    continue
                self._record_claim_event("create", sts, pod, claim, None)
            elif existing["metadata"].get("deletionTimestamp"):
                errs.append(f"pvc {name_of(claim)} is being deleted")
        if errs:
            raise errors.ApiError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")

    def _create_missing_claims(self, sts: Obj, pod: Obj) -> None:
        """``createMissingPersistentVolumeClaims`` (for a Pending pod)."""
        self._create_claims(sts, pod)
        try:
            self._update_claims_for_retention_policy(sts, pod)
        except errors.ApiError as e:
            self._record_pod_event("update", sts, pod, e)
            raise

    def _claims_of(self, sts: Obj, pod: Obj) -> list[tuple[str, Obj | None]]:
        ordinal = su.ordinal_of(pod)
        ns = sts["metadata"]["namespace"]
        out = []
        for tmpl in su.claim_templates(sts):
            name = su.claim_name(sts, tmpl, ordinal)
            out.append((name, self.store.try_get("PersistentVolumeClaim", name, ns)))
        return out

    def _claims_match_retention_policy(self, sts: Obj, pod: Obj) -> bool:
        """``ClaimsMatchRetentionPolicy`` (missing claims are picked up later)."""
        return all(claim is None or su.is_claim_owner_up_to_date(claim, sts, pod)
                   for _, claim in self._claims_of(sts, pod))

    def _update_claims_for_retention_policy(self, sts: Obj, pod: Obj) -> None:
        """``UpdatePodClaimForRetentionPolicy``: set the owner references the policy asks for."""
        for name, claim in self._claims_of(sts, pod):
            if claim is None:
                continue
            if su.has_unexpected_controller(claim, sts, pod):
                self.event(sts, WARNING, "ConflictingController",
                           f"PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging "
                           "controller, the retention policy is ignored for this claim")
            if not su.is_claim_owner_up_to_date(claim, sts, pod):
                new = copy_obj(claim)
                su.update_claim_owner_refs(new, sts, pod)
                try:
                    self.store.update(new)
                except errors.ApiError as e:
                    raise errors.ApiError(f"could not update claim {name} for delete policy ownerRefs: {e}") from e

    def _claim_is_stale(self, sts: Obj, pod: Obj) -> bool:
        """``PodClaimIsStale``: with whenScaled=Delete, a claim still owned by a previous pod
        of this name blocks the new pod until the garbage collector removes it."""
        if su.retention_policy(sts)[1] == su.RETAIN:
            return False
        return any(claim is not None and su.has_stale_owner_ref(claim, pod, su.POD_API_VERSION, su.POD_KIND)
                   for _, claim in self._claims_of(sts, pod))
