"""Helpers of the Job controller that do not touch the store.

Ports of the small pure functions in ``pkg/controller/job`` (v1.34): job conditions,
completed-index intervals (``indexed_job_utils.go``), the pod failure policy
(``pod_failure_policy.go``), the success policy (``success_policy.go``), the pod-failure
back-off (``backoff_utils.go``) and the ``controller.ActivePods`` deletion order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from k9play.api import pods as podutil
from k9play.api.meta import Obj, format_time, parse_time

# ---------------------------------------------------------------- names and constants
#: labels/annotations of ``k8s.io/api/batch/v1``
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"

#: ``DefaultJobPodFailureBackOff`` / ``MaxJobPodFailureBackOff`` of job_controller.go. The
#: docs say the back-off is "capped at six minutes"; the v1.34 source caps it at 10 minutes,
#: and the source is what we follow.
POD_FAILURE_BACKOFF = 10.0
POD_FAILURE_BACKOFF_MAX = 600.0
#: ``syncJobBatchPeriod``: pod events and status-only Job updates sync the Job this much later.
SYNC_BATCH_PERIOD = 1.0
#: ``MaxPodCreateDeletePerSync``
MAX_POD_CREATE_DELETE_PER_SYNC = 500

COMPLETE, FAILED = "Complete", "Failed"
SUCCESS_CRITERIA_MET, FAILURE_TARGET, SUSPENDED = "SuccessCriteriaMet", "FailureTarget", "Suspended"

REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded"
REASON_DEADLINE_EXCEEDED = "DeadlineExceeded"
REASON_POD_FAILURE_POLICY = "PodFailurePolicy"
REASON_SUCCESS_POLICY = "SuccessPolicy"
REASON_COMPLETIONS_REACHED = "CompletionsReached"
MSG_BACKOFF_LIMIT_EXCEEDED = "Job has reached the specified backoff limit"
MSG_DEADLINE_EXCEEDED = "Job was active longer than specified deadline"
MSG_COMPLETIONS_REACHED = "Reached expected number of succeeded pods"


# ----------------------------------------------------------------------- conditions
def new_condition(ctype: str, status: str, reason: str, message: str, now: float) -> Obj:
    """``newCondition``: the field order of ``batch/v1 JobCondition``."""
    ts = format_time(now)
    return {"type": ctype, "status": status, "lastProbeTime": ts, "lastTransitionTime": ts,
            "reason": reason, "message": message}


def find_condition(conditions: list[Obj], ctype: str) -> Obj | None:
    for c in conditions:
        if c.get("type") == ctype:
            return c
    return None


def ensure_condition(conditions: list[Obj], ctype: str, status: str, reason: str, message: str,
                     now: float) -> bool:
    """``ensureJobConditionStatus`` (in place): never appends a ``False`` condition."""
    for i, c in enumerate(conditions):
        if c.get("type") == ctype:
            if c.get("status") != status or c.get("reason") != reason or c.get("message") != message:
                conditions[i] = new_condition(ctype, status, reason, message, now)
                return True
            return False
    if status != "False":
        conditions.append(new_condition(ctype, status, reason, message, now))
        return True
    return False


def finished_condition(job: Obj) -> Obj | None:
    """The ``Complete`` or ``Failed`` condition that is True (``util.FinishedCondition``)."""
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in (COMPLETE, FAILED) and c.get("status") == "True":
            return c
    return None


def is_finished(job: Obj) -> bool:
    return finished_condition(job) is not None


def is_succeeded(job: Obj) -> bool:
    c = finished_condition(job)
    return c is not None and c.get("type") == COMPLETE


def true_condition(job: Obj, ctype: str) -> Obj | None:
    c = find_condition((job.get("status") or {}).get("conditions") or [], ctype)
    return c if c is not None and c.get("status") == "True" else None


# -------------------------------------------------------------------------- pods
def completion_index(pod: Obj) -> int:
    """``getCompletionIndex``: -1 when missing or invalid."""
    v = ((pod.get("metadata") or {}).get("annotations") or {}).get(COMPLETION_INDEX_ANNOTATION)
    if v is None:
        return -1
    try:
        i = int(v)
    except ValueError:
        return -1
    return i if i >= 0 else -1


def is_terminating(pod: Obj) -> bool:
    """``controller.IsPodTerminating``: being deleted and not yet terminal."""
    return bool((pod.get("metadata") or {}).get("deletionTimestamp")) and not podutil.is_terminal(pod)


def only_replace_failed_pods(job: Obj) -> bool:
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def is_pod_failed(pod: Obj, job: Obj) -> bool:
    """``isPodFailed``: Failed phase, or (TerminatingOrFailed) deleted before succeeding."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return True
    if only_replace_failed_pods(job):
        return False
    return bool((pod.get("metadata") or {}).get("deletionTimestamp")) and phase != "Succeeded"


def max_restarts(pod: Obj) -> int:
    return max((c.get("restartCount", 0) for c in (pod.get("status") or {}).get("containerStatuses") or []),
               default=0)


_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


def active_pods_key(pod: Obj) -> tuple[Any, ...]:
    """Sort key of ``controller.ActivePods``: pods that sort first are deleted first."""
    ready = podutil.is_ready(pod)
    ready_since = 0.0
    if ready:
        since = (podutil.condition(pod, "Ready") or {}).get("lastTransitionTime")
        ready_since = parse_time(since) if since else 0.0
    created = (pod.get("metadata") or {}).get("creationTimestamp")
    return (
        bool((pod.get("spec") or {}).get("nodeName")),
        _PHASE_ORDINAL.get((pod.get("status") or {}).get("phase", ""), 3),
        ready,
        -ready_since,  # ready for less time first
        -max_restarts(pod),
        -(parse_time(created) if created else 0.0),  # newer first
    )


def finished_time(pod: Obj) -> float:
    """``getFinishedTime``: containers' finish, Ready=False transition, deletion, creation."""
    status = pod.get("status") or {}
    latest: float | None = None
    statuses = status.get("containerStatuses") or []
    for cs in statuses:
        term = (cs.get("state") or {}).get("terminated")
        if not term or not term.get("finishedAt"):
            latest = None
            break
        t = parse_time(term["finishedAt"])
        latest = t if latest is None or t > latest else latest
    if statuses and latest is not None:
        return latest
    ready = podutil.condition(pod, "Ready")
    if ready and ready.get("status") == "False" and ready.get("lastTransitionTime"):
        return parse_time(ready["lastTransitionTime"])
    md = pod.get("metadata") or {}
    if md.get("deletionTimestamp"):
        return parse_time(md["deletionTimestamp"]) - float(md.get("deletionGracePeriodSeconds") or 0)
    return parse_time(md["creationTimestamp"]) if md.get("creationTimestamp") else 0.0


# ----------------------------------------------------------------------- back-off
@dataclass
class BackoffRecord:
    """``backoffRecord``: consecutive failures since the last success."""

    failures_after_last_success: int = 0
    last_failure_time: float | None = None

    def updated(self, new_succeeded: list[Obj], new_failed: list[Obj]) -> BackoffRecord:
        """``newBackoffRecord``."""
        succ = sorted(finished_time(p) for p in new_succeeded)
        fail = sorted(finished_time(p) for p in new_failed)
        if not succ:
            if not fail:
                return BackoffRecord(self.failures_after_last_success, self.last_failure_time)
            return BackoffRecord(self.failures_after_last_success + len(fail), fail[-1])
        rec = BackoffRecord()
        last_success = succ[-1]
        for t in reversed(fail):
            if t <= last_success:
                break
            if rec.last_failure_time is None:
                rec.last_failure_time = t
            rec.failures_after_last_success += 1
        return rec

    def remaining(self, now: float) -> float:
        """``getRemainingTimeForFailuresCount``: 10 s doubling per failure, capped."""
        if self.failures_after_last_success == 0 or self.last_failure_time is None:
            return 0.0
        backoff = POD_FAILURE_BACKOFF
        for _ in range(1, self.failures_after_last_success):
            backoff *= 2
            if backoff >= POD_FAILURE_BACKOFF_MAX:
                backoff = POD_FAILURE_BACKOFF_MAX
                break
        elapsed = now - self.last_failure_time
        return 0.0 if backoff < elapsed else backoff - elapsed


# ------------------------------------------------------------- completed indexes
Intervals = list[tuple[int, int]]


def parse_indexes(text: str | None, completions: int) -> Intervals:
    """``parseIndexesFromString``: ``"0-2,4"`` → [(0, 2), (4, 4)], clipped to completions."""
    if not text:
        return []
    out: Intervals = []
    for part in text.split(","):
        bounds = part.split("-")
        try:
            first = int(bounds[0])
        except ValueError:
            continue
        if first >= completions:
            break
        if len(bounds) > 1:
            try:
                last = int(bounds[1])
            except ValueError:
                continue
            last = min(last, completions - 1)
        else:
            last = first
        if out and out[-1][1] == first - 1:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out


def merge_indexes(intervals: Intervals, new: list[int] | set[int]) -> Intervals:
    """``withOrderedIndexes``/``merge``: add indexes, coalescing adjacent intervals."""
    items = sorted(intervals + [(i, i) for i in set(new)])
    out: Intervals = []
    for first, last in items:
        if not out or first > out[-1][1] + 1:
            out.append((first, last))
        elif out[-1][1] < last:
            out[-1] = (out[-1][0], last)
    return out


def intervals_total(intervals: Intervals) -> int:
    return sum(last - first + 1 for first, last in intervals)


def intervals_has(intervals: Intervals, ix: int) -> bool:
    return any(first <= ix <= last for first, last in intervals)


def format_indexes(intervals: Intervals) -> str:
    """``orderedIntervals.String``: two adjacent indexes print as ``1,2``, longer runs as ``1-3``."""
    parts = []
    for first, last in intervals:
        if last == first:
            parts.append(str(first))
        elif last == first + 1:
            parts.append(f"{first},{last}")
        else:
            parts.append(f"{first}-{last}")
    return ",".join(parts)


def first_pending_indexes(non_pending: Intervals, count: int, completions: int) -> list[int]:
    """``firstPendingIndexes``: the lowest indexes not succeeded, active (or terminating)."""
    out: list[int] = []
    candidate = 0
    for first, last in non_pending:
        while candidate < completions and len(out) < count and candidate < first:
            out.append(candidate)
            candidate += 1
        candidate = max(candidate, last + 1)
    while candidate < completions and len(out) < count:
        out.append(candidate)
        candidate += 1
    return out


# ------------------------------------------------------------ pod failure policy
def _exit_code_matches(code: int, req: Obj) -> bool:
    values = req.get("values") or []
    if req.get("operator") == "In":
        return code in values
    if req.get("operator") == "NotIn":
        return code not in values
    return False


def _matching_container(pod: Obj, req: Obj) -> Obj | None:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses"):
        for cs in status.get(key) or []:
            term = (cs.get("state") or {}).get("terminated")
            if term is None:
                continue
            if req.get("containerName") in (None, cs.get("name")) and term.get("exitCode", 0) != 0 \
                    and _exit_code_matches(term.get("exitCode", 0), req):
                return cs
    return None


def _matching_condition(pod: Obj, patterns: list[Obj]) -> Obj | None:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        for pat in patterns:
            if cond.get("type") == pat.get("type") and cond.get("status") == pat.get("status", "True"):
                return cond
    return None


def match_pod_failure_policy(policy: Obj | None, pod: Obj) -> tuple[str | None, bool, str | None]:
    """``matchPodFailurePolicy``: (FailJob message, count towards backoffLimit, action)."""
    if policy is None:
        return None, True, None
    md = pod.get("metadata") or {}
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            cs = _matching_container(pod, rule["onExitCodes"])
            if cs is None:
                continue
            if action == "FailJob":
                code = cs["state"]["terminated"].get("exitCode", 0)
                return (f"Container {cs.get('name')} for pod {md.get('namespace')}/{md.get('name')} failed with "
                        f"exit code {code} matching FailJob rule at index {index}"), True, action
        elif rule.get("onPodConditions") is not None:
            cond = _matching_condition(pod, rule["onPodConditions"])
            if cond is None:
                continue
            if action == "FailJob":
                return (f"Pod {md.get('namespace')}/{md.get('name')} has condition {cond.get('type')} "
                        f"matching FailJob rule at index {index}"), True, action
        else:
            continue
        if action == "Ignore":
            return None, False, action
        if action in ("Count", "FailIndex"):
            return None, True, action
    return None, True, None


# --------------------------------------------------------------- success policy
def match_success_policy(policy: Obj | None, completions: int, succeeded: Intervals) -> str | None:
    """``matchSuccessPolicy``: the ``Matched rules at index N`` message, if a rule is met."""
    if policy is None or not succeeded:
        return None
    for index, rule in enumerate(policy.get("rules") or []):
        count = rule.get("succeededCount")
        if rule.get("succeededIndexes") is not None:
            required = parse_indexes(rule["succeededIndexes"], completions)
            if not required:
                continue
            contains = sum(1 for first, last in required for i in range(first, last + 1)
                           if intervals_has(succeeded, i))
            if contains == intervals_total(required) or (count is not None and contains >= count):
                return f"Matched rules at index {index}"
        elif count is not None and intervals_total(succeeded) >= count:
            return f"Matched rules at index {index}"
    return None
