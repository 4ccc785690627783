"""CronJobController: create Jobs on a cron schedule (``cronjob-controller``).

Port of ``pkg/controller/cronjob/cronjob_controllerv2.go`` and ``utils.go`` (v1.34):

* schedules as ``cron.ParseStandard`` reads them (five fields, ``@hourly``-style
  descriptors, ``@every``), in ``spec.timeZone`` (:mod:`k9play.controllers.cronjob_schedule`);
* one Job per scheduled time, named ``<cronjob>-<scheduledTime.Unix()/60>``, from
  ``spec.jobTemplate`` (labels and annotations copied, plus
  ``batch.kubernetes.io/cronjob-scheduled-timestamp``; controller ownerReference);
* ``concurrencyPolicy`` Allow/Forbid/Replace, ``suspend``, ``startingDeadlineSeconds``, the
  >100 missed schedules rule (``TooManyMissedTimes``), ``MissSchedule``;
* history limits (oldest finished Jobs deleted with background propagation), status
  ``active`` (object references), ``lastScheduleTime``, ``lastSuccessfulTime``;
* events ``SuccessfulCreate`` "Created job X", ``SawCompletedJob`` "Saw completed job: X,
  status: Complete", ``SuccessfulDelete`` "Deleted job X", ``JobAlreadyActive``,
  ``UnexpectedJob``, ``MissingJob``, ``UnparseableSchedule``, ``UnknownTimeZone``…

No polling: each sync asks to be requeued for the next scheduled time plus 100 ms
(``nextScheduleTimeDuration``); Job and CronJob changes enqueue the CronJob at once.

:func:`job_from_cronjob` is ``kubectl create job --from=cronjob/X``.

Deviation: when ``spec.schedule`` changes and the new one cannot be parsed, the real informer
handler records ``UnParseableCronJobSchedule``; here handlers never write, so the CronJob is
synced at once and the sync records ``UnparseableSchedule``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    format_time,
    key_of,
    name_of,
    namespace_of,
    owner_reference,
    parse_time,
    split_key,
    uid_of,
)
from k9play.api.store import WatchEvent
from k9play.controllers import job_util as ju
from k9play.controllers.base import Controller
from k9play.controllers.cronjob_schedule import Schedule, ScheduleError, load_location, parse_standard

#: ``nextScheduleDelta``: requeue a little after the scheduled instant
NEXT_SCHEDULE_DELTA = 0.1
SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
INSTANTIATE_ANNOTATION = "cronjob.kubernetes.io/instantiate"

NONE_MISSED, FEW_MISSED, MANY_MISSED = 0, 1, 2


def job_from_cronjob(cronjob: Obj, name: str) -> Obj:
    """``kubectl create job <name> --from=cronjob/<cronjob>``: the Job kubectl would send.

    Port of ``createJobFromCronJob`` (kubectl v1.34): the annotation
    ``cronjob.kubernetes.io/instantiate: manual`` plus the template's annotations, the
    template's labels, and an ownerReference with ``controller: true`` but without
    ``blockOwnerDeletion``."""
    jt = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    jt_meta = jt.get("metadata") or {}
    annotations = {INSTANTIATE_ANNOTATION: "manual", **(jt_meta.get("annotations") or {})}
    md: Obj = {"name": name}
    if namespace_of(cronjob):
        md["namespace"] = namespace_of(cronjob)
    if jt_meta.get("labels"):
        md["labels"] = dict(jt_meta["labels"])
    md["annotations"] = annotations
    md["ownerReferences"] = [{
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "name": name_of(cronjob),
        "uid": uid_of(cronjob),
        "controller": True,
    }]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": md, "spec": copy_obj(jt.get("spec") or {})}


def job_name(cronjob: Obj, scheduled: float) -> str:
    """``getJobName``: ``<cronjob>-<scheduled time in minutes since the epoch>``."""
    return f"{name_of(cronjob)}-{int(scheduled) // 60}"


def most_recent_schedule_time(cj: Obj, now: float, sched: Schedule,
                              include_starting_deadline: bool) -> tuple[float, float | None, int]:
    """``mostRecentScheduleTime``: (earliest time, most recent unmet time or None, missed kind).

    Raises :class:`ScheduleError` for schedules with (almost) no time between activations."""
    status = cj.get("status") or {}
    earliest = parse_time(cj["metadata"]["creationTimestamp"])
    if status.get("lastScheduleTime"):
        earliest = parse_time(status["lastScheduleTime"])
    deadline = (cj.get("spec") or {}).get("startingDeadlineSeconds")
    if include_starting_deadline and deadline is not None:
        earliest = max(earliest, now - float(deadline))
    t1 = sched.next(earliest)
    t2 = sched.next(t1)
    if now < t1:
        return earliest, None, NONE_MISSED
    if now < t2:
        return earliest, t1, NONE_MISSED
    between = round(t2 - t1)
    if between < 1:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    missed_count = int(now - t1) // between + 1
    potential = t1 + (missed_count - 2) * between
    most_recent: float | None = None
    t = sched.next(potential)
    while t <= now:
        most_recent = t
        t = sched.next(t)
    missed = MANY_MISSED if missed_count > 100 else FEW_MISSED
    return earliest, most_recent, missed


def next_schedule_delay(cj: Obj, now: float, sched: Schedule) -> float:
    """``nextScheduleTimeDuration``: seconds until the next activation, plus 100 ms."""
    try:
        earliest, most_recent, missed = most_recent_schedule_time(cj, now, sched, False)
    except ScheduleError:
        most_recent = now
    else:
        if most_recent is None:
            most_recent = earliest if missed == NONE_MISSED else now
    try:
        return sched.next(most_recent) + NEXT_SCHEDULE_DELTA - now
    except ScheduleError:
        return 3600.0


def _format_schedule(cj: Obj) -> tuple[str, bool]:
    """``formatSchedule``: (spec for ParseStandard, whether it embeds an unsupported TZ)."""
    spec = cj.get("spec") or {}
    schedule = spec.get("schedule", "")
    if "TZ" in schedule:
        return schedule, True
    tz = spec.get("timeZone")
    if tz is not None:
        try:
            load_location(tz)
        except ScheduleError:
            return schedule, False
        return f"TZ={tz} {schedule}", False
    return schedule, False


def _job_ref(job: Obj) -> Obj:
    """``ref.GetReference``: an ObjectReference in its JSON field order."""
    return {
        "kind": "Job",
        "namespace": namespace_of(job),
        "name": name_of(job),
        "uid": uid_of(job),
        "apiVersion": "batch/v1",
        "resourceVersion": job["metadata"].get("resourceVersion", ""),
    }


def _start_time_key(job: Obj) -> tuple[int, float, str]:
    """``byJobStartTime``: jobs with a start time first (oldest first), then by name."""
    start = (job.get("status") or {}).get("startTime")
    return (0 if start else 1, parse_time(start) if start else 0.0, name_of(job))


def _rfc1123z(t: float) -> str:
    return _dt.datetime.fromtimestamp(t, _dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _rfc3339_in(t: float, tz: _dt.tzinfo) -> str:
    """Go's ``time.RFC3339`` in a location: ``Z`` for UTC, else the numeric offset."""
    d = _dt.datetime.fromtimestamp(int(t), tz)
    off = d.utcoffset() or _dt.timedelta(0)
    if off == _dt.timedelta(0) and tz is _dt.UTC:
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = d.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text[:-2] + ":" + text[-2:]


class CronJobController(Controller):
    name = "cronjob"
    component = "cronjob-controller"

    # ------------------------------------------------------------------ wiring
    def start(self) -> None:
        self._unsubscribe.append(self.store.add_handler("CronJob", self._on_cronjob))
        self.watch("Job", self._job_keys)
        self.enqueue_all("CronJob")

    def _on_cronjob(self, ev: WatchEvent) -> None:
        """``updateCronJob``: a new schedule or time zone requeues for its next activation."""
        key = key_of(ev.object)
        if ev.type == "MODIFIED" and ev.old is not None:
            old_spec, new_spec = ev.old.get("spec") or {}, ev.object.get("spec") or {}
            if old_spec.get("schedule") != new_spec.get("schedule") or \
                    old_spec.get("timeZone") != new_spec.get("timeZone"):
                try:
                    sched = parse_standard(_format_schedule(ev.object)[0])
                    delay = next_schedule_delay(ev.object, self.clock.now(), sched)
                except ScheduleError:
                    delay = 0.0
                self.queue.add_after(key, delay)
                return
        self.queue.add(key)

    def _job_keys(self, ev: WatchEvent) -> Iterable[str]:
        keys = []
        for obj in (ev.object, ev.old):
            ref = controller_ref(obj) if obj is not None else None
            if ref is None or ref.get("kind") != "CronJob":
                continue
            cj = self.store.try_get("CronJob", ref["name"], namespace_of(obj))
            if cj is not None and uid_of(cj) == ref.get("uid"):
                keys.append(key_of(cj))
        return keys

    # ---------------------------------------------------------------- reconcile
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        cj = self.store.try_get("CronJob", name, ns)
        if cj is None:
            return None
        jobs = [j for j in self.store.list("Job", ns)
                if (ref := controller_ref(j)) is not None and ref.get("name") == name
                and ref.get("kind") == "CronJob"]
        status = copy_obj(cj.get("status") or {})
        work = {**cj, "status": status}
        changed = self._cleanup_finished_jobs(work, jobs)
        requeue, synced = self._sync(work, jobs)
        if changed or synced:
            new_status: Obj = {}
            if status.get("active"):
                new_status["active"] = status["active"]
            for f in ("lastScheduleTime", "lastSuccessfulTime"):
                if status.get(f):
                    new_status[f] = status[f]
            if new_status != (cj.get("status") or {}):
                self.store.update_status({**cj, "status": new_status})
        return requeue

    # ------------------------------------------------------------------ cleanup
    def _cleanup_finished_jobs(self, cj: Obj, jobs: list[Obj]) -> bool:
        spec = cj.get("spec") or {}
        if spec.get("failedJobsHistoryLimit") is None and spec.get("successfulJobsHistoryLimit") is None:
            return False
        succeeded = [j for j in jobs if ju.is_succeeded(j)]
        failed = [j for j in jobs if ju.is_finished(j) and not ju.is_succeeded(j)]
        changed = False
        if spec.get("successfulJobsHistoryLimit") is not None:
            changed |= self._remove_oldest(cj, succeeded, int(spec["successfulJobsHistoryLimit"]))
        if spec.get("failedJobsHistoryLimit") is not None:
            changed |= self._remove_oldest(cj, failed, int(spec["failedJobsHistoryLimit"]))
        return changed

    def _remove_oldest(self, cj: Obj, jobs: list[Obj], keep: int) -> bool:
        extra = len(jobs) - keep
        if extra <= 0:
            return False
        changed = False
        for job in sorted(jobs, key=_start_time_key)[:extra]:
            changed |= self._delete_job(cj, job)
        return changed

    def _delete_job(self, cj: Obj, job: Obj) -> bool:
        """``deleteJob``: delete with background propagation and drop it from ``active``."""
        try:
            self.store.delete("Job", name_of(job), namespace_of(job), propagation="Background")
        except errors.ApiError as e:
            self.event(cj, WARNING, "FailedDelete", f"Deleted job: {e}")
            return False
        _delete_from_active(cj, uid_of(job))
        self.event(cj, NORMAL, "SuccessfulDelete", f"Deleted job {name_of(job)}")
        return True

    # --------------------------------------------------------------------- sync
    def _sync(self, cj: Obj, jobs: list[Obj]) -> tuple[float | None, bool]:
        """``syncCronJob``: returns (requeue after, status changed)."""
        now = self.clock.now()
        status = cj["status"]
        spec = cj.get("spec") or {}
        changed = False
        children = set()
        for j in jobs:
            children.add(uid_of(j))
            found = _in_active(cj, uid_of(j))
            if not found and not ju.is_finished(j):
                self.event(cj, WARNING, "UnexpectedJob",
                           f"Saw a job that the controller did not create or forgot: {name_of(j)}")
            elif found and ju.is_finished(j):
                cond = ju.finished_condition(j) or {}
                _delete_from_active(cj, uid_of(j))
                self.event(cj, NORMAL, "SawCompletedJob",
                           f"Saw completed job: {name_of(j)}, status: {cond.get('type')}")
                changed = True
            elif ju.is_succeeded(j):
                done = (j.get("status") or {}).get("completionTime")
                last = status.get("lastSuccessfulTime")
                if done and (not last or parse_time(done) > parse_time(last)):
                    status["lastSuccessfulTime"] = done
                    changed = True
        for ref in list(status.get("active") or []):
            if ref.get("uid") in children:
                continue
            if self.store.try_get("Job", ref.get("name", ""), ref.get("namespace") or namespace_of(cj)) is None:
                self.event(cj, NORMAL, "MissingJob", f"Active job went missing: {ref.get('name')}")
                _delete_from_active(cj, ref.get("uid", ""))
                changed = True

        if cj["metadata"].get("deletionTimestamp"):
            return None, changed
        tz = spec.get("timeZone")
        location: _dt.tzinfo = _dt.UTC
        if tz is not None:
            try:
                location = load_location(tz)
            except ScheduleError as e:
                self.event(cj, WARNING, "UnknownTimeZone", f'invalid timeZone: "{tz}": {e}')
                return None, changed
        if spec.get("suspend"):
            return None, changed
        text, unsupported_tz = _format_schedule(cj)
        if unsupported_tz:
            self.event(cj, WARNING, "UnsupportedSchedule",
                       f'CRON_TZ or TZ used in schedule "{text}" is not officially supported, see '
                       "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details")
        try:
            sched = parse_standard(text)
        except ScheduleError as e:
            self.event(cj, WARNING, "UnparseableSchedule", f'unparseable schedule: "{spec.get("schedule", "")}" : {e}')
            return None, changed
        try:
            _, scheduled, missed = most_recent_schedule_time(cj, now, sched, True)
        except ScheduleError as e:
            self.event(cj, WARNING, "InvalidSchedule", f"invalid schedule: {spec.get('schedule', '')} : {e}")
            return None, changed
        if scheduled is None:
            return next_schedule_delay(cj, now, sched), changed
        if missed == MANY_MISSED:
            self.event(cj, WARNING, "TooManyMissedTimes",
                       "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check "
                       "clock skew")
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + float(deadline) < now:
            self.event(cj, WARNING, "MissSchedule", f"Missed scheduled time to start a job: {_rfc1123z(scheduled)}")
            return next_schedule_delay(cj, now, sched), changed
        name = job_name(cj, scheduled)
        if any(r.get("name") == name and r.get("namespace") == namespace_of(cj) for r in status.get("active") or []) \
                or status.get("lastScheduleTime") == format_time(scheduled):
            return next_schedule_delay(cj, now, sched), changed
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and status.get("active"):
            self.event(cj, NORMAL, "JobAlreadyActive",
                       "Not starting job because prior execution is running and concurrency policy is Forbid")
            return next_schedule_delay(cj, now, sched), changed
        if policy == "Replace":
            for ref in list(status.get("active") or []):
                job = self.store.try_get("Job", ref.get("name", ""), ref.get("namespace") or namespace_of(cj))
                if job is None:
                    self.event(cj, WARNING, "FailedGet",
                               f'Get job: jobs.batch "{ref.get("name")}" not found')
                    return 1.0, changed
                if not self._delete_job(cj, job):
                    return 1.0, changed
                changed = True

        job = self._job_from_template(cj, scheduled, location)
        try:
            created = self.store.create(job)
        except errors.ApiError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                existing = self.store.try_get("Job", name, namespace_of(cj))
                if existing is None:
                    return 1.0, changed
                ref = controller_ref(existing)
                if ref is None or ref.get("uid") != uid_of(cj) or _in_active(cj, uid_of(existing)):
                    return None, changed
                created = existing
            elif "because it is being terminated" in str(e):
                return None, changed
            else:
                self.event(cj, WARNING, "FailedCreate", f"Error creating job: {e}")
                return 1.0, changed
        else:
            self.event(cj, NORMAL, "SuccessfulCreate", f"Created job {name_of(created)}")
        status.setdefault("active", []).append(_job_ref(created))
        status["lastScheduleTime"] = format_time(scheduled)
        return next_schedule_delay(cj, now, sched), True

    def _job_from_template(self, cj: Obj, scheduled: float, location: _dt.tzinfo) -> Obj:
        """``getJobFromTemplate2``."""
        jt = (cj.get("spec") or {}).get("jobTemplate") or {}
        jt_meta = jt.get("metadata") or {}
        annotations = dict(jt_meta.get("annotations") or {})
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = _rfc3339_in(scheduled, location)
        md: Obj = {"name": job_name(cj, scheduled), "namespace": namespace_of(cj)}
        if jt_meta.get("labels"):
            md["labels"] = dict(jt_meta["labels"])
        md["annotations"] = annotations
        md["ownerReferences"] = [owner_reference(cj)]
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": md, "spec": copy_obj(jt.get("spec") or {})}


def _in_active(cj: Obj, uid: str) -> bool:
    return any(r.get("uid") == uid for r in (cj.get("status") or {}).get("active") or [])


def _delete_from_active(cj: Obj, uid: str) -> None:
    status = cj["status"]
    status["active"] = [r for r in status.get("active") or [] if r.get("uid") != uid]
