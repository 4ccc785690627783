"""JobController: run pods to completion for each Job (``job-controller``).

Port of ``pkg/controller/job/job_controller.go`` (Kubernetes v1.34):

* completions/parallelism for ``NonIndexed`` and ``Indexed`` jobs (pods ``<job>-<5 chars>``
  or ``<job>-<index>-<5 chars>`` with the completion-index annotation and label, hostname
  ``<job>-<index>`` and ``JOB_COMPLETION_INDEX``), and work-queue jobs (no completions);
* status ``active``/``succeeded``/``failed``/``ready``/``terminating``/``completedIndexes``,
  ``startTime``/``completionTime``;
* failures: ``backoffLimit`` (failed pods, plus container restarts with ``OnFailure``), the
  pod re-creation back-off (10 s doubling, ``backoff_utils.go``), ``activeDeadlineSeconds``,
  ``podFailurePolicy``; terminal conditions are delayed as in v1.34: ``FailureTarget`` then
  ``Failed``, ``SuccessCriteriaMet`` then ``Complete``, the second once no pod is terminating;
* ``successPolicy`` (Indexed), ``suspend``/resume, events with the real reasons/messages;
* pod events and status-only Job updates sync the Job one second later
  (``syncJobBatchPeriod``), spec changes at once.

Deviations, on purpose:

* The apiserver's Job strategy (``generateSelector``) adds ``spec.selector`` and the template
  labels ``batch.kubernetes.io/controller-uid``, ``batch.kubernetes.io/job-name``,
  ``controller-uid`` and ``job-name`` at creation. Admission is not part of this module, so the
  controller's first sync of a Job without them writes them once (an update, which also bumps
  ``metadata.generation`` to 2) before creating any pod; the Job's own labels get the template
  labels when it has none, as ``kubectl describe job`` shows on a real cluster.
* The ``batch.kubernetes.io/job-tracking`` pod finalizer and ``status.uncountedTerminatedPods``
  are not used (the latter is always ``{}``). Instead the controller remembers, in memory, which
  finished pods it has counted, and keeps the last state of pods that vanish before being
  counted, so ``succeeded``/``failed`` never go back when finished pods are deleted. Pods the
  controller itself removes (suspend, scale-down, excess) are never counted as failed, like
  pods whose finalizer the real controller strips before deleting them.
* ``backoffLimitPerIndex``/``maxFailedIndexes`` and ``managedBy`` are not implemented.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api import pods as podutil
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    format_time,
    key_of,
    labels_of,
    name_of,
    owner_reference,
    parse_time,
    split_key,
    uid_of,
)
from k9play.api.selectors import selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers import job_util as ju
from k9play.controllers.base import Controller
from k9play.controllers.job_ttl import TTLAfterFinishedController

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore


@dataclass
class _JobMemory:
    """What the real controller keeps in finalizers, uncounted UIDs and its backoff store."""

    uid: str
    counted: set[str] = field(default_factory=set)  # finished pods already in the counters
    tombstones: dict[str, Obj] = field(default_factory=dict)  # pods deleted before being counted
    backoff: ju.BackoffRecord = field(default_factory=ju.BackoffRecord)
    seeded: bool = False


class JobController(Controller):
    name = "job"
    component = "job-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self._memory: dict[str, _JobMemory] = {}
        #: the TTL-after-finished controller runs alongside (kube-controller-manager starts both)
        self.ttl = TTLAfterFinishedController(store)

    # ------------------------------------------------------------------ wiring
    def start(self) -> None:
        self._unsubscribe.append(self.store.add_handler("Job", self._on_job))
        self._unsubscribe.append(self.store.add_handler("Pod", self._on_pod))
        self.enqueue_all("Job")
        self.ttl.start()

    def stop(self) -> None:
        super().stop()
        self.ttl.stop()

    def _on_job(self, ev: WatchEvent) -> None:
        key = key_of(ev.object)
        if ev.type == "MODIFIED" and ev.old is not None and \
                ev.old["metadata"].get("generation") == ev.object["metadata"].get("generation"):
            self.queue.add_after(key, ju.SYNC_BATCH_PERIOD)  # enqueueSyncJobBatched
        else:
            self.queue.add(key)  # enqueueSyncJobImmediately

    def _on_pod(self, ev: WatchEvent) -> None:
        keys: set[str] = set()
        for obj in (ev.object, ev.old):
            if obj is None:
                continue
            ref = controller_ref(obj)
            ns = obj["metadata"].get("namespace", "")
            if ref is not None:
                if ref.get("kind") == "Job":
                    keys.add(f"{ns}/{ref['name']}")
                    if ev.type == "DELETED":
                        self._remember_deleted(obj, ref)
            elif ev.type != "DELETED" and obj is ev.object:
                for job in self.store.list("Job", ns):
                    sel = (job.get("spec") or {}).get("selector")
                    if sel and selector_from_spec(sel).matches(labels_of(obj)):
                        keys.add(key_of(job))
        for key in sorted(keys):
            self.queue.add_after(key, ju.SYNC_BATCH_PERIOD)

    def _remember_deleted(self, pod: Obj, ref: Obj) -> None:
        """Keep the final state of an owned pod that vanished before it was counted
        (the real controller's tracking finalizer would have held it back)."""
        key = f"{pod['metadata'].get('namespace', '')}/{ref['name']}"
        mem = self._memory.get(key)
        if mem is not None and mem.uid == ref.get("uid") and uid_of(pod) not in mem.counted:
            mem.tombstones[uid_of(pod)] = pod

    # -------------------------------------------------------------- reconcile
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        job = self.store.try_get("Job", name, ns)
        if job is None:
            self._memory.pop(key, None)
            return None
        if ju.is_finished(job):
            self._memory.pop(key, None)
            return None
        spec = job.get("spec") or {}
        if spec.get("completionMode") not in (None, "NonIndexed", "Indexed"):
            self.event(job, WARNING, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown")
            return None
        if self._ensure_generated_selector(job):
            return None
        mem = self._memory.get(key)
        if mem is None or mem.uid != uid_of(job):
            mem = self._memory[key] = _JobMemory(uid_of(job))
        return _Sync(self, job, mem).run()

    def _ensure_generated_selector(self, job: Obj) -> bool:
        """Stand-in for the Job strategy's ``generateSelector`` (see the module docstring)."""
        spec = job.get("spec") or {}
        if spec.get("manualSelector"):
            return False
        uid, name = uid_of(job), name_of(job)
        tmpl_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        sel_labels = (spec.get("selector") or {}).get("matchLabels") or {}
        wanted = {ju.JOB_NAME_LABEL: name, ju.LEGACY_JOB_NAME_LABEL: name,
                  ju.CONTROLLER_UID_LABEL: uid, ju.LEGACY_CONTROLLER_UID_LABEL: uid}
        if ju.CONTROLLER_UID_LABEL in sel_labels and all(k in tmpl_labels for k in wanted):
            return False
        new = copy_obj(job)
        nspec = new.setdefault("spec", {})
        tmpl = nspec.setdefault("template", {})
        tmeta = tmpl.get("metadata") or {}
        tmpl["metadata"] = tmeta
        labels = dict(tmeta.get("labels") or {})
        for k in (ju.LEGACY_JOB_NAME_LABEL, ju.JOB_NAME_LABEL, ju.LEGACY_CONTROLLER_UID_LABEL,
                  ju.CONTROLLER_UID_LABEL):
            labels.setdefault(k, wanted[k])
        tmeta["labels"] = dict(sorted(labels.items()))
        selector = dict(nspec.get("selector") or {})
        match = dict(selector.get("matchLabels") or {})
        match.setdefault(ju.CONTROLLER_UID_LABEL, uid)
        selector["matchLabels"] = match
        nspec["selector"] = selector
        if not new["metadata"].get("labels"):
            new["metadata"]["labels"] = dict(tmeta["labels"])
        try:
            self.store.update(new)
        except errors.ApiError as e:
            self.event(job, WARNING, "FailedUpdate", f"Error updating job selector: {e}")
            return True
        return True


class _Sync:
    """One ``syncJob`` pass over one Job."""

    def __init__(self, ctrl: JobController, job: Obj, mem: _JobMemory) -> None:
        self.ctrl = ctrl
        self.store = ctrl.store
        self.job = job
        self.mem = mem
        self.key = key_of(job)
        self.now = ctrl.clock.now()
        self.spec: Obj = job.get("spec") or {}
        self.old_status: Obj = job.get("status") or {}
        self.indexed = self.spec.get("completionMode") == "Indexed"
        self.completions: int | None = self.spec.get("completions")
        self.requeue: float | None = None

    # ------------------------------------------------------------------ pods
    def claim_pods(self) -> list[Obj]:
        """``getPodsForJob``: owned pods plus matching orphans (adopted); strays released."""
        job = self.job
        uid = uid_of(job)
        ns = job["metadata"]["namespace"]
        sel_spec = self.spec.get("selector")
        selector = selector_from_spec(sel_spec) if sel_spec else None
        deleting = bool(job["metadata"].get("deletionTimestamp"))
        claimed: list[Obj] = []
        seen: set[str] = set()
        for pod in self.store.dependents_of(uid):
            ref = controller_ref(pod)
            if pod.get("kind") != "Pod" or ref is None or ref.get("uid") != uid:
                continue
            seen.add(uid_of(pod))
            if deleting or (selector is not None and selector.matches(labels_of(pod))):
                claimed.append(pod)
            else:
                self._release(pod, uid)
        if deleting or selector is None or selector.empty:
            return claimed
        for pod in self.store.list("Pod", ns, selector):
            if uid_of(pod) in seen or controller_ref(pod) is not None or pod["metadata"].get("deletionTimestamp"):
                continue
            new = copy_obj(pod)
            new["metadata"].setdefault("ownerReferences", []).append(owner_reference(job))
            try:
                claimed.append(self.store.update(new))
            except errors.ApiError:
                continue
        return claimed

    def _release(self, pod: Obj, uid: str) -> None:
        new = copy_obj(pod)
        refs = [r for r in new["metadata"].get("ownerReferences", []) if r.get("uid") != uid]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        try:
            self.store.update(new)
        except errors.ApiError:
            pass

    def _valid_index(self, pod: Obj) -> bool:
        if not self.indexed:
            return True
        ix = ju.completion_index(pod)
        return ix != -1 and ix < (self.completions or 0)

    def _seed_memory(self, pods: list[Obj]) -> None:
        """A controller that starts on a Job with counters already set treats the finished
        pods it finds as counted (the real one knows from the missing finalizers)."""
        if self.mem.seeded:
            return
        self.mem.seeded = True
        st = self.old_status
        if st.get("succeeded") or st.get("failed") or st.get("completedIndexes"):
            for p in pods:
                if podutil.is_terminal(p) or ju.is_pod_failed(p, self.job):
                    self.mem.counted.add(uid_of(p))

    # ------------------------------------------------------------------- run
    def run(self) -> float | None:
        job, spec, mem = self.job, self.spec, self.mem
        self.create_error: errors.ApiError | None = None
        pods = self.claim_pods()
        self._seed_memory(pods)
        live_uids = {uid_of(p) for p in pods}
        tombstones = [p for u, p in mem.tombstones.items() if u not in live_uids]
        mem.tombstones.clear()
        self.active_pods = [p for p in pods if podutil.is_active(p)]
        self.ready = sum(1 for p in self.active_pods if podutil.is_ready(p))
        self.terminating = sum(1 for p in pods if ju.is_terminating(p))
        active = len(self.active_pods)

        # getNewFinishedPods: finished pods (including ones that vanished) not yet counted
        new_succeeded: list[Obj] = []
        new_failed: list[Obj] = []
        vanished_uids = {uid_of(p) for p in tombstones}
        for p in [*pods, *tombstones]:
            if uid_of(p) in mem.counted or not self._valid_index(p):
                continue
            phase = (p.get("status") or {}).get("phase")
            vanished = uid_of(p) in vanished_uids
            if phase == "Succeeded":
                new_succeeded.append(p)
            elif ju.is_pod_failed(p, job) or vanished:
                new_failed.append(p)
        policy = spec.get("podFailurePolicy")
        counted_failed = [p for p in new_failed if ju.match_pod_failure_policy(policy, p)[1]]
        self.new_counted = {uid_of(p) for p in (*new_succeeded, *new_failed)}
        status = copy_obj(self.old_status)
        self.status = status
        succeeded = int(status.get("succeeded", 0) or 0) + len(new_succeeded)
        failed = int(status.get("failed", 0) or 0) + len(counted_failed)

        suspended = bool(spec.get("suspend"))
        if not status.get("startTime") and not suspended:
            status["startTime"] = format_time(self.now)
        backoff = mem.backoff.updated(new_succeeded, new_failed)
        mem.backoff = backoff

        conditions: list[Obj] = status.setdefault("conditions", [])
        finished = ju.true_condition(job, ju.SUCCESS_CRITERIA_MET)
        if finished is None:
            target = ju.true_condition(job, ju.FAILURE_TARGET)
            if target is not None:
                finished = ju.new_condition(ju.FAILED, "True", target.get("reason", ""), target.get("message", ""),
                                            self.now)
            elif policy is not None:
                for p in pods:
                    if ju.is_pod_failed(p, job):
                        msg = ju.match_pod_failure_policy(policy, p)[0]
                        if msg is not None:
                            finished = ju.new_condition(ju.FAILURE_TARGET, "True", ju.REASON_POD_FAILURE_POLICY,
                                                        msg, self.now)
                            break
        if finished is None:
            if failed > int(spec.get("backoffLimit", 6)) or self._past_backoff_limit_on_failure(pods):
                finished = ju.new_condition(ju.FAILURE_TARGET, "True", ju.REASON_BACKOFF_LIMIT_EXCEEDED,
                                            ju.MSG_BACKOFF_LIMIT_EXCEEDED, self.now)
            elif self._past_active_deadline(status):
                finished = ju.new_condition(ju.FAILURE_TARGET, "True", ju.REASON_DEADLINE_EXCEEDED,
                                            ju.MSG_DEADLINE_EXCEEDED, self.now)
            elif spec.get("activeDeadlineSeconds") is not None and not suspended and status.get("startTime"):
                left = float(spec["activeDeadlineSeconds"]) - (self.now - parse_time(status["startTime"]))
                self._requeue(max(left, 0.0))

        self.succeeded_indexes: ju.Intervals = []
        if self.indexed:
            prev = ju.parse_indexes(status.get("completedIndexes"), self.completions or 0)
            self.succeeded_indexes = ju.merge_indexes(prev, [ju.completion_index(p) for p in new_succeeded])
            succeeded = ju.intervals_total(self.succeeded_indexes)
            if finished is None:
                msg = ju.match_success_policy(spec.get("successPolicy"), self.completions or 0,
                                              self.succeeded_indexes)
                if msg is not None:
                    finished = ju.new_condition(ju.SUCCESS_CRITERIA_MET, "True", ju.REASON_SUCCESS_POLICY, msg,
                                                self.now)
        self.succeeded = succeeded

        if finished is not None:
            # deleteActivePods: on failure the removed pods count as failed, on success they do not
            failing = finished["type"] != ju.SUCCESS_CRITERIA_MET
            deleted_ready, deleted, newly_failed = self._delete_pods(self.active_pods, count_as_failed=failing)
            failed += newly_failed
            if deleted != active:
                finished = None
            active -= deleted
            self.terminating += deleted
            self.ready -= deleted_ready
        else:
            manage_called = False
            if not job["metadata"].get("deletionTimestamp"):
                active = self._manage_job(active, backoff)
                manage_called = True
            if self.completions is None:
                complete = succeeded > 0 and active == 0
            else:
                complete = succeeded >= self.completions and active == 0
            if complete:
                finished = ju.new_condition(ju.SUCCESS_CRITERIA_MET, "True", ju.REASON_COMPLETIONS_REACHED,
                                            ju.MSG_COMPLETIONS_REACHED, self.now)
            elif manage_called:
                if suspended:
                    if ju.ensure_condition(conditions, ju.SUSPENDED, "True", "JobSuspended", "Job suspended",
                                           self.now):
                        self.ctrl.event(job, NORMAL, "Suspended", "Job suspended")
                elif ju.ensure_condition(conditions, ju.SUSPENDED, "False", "JobResumed", "Job resumed", self.now):
                    self.ctrl.event(job, NORMAL, "Resumed", "Job resumed")
                    # resumed jobs reset StartTime so activeDeadlineSeconds counts active time only
                    status["startTime"] = format_time(self.now)

        mem.counted.update(self.new_counted)
        result = self._write_status(active, succeeded, failed, finished)
        if self.create_error is not None:
            raise self.create_error  # syncJob returns manageJob's error: the key is rate-limited
        return result

    # -------------------------------------------------------------- checks
    def _past_backoff_limit_on_failure(self, pods: list[Obj]) -> bool:
        """``pastBackoffLimitOnFailure``: container restarts count with ``OnFailure``."""
        tmpl_spec = (self.spec.get("template") or {}).get("spec") or {}
        if tmpl_spec.get("restartPolicy") != "OnFailure":
            return False
        restarts = 0
        for p in pods:
            st = p.get("status") or {}
            if st.get("phase") in ("Running", "Pending"):
                for key in ("initContainerStatuses", "containerStatuses"):
                    restarts += sum(int(c.get("restartCount", 0)) for c in st.get(key) or [])
        limit = int(self.spec.get("backoffLimit", 6))
        return restarts > 0 if limit == 0 else restarts >= limit

    def _past_active_deadline(self, status: Obj) -> bool:
        ads = self.spec.get("activeDeadlineSeconds")
        if ads is None or not status.get("startTime") or self.spec.get("suspend"):
            return False
        return self.now - parse_time(status["startTime"]) >= float(ads)

    def _requeue(self, delay: float) -> None:
        self.ctrl.queue.add_after(self.key, delay)

    # -------------------------------------------------------------- manageJob
    def _manage_job(self, active: int, backoff: ju.BackoffRecord) -> int:
        spec = self.spec
        parallelism = int(spec.get("parallelism", 1) or 0)
        if spec.get("suspend"):
            ready, removed, _ = self._delete_pods(self.active_pods, count_as_failed=False)
            self.terminating += removed
            self.ready -= ready
            return active - removed
        if self.completions is None:
            want = active if self.succeeded > 0 else parallelism
        else:
            want = max(0, min(self.completions - self.succeeded, parallelism))
        rm_at_least = max(0, active - want)
        to_delete = self._active_pods_for_removal(rm_at_least)[:ju.MAX_POD_CREATE_DELETE_PER_SYNC]
        if to_delete:
            ready, removed, _ = self._delete_pods(to_delete, count_as_failed=False)
            self.terminating += removed
            self.ready -= ready
            return active - removed
        terminating = self.terminating if ju.only_replace_failed_pods(self.job) else 0
        diff = want - terminating - active
        if diff <= 0:
            return active
        remaining = backoff.remaining(self.now)
        if remaining > 0:
            # enqueueSyncJobWithDelay: never sooner than the batch period
            self._requeue(max(remaining, ju.SYNC_BATCH_PERIOD))
            return active
        diff = min(diff, ju.MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int | None] = [None] * diff
        if self.indexed:
            non_pending = ju.merge_indexes(self.succeeded_indexes,
                                           [ju.completion_index(p) for p in self.active_pods
                                            if ju.completion_index(p) != -1])
            if ju.only_replace_failed_pods(self.job):
                non_pending = ju.merge_indexes(non_pending, [
                    ju.completion_index(p) for p in self.store.dependents_of(uid_of(self.job))
                    if p.get("kind") == "Pod" and ju.is_terminating(p) and ju.completion_index(p) != -1])
            indexes = list(ju.first_pending_indexes(non_pending, diff, self.completions or 0))
        for ix in indexes:
            if not self._create_pod(ix):
                break
            active += 1
        return active

    def _active_pods_for_removal(self, rm_at_least: int) -> list[Obj]:
        """``activePodsForRemoval``: duplicated or out-of-range indexes first, then ActivePods order."""
        rm: list[Obj] = []
        left: list[Obj] = list(self.active_pods)
        if self.indexed:
            left = []
            by_index: dict[int, list[Obj]] = {}
            for p in self.active_pods:
                ix = ju.completion_index(p)
                if ix == -1 or ix >= (self.completions or 0):
                    rm.append(p)
                else:
                    by_index.setdefault(ix, []).append(p)
            for ix in sorted(by_index):
                group = sorted(by_index[ix], key=ju.active_pods_key)
                rm.extend(group[:-1])
                left.append(group[-1])
        if len(rm) < rm_at_least:
            left.sort(key=ju.active_pods_key)
            rm.extend(left[:rm_at_least - len(rm)])
        return rm

    def _create_pod(self, index: int | None) -> bool:
        job = self.job
        tmpl = self.spec.get("template") or {}
        tmeta = tmpl.get("metadata") or {}
        labels = dict(tmeta.get("labels") or {})
        annotations = dict(tmeta.get("annotations") or {})
        pod_spec = copy_obj(tmpl.get("spec") or {})
        generate_name = f"{name_of(job)}-"
        if index is not None:
            for key in ("initContainers", "containers"):
                for c in pod_spec.get(key) or []:
                    env = c.setdefault("env", [])
                    if not any(e.get("name") == ju.COMPLETION_INDEX_ENV for e in env):
                        env.append({"name": ju.COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": {
                            "apiVersion": "v1",
                            "fieldPath": f"metadata.labels['{ju.COMPLETION_INDEX_ANNOTATION}']"}}})
            annotations[ju.COMPLETION_INDEX_ANNOTATION] = str(index)
            labels[ju.COMPLETION_INDEX_ANNOTATION] = str(index)
            pod_spec["hostname"] = f"{name_of(job)}-{index}"
            suffix = f"-{index}-"
            generate_name = name_of(job) + suffix
            if len(generate_name) > 58:  # names.MaxGeneratedNameLength
                generate_name = generate_name[:58 - len(suffix)] + suffix
        elif len(generate_name) > 58:
            generate_name = generate_name[:58]
        md: Obj = {"generateName": generate_name, "namespace": job["metadata"]["namespace"], "labels": labels}
        if annotations:
            md["annotations"] = annotations
        md["ownerReferences"] = [owner_reference(job)]
        pod: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": pod_spec}
        try:
            created = self.store.create(pod)
        except errors.ApiError as e:
            if "because it is being terminated" not in str(e):
                self.ctrl.event(job, WARNING, "FailedCreate", f"Error creating: {e}")
                self.create_error = e
            return False
        self.ctrl.event(job, NORMAL, "SuccessfulCreate", f"Created pod: {name_of(created)}")
        return True

    def _delete_pods(self, pods: Iterable[Obj], *, count_as_failed: bool) -> tuple[int, int, int]:
        """Delete pods; returns (ready pods deleted, pods deleted, pods newly counted as failed).

        The real controller strips the tracking finalizer before deleting pods it no longer
        wants (suspend, scale-down), so those never count; when the Job is failing it keeps the
        finalizer and every pod that had not finished counts as failed."""
        ready = deleted = newly_failed = 0
        for pod in pods:
            uid = uid_of(pod)
            try:
                self.store.delete("Pod", name_of(pod), pod["metadata"]["namespace"], uid=uid)
            except errors.ApiError as e:
                if e.code != 404:
                    self.ctrl.event(self.job, WARNING, "FailedDelete", f"Error deleting: {e}")
                    continue
            if uid not in self.mem.counted and uid not in self.new_counted:
                if count_as_failed and (pod.get("status") or {}).get("phase") != "Succeeded" \
                        and self._valid_index(pod):
                    newly_failed += 1
                self.mem.counted.add(uid)
                self.mem.tombstones.pop(uid, None)
            self.ctrl.event(self.job, NORMAL, "SuccessfulDelete", f"Deleted pod: {name_of(pod)}")
            deleted += 1
            ready += podutil.is_ready(pod)
        return ready, deleted, newly_failed

    # ----------------------------------------------------------------- status
    def _write_status(self, active: int, succeeded: int, failed: int, finished: Obj | None) -> float | None:
        job = self.job
        old = self.old_status
        conditions: list[Obj] = self.status.get("conditions") or []
        final: Obj | None = None
        if finished is not None:
            if finished["type"] == ju.FAILURE_TARGET:
                if ju.true_condition(job, ju.FAILURE_TARGET) is None:
                    conditions.append(finished)
                final = ju.new_condition(ju.FAILED, "True", finished["reason"], finished["message"], self.now)
            elif finished["type"] == ju.SUCCESS_CRITERIA_MET:
                if ju.true_condition(job, ju.SUCCESS_CRITERIA_MET) is None:
                    conditions.append(finished)
                final = ju.new_condition(ju.COMPLETE, "True", finished["reason"], finished["message"], self.now)
            else:
                final = finished
        job_finished = final is not None and self.terminating <= 0
        completion_time = old.get("completionTime")
        if job_finished and final is not None:
            ju.ensure_condition(conditions, final["type"], "True", final["reason"], final["message"], self.now)
            if final["type"] == ju.COMPLETE:
                completion_time = format_time(self.now)
        # batch/v1 JobStatus field order; zero counters are omitted as the Go serializer does
        status: Obj = {}
        if conditions:
            status["conditions"] = conditions
        if self.status.get("startTime"):
            status["startTime"] = self.status["startTime"]
        if completion_time:
            status["completionTime"] = completion_time
        if active:
            status["active"] = active
        if succeeded:
            status["succeeded"] = succeeded
        if failed:
            status["failed"] = failed
        status["terminating"] = max(0, self.terminating)
        if self.indexed:
            text = ju.format_indexes(self.succeeded_indexes)
            if text:
                status["completedIndexes"] = text
        status["uncountedTerminatedPods"] = {}
        status["ready"] = max(0, self.ready)
        if status != old:
            try:
                self.store.update_status({**job, "status": status})
            except errors.ApiError:
                return 1.0
        if job_finished and final is not None:
            if final["type"] == ju.COMPLETE:
                completions = self.spec.get("completions")
                if completions is not None and succeeded > completions:
                    self.ctrl.event(job, WARNING, "TooManySucceededPods",
                                    "Too many succeeded pods running after completion count reached")
                self.ctrl.event(job, NORMAL, "Completed", "Job completed")
            else:
                self.ctrl.event(job, WARNING, final["reason"], final["message"])
        return None
