"""Jobs on the manual clock, checked against the Kubernetes v1.34 job controller's behaviour."""

from __future__ import annotations

import re
from typing import Any

from k9play.api.meta import parse_time
from k9play.controllers.job_util import (
    BackoffRecord,
    format_indexes,
    match_pod_failure_policy,
    merge_indexes,
    parse_indexes,
)
from k9play.kubectl.columns import TABLES, pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster

SUFFIX = r"[bcdfghjklmnpqrstvwxz2456789]{5}"


def job(name: str, command: list[str], *, image: str = "busybox:1.36", restart: str = "Never",
        **spec: Any) -> dict[str, Any]:
    """A Job manifest written for these tests."""
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {**spec, "template": {"spec": {
                "containers": [{"name": "main", "image": image, "command": command}],
                "restartPolicy": restart}}}}


def sh(name: str, script: str, **kw: Any) -> dict[str, Any]:
    return job(name, ["sh", "-c", script], **kw)


def pi_job() -> dict[str, Any]:
    """Equivalent of the docs' controllers/job.yaml: π to 2000 places with perl."""
    return job("pi", ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"], image="perl:5.34.0", backoffLimit=4)


def get_job(c, name: str) -> dict[str, Any]:
    return c.store.get("Job", name, "default")


def row(c, name: str) -> dict[str, str]:
    obj = get_job(c, name)
    now = c.clock.now()
    return {col.name: col.render(obj, now) for col in TABLES["Job"]}


def conds(c, name: str) -> list[tuple[str, str, str]]:
    return [(x["type"], x["status"], x.get("reason", "")) for x in get_job(c, name)["status"].get("conditions", [])]


def job_pods(c, name: str) -> list[dict[str, Any]]:
    return c.store.list("Pod", "default", f"batch.kubernetes.io/job-name={name}")


def job_events(c, name: str) -> list[tuple[str, str, str]]:
    evs = [e for e in c.store.list("Event", "default")
           if e["involvedObject"]["kind"] == "Job" and e["involvedObject"]["name"] == name]
    evs.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["resourceVersion"].zfill(12)))
    return [(e["type"], e["reason"], e["message"]) for e in evs]


def run_until(c, predicate, limit: float = 600.0, step: float = 1.0) -> float:
    t = 0.0
    while t < limit:
        if predicate():
            return t
        c.advance_sync(step)
        t += step
    raise AssertionError("condition not reached")


def finished(c, name: str) -> bool:
    return any(t in ("Complete", "Failed") and s == "True" for t, s, _ in conds(c, name))


# ----------------------------------------------------------------------------- docs: pi
def test_pi_job_completes_like_the_docs():
    c = new_cluster()
    apply_object(c.store, pi_job())
    run_until(c, lambda: finished(c, "pi"))
    j = get_job(c, "pi")
    uid = j["metadata"]["uid"]
    # the strategy's generated selector and labels
    assert j["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    want_labels = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                   "controller-uid": uid, "job-name": "pi"}
    assert j["spec"]["template"]["metadata"]["labels"] == want_labels
    assert j["metadata"]["labels"] == want_labels
    assert conds(c, "pi") == [("SuccessCriteriaMet", "True", "CompletionsReached"),
                              ("Complete", "True", "CompletionsReached")]
    assert j["status"]["conditions"][1]["message"] == "Reached expected number of succeeded pods"
    r = row(c, "pi")
    assert (r["STATUS"], r["COMPLETIONS"]) == ("Complete", "1/1")
    st = j["status"]
    assert st["succeeded"] == 1 and "active" not in st and "failed" not in st
    assert st["ready"] == 0 and st["terminating"] == 0 and st["uncountedTerminatedPods"] == {}
    assert st["completionTime"] == j["status"]["conditions"][1]["lastTransitionTime"]
    assert parse_time(st["startTime"]) == parse_time(j["metadata"]["creationTimestamp"])
    pods = job_pods(c, "pi")
    assert len(pods) == 1
    pod = pods[0]
    assert re.fullmatch(r"pi-" + SUFFIX, pod["metadata"]["name"])
    assert pod["metadata"]["labels"] == want_labels
    ref = pod["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == ("Job", "pi", uid, True)
    assert pod["status"]["phase"] == "Succeeded"
    assert pod_status_reason(pod) == "Completed"
    logs = c.kubelets.logs(pod)
    assert logs and logs[0][1].startswith("3.14159")
    assert job_events(c, "pi") == [("Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"),
                                   ("Normal", "Completed", "Job completed")]
    # the Job is complete one batch period after the pod finished
    finished_at = parse_time(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"])
    assert 0 <= parse_time(st["completionTime"]) - finished_at <= 2


def test_failing_job_backs_off_10s_then_20s_then_backoff_limit_exceeded():
    c = new_cluster()
    apply_object(c.store, sh("fail", "exit 1", backoffLimit=2))
    run_until(c, lambda: finished(c, "fail"))
    pods = sorted(job_pods(c, "fail"), key=lambda p: p["metadata"]["creationTimestamp"])
    assert len(pods) == 3
    assert all(p["status"]["phase"] == "Failed" for p in pods)
    finish = [parse_time(p["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"]) for p in pods]
    created = [parse_time(p["metadata"]["creationTimestamp"]) for p in pods]
    assert created[1] - finish[0] == 10
    assert created[2] - finish[1] == 20
    assert conds(c, "fail") == [("FailureTarget", "True", "BackoffLimitExceeded"),
                                ("Failed", "True", "BackoffLimitExceeded")]
    st = get_job(c, "fail")["status"]
    assert st["failed"] == 3 and "succeeded" not in st and "completionTime" not in st
    assert st["conditions"][1]["message"] == "Job has reached the specified backoff limit"
    assert row(c, "fail")["STATUS"] == "Failed"
    assert job_events(c, "fail")[-1] == ("Warning", "BackoffLimitExceeded",
                                         "Job has reached the specified backoff limit")
    assert [e for e in job_events(c, "fail") if e[1] == "SuccessfulCreate"] == [
        ("Normal", "SuccessfulCreate", f"Created pod: {p['metadata']['name']}") for p in pods]
    # nothing more happens afterwards
    c.advance_sync(600)
    assert len(job_pods(c, "fail")) == 3


def test_backoff_record_doubles_and_caps():
    rec = BackoffRecord()
    fails = [{"metadata": {"creationTimestamp": "2026-01-01T00:00:00Z"}, "status": {"containerStatuses": [
        {"state": {"terminated": {"finishedAt": "2026-01-01T00:00:00Z"}}}]}}]
    delays = []
    for _ in range(9):
        rec = rec.updated([], fails)
        delays.append(rec.remaining(parse_time("2026-01-01T00:00:00Z")))
    assert delays == [10, 20, 40, 80, 160, 320, 600, 600, 600]
    assert rec.updated(fails, []).failures_after_last_success == 0


def test_restart_policy_on_failure_counts_container_restarts():
    c = new_cluster()
    apply_object(c.store, sh("crash", "exit 3", restart="OnFailure", backoffLimit=2))
    run_until(c, lambda: finished(c, "crash"))
    assert conds(c, "crash")[-1] == ("Failed", "True", "BackoffLimitExceeded")
    assert len(job_pods(c, "crash")) == 0 or all(p["metadata"].get("deletionTimestamp") or
                                                  p["status"]["phase"] == "Failed" for p in job_pods(c, "crash"))
    # one pod only: the kubelet restarted its container, the Job never re-created it
    creates = [e for e in job_events(c, "crash") if e[1] == "SuccessfulCreate"]
    assert len(creates) == 1
    assert get_job(c, "crash")["status"]["failed"] == 1


def test_parallelism_2_completions_5():
    c = new_cluster()
    apply_object(c.store, sh("par", "sleep 3", parallelism=2, completions=5))
    seen_active = set()

    def done():
        seen_active.add(sum(1 for p in job_pods(c, "par") if p["status"].get("phase") in ("Pending", "Running")))
        return finished(c, "par")

    run_until(c, done)
    assert max(seen_active) == 2
    st = get_job(c, "par")["status"]
    assert st["succeeded"] == 5
    assert row(c, "par")["COMPLETIONS"] == "5/5"
    pods = job_pods(c, "par")
    assert len(pods) == 5 and all(p["status"]["phase"] == "Succeeded" for p in pods)
    assert sum(1 for e in job_events(c, "par") if e[1] == "SuccessfulCreate") == 5


def test_work_queue_job_without_completions():
    c = new_cluster()
    apply_object(c.store, sh("queue", "sleep 2", parallelism=3))
    j = get_job(c, "queue")
    assert "completions" not in j["spec"] or j["spec"]["completions"] is None
    run_until(c, lambda: finished(c, "queue"))
    assert get_job(c, "queue")["status"]["succeeded"] == 3
    assert row(c, "queue")["COMPLETIONS"] == "3/1 of 3"


def test_indexed_job():
    c = new_cluster()
    apply_object(c.store, sh("idx", "echo index=$JOB_COMPLETION_INDEX; sleep 2", completions=4, parallelism=2,
                             completionMode="Indexed"))
    c.advance_sync(2)
    first = job_pods(c, "idx")
    assert sorted(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in first) == ["0", "1"]
    run_until(c, lambda: finished(c, "idx"))
    st = get_job(c, "idx")["status"]
    assert st["completedIndexes"] == "0-3" and st["succeeded"] == 4
    pods = job_pods(c, "idx")
    assert len(pods) == 4
    for p in pods:
        ix = p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
        assert p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] == ix
        assert re.fullmatch(rf"idx-{ix}-" + SUFFIX, p["metadata"]["name"])
        assert p["spec"]["hostname"] == f"idx-{ix}"
        env = p["spec"]["containers"][0]["env"]
        assert env == [{"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}}]
        assert c.kubelets.logs(p)[0][1] == f"index={ix}"


def test_indexed_job_replaces_a_failed_index_only():
    c = new_cluster()
    manifest = sh("flaky", 'if [ "$JOB_COMPLETION_INDEX" = "1" ] && [ ! -f /tmp/x ]; then exit 1; fi; sleep 1',
                  completions=3, parallelism=3, completionMode="Indexed", backoffLimit=1)
    apply_object(c.store, manifest)
    run_until(c, lambda: finished(c, "flaky"))
    # index 1 fails each time (every pod has a fresh filesystem): 2 failures > backoffLimit 1
    st = get_job(c, "flaky")["status"]
    assert st["completedIndexes"] == "0,2"
    assert st["failed"] == 2
    assert conds(c, "flaky")[-1] == ("Failed", "True", "BackoffLimitExceeded")
    names = [p["metadata"]["name"] for p in job_pods(c, "flaky")]
    assert sum(1 for n in names if n.startswith("flaky-1-")) == 2


def test_active_deadline_seconds():
    c = new_cluster()
    apply_object(c.store, sh("slow", "sleep 300", activeDeadlineSeconds=10, parallelism=2, completions=2))
    c.advance_sync(9)
    assert get_job(c, "slow")["status"]["active"] == 2
    c.advance_sync(1.5)
    # FailureTarget first, pods deleted; Failed once they are gone
    assert conds(c, "slow") == [("FailureTarget", "True", "DeadlineExceeded")]
    st = get_job(c, "slow")["status"]
    assert "active" not in st and st["terminating"] == 2 and st["failed"] == 2
    assert all(p["metadata"].get("deletionTimestamp") for p in job_pods(c, "slow"))
    run_until(c, lambda: finished(c, "slow"))
    assert conds(c, "slow") == [("FailureTarget", "True", "DeadlineExceeded"), ("Failed", "True", "DeadlineExceeded")]
    assert get_job(c, "slow")["status"]["conditions"][1]["message"] == "Job was active longer than specified deadline"
    evs = job_events(c, "slow")
    assert sum(1 for e in evs if e[1] == "SuccessfulDelete") == 2
    assert evs[-1] == ("Warning", "DeadlineExceeded", "Job was active longer than specified deadline")
    assert get_job(c, "slow")["status"]["terminating"] == 0


def test_suspend_and_resume():
    c = new_cluster()
    apply_object(c.store, sh("sus", "sleep 60", backoffLimit=0))
    c.advance_sync(10)
    started = get_job(c, "sus")["status"]["startTime"]
    c.store.patch("Job", "sus", "default", {"spec": {"suspend": True}})
    c.advance_sync(1)
    assert conds(c, "sus") == [("Suspended", "True", "JobSuspended")]
    assert row(c, "sus")["STATUS"] == "Suspended"
    assert all(p["metadata"].get("deletionTimestamp") for p in job_pods(c, "sus"))
    c.advance_sync(60)
    assert job_pods(c, "sus") == []
    st = get_job(c, "sus")["status"]
    assert "active" not in st and "failed" not in st  # pods removed by suspension do not count
    assert st["startTime"] == started
    c.store.patch("Job", "sus", "default", {"spec": {"suspend": False}})
    c.advance_sync(1)
    st = get_job(c, "sus")["status"]
    assert conds(c, "sus") == [("Suspended", "False", "JobResumed")]
    assert st["active"] == 1
    assert parse_time(st["startTime"]) > parse_time(started)
    run_until(c, lambda: finished(c, "sus"))
    assert conds(c, "sus")[-1] == ("Complete", "True", "CompletionsReached")
    reasons = [e[1] for e in job_events(c, "sus")]
    assert reasons == ["SuccessfulCreate", "SuccessfulDelete", "Suspended", "SuccessfulCreate", "Resumed", "Completed"]


def test_job_created_suspended_has_no_start_time():
    c = new_cluster()
    apply_object(c.store, sh("later", "sleep 1", suspend=True))
    c.advance_sync(5)
    st = get_job(c, "later")["status"]
    assert "startTime" not in st
    assert conds(c, "later") == [("Suspended", "True", "JobSuspended")]
    assert job_pods(c, "later") == []


def test_ttl_seconds_after_finished_deletes_job_and_pods():
    c = new_cluster()
    apply_object(c.store, sh("ttl", "sleep 1", ttlSecondsAfterFinished=30))
    run_until(c, lambda: finished(c, "ttl"))
    done = parse_time(get_job(c, "ttl")["status"]["completionTime"])
    assert len(job_pods(c, "ttl")) == 1
    run_until(c, lambda: c.store.try_get("Job", "ttl", "default") is None)
    assert c.clock.now() - done <= 32
    assert c.clock.now() - done >= 29
    c.advance_sync(1)
    assert job_pods(c, "ttl") == []


def test_deleted_running_pod_is_replaced_and_counted_failed():
    c = new_cluster()
    apply_object(c.store, sh("del", "sleep 20"))
    c.advance_sync(5)
    (pod,) = job_pods(c, "del")
    c.store.delete("Pod", pod["metadata"]["name"], "default")
    c.advance_sync(1.5)
    # podReplacementPolicy TerminatingOrFailed: a terminating pod counts as failed at once …
    st = get_job(c, "del")["status"]
    assert st["failed"] == 1 and st["terminating"] == 1 and "active" not in st
    # … and its replacement waits out the pod-failure back-off (10 s from the failure)
    c.advance_sync(8)
    assert [p for p in job_pods(c, "del") if not p["metadata"].get("deletionTimestamp")] == []
    c.advance_sync(1)
    active = [p for p in job_pods(c, "del") if not p["metadata"].get("deletionTimestamp")]
    assert len(active) == 1 and active[0]["metadata"]["name"] != pod["metadata"]["name"]
    assert parse_time(active[0]["metadata"]["creationTimestamp"]) - c.clock.now() >= -1
    run_until(c, lambda: finished(c, "del"))
    st = get_job(c, "del")["status"]
    assert (st["succeeded"], st["failed"]) == (1, 1)


def test_counters_survive_pod_deletion():
    c = new_cluster()
    apply_object(c.store, sh("keep", "sleep 1", completions=2, parallelism=1))
    run_until(c, lambda: (get_job(c, "keep")["status"].get("succeeded") or 0) >= 1)
    for p in job_pods(c, "keep"):
        if p["status"].get("phase") == "Succeeded":
            c.store.delete("Pod", p["metadata"]["name"], "default")
    run_until(c, lambda: finished(c, "keep"))
    assert get_job(c, "keep")["status"]["succeeded"] == 2


def test_pod_failure_policy_fail_job_and_ignore():
    c = new_cluster()
    policy = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]}
    apply_object(c.store, sh("pfp", "exit 42", backoffLimit=6, podFailurePolicy=policy))
    run_until(c, lambda: finished(c, "pfp"))
    st = get_job(c, "pfp")["status"]
    assert conds(c, "pfp") == [("FailureTarget", "True", "PodFailurePolicy"), ("Failed", "True", "PodFailurePolicy")]
    (pod,) = job_pods(c, "pfp")
    assert st["conditions"][0]["message"] == (f"Container main for pod default/{pod['metadata']['name']} failed with "
                                              "exit code 42 matching FailJob rule at index 0")
    ignore = {"rules": [{"action": "Ignore", "onExitCodes": {"operator": "In", "values": [7]}}]}
    apply_object(c.store, sh("ign", "if [ -f /x ]; then exit 0; fi; exit 7", backoffLimit=0, podFailurePolicy=ignore))
    c.advance_sync(60)
    st = get_job(c, "ign")["status"]
    assert "failed" not in st  # ignored failures do not count towards backoffLimit 0
    assert len(job_pods(c, "ign")) > 1


def test_match_pod_failure_policy_conditions():
    pod = {"metadata": {"name": "p", "namespace": "ns"},
           "status": {"conditions": [{"type": "DisruptionTarget", "status": "True"}]}}
    policy = {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]}
    assert match_pod_failure_policy(policy, pod) == (None, False, "Ignore")
    policy["rules"][0]["action"] = "FailJob"
    assert match_pod_failure_policy(policy, pod)[0] == \
        "Pod ns/p has condition DisruptionTarget matching FailJob rule at index 0"


def test_success_policy():
    c = new_cluster()
    script = 'if [ "$JOB_COMPLETION_INDEX" = "0" ]; then exit 0; fi; sleep 300'
    apply_object(c.store, sh("lead", script, completions=3, parallelism=3, completionMode="Indexed",
                             successPolicy={"rules": [{"succeededIndexes": "0"}]}))
    run_until(c, lambda: finished(c, "lead"), limit=200)
    assert conds(c, "lead") == [("SuccessCriteriaMet", "True", "SuccessPolicy"), ("Complete", "True", "SuccessPolicy")]
    st = get_job(c, "lead")["status"]
    assert st["conditions"][0]["message"] == "Matched rules at index 0"
    assert st["completedIndexes"] == "0" and st["succeeded"] == 1 and "failed" not in st


def test_scale_down_parallelism_deletes_pods():
    c = new_cluster()
    apply_object(c.store, sh("scale", "sleep 100", parallelism=3, completions=10))
    c.advance_sync(5)
    assert get_job(c, "scale")["status"]["active"] == 3
    c.store.patch("Job", "scale", "default", {"spec": {"parallelism": 1}})
    c.advance_sync(1)
    st = get_job(c, "scale")["status"]
    assert st["active"] == 1 and st["terminating"] == 2 and "failed" not in st


def test_interval_helpers():
    assert format_indexes(parse_indexes("0-2,4,6,7", 10)) == "0-2,4,6,7"
    assert format_indexes(merge_indexes(parse_indexes("0,2", 5), [1])) == "0-2"
    assert format_indexes(merge_indexes([], [3, 4])) == "3,4"
    assert parse_indexes("1-9", 5) == [(1, 4)]
