"""``kubectl describe`` for Jobs and CronJobs (kubectl v1.34's ``describeJob``,
``describeCronJob`` and ``describeJobTemplate``).

kubectl v1.34 prints no ``Time Zone:`` line for CronJobs: that line came with
kubernetes/kubernetes#136663, after v1.34.
"""

from __future__ import annotations

from typing import Any

from k9play.api.meta import Obj, annotations_of, human_duration, labels_of, name_of, namespace_of, parse_time
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_pod import describe_pod_template
from k9play.kubectl.describe_util import (
    LEVEL_0,
    PrefixWriter,
    controlled_by,
    describe_events,
    go_bool,
    go_value,
    print_annotations_multiline,
    print_labels_multiline,
    rfc1123z,
    selector_string,
)


def _int(value: Any) -> int:
    return int(value or 0)


def bool_ptr(value: Any) -> str:
    """``printBoolPtr``: ``True``/``False``, ``<unset>`` for a nil pointer."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def cap_indexes(indexes: str | None, soft_limit: int = 50) -> str:
    """``capIndexesListOrNone``: the list cut after the first comma past ``soft_limit``."""
    if not indexes:
        return "<none>"
    ix = indexes.find(",", soft_limit)
    if ix < 0:
        return indexes
    return indexes[:ix + 1] + "..."


# ----------------------------------------------------------------------- job
def describe_job(store: ObjectStore, job: Obj, events: list[Obj], now: float) -> str:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(job)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(job)}\n")
    w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", labels_of(job))
    print_annotations_multiline(w, "Annotations", annotations_of(job))
    if controller := controlled_by(job):
        w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
    if spec.get("parallelism") is not None:
        w.write(LEVEL_0, f"Parallelism:\t{_int(spec['parallelism'])}\n")
    if spec.get("completions") is not None:
        w.write(LEVEL_0, f"Completions:\t{_int(spec['completions'])}\n")
    else:
        w.write(LEVEL_0, "Completions:\t<unset>\n")
    if spec.get("completionMode") is not None:
        w.write(LEVEL_0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(LEVEL_0, f"Suspend:\t{go_bool(spec['suspend'])}\n")
    if spec.get("backoffLimit") is not None:
        w.write(LEVEL_0, f"Backoff Limit:\t{go_value(spec['backoffLimit'])}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(LEVEL_0, f"TTL Seconds After Finished:\t{go_value(spec['ttlSecondsAfterFinished'])}\n")
    start, completion = status.get("startTime"), status.get("completionTime")
    if start:
        w.write(LEVEL_0, f"Start Time:\t{rfc1123z(start)}\n")
    if completion:
        w.write(LEVEL_0, f"Completed At:\t{rfc1123z(completion)}\n")
    if start and completion:
        w.write(LEVEL_0, f"Duration:\t{human_duration(parse_time(completion) - parse_time(start))}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{_int(spec['activeDeadlineSeconds'])}s\n")
    active, succeeded, failed = _int(status.get("active")), _int(status.get("succeeded")), _int(status.get("failed"))
    if status.get("ready") is None:
        w.write(LEVEL_0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
    else:
        w.write(LEVEL_0, f"Pods Statuses:\t{active} Active ({_int(status['ready'])} Ready) / {succeeded} Succeeded / "
                         f"{failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.write(LEVEL_0, f"Completed Indexes:\t{cap_indexes(status.get('completedIndexes'))}\n")
    describe_pod_template(w, spec.get("template") or {})
    describe_events(w, events, now)
    return w.render()


# ------------------------------------------------------------------- cronjob
def describe_cron_job(store: ObjectStore, cj: Obj, events: list[Obj], now: float) -> str:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(cj)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(cj)}\n")
    print_labels_multiline(w, "Labels", labels_of(cj))
    print_annotations_multiline(w, "Annotations", annotations_of(cj))
    w.write(LEVEL_0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(LEVEL_0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    w.write(LEVEL_0, f"Suspend:\t{bool_ptr(spec.get('suspend'))}\n")
    for key, title in (("successfulJobsHistoryLimit", "Successful Job History Limit"),
                       ("failedJobsHistoryLimit", "Failed Job History Limit")):
        value = spec.get(key)
        w.write(LEVEL_0, f"{title}:\t{'<unset>' if value is None else _int(value)}\n")
    deadline = spec.get("startingDeadlineSeconds")
    w.write(LEVEL_0, f"Starting Deadline Seconds:\t{'<unset>' if deadline is None else f'{_int(deadline)}s'}\n")
    _job_template(w, spec.get("jobTemplate") or {})
    last = status.get("lastScheduleTime")
    w.write(LEVEL_0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
    active = status.get("active") or []
    w.write(LEVEL_0, "Active Jobs:\t")
    w.write_line(", ".join(ref.get("name", "") for ref in active) if active else "<none>")
    describe_events(w, events, now)
    return w.render()


def _job_template(w: PrefixWriter, template: Obj) -> None:
    """``describeJobTemplate``: unset pointers print ``<unset>``."""
    spec = template.get("spec") or {}
    selector = spec.get("selector")
    w.write(LEVEL_0, f"Selector:\t{'<unset>' if selector is None else selector_string(selector)}\n")
    for key, title in (("parallelism", "Parallelism"), ("completions", "Completions")):
        value = spec.get(key)
        w.write(LEVEL_0, f"{title}:\t{'<unset>' if value is None else _int(value)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{_int(spec['activeDeadlineSeconds'])}s\n")
    describe_pod_template(w, spec.get("template") or {})
