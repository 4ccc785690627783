"""CronJobs on the manual clock (which starts at 2026-01-01T00:00:00Z), checked against the
Kubernetes v1.34 cronjob controller's behaviour."""

from __future__ import annotations

import re
from typing import Any

import pytest

from k9play.api.meta import format_time, parse_time
from k9play.controllers.cronjob import CronJobController, job_from_cronjob, job_name
from k9play.controllers.cronjob_schedule import ScheduleError, parse_standard
from k9play.kubectl.columns import TABLES
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster

START = parse_time("2026-01-01T00:00:00Z")
MINUTE = 60.0


HELLO = "date; echo Hello from the Kubernetes cluster"


def cronjob(name: str = "hello", schedule: str = "* * * * *", script: str = HELLO,
            *, restart: str = "OnFailure", image: str = "busybox:1.28", **spec: Any) -> dict[str, Any]:
    """Equivalent of the docs' application/job/cronjob.yaml (by default), written for these tests."""
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
            "spec": {"schedule": schedule, **spec, "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "hello", "image": image, "imagePullPolicy": "IfNotPresent",
                                "command": ["/bin/sh", "-c", script]}],
                "restartPolicy": restart}}}}}}


def jobs(c, cj: str = "hello") -> list[dict[str, Any]]:
    return [j for j in c.store.list("Job", "default")
            if any(r.get("kind") == "CronJob" and r.get("name") == cj
                   for r in j["metadata"].get("ownerReferences", []))]


def is_complete(j: dict[str, Any]) -> bool:
    return any(x["type"] == "Complete" and x["status"] == "True" for x in j.get("status", {}).get("conditions", []))


def cj_events(c, name: str = "hello") -> list[tuple[str, str, str]]:
    evs = [e for e in c.store.list("Event", "default")
           if e["involvedObject"]["kind"] == "CronJob" and e["involvedObject"]["name"] == name]
    evs.sort(key=lambda e: (e["firstTimestamp"], int(e["metadata"]["resourceVersion"])))
    return [(e["type"], e["reason"], e["message"]) for e in evs]


def minutes(t: float) -> int:
    return int(t) // 60


def cj_row(c, name: str = "hello") -> dict[str, str]:
    obj = c.store.get("CronJob", name, "default")
    return {col.name: col.render(obj, c.clock.now()) for col in TABLES["CronJob"]}


# ------------------------------------------------------------------------ docs: hello
def test_hello_every_minute_keeps_three_successful_jobs():
    c = new_cluster()
    apply_object(c.store, cronjob())
    c.advance_sync(30)
    assert jobs(c) == []
    assert cj_row(c)["LAST SCHEDULE"] == "<none>"
    c.advance_sync(40)  # 00:01:10
    (first,) = jobs(c)
    assert first["metadata"]["name"] == f"hello-{minutes(START + MINUTE)}" == "hello-29453761"
    assert first["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == \
        "2026-01-01T00:01:00Z"
    ref = first["metadata"]["ownerReferences"][0]
    cj = c.store.get("CronJob", "hello", "default")
    assert (ref["kind"], ref["name"], ref["uid"], ref["controller"], ref["blockOwnerDeletion"]) == \
        ("CronJob", "hello", cj["metadata"]["uid"], True, True)
    assert is_complete(first)
    pods = c.store.list("Pod", "default", f"job-name={first['metadata']['name']}")
    assert len(pods) == 1 and pods[0]["status"]["phase"] == "Succeeded"
    assert [line for _, line in c.kubelets.logs(pods[0])][-1] == "Hello from the Kubernetes cluster"
    st = cj["status"]
    assert st["lastScheduleTime"] == "2026-01-01T00:01:00Z"
    assert st["lastSuccessfulTime"] == first["status"]["completionTime"]
    assert "active" not in st

    c.advance_sync(5 * MINUTE)  # 00:06:10: six runs so far
    names = sorted(j["metadata"]["name"] for j in jobs(c))
    assert names == [f"hello-{29453761 + i}" for i in (3, 4, 5)]
    assert all(is_complete(j) for j in jobs(c))
    created = [m for _, r, m in cj_events(c) if r == "SuccessfulCreate"]
    assert created == [f"Created job hello-{29453761 + i}" for i in range(6)]
    deleted = [m for _, r, m in cj_events(c) if r == "SuccessfulDelete"]
    assert deleted == [f"Deleted job hello-{29453761 + i}" for i in range(3)]
    saw = [m for _, r, m in cj_events(c) if r == "SawCompletedJob"]
    assert saw[0] == "Saw completed job: hello-29453761, status: Complete"
    assert len(saw) == 6
    # the deleted jobs' pods went with them (background propagation)
    assert len(c.store.list("Pod", "default")) == 3
    assert c.store.get("CronJob", "hello", "default")["status"]["lastScheduleTime"] == "2026-01-01T00:06:00Z"


def test_after_five_minutes_exactly_three_successful_jobs_are_kept():
    c = new_cluster()
    apply_object(c.store, cronjob())
    c.advance_sync(5 * MINUTE + 30)
    kept = jobs(c)
    assert len(kept) == 3 and all(is_complete(j) for j in kept)
    assert sum(1 for _, r, _m in cj_events(c) if r == "SuccessfulCreate") == 5


def test_requeues_for_the_next_schedule_without_polling():
    c = new_cluster()
    ctrl = next(x for x in c.controllers if isinstance(x, CronJobController))
    calls: list[float] = []
    inner = ctrl.queue._process

    def counting(key: str) -> float | None:
        calls.append(c.clock.now())
        return inner(key)

    ctrl.queue._process = counting
    apply_object(c.store, cronjob(schedule="@hourly"))
    c.advance_sync(59 * MINUTE)
    assert len(calls) <= 2  # the create event (and nothing until 01:00)
    assert jobs(c) == []
    c.advance_sync(2 * MINUTE)
    (j,) = jobs(c)
    assert j["metadata"]["name"] == f"hello-{minutes(START + 3600)}"
    assert any(abs(t - (START + 3600.1)) < 1e-6 for t in calls)


def test_forbid_skips_while_a_job_runs():
    c = new_cluster()
    apply_object(c.store, cronjob("slow", script="sleep 90", restart="Never", concurrencyPolicy="Forbid"))
    c.advance_sync(2 * MINUTE + 10)  # 00:02:10: the 00:01 job still runs
    (running,) = jobs(c, "slow")
    assert running["metadata"]["name"] == "slow-29453761"
    cj = c.store.get("CronJob", "slow", "default")
    assert [r["name"] for r in cj["status"]["active"]] == ["slow-29453761"]
    assert cj["status"]["active"][0] == {"kind": "Job", "namespace": "default", "name": "slow-29453761",
                                         "uid": running["metadata"]["uid"], "apiVersion": "batch/v1",
                                         "resourceVersion": cj["status"]["active"][0]["resourceVersion"]}
    assert cj_row(c, "slow")["ACTIVE"] == "1"
    forbid = "Not starting job because prior execution is running and concurrency policy is Forbid"
    assert ("Normal", "JobAlreadyActive", forbid) in cj_events(c, "slow")
    # once the first finishes, the missed 00:02 run starts (no startingDeadlineSeconds)
    c.advance_sync(MINUTE)
    names = sorted(j["metadata"]["name"] for j in jobs(c, "slow"))
    assert names == ["slow-29453761", "slow-29453762"]
    # never two at once
    for _ in range(20):
        c.advance_sync(15)
        active = [j for j in jobs(c, "slow") if not is_complete(j)]
        assert len(active) <= 1


def test_replace_replaces_the_running_job():
    c = new_cluster()
    apply_object(c.store, cronjob("rep", script="sleep 600", restart="Never", concurrencyPolicy="Replace"))
    c.advance_sync(MINUTE + 10)
    assert [j["metadata"]["name"] for j in jobs(c, "rep")] == ["rep-29453761"]
    c.advance_sync(MINUTE)
    assert [j["metadata"]["name"] for j in jobs(c, "rep")] == ["rep-29453762"]
    cj = c.store.get("CronJob", "rep", "default")
    assert [r["name"] for r in cj["status"]["active"]] == ["rep-29453762"]
    evs = cj_events(c, "rep")
    assert evs == [("Normal", "SuccessfulCreate", "Created job rep-29453761"),
                   ("Normal", "SuccessfulDelete", "Deleted job rep-29453761"),
                   ("Normal", "SuccessfulCreate", "Created job rep-29453762")]


def test_allow_runs_jobs_concurrently():
    c = new_cluster()
    apply_object(c.store, cronjob("par", script="sleep 600", restart="Never"))
    c.advance_sync(3 * MINUTE + 10)
    assert len(jobs(c, "par")) == 3
    assert len(c.store.get("CronJob", "par", "default")["status"]["active"]) == 3
    assert cj_row(c, "par")["ACTIVE"] == "3"


def test_suspend_stops_scheduling_and_resume_runs_the_missed_one():
    c = new_cluster()
    apply_object(c.store, cronjob())
    c.advance_sync(MINUTE + 10)
    assert len(jobs(c)) == 1
    c.store.patch("CronJob", "hello", "default", {"spec": {"suspend": True}})
    c.advance_sync(3 * MINUTE)  # 00:04:10
    assert len(jobs(c)) == 1
    assert cj_row(c)["SUSPEND"] == "True"
    c.store.patch("CronJob", "hello", "default", {"spec": {"suspend": False}})
    c.advance_sync(1)
    # without startingDeadlineSeconds the most recent missed schedule runs at once
    assert sorted(j["metadata"]["name"] for j in jobs(c)) == ["hello-29453761", "hello-29453764"]


def test_starting_deadline_seconds_skips_schedules_outside_the_window():
    c = new_cluster()
    apply_object(c.store, cronjob(suspend=True, startingDeadlineSeconds=30))
    c.advance_sync(3 * MINUTE + 40)  # 00:03:40: the 00:03 run is 40 s old
    c.store.patch("CronJob", "hello", "default", {"spec": {"suspend": False}})
    c.advance_sync(10)
    assert jobs(c) == []
    c.advance_sync(MINUTE)  # the 00:04 run is within the deadline
    assert [j["metadata"]["name"] for j in jobs(c)] == ["hello-29453764"]


def test_more_than_100_missed_schedules_warns_and_still_runs_the_latest():
    c = new_cluster()
    apply_object(c.store, cronjob(suspend=True))
    c.advance_sync(102 * MINUTE + 5)
    c.store.patch("CronJob", "hello", "default", {"spec": {"suspend": False}})
    c.advance_sync(1)
    assert ("Warning", "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew") \
        in cj_events(c)
    assert [j["metadata"]["name"] for j in jobs(c)] == [f"hello-{29453760 + 102}"]


def test_failed_jobs_history_limit_keeps_one():
    c = new_cluster()
    tmpl = cronjob("bad", script="exit 1", restart="Never")
    tmpl["spec"]["jobTemplate"]["spec"]["backoffLimit"] = 0
    apply_object(c.store, tmpl)
    c.advance_sync(4 * MINUTE + 30)
    left = jobs(c, "bad")
    assert len(left) == 1
    assert left[0]["metadata"]["name"] == "bad-29453764"
    assert any(x["type"] == "Failed" for x in left[0]["status"]["conditions"])
    saw = [m for _, r, m in cj_events(c, "bad") if r == "SawCompletedJob"]
    assert saw[0] == "Saw completed job: bad-29453761, status: Failed"
    assert "lastSuccessfulTime" not in c.store.get("CronJob", "bad", "default")["status"]


def test_time_zone_and_scheduled_timestamp_annotation():
    c = new_cluster()
    apply_object(c.store, cronjob("tokyo", schedule="30 9 * * *", timeZone="Asia/Tokyo"))
    c.advance_sync(29 * MINUTE)
    assert jobs(c, "tokyo") == []
    c.advance_sync(2 * MINUTE)
    (j,) = jobs(c, "tokyo")  # 09:30 JST is 00:30 UTC
    assert j["metadata"]["name"] == f"tokyo-{minutes(START + 30 * MINUTE)}"
    assert j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == \
        "2026-01-01T09:30:00+09:00"
    assert c.store.get("CronJob", "tokyo", "default")["status"]["lastScheduleTime"] == \
        format_time(START + 30 * MINUTE)


def test_template_labels_and_annotations_are_copied():
    c = new_cluster()
    m = cronjob("lbl")
    m["spec"]["jobTemplate"]["metadata"] = {"labels": {"team": "a"}, "annotations": {"note": "x"}}
    apply_object(c.store, m)
    c.advance_sync(MINUTE + 1)
    (j,) = jobs(c, "lbl")
    assert j["metadata"]["labels"]["team"] == "a"
    assert j["metadata"]["annotations"]["note"] == "x"


def test_job_from_cronjob_manual_instantiation():
    c = new_cluster()
    apply_object(c.store, cronjob(suspend=True))
    cj = c.store.get("CronJob", "hello", "default")
    manual = job_from_cronjob(cj, "hello-manual")
    assert manual["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert manual["metadata"]["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello",
                                                      "uid": cj["metadata"]["uid"], "controller": True}]
    assert manual["spec"] == cj["spec"]["jobTemplate"]["spec"]
    assert manual["metadata"]["namespace"] == "default"
    c.store.create(manual)
    c.advance_sync(1)
    assert ("Warning", "UnexpectedJob", "Saw a job that the controller did not create or forgot: hello-manual") \
        in cj_events(c)
    c.advance_sync(30)
    assert is_complete(c.store.get("Job", "hello-manual", "default"))
    # a manual run is not a scheduled one: no lastScheduleTime, but it is a success
    st = c.store.get("CronJob", "hello", "default")["status"]
    assert "lastScheduleTime" not in st and st["lastSuccessfulTime"]


def test_unparseable_schedule_and_unknown_time_zone_events():
    c = new_cluster()
    apply_object(c.store, cronjob("bogus", schedule="bogus"))
    apply_object(c.store, cronjob("mars", timeZone="Mars/Olympus"))
    c.advance_sync(2 * MINUTE)
    assert cj_events(c, "bogus") == [("Warning", "UnparseableSchedule",
                                      'unparseable schedule: "bogus" : expected exactly 5 fields, found 1: [bogus]')]
    assert cj_events(c, "mars") == [("Warning", "UnknownTimeZone",
                                     'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus')]
    assert jobs(c, "bogus") == [] and jobs(c, "mars") == []


def test_deleting_the_cronjob_deletes_its_jobs():
    c = new_cluster()
    apply_object(c.store, cronjob())
    c.advance_sync(2 * MINUTE + 10)
    assert len(jobs(c)) == 2
    c.store.delete("CronJob", "hello", "default")
    c.advance_sync(5)
    assert c.store.list("Job", "default") == []


# ------------------------------------------------------------------------ schedules
@pytest.mark.parametrize(("spec", "after", "want"), [
    ("* * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"),
    ("*/15 * * * *", "2026-01-01T00:16:30Z", "2026-01-01T00:30:00Z"),
    ("@hourly", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"),
    ("@daily", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
    ("@midnight", "2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z"),
    ("@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),  # Sunday
    ("@monthly", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
    ("@yearly", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    ("@every 90s", "2026-01-01T00:00:00Z", "2026-01-01T00:01:30Z"),
    ("0 9 * * MON-FRI", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"),
    ("0 0 ? * *", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
    ("TZ=Asia/Tokyo 0 9 * * *", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
])
def test_schedule_next(spec, after, want):
    assert format_time(parse_standard(spec).next(parse_time(after))) == want


@pytest.mark.parametrize(("spec", "message"), [
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("TZ=Nowhere/Land * * * * *", "provided bad location Nowhere/Land: unknown time zone Nowhere/Land"),
])
def test_schedule_errors(spec, message):
    with pytest.raises(ScheduleError) as e:
        parse_standard(spec)
    assert str(e.value) == message


def test_job_name_uses_minutes_since_epoch():
    assert job_name({"metadata": {"name": "hello"}}, START + 61) == "hello-29453761"
    assert re.fullmatch(r"hello-\d{8}", job_name({"metadata": {"name": "hello"}}, START))
