"""Controllers whose writes the apiserver refuses: errors are events, retries are rate-limited."""

from __future__ import annotations

import logging

import pytest

from k9play.clock import VirtualClock
from k9play.controllers import base
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster


def _failed_create(c, kind: str):
    return [e for e in c.store.list("Event", "default")
            if e["reason"] == "FailedCreate" and e["involvedObject"]["kind"] == kind]


def test_missing_priority_class_is_forbidden_and_retried_with_backoff():
    c = new_cluster()
    d = deployment("placeholder", replicas=1)
    d["spec"]["template"]["spec"]["priorityClassName"] = "low-priority"
    apply_object(c.store, d)
    c.advance_sync(30)
    assert c.store.list("Pod", "default") == []
    rs = c.store.list("ReplicaSet", "default")[0]
    [event] = _failed_create(c, "ReplicaSet")
    # admission names the pod by its generateName: the name is generated after mutating admission
    assert event["message"] == (f'Error creating: pods "{rs["metadata"]["name"]}-" is forbidden: '
                                "no PriorityClass with name low-priority was found")
    # client-go's per-item limiter: 5 ms doubling, so 30 s hold about a dozen attempts, not one per second
    assert 8 <= event["count"] <= 16
    cond = rs["status"]["conditions"][0]
    assert (cond["type"], cond["reason"]) == ("ReplicaFailure", "FailedCreate")
    apply_object(c.store, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                           "metadata": {"name": "low-priority"}, "value": -10})
    c.advance_sync(120)  # the next retry finds the class
    [p] = c.store.list("Pod", "default")
    assert p["spec"]["priority"] == -10 and p["status"]["phase"] == "Running"
    assert "conditions" not in c.store.get("ReplicaSet", rs["metadata"]["name"], "default")["status"]


def test_job_with_a_forbidden_pod_retries_with_backoff():
    c = new_cluster()
    apply_object(c.store, {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {
        "template": {"spec": {"restartPolicy": "Never", "priorityClassName": "nope",
                              "containers": [{"name": "c", "image": "busybox:1.28", "command": ["true"]}]}}}})
    c.advance_sync(30)
    [event] = _failed_create(c, "Job")
    assert event["message"] == 'Error creating: pods "j-" is forbidden: no PriorityClass with name nope was found'
    assert 8 <= event["count"] <= 16


def test_a_controller_that_triggers_itself_forever_is_deferred_not_frozen(caplog: pytest.LogCaptureFixture):
    clock = VirtualClock()
    runs: list[float] = []
    queue: base.WorkQueue

    def reconcile(key: str) -> None:
        runs.append(clock.now())
        queue.add(key)  # as if its own status write woke it up again

    queue = base.WorkQueue(clock, reconcile)
    queue.add("default/loop")
    with caplog.at_level(logging.CRITICAL, logger="k9play.controllers"):
        clock.advance_sync(1.0)
    assert runs.count(runs[0]) == base.HOT_LOOP_LIMIT
    assert len(runs) < 3 * base.HOT_LOOP_LIMIT  # later instants are rate-limited, the clock moved on
    assert clock.now() == runs[0] + 1.0
